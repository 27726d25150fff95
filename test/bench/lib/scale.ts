/**
 * Scale: list pages and searches with 1k, 10k and 100k shared secrets, their latency and the
 * DynamoDB capacity they consume (ReturnConsumedCapacity on every call), and what a write pays for
 * the listing directory and the warm search index. A page must cost what it reads, not the size of
 * the table; a manager's keyword search what changed since the last one.
 *
 * Capacity of a case is that of its first call on a fresh store (a function instance that has read
 * nothing yet: no group layout, no warm search copy), unless the case says warm; latency is the
 * median of repeated calls on one store. Transactions are counted as DynamoDB Local reports them
 * (one unit per item); AWS bills a transactional write twice, which the section adds.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, LOCAL_AWS } from '../../../infra/local/dynamodb-local.ts';
import { createSecret } from '../../../shared/domain/create-secret.ts';
import { deleteSecret } from '../../../shared/domain/delete-secret.ts';
import { listSecrets } from '../../../shared/domain/list-secrets.ts';
import type { Caller } from '../../../shared/domain/model.ts';
import type { VaultDeps } from '../../../shared/domain/ports.ts';
import { searchSecrets } from '../../../shared/domain/search-secrets.ts';
import { updateSecret } from '../../../shared/domain/update-secret.ts';
import { DynamoAuditLog } from '../../../shared/store/dynamo-audit-log.ts';
import { DynamoSecretStore } from '../../../shared/store/dynamo-secret-store.ts';
import { entryPk } from '../../../shared/store/keys.ts';
import { ListingIndex } from '../../../shared/store/listing-index.ts';
import { sample, samplePair } from './stats.ts';

// A collection before and after the warm copy's load, so its heap figure is what it keeps.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface ScaleRow {
  secrets: number;
  case: string;
  medianMs: number;
  rcu: number;
  /**
   * Write cases: the items of the write's transaction, and those of them in the listing directory
   * (counter, bucket, group). DynamoDB Local reports 2 units for any transaction, whatever it
   * holds, so items are counted instead: AWS bills 2 write units per item under 1 KB.
   */
  transactionItems?: number;
  directoryItems?: number;
  /** Cases over several offsets: the largest first-call capacity among them (`rcu` is their mean). */
  maxRcu?: number;
  /** The smallest size's same case, timed in alternation with this one. */
  besideMs?: number;
  besideOf?: number;
}

export interface ScaleResult {
  rows: ScaleRow[];
  seedSeconds: number;
  /** Heap the warm search copy of the largest listing took, in MB (approximate: no forced GC). */
  warmCopyMb: number;
  /** Distinct lower-cased trigrams per seeded name: what an n-gram index would write per secret. */
  trigrams: { mean: number; max: number };
}

const manager: Caller = {
  userId: 'm',
  scopes: new Set(['vaultManage', 'admin', 'vaultAdd']),
  roles: new Set(),
};
const teamUser: Caller = { userId: 'u', scopes: new Set(['user']), roles: new Set(['team']) };
const owner: Caller = { userId: 'o', scopes: new Set(['user']), roles: new Set() };

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);

/** A document client that asks for consumed capacity on every call and adds it up, reads apart from writes. */
function meteredClient(endpoint: string) {
  const base = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  const meter = { rcu: 0, transactionItems: 0, directoryItems: 0 };
  base.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      for (const item of (input.TransactItems as Array<Record<string, { Key?: any; Item?: any }>>) ?? []) {
        const action = Object.values(item)[0];
        const pk = (action?.Key ?? action?.Item)?.pk;
        meter.transactionItems++;
        if (String(typeof pk === 'string' ? pk : pk?.S).startsWith('C#')) meter.directoryItems++;
      }
      const result = await next(args);
      const consumed = (
        result.output as { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> }
      ).ConsumedCapacity;
      if (READS.has(context.commandName ?? ''))
        for (const unit of Array.isArray(consumed) ? consumed : consumed ? [consumed] : [])
          meter.rcu += unit.CapacityUnits ?? 0;
      return result;
    },
    { step: 'initialize', name: 'meter' },
  );
  const db = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  return { db, meter, base };
}

const seedName = (i: number) => `app-${String(i).padStart(6, '0')}/${i % 100 === 0 ? 'needle' : 'hay'}`;

