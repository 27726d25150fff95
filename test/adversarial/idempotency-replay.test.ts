/**
 * Replays of an idempotent create (red team F4): the first 201 is answered again only to the very
 * request that made it. The key's fingerprint and the secret's marker leave the data out (nothing
 * derived from a secret value is stored beside the key), so a replay is confirmed against an HMAC
 * of the whole request keyed by the Idempotency-Key, kept on the secret (no decryption: create
 * functions cannot decrypt): another request body under the same key is a 422 whichever path answers it (the
 * Powertools record, or the marker on the secret when that record is gone or "in progress"), and
 * the marker counts only while the key lives (24 h); beyond, the name is taken: 409.
 */
import { createHash } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { headKey, versionKey, versionsOf } from '../../shared/store/keys.ts';
import { expectShapedError } from '../support/error-shape.ts';
import type { FaultProxy } from '../support/fault-proxy.ts';
import { type InProcessVault, startFaultyVault } from '../support/in-process-vault.ts';

const CALLER = 'idem-replay-bot';
/** The key's lifetime, as idempotent-deps.ts configures it. */
const KEY_LIFETIME_MS = 86_400_000;

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

const path = (name: string) => `/secrets/${encodeURIComponent(name)}`;
const call = (method: string, to: string, body?: unknown, key?: string) =>
  vault.call(token, method, to, body, key === undefined ? {} : { 'Idempotency-Key': key });

let counter = 0;
const uniqueName = (label: string) => `idem-replay/${label}-${Date.now().toString(36)}-${counter++}`;
const bodyFor = (name: string, data: Record<string, unknown>) => ({
  name,
  data,
  read_roles: [{ id: 'app' }],
  write_roles: [{ id: 'app' }],
});
const create = (name: string, key: string, data: Record<string, unknown>) =>
  call('POST', '/secrets', bodyFor(name, data), key);

type Reply = Awaited<ReturnType<typeof call>>;

/** The answer a clean first create of `name` gets (and every confirmed replay of it). */
function expectFirstResult(reply: Reply, name: string) {
  expect(reply.status, reply.text).toBe(201);
  expect(reply.json).toEqual({ name });
  expect(reply.headers.get('etag')).toBe('"1"');
}

function expectOtherRequest(reply: Reply) {
  expectShapedError(reply, 422, 'RULE_VIOLATION');
  expect(reply.text).toMatch(/Idempotency-Key/);
}

