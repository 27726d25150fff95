/**
 * Idempotent creates under DynamoDB faults (issue 13 item 8): while DynamoDB fails, a create with
 * an Idempotency-Key answers a shaped 503 like one without; once it recovers, the retry with the
 * same key gets the first result (201, version 1) whichever call failed, and a key left "in
 * progress" by a failed or timed-out invocation never blocks it.
 */
import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectShapedError } from '../support/error-shape.ts';
import type { Fault, FaultProxy } from '../support/fault-proxy.ts';
import { type InProcessVault, startFaultyVault } from '../support/in-process-vault.ts';

const CALLER = 'idem-bot';
/** API Gateway's integration timeout, which the local server gives each invocation. */
const LAMBDA_TIMEOUT_MS = 29_000;

let vault: InProcessVault & { proxy: FaultProxy };
let proxy: FaultProxy;
let db: DynamoDBDocumentClient;
let token: string;

beforeAll(async () => {
  vault = await startFaultyVault();
  proxy = vault.proxy;
  token = await vault.issuer.mint({ sub: CALLER, scopes: ['vaultAdd', 'user', 'admin'], roles: ['app'] });
  db = vault.db;
});

afterAll(async () => {
  await vault?.close();
});

afterEach(() => proxy.clear());

const api = (
  method: string,
  path: string,
  options: { body?: unknown; key?: string | undefined; as?: string } = {},
) =>
  vault.call(options.as ?? token, method, path, options.body, {
    ...(options.key !== undefined && { 'Idempotency-Key': options.key }),
  });
type Reply = Awaited<ReturnType<typeof api>>;

let counter = 0;
const uniqueName = (label: string) => `idem-faults/${label}-${Date.now().toString(36)}-${counter++}`;
const bodyFor = (name: string) => ({
  name,
  data: { password: 'p' },
  read_roles: [{ id: 'app' }],
  write_roles: [{ id: 'app' }],
  description: 'made under faults',
});
const create = (name: string, key: string) => api('POST', '/secrets', { body: bodyFor(name), key });

/** What a clean first create of `name` answers. */
function expectFirstResult(reply: Reply, name: string) {
  expect(reply.status, reply.text).toBe(201);
  expect(reply.json).toEqual({ name });
  expect(reply.headers.get('etag')).toBe('"1"');
  expect(reply.headers.get('location')).toBe(`secrets/${encodeURIComponent(name)}`);
}

/** The secret exists once, at version 1, and its trail records its creation once. */
async function expectCreatedOnce(name: string) {
  const path = `/secrets/${encodeURIComponent(name)}`;
  const secret = await api('GET', path);
  expect(secret.status, secret.text).toBe(200);
  expect(secret.json).toMatchObject({ name, version: 1, data: { password: 'p' } });
  expect((await api('GET', `/versions${path}`)).json.count).toBe(1);
  const trail = await api('GET', `/audit?secret=${encodeURIComponent(name)}`);
  expect(trail.status, trail.text).toBe(200);
  expect(trail.json.items.filter((entry: { action: string }) => entry.action === 'create')).toHaveLength(1);
}

/** The Powertools record of a key: its sort key hashes the caller and the key, as the runner does. */
function recordKey(key: string) {
  const hashed = createHash('sha256')
    .update(JSON.stringify(`${CALLER}\u0000${key}`))
    .digest('base64');
  return { pk: 'IDEM#create', sk: `create#${hashed}` };
}
const record = async (key: string) =>
  (
    await db.send(
      new GetCommand({ TableName: vault.runtime.tableName, Key: recordKey(key), ConsistentRead: true }),
    )
  ).Item;

