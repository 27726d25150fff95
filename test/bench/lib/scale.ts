/**
 * Scale: list and search pages with 1k, 10k and 100k secrets, their latency and the DynamoDB read
 * capacity they consume (ReturnConsumedCapacity on every call). A page must cost what it reads,
 * not the size of the table.
 */
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, LOCAL_AWS } from '../../../infra/local/dynamodb-local.ts';
import { listSecrets } from '../../../shared/domain/list-secrets.ts';
import type { VaultDeps } from '../../../shared/domain/ports.ts';
import { searchSecrets } from '../../../shared/domain/search-secrets.ts';
import { DynamoAuditLog } from '../../../shared/store/dynamo-audit-log.ts';
import { DynamoSecretStore } from '../../../shared/store/dynamo-secret-store.ts';
import { entryPk } from '../../../shared/store/keys.ts';
import { ListingIndex } from '../../../shared/store/listing-index.ts';
import { sample } from './stats.ts';

export interface ScaleRow {
  secrets: number;
  case: string;
  medianMs: number;
  rcu: number;
}

const manager = { userId: 'm', scopes: new Set(['vaultManage']), roles: new Set<string>() };
const teamUser = { userId: 'u', scopes: new Set(['user']), roles: new Set(['team']) };

/** A document client that asks for consumed capacity on every call and adds it up. */
function meteredClient(endpoint: string) {
  const base = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  const meter = { rcu: 0 };
  base.middlewareStack.add(
    (next) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (
        result.output as { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> }
      ).ConsumedCapacity;
      for (const unit of Array.isArray(consumed) ? consumed : consumed ? [consumed] : [])
        meter.rcu += unit.CapacityUnits ?? 0;
      return result;
    },
    { step: 'initialize', name: 'meter' },
  );
  return { db: DynamoDBDocumentClient.from(base), meter, base };
}

async function seed(db: DynamoDBDocumentClient, table: string, size: number): Promise<void> {
  const now = new Date().toISOString();
  const entry = (i: number, pk: string) => {
    const name = `app-${String(i).padStart(6, '0')}/${i % 100 === 0 ? 'needle' : 'hay'}`;
    return {
      pk,
      sk: name,
      name,
      readRoles: ['team'],
      writeRoles: [],
      author: 'seed',
      updatedBy: 'seed',
      created: now,
      updated: now,
      version: 1,
      tags: [],
    };
  };
  const items = Array.from({ length: size }, (_, i) => entry(i, entryPk({ kind: 'shared' })));
  // The role listing a user reads holds 100 secrets whatever the table's size.
  items.push(...Array.from({ length: 100 }, (_, i) => entry(i, entryPk({ kind: 'role', roleId: 'team' }))));
  const batches: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  const worker = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let pending = batch.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const { UnprocessedItems } = await db.send(
          new BatchWriteCommand({ RequestItems: { [table]: pending } }),
        );
        pending = (UnprocessedItems?.[table] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  // Written behind the store's back: the rebuild counts the entries and builds the listing's
  // directory and counter, as for a migrated table.
  await new ListingIndex(db, table).rebuild({ kind: 'shared' });
}

export async function measureScale(
  dynamoEndpoint: string,
  sizes: number[],
  iterations: number,
): Promise<{ rows: ScaleRow[]; seedSeconds: number }> {
  const rows: ScaleRow[] = [];
  let seedSeconds = 0;
  for (const size of sizes) {
    const table = `bench-scale-${size}`;
    // No stream: nothing here publishes events, and DynamoDB Local would keep 100k stream records.
    await ensureTable(dynamoEndpoint, table, { stream: false });
    const { db, meter, base } = meteredClient(dynamoEndpoint);
    const started = performance.now();
    await seed(db, table, size);
    seedSeconds += (performance.now() - started) / 1000;
    const deps = {
      secrets: new DynamoSecretStore(db, {
        tableName: table,
        maxVersions: 10,
        expiryWarningSeconds: 0,
        trail: new DynamoAuditLog(db, { tableName: table, retentionDays: 1 }),
      }),
    } as unknown as VaultDeps;
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['list, first page (manager)', () => listSecrets(deps, manager, { offset: 0, limit: 100 })],
      ['list, page at offset 900 (manager)', () => listSecrets(deps, manager, { offset: 900, limit: 100 })],
      ['list, middle page (manager)', () => listSecrets(deps, manager, { offset: size / 2, limit: 100 })],
      ['list, last page (manager)', () => listSecrets(deps, manager, { offset: size - 100, limit: 100 })],
      [
        'search, one role of 100 secrets (user)',
        () => searchSecrets(deps, teamUser, { filter: 'shared' }, { offset: 0, limit: 100 }),
      ],
      [
        'search by keyword, all shared (manager)',
        () => searchSecrets(deps, manager, { keywords: 'needle' }, { offset: 0, limit: 100 }),
      ],
    ];
    for (const [label, run] of cases) {
      meter.rcu = 0;
      await run();
      const rcu = meter.rcu;
      // A keyword search reads the whole listing: slow by design at 10k and 100k, fewer samples there.
      const readsListing = label.includes('keyword');
      const timing = await sample(size >= 10_000 && readsListing ? 3 : iterations, run, 1);
      rows.push({ secrets: size, case: label, medianMs: timing.median, rcu });
    }
    await base.send(new DeleteTableCommand({ TableName: table }));
    base.destroy();
  }
  return { rows, seedSeconds };
}