/** What the vault holds for `name`: its data and how many versions. */
async function stored(name: string) {
  const secret = await call('GET', path(name));
  expect(secret.status, secret.text).toBe(200);
  const versions = await call('GET', `/versions${path(name)}`);
  return { data: secret.json.data, version: secret.json.version, versions: versions.json.count };
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
/** The key's record is gone (expired, or never saved): only the marker on the secret is left. */
const forgetKey = (key: string) =>
  db.send(new DeleteCommand({ TableName: vault.runtime.tableName, Key: recordKey(key) }));

describe('a replay of an idempotent create is confirmed against the data it stored', () => {
  it('the same key with other data is a 422 and the stored data is unchanged (F4 repro)', async () => {
    const name = uniqueName('repro');
    expectFirstResult(await create(name, 'k1', { password: 'FIRST' }), name);
    expectOtherRequest(await create(name, 'k1', { password: 'SECOND' }));
    expect(await stored(name)).toEqual({ data: { password: 'FIRST' }, version: 1, versions: 1 });
  });

  it('a replay with identical data gets the first 201, also after the secret moved on', async () => {
    const name = uniqueName('same');
    const key = `key-${name}`;
    expectFirstResult(await create(name, key, { password: 'FIRST', user: 'u' }), name);
    expectFirstResult(await create(name, key, { password: 'FIRST', user: 'u' }), name);
    expect((await call('PUT', path(name), { data: { password: 'NEWER' } })).status).toBe(200);
    expectFirstResult(await create(name, key, { password: 'FIRST', user: 'u' }), name);
    expectOtherRequest(await create(name, key, { password: 'NEWER' }));
    expect(await stored(name)).toEqual({ data: { password: 'NEWER' }, version: 2, versions: 2 });
  });

  it('the same data with its keys in another order is another request: 422 (the vault keeps the bytes it was sent)', async () => {
    const name = uniqueName('order');
    const key = `key-${name}`;
    expectFirstResult(await create(name, key, { user: 'u', password: 'FIRST' }), name);
    expectOtherRequest(await create(name, key, { password: 'FIRST', user: 'u' }));
    const secret = await call('GET', path(name));
    expect(JSON.stringify(secret.json.data)).toBe('{"user":"u","password":"FIRST"}');
  });

  it('through the marker (the key record gone), other data is a 422 and the same data the first 201', async () => {
    const name = uniqueName('marker-gone');
    const key = `key-${name}`;
    expectFirstResult(await create(name, key, { password: 'FIRST' }), name);
    await forgetKey(key);
    expectOtherRequest(await create(name, key, { password: 'SECOND' }));
    expect(await record(key)).toBeUndefined();
    expectFirstResult(await create(name, key, { password: 'FIRST' }), name);
    expect(await stored(name)).toEqual({ data: { password: 'FIRST' }, version: 1, versions: 1 });
  });

  it('through the marker (the key left "in progress"), other data is a 422 and the same data the first 201', async () => {
    const name = uniqueName('marker-inprogress');
    const key = `key-${name}`;
    // The create commits but its result cannot be saved: the key stays "in progress".
    proxy.inject({ operation: 'UpdateItem', kind: 'throttle', count: Number.POSITIVE_INFINITY });
    expectFirstResult(await create(name, key, { password: 'FIRST' }), name);
    proxy.clear();
    expect((await record(key))?.status).toBe('INPROGRESS');
    expectOtherRequest(await create(name, key, { password: 'SECOND' }));
    expectFirstResult(await create(name, key, { password: 'FIRST' }), name);
    expect(await stored(name)).toEqual({ data: { password: 'FIRST' }, version: 1, versions: 1 });
  });

  it('a replay is confirmed without the data: after version 1 is pruned, the same data still gets the first 201, other data 422', async () => {
    const name = uniqueName('pruned');
    const key = `key-${name}`;
    expectFirstResult(await create(name, key, { password: 'FIRST' }), name);
    expect((await call('PUT', path(name), { data: { password: 'NEWER' } })).status).toBe(200);
    // Pruned, as the store prunes the oldest versions beyond the kept number.
    await db.send(new DeleteCommand({ TableName: vault.runtime.tableName, Key: versionKey({ name }, 1) }));
    expectFirstResult(await create(name, key, { password: 'FIRST' }), name);
    expectOtherRequest(await create(name, key, { password: 'OTHER' }));
    await forgetKey(key);
    expectFirstResult(await create(name, key, { password: 'FIRST' }), name);
    expectOtherRequest(await create(name, key, { password: 'OTHER' }));
    expect((await stored(name)).data).toEqual({ password: 'NEWER' });
  });

  it('the secret keeps no hash of its data anyone could test guesses against without the key', async () => {
    const name = uniqueName('no-plain-hash');
    const key = `key-${name}-${crypto.randomUUID()}`;
    expectFirstResult(await create(name, key, { password: 'guessable' }), name);
    const head = (
      await db.send(new GetCommand({ TableName: vault.runtime.tableName, Key: headKey({ name }) }))
    ).Item!;
    const bytes = Buffer.from(JSON.stringify({ password: 'guessable' }));
    const plain = [
      createHash('sha256').update(bytes).digest('base64url'),
      createHash('sha256').update(bytes).digest('hex'),
    ];
    expect(JSON.stringify(head)).not.toMatch(new RegExp(plain.join('|')));
    expect(typeof head.createCheck).toBe('string');
  });

  it('a marker older than the key lifetime is not honoured: the name is taken, 409', async () => {
    const name = uniqueName('old-marker');
    const key = `key-${name}`;
    expectFirstResult(await create(name, key, { password: 'FIRST' }), name);
    expect((await call('PUT', path(name), { data: { password: 'OTHER' } })).status).toBe(200);
    // A day and a bit later: the key's record has expired, the secret (made then) is still there.
    await forgetKey(key);
    await backdate(name, KEY_LIFETIME_MS + 60_000);
    const replay = await create(name, key, { password: 'FIRST' });
    expectShapedError(replay, 409, 'VALUE_DUPLICATE');
    expect(await stored(name)).toEqual({ data: { password: 'OTHER' }, version: 2, versions: 2 });
  });

  it('a marker just within the key lifetime is still honoured', async () => {
    const name = uniqueName('young-marker');
    const key = `key-${name}`;
    expectFirstResult(await create(name, key, { password: 'FIRST' }), name);
    await forgetKey(key);
    await backdate(name, KEY_LIFETIME_MS - 60_000);
    expectFirstResult(await create(name, key, { password: 'FIRST' }), name);
  });
});

/** Moves the secret's creation back by `ms`: its head's `created` and its versions' incarnation alike. */
async function backdate(name: string, ms: number) {
  const ref = { name };
  const head = (
    await db.send(
      new GetCommand({ TableName: vault.runtime.tableName, Key: headKey(ref), ConsistentRead: true }),
    )
  ).Item;
  const created = new Date(Date.parse(head?.created as string) - ms).toISOString();
  await db.send(
    new UpdateCommand({
      TableName: vault.runtime.tableName,
      Key: headKey(ref),
      UpdateExpression: 'SET created = :created',
      ExpressionAttributeValues: { ':created': created },
    }),
  );
  const versions = await db.send(
    new QueryCommand({
      TableName: vault.runtime.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
      ExpressionAttributeValues: { ':pk': versionsOf(ref), ':v': 'v#' },
      ConsistentRead: true,
    }),
  );
  for (const item of versions.Items ?? []) {
    await db.send(
      new UpdateCommand({
        TableName: vault.runtime.tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'SET incarnation = :created',
        ExpressionAttributeValues: { ':created': created },
      }),
    );
  }
}