async function seed(db: DynamoDBDocumentClient, table: string, size: number): Promise<void> {
  const now = new Date().toISOString();
  const entry = (i: number, pk: string) => ({
    pk,
    sk: seedName(i),
    name: seedName(i),
    readRoles: ['team'],
    writeRoles: [],
    author: 'seed',
    updatedBy: 'seed',
    created: now,
    updated: now,
    version: 1,
    tags: [],
  });
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
  // two-level directory and counter, as the backfill does for a migrated table.
  await new ListingIndex(db, table).rebuild({ kind: 'shared' });
}

function trigramsOf(names: readonly string[]) {
  const counts = names.map((name) => {
    const lower = name.toLowerCase();
    const grams = new Set<string>();
    for (let i = 0; i + 3 <= lower.length; i++) grams.add(lower.slice(i, i + 3));
    return grams.size;
  });
  return { mean: counts.reduce((a, b) => a + b, 0) / counts.length, max: Math.max(...counts) };
}

/** Deterministic offsets spread over the listing (a small LCG: the same ones every run). */
const offsetsIn = (size: number, n: number) =>
  Array.from({ length: n }, (_, i) => ((i + 1) * 2_654_435_761) % Math.max(1, size - 100));

export async function measureScale(
  dynamoEndpoint: string,
  sizes: number[],
  iterations: number,
): Promise<ScaleResult> {
  const rows: ScaleRow[] = [];
  let seedSeconds = 0;
  let warmCopyMb = 0;
  /** The smallest size's warm keyword search, kept to alternate with the larger ones' (same load on both). */
  let baseline: { size: number; run: () => Promise<unknown>; close: () => Promise<void> } | undefined;
  for (const size of sizes) {
    const table = `bench-scale-${size}`;
    // No stream: nothing here publishes events, and DynamoDB Local would keep 100k stream records.
    await ensureTable(dynamoEndpoint, table, { stream: false });
    const { db, meter, base } = meteredClient(dynamoEndpoint);
    const started = performance.now();
    await seed(db, table, size);
    seedSeconds += (performance.now() - started) / 1000;
    const depsOf = (): VaultDeps => {
      const audit = new DynamoAuditLog(db, { tableName: table, retentionDays: 1 });
      return {
        secrets: new DynamoSecretStore(db, {
          tableName: table,
          maxVersions: 10,
          expiryWarningSeconds: 0,
          trail: audit,
        }),
        audit,
        // Writes here measure the store and the index, not envelope encryption.
        cipher: {
          seal: async (plaintext: Uint8Array) => plaintext,
          open: async (sealed: Uint8Array) => sealed,
        },
        clock: { now: () => new Date() },
      };
    };
    const deps = depsOf();
    const reset = () => Object.assign(meter, { rcu: 0, transactionItems: 0, directoryItems: 0 });
    const firstCall = async (run: (fresh: VaultDeps) => Promise<unknown>) => {
      const fresh = depsOf();
      reset();
      await run(fresh);
      return { ...meter };
    };
    const measure = async (label: string, run: (on: VaultDeps) => Promise<unknown>, times = iterations) => {
      const cost = await firstCall(run);
      const timing = await sample(times, () => run(deps), 1);
      rows.push({ secrets: size, case: label, medianMs: timing.median, rcu: cost.rcu });
    };
    const page = (offset: number) => (on: VaultDeps) => listSecrets(on, manager, { offset, limit: 100 });
    await measure('list, first page (manager)', page(0));
    await measure('list, page at offset 900 (manager)', page(900));
    await measure('list, middle page (manager)', page(size / 2));
    await measure('list, last page (manager)', page(size - 100));
    const offsets = offsetsIn(size, 20);
    const costs: number[] = [];
    for (const offset of offsets) costs.push((await firstCall(page(offset))).rcu);
    const spreadTiming = await sample(
      iterations,
      () => page(offsets[Math.floor(Math.random() * 20)] as number)(deps),
      1,
    );
    rows.push({
      secrets: size,
      case: 'list, 20 pages at spread offsets (manager): mean, max',
      medianMs: spreadTiming.median,
      rcu: costs.reduce((a, b) => a + b, 0) / costs.length,
      maxRcu: Math.max(...costs),
    });
    await measure('search, one role of 100 secrets (user)', (on) =>
      searchSecrets(on, teamUser, { filter: 'shared' }, { offset: 0, limit: 100 }),
    );

    // A manager's keyword search: the first one of a function instance loads the listing, the
    // next ones read the counter and groups, and after writes elsewhere what those changed.
    const keyword = (on: VaultDeps) =>
      searchSecrets(on, manager, { keywords: 'needle' }, { offset: 0, limit: 100 });
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const coldStarted = performance.now();
    const cold = await firstCall(keyword);
    const coldMs = performance.now() - coldStarted;
    rows.push({
      secrets: size,
      case: 'search by keyword, all shared (manager): first of an instance',
      medianMs: coldMs,
      rcu: cold.rcu,
    });
    await keyword(deps);
    gc();
    if (size === Math.max(...sizes)) warmCopyMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    reset();
    await keyword(deps);
    const warmRcu = meter.rcu;
    const [warm, beside] = baseline
      ? await samplePair(iterations, () => keyword(deps), baseline.run, 1)
      : [await sample(iterations, () => keyword(deps), 1), undefined];
    rows.push({
      secrets: size,
      case: 'search by keyword, all shared (manager): warm',
      medianMs: warm.median,
      rcu: warmRcu,
      ...(beside && baseline && { besideMs: beside.median, besideOf: baseline.size }),
    });
    // Ten secrets spread over the listing, so they land in ten different groups.
    const writer = depsOf();
    for (let i = 0; i < 10; i++)
      await createSecret(writer, manager, {
        ref: { name: `${seedName(Math.floor((i * size) / 10))}-new` },
        data: { v: i },
        readRoles: [],
        writeRoles: [],
      });
    reset();
    const afterStarted = performance.now();
    await keyword(deps);
    rows.push({
      secrets: size,
      case: 'search by keyword (manager): warm, after 10 creates on another instance',
      medianMs: performance.now() - afterStarted,
      rcu: meter.rcu,
    });

    // What writes pay: a shared secret's (counter, bucket and group; an update moves the bucket's
    // and group's change counters) beside a personal one's (its update moves nothing there).
    const writeCase = async (label: string, run: (i: number) => Promise<unknown>, times = iterations) => {
      let n = 0;
      reset();
      await run(n++);
      const cost = { ...meter };
      const timing = await sample(times, () => run(n++), 0);
      rows.push({
        secrets: size,
        case: label,
        medianMs: timing.median,
        rcu: cost.rcu,
        transactionItems: cost.transactionItems,
        directoryItems: cost.directoryItems,
      });
    };
    // No roles: a shared secret then has one listing entry, as a personal one does.
    const body = { data: { v: 1 }, readRoles: [], writeRoles: [] };
    // One more create than deletes: the first secret stays for the updates.
    await writeCase(
      'write: create a shared secret',
      (i) => createSecret(deps, manager, { ref: { name: `s-${i}` }, ...body }),
      iterations + 1,
    );
    // Updates, shared and personal in alternation: the change counters are the difference.
    await createSecret(deps, owner, { ref: { name: 'p-0', ownerId: 'o' }, ...body });
    const updateShared = () =>
      updateSecret(deps, manager, { name: 's-0' }, { description: `${Math.random()}` });
    const updatePersonal = () =>
      updateSecret(deps, owner, { name: 'p-0', ownerId: 'o' }, { description: `${Math.random()}` });
    const costOf = async (run: () => Promise<unknown>) => {
      reset();
      await run();
      return { ...meter };
    };
    const [sharedCost, personalCost] = [await costOf(updateShared), await costOf(updatePersonal)];
    const [sharedTime, personalTime] = await samplePair(iterations, updateShared, updatePersonal, 1);
    for (const [label, cost, time] of [
      ['write: update a shared secret', sharedCost, sharedTime],
      ['write: update a personal secret (baseline: no change counters)', personalCost, personalTime],
    ] as const)
      rows.push({ secrets: size, case: label, medianMs: time.median, ...cost });
    await writeCase('write: delete a shared secret', (i) =>
      deleteSecret(deps, manager, { name: `s-${i + 1}` }),
    );

    const close = async () => {
      await base.send(new DeleteTableCommand({ TableName: table }));
      base.destroy();
    };
    if (baseline) await close();
    else baseline = { size, run: () => keyword(deps), close };
  }
  await baseline?.close();
  const names = Array.from({ length: Math.max(...sizes) }, (_, i) => seedName(i));
  return { rows, seedSeconds, warmCopyMb, trigrams: trigramsOf(names) };
}
