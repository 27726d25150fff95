/**
 * The cost of verifying the audit trail (issue 15): a table of --entries audit entries (default
 * 100,000) in lanes of --per-lane entries, the first digest sealing them all, then one full
 * verification: its time and the read units DynamoDB reports for it. A benchmark, not a test.
 *   node test/bench/audit-verify.ts [--entries 100000] [--per-lane 10]
 * The entries are written as the vault writes them (same attributes, day index, TTL, real hash
 * chains), straight into DynamoDB Local with batch writes.
 */

import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, LOCAL_AWS, startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { KeyPairDigestSigner } from '../../shared/audit/key-pair-signer.ts';
import { sealTrail } from '../../shared/audit/seal.ts';
import { verifyAudit } from '../../shared/audit/verify.ts';
import { type AuditRecord, nextRecord } from '../../shared/domain/audit.ts';
import { DynamoAuditLanes } from '../../shared/store/dynamo-audit-lanes.ts';
import { AUDIT_LANES, auditPk, auditSk } from '../../shared/store/keys.ts';
import { AUDIT_INDEX, TTL_ATTRIBUTE } from '../../shared/store/table.ts';
import { MemoryDigestStore } from '../support/memory-audit.ts';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000' },
    'per-lane': { type: 'string', default: '10' },
  },
});
const entries = Number(values.entries);
const perLane = Number(values['per-lane']);
const TABLE = 'bench-audit';

const dynamo = await startDynamoDbLocal();
const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
// Every read asks for its consumed capacity, summed here: the figure AWS would bill.
const consumed = { units: 0, calls: 0, byCommand: {} as Record<string, number> };
client.middlewareStack.add(
  (next, context) => async (args) => {
    const input = args.input as Record<string, unknown>;
    input.ReturnConsumedCapacity = 'TOTAL';
    const result = await next(args);
    const output = result.output as { ConsumedCapacity?: { CapacityUnits?: number } };
    const units = output.ConsumedCapacity?.CapacityUnits ?? 0;
    consumed.units += units;
    consumed.calls++;
    consumed.byCommand[context.commandName ?? '?'] =
      (consumed.byCommand[context.commandName ?? '?'] ?? 0) + units;
    return result;
  },
  { step: 'initialize', name: 'countCapacity' },
);
const db = DynamoDBDocumentClient.from(client);

try {
  await ensureTable(dynamo.endpoint, TABLE, { stream: false });
  const started = Date.now();
  const items: Record<string, unknown>[] = [];
  for (let lane = 0; lane * perLane < entries; lane++) {
    const secret = { name: `secret-${Math.floor(lane / AUDIT_LANES)}` };
    const pk = auditPk(secret, lane % AUDIT_LANES);
    let previous: AuditRecord | undefined;
    for (let i = 0; i < perLane && lane * perLane + i < entries; i++) {
      const at = new Date(started - (perLane - i) * 1000).toISOString();
      const event = {
        action: 'read' as const,
        outcome: 'success' as const,
        secret,
        actor: 'bench',
        version: 1,
      };
      previous = nextRecord(
        { ...event, traceId: `t-${lane}-${i}`, sourceIp: '127.0.0.1', at },
        previous,
        lane % AUDIT_LANES,
      );
      items.push({
        pk,
        sk: auditSk(previous.seq),
        ...previous,
        [AUDIT_INDEX.partitionKey]: `D#${at.slice(0, 10)}`,
        [AUDIT_INDEX.sortKey]: `${at}#${pk}#${previous.seq}`,
        [TTL_ATTRIBUTE]: Math.floor(started / 1000) + 365 * 86_400,
      });
    }
  }
  for (let i = 0; i < items.length; i += 25)
    await db.send(
      new BatchWriteCommand({
        RequestItems: { [TABLE]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  console.log(`${items.length} entries in ${Math.ceil(entries / perLane)} lanes written`);

  const lanes = new DynamoAuditLanes(db, { tableName: TABLE });
  const signer = new KeyPairDigestSigner();
  const digests = new MemoryDigestStore();
  const measure = async <T>(label: string, run: () => Promise<T>) => {
    Object.assign(consumed, { units: 0, calls: 0, byCommand: {} });
    const begin = performance.now();
    const result = await run();
    const seconds = (performance.now() - begin) / 1000;
    const split = Object.entries(consumed.byCommand).map(
      ([command, units]) => `${command} ${units.toFixed(0)}`,
    );
    console.log(
      `${label}: ${seconds.toFixed(1)} s, ${consumed.units.toFixed(0)} read units (${split.join(', ')}) in ${consumed.calls} calls`,
    );
    return result;
  };
  const sealed = await measure('first seal (table scan, every head)', () =>
    sealTrail({ lanes, digests, signer, clock: { now: () => new Date() } }),
  );
  console.log(`digest 1: ${sealed.digest.lanes.length} lanes`);
  const report = await measure('verify (scan for lanes, every lane by sequence)', async () =>
    verifyAudit({
      digests: await digests.list(),
      publicKeySpkiDer: signer.publicKeySpkiDer,
      lanes,
      now: new Date(),
      retentionDays: 365,
      digestIntervalMinutes: 15,
    }),
  );
  console.log(
    `report: ok ${report.ok}, ${report.lanes} lanes, ${report.entries} entries, ${report.problems.length} problems`,
  );
} finally {
  client.destroy();
  await dynamo.close();
}