describe('idempotent create under DynamoDB faults', () => {
  it('with DynamoDB throttled, a create with an Idempotency-Key is a shaped 503 with Retry-After, as without a key', async () => {
    const name = uniqueName('throttled');
    proxy.inject({ operation: '*', kind: 'throttle', count: Number.POSITIVE_INFINITY });
    for (const key of [`key-${name}`, undefined]) {
      const reply = await api('POST', '/secrets', { body: bodyFor(name), key });
      expectShapedError(reply, 503, 'DATABASE_ERROR');
      expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    proxy.clear();
    expectFirstResult(await create(name, `key-${name}`), name);
    await expectCreatedOnce(name);
  });

  it('whichever DynamoDB call of the create fails first, the retry with the same key gets the first result', async () => {
    // How many DynamoDB calls a clean create with a key makes (the Powertools record's included).
    const clean = uniqueName('clean');
    const before = proxy.calls().length;
    expectFirstResult(await create(clean, `key-${clean}`), clean);
    const calls = proxy.calls().slice(before);
    expect(calls).toContain('PutItem');
    expect(calls).toContain('UpdateItem');

    // DynamoDB fails from the k-th call of the request on, until it recovers; or from the k-th call
    // on, calls still reach it (a write commits) but their answers are lost; or just one is.
    const faults = (k: number): { label: string; fault: Fault }[] => [
      {
        label: 'down',
        fault: { operation: '*', kind: k % 2 ? 'throttle' : 'internal', count: Infinity, after: k - 1 },
      },
      { label: 'lost', fault: { operation: '*', kind: 'lost', count: Infinity, after: k - 1 } },
      { label: 'lost-once', fault: { operation: '*', kind: 'lost', count: 1, after: k - 1 } },
    ];
    const outcomes: string[] = [];
    for (let k = 1; k <= calls.length; k++) {
      for (const { label, fault } of faults(k)) {
        const name = uniqueName(`k${k}-${label}`);
        const key = `key-${name}`;
        const where = `k=${k} (${calls[k - 1]}) ${label}`;
        proxy.inject(fault);
        const started = Date.now();
        const first = await create(name, key);
        proxy.clear();
        outcomes.push(`${k}:${calls[k - 1]}:${label}:${first.status}`);
        if (first.status === 201) expectFirstResult(first, name);
        else {
          expectShapedError(first, 503, 'DATABASE_ERROR');
          expect(Number(first.headers.get('retry-after')), where).toBeGreaterThan(0);
        }
        expectFirstResult(await create(name, key), name);
        expectFirstResult(await create(name, key), name);
        await expectCreatedOnce(name);
        // The key holds the first result, or is "in progress" no longer than the failed invocation ran.
        const left = await record(key);
        if (left?.status !== 'COMPLETED') {
          expect(left?.status, where).toBe('INPROGRESS');
          expect(left?.in_progress_expiration, where).toBeLessThanOrEqual(started + LAMBDA_TIMEOUT_MS + 1000);
        }
      }
    }
    console.log(
      `create with a key, DynamoDB failing at call k (k:call:fault:first answer): ${outcomes.join(' ')}`,
    );
  }, 300_000);

  it('an in-progress record expires with the invocation, not with the key', async () => {
    const name = uniqueName('expiry');
    const key = `key-${name}`;
    // The result cannot be saved: the key stays "in progress" as a killed invocation leaves it.
    proxy.inject({ operation: 'UpdateItem', kind: 'throttle', count: Number.POSITIVE_INFINITY });
    const started = Date.now();
    const first = await create(name, key);
    proxy.clear();
    // The create committed: its answer is the first result, not a 5xx for a write that happened.
    expectFirstResult(first, name);
    const left = await record(key);
    expect(left?.status).toBe('INPROGRESS');
    expect(left?.in_progress_expiration).toBeGreaterThan(started);
    expect(left?.in_progress_expiration).toBeLessThanOrEqual(Date.now() + LAMBDA_TIMEOUT_MS);
    // A retry while the record still says "in progress" is not a 409 either.
    expectFirstResult(await create(name, key), name);
    await expectCreatedOnce(name);
  });

  it.each([
    ['after the create committed', 'UpdateItem'],
    ['before the create committed', 'TransactWriteItems'],
  ])('a retry after an invocation timed out %s gets the first result', async (_when, failing) => {
    const name = uniqueName('timeout');
    const key = `key-${name}`;
    // The invocation dies at `failing` (DeleteItem too: nothing cleans up after it).
    proxy.inject({ operation: failing, kind: 'internal', count: Number.POSITIVE_INFINITY });
    proxy.inject({ operation: 'DeleteItem', kind: 'internal', count: Number.POSITIVE_INFINITY });
    await create(name, key);
    proxy.clear();
    expect((await record(key))?.status).toBe('INPROGRESS');
    // ...and its time ran out: the in-progress timestamp has passed.
    await db.send(
      new UpdateCommand({
        TableName: vault.runtime.tableName,
        Key: recordKey(key),
        UpdateExpression: 'SET in_progress_expiration = :past',
        ExpressionAttributeValues: { ':past': Date.now() - 1000 },
      }),
    );
    expectFirstResult(await create(name, key), name);
    expectFirstResult(await create(name, key), name);
    await expectCreatedOnce(name);
    expect((await record(key))?.status).toBe('COMPLETED');
  });

  it('the same key with another request is still a 422, and another caller reusing it a 409', async () => {
    const name = uniqueName('other');
    const key = `key-${name}`;
    proxy.inject({ operation: 'UpdateItem', kind: 'throttle', count: Number.POSITIVE_INFINITY });
    expectFirstResult(await create(name, key), name);
    proxy.clear();
    const other = await api('POST', '/secrets', { body: { ...bodyFor(name), description: 'other' }, key });
    expectShapedError(other, 422, 'RULE_VIOLATION');
    const withoutKey = await api('POST', '/secrets', { body: bodyFor(name) });
    expectShapedError(withoutKey, 409, 'VALUE_DUPLICATE');
    const someoneElse = await vault.issuer.mint({ sub: 'idem-other', scopes: ['vaultAdd'], roles: ['app'] });
    const reply = await api('POST', '/secrets', { body: bodyFor(name), key, as: someoneElse });
    expectShapedError(reply, 409, 'VALUE_DUPLICATE');
  });
});
