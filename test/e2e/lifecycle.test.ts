import { beforeAll, describe, expect, it } from 'vitest';
import { expectShapedError } from '../support/error-shape.ts';
import { call, token, uniqueName } from '../support/http.ts';
import { USERS } from '../support/users.ts';

let adder: string;
let reader: string;
let writer: string;
let manager: string;
let admin: string;

beforeAll(async () => {
  adder = await token(USERS.adder);
  reader = await token(USERS.reader);
  writer = await token(USERS.writer);
  manager = await token(USERS.manager);
  admin = await token(USERS.admin);
});

const path = (name: string) => `/secrets/${encodeURIComponent(name)}`;

async function create(name: string, extra: Record<string, unknown> = {}) {
  const reply = await call('POST', '/secrets', {
    token: adder,
    body: {
      name,
      data: { v: 1 },
      read_roles: [{ id: 'readers' }],
      write_roles: [{ id: 'writers' }],
      ...extra,
    },
  });
  expect(reply.status, reply.text).toBe(201);
  return reply;
}

describe('versions', () => {
  it('every write is a version; old versions stay readable; history lists them newest first without data', async () => {
    const name = uniqueName('versions');
    const created = await create(name);
    expect(created.headers.get('etag')).toBe('"1"');
    for (const v of [2, 3]) {
      const reply = await call('PUT', path(name), { token: writer, body: { data: { v } } });
      expect(reply.headers.get('etag')).toBe(`"${v}"`);
    }
    const current = await call('GET', path(name), { token: reader });
    expect(current.json).toMatchObject({ version: 3, data: { v: 3 } });
    expect(current.headers.get('etag')).toBe('"3"');
    expect((await call('GET', `${path(name)}?version=1`, { token: reader })).json).toMatchObject({
      version: 1,
      data: { v: 1 },
    });
    expect((await call('GET', `${path(name)}?version=2`, { token: reader })).json).toMatchObject({
      version: 2,
      data: { v: 2 },
    });
    expectShapedError(
      await call('GET', `${path(name)}?version=9`, { token: reader }),
      404,
      'OBJECT_NOT_FOUND',
    );
    expectShapedError(
      await call('GET', `${path(name)}?version=zero`, { token: reader }),
      400,
      'VALUE_INCORRECT_TYPE',
    );

    const history = await call('GET', `/versions${path(name)}`, { token: reader });
    expect(history.status).toBe(200);
    expect(history.json.count).toBe(3);
    expect(history.json.items.map((item: { version: number }) => item.version)).toEqual([3, 2, 1]);
    expect(history.json.items[0]).toMatchObject({ author: 'walt', data_version: 3 });
    expect(history.text).not.toContain('"v"');
  });

  it('keeps at most the configured number of versions (10 locally), pruning the oldest', async () => {
    const name = uniqueName('pruned');
    await create(name);
    for (let v = 2; v <= 12; v++) await call('PUT', path(name), { token: writer, body: { data: { v } } });
    const history = await call('GET', `/versions${path(name)}?limit=100`, { token: reader });
    expect(history.json.count).toBe(10);
    expect(history.json.items.at(-1).version).toBe(3);
    expectShapedError(
      await call('GET', `${path(name)}?version=2`, { token: reader }),
      404,
      'OBJECT_NOT_FOUND',
    );
  });
});

describe('optimistic concurrency', () => {
  it('If-Match with a stale ETag is a 412 and changes nothing; the current one succeeds', async () => {
    const name = uniqueName('if-match');
    await create(name);
    await call('PUT', path(name), { token: writer, body: { data: { v: 2 } } });
    const stale = await call('PUT', path(name), {
      token: writer,
      body: { data: { v: 'stale' } },
      headers: { 'If-Match': '"1"' },
    });
    expectShapedError(stale, 412, 'PRECONDITION_FAILED');
    expect((await call('GET', path(name), { token: reader })).json.data).toEqual({ v: 2 });
    const fresh = await call('PUT', path(name), {
      token: writer,
      body: { data: { v: 3 } },
      headers: { 'If-Match': '"2"' },
    });
    expect(fresh.status).toBe(200);
    expectShapedError(
      await call('DELETE', path(name), { token: admin, headers: { 'If-Match': 'W/"2"' } }),
      412,
      'PRECONDITION_FAILED',
    );
    expectShapedError(
      await call('PUT', path(name), {
        token: writer,
        body: { data: {} },
        headers: { 'If-Match': 'yesterday' },
      }),
      400,
      'VALUE_INCORRECT_FORMAT',
    );
  });

  it('If-None-Match: * on create is a 412 when the name exists', async () => {
    const name = uniqueName('if-none-match');
    await create(name);
    const again = await call('POST', '/secrets', {
      token: adder,
      body: { name, data: {} },
      headers: { 'If-None-Match': '*' },
    });
    expectShapedError(again, 412, 'PRECONDITION_FAILED');
  });
});

describe('soft delete and restore', () => {
  it('a deleted secret is unreadable and unlisted, and restores with its versions', async () => {
    const name = uniqueName('soft');
    await create(name);
    await call('PUT', path(name), { token: writer, body: { data: { v: 2 } } });
    const deleted = await call('DELETE', `${path(name)}?recovery_window_days=10`, { token: admin });
    expect(deleted.status).toBe(200);
    const purgeAt = Date.parse(deleted.json.purge_at);
    expect(purgeAt - Date.now()).toBeGreaterThan(9.9 * 86_400_000);
    expect(purgeAt - Date.now()).toBeLessThan(10.1 * 86_400_000);

    expectShapedError(await call('GET', path(name), { token: reader }), 404, 'OBJECT_NOT_FOUND');
    const search = await call('POST', '/search/secrets', { token: manager, body: { keywords: name } });
    expect(search.json.count).toBe(0);
    expectShapedError(
      await call('POST', `/restore${path(name)}`, { token: reader }),
      403,
      'PERMISSION_DENIED',
    );
    const restored = await call('POST', `/restore${path(name)}`, { token: manager });
    expect(restored.status).toBe(200);
    expect((await call('GET', path(name), { token: reader })).json).toMatchObject({
      version: 2,
      data: { v: 2 },
    });
    expect((await call('GET', `${path(name)}?version=1`, { token: reader })).json.data).toEqual({ v: 1 });
    expect(
      (await call('POST', '/search/secrets', { token: manager, body: { keywords: name } })).json.count,
    ).toBe(1);
    expectShapedError(await call('POST', `/restore${path(name)}`, { token: manager }), 422, 'RULE_VIOLATION');
  });

  it('frees the name at once (as PrivX): a create after a delete is a new secret numbered on from the old', async () => {
    const name = uniqueName('again');
    await create(name);
    await call('PUT', path(name), { token: writer, body: { data: { v: 2 } } });
    expect((await call('DELETE', path(name), { token: admin })).status).toBe(200);
    const again = await call('POST', '/secrets', {
      token: adder,
      body: { name, data: { v: 'new' }, read_roles: [{ id: 'readers' }] },
    });
    expect(again.status, again.text).toBe(201);
    expect((await call('GET', path(name), { token: reader })).json).toMatchObject({
      version: 3,
      data: { v: 'new' },
    });
    expect((await call('GET', `${path(name)}?version=2`, { token: reader })).json.data).toEqual({ v: 2 });
    const refused = await call('POST', `/restore${path(name)}`, { token: manager });
    expectShapedError(refused, 422, 'RULE_VIOLATION');

    const alice = await token(USERS.alice);
    const personal = `/user/alice/secrets/${encodeURIComponent(name)}`;
    await call('POST', '/user/alice/secrets', { token: alice, body: { name, data: { mine: 1 } } });
    expect((await call('DELETE', personal, { token: alice })).status).toBe(200);
    const mine = await call('POST', '/user/alice/secrets', {
      token: alice,
      body: { name, data: { mine: 2 } },
    });
    expect(mine.status, mine.text).toBe(201);
    expect((await call('GET', personal, { token: alice })).json).toMatchObject({
      version: 2,
      data: { mine: 2 },
    });
  });

  it('recovery windows outside 7..30 days are refused; force purges at once, for managers only', async () => {
    const name = uniqueName('force');
    await create(name);
    expectShapedError(
      await call('DELETE', `${path(name)}?recovery_window_days=3`, { token: admin }),
      400,
      'VALUE_OUT_OF_BOUNDS',
    );
    expectShapedError(
      await call('DELETE', `${path(name)}?recovery_window_days=31`, { token: admin }),
      400,
      'VALUE_OUT_OF_BOUNDS',
    );
    const purged = await call('DELETE', `${path(name)}?force=true`, { token: admin });
    expect(purged.status).toBe(200);
    expect(purged.json).toEqual({ name });
    expectShapedError(await call('POST', `/restore${path(name)}`, { token: admin }), 404, 'OBJECT_NOT_FOUND');
    await create(name);
    expect((await call('GET', path(name), { token: reader })).json.version).toBe(1);

    const alice = await token(USERS.alice);
    const personal = uniqueName('mine');
    await call('POST', '/user/alice/secrets', { token: alice, body: { name: personal, data: {} } });
    const refused = await call('DELETE', `/user/alice/secrets/${encodeURIComponent(personal)}?force=true`, {
      token: alice,
    });
    expectShapedError(refused, 403, 'PERMISSION_DENIED');
    expect(
      (await call('DELETE', `/user/alice/secrets/${encodeURIComponent(personal)}`, { token: alice })).status,
    ).toBe(200);
    expect(
      (await call('POST', `/user/alice/restore/secrets/${encodeURIComponent(personal)}`, { token: alice }))
        .status,
    ).toBe(200);
  });
});

describe('description, tags and expiry', () => {
  it('are stored, returned, searchable by tag, and cleared on request', async () => {
    const name = uniqueName('tagged');
    await create(name, {
      description: 'db creds',
      tags: [
        { key: 'env', value: 'prod' },
        { key: 'team', value: 'core' },
      ],
    });
    expect((await call('GET', `/metadata${path(name)}`, { token: reader })).json).toMatchObject({
      description: 'db creds',
      tags: [
        { key: 'env', value: 'prod' },
        { key: 'team', value: 'core' },
      ],
    });
    const byTag = await call('POST', '/search/secrets', {
      token: reader,
      body: { keywords: name, tags: [{ key: 'env', value: 'prod' }] },
    });
    expect(byTag.json.count).toBe(1);
    const byKey = await call('POST', '/search/secrets', {
      token: reader,
      body: { keywords: name, tags: [{ key: 'team' }] },
    });
    expect(byKey.json.count).toBe(1);
    const miss = await call('POST', '/search/secrets', {
      token: reader,
      body: { keywords: name, tags: [{ key: 'env', value: 'dev' }] },
    });
    expect(miss.json.count).toBe(0);
    await call('PUT', path(name), { token: writer, body: { description: '', tags: [] } });
    const cleared = await call('GET', `/metadata${path(name)}`, { token: reader });
    expect(cleared.json).not.toHaveProperty('description');
    expect(cleared.json).not.toHaveProperty('tags');
  });

  it('bad tags and expiry are shaped 400s', async () => {
    const reply = await call('POST', '/secrets', {
      token: adder,
      body: {
        name: uniqueName('bad-tags'),
        data: {},
        tags: [
          { key: 'a', value: '1' },
          { key: 'a', value: '2' },
        ],
        expires: 'tomorrow',
      },
    });
    expectShapedError(reply, 400, 'INVALID_REQUEST_DATA');
    expect(reply.json.details.map((detail: { property: string }) => detail.property).sort()).toEqual([
      'expires',
      'tags',
    ]);
  });

  it('an expired secret refuses its data with a shaped error that says so, but keeps its metadata', async () => {
    const name = uniqueName('expiring');
    await create(name, { expires: new Date(Date.now() + 1500).toISOString() });
    expect((await call('GET', path(name), { token: reader })).json.data).toEqual({ v: 1 });
    await new Promise((done) => setTimeout(done, 1600));
    const expired = await call('GET', path(name), { token: reader });
    expectShapedError(expired, 410, 'OBJECT_EXPIRED');
    expect(expired.json.error_message).toMatch(/expired at/);
    expect((await call('GET', `/metadata${path(name)}`, { token: reader })).status).toBe(200);
    await call('PUT', path(name), { token: writer, body: { expires: '' } });
    expect((await call('GET', path(name), { token: reader })).json.data).toEqual({ v: 1 });
  });
});

describe('idempotent create', () => {
  it('a retried POST with the same Idempotency-Key returns the first response instead of a 409', async () => {
    const name = uniqueName('idem');
    const key = `key-${name}`;
    const body = { name, data: { v: 1 }, read_roles: [{ id: 'readers' }] };
    const first = await call('POST', '/secrets', { token: adder, body, headers: { 'Idempotency-Key': key } });
    const retry = await call('POST', '/secrets', { token: adder, body, headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.json).toEqual(first.json);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect((await call('GET', `/versions${path(name)}`, { token: reader })).json.count).toBe(1);

    const withoutKey = await call('POST', '/secrets', { token: adder, body });
    expectShapedError(withoutKey, 409, 'VALUE_DUPLICATE');
    const otherRequest = await call('POST', '/secrets', {
      token: adder,
      body: { ...body, read_roles: [{ id: 'others' }] },
      headers: { 'Idempotency-Key': key },
    });
    expectShapedError(otherRequest, 422, 'RULE_VIOLATION');
  });

  it('keys are per caller: another caller reusing a key does not get the first response', async () => {
    const name = uniqueName('idem-other');
    const key = `shared-key-${name}`;
    await call('POST', '/secrets', {
      token: adder,
      body: { name, data: {} },
      headers: { 'Idempotency-Key': key },
    });
    const someoneElse = await token({ sub: 'other-bot', scopes: ['vaultAdd'] });
    const reply = await call('POST', '/secrets', {
      token: someoneElse,
      body: { name, data: {} },
      headers: { 'Idempotency-Key': key },
    });
    expectShapedError(reply, 409, 'VALUE_DUPLICATE');
  });
});

describe('batch read', () => {
  it('returns what the caller may read and a per-name error for the rest', async () => {
    const readable = uniqueName('batch-ok');
    const hidden = uniqueName('batch-hidden');
    await create(readable);
    await call('POST', '/secrets', {
      token: adder,
      body: { name: hidden, data: { x: 1 }, read_roles: [{ id: 'others' }] },
    });
    const missing = uniqueName('batch-missing');
    const reply = await call('POST', '/batch/secrets', {
      token: reader,
      body: { names: [readable, hidden, missing] },
    });
    expect(reply.status).toBe(200);
    expect(reply.json.items).toEqual([expect.objectContaining({ name: readable, data: { v: 1 } })]);
    expect(reply.json.errors).toEqual([
      { name: hidden, error_code: 'OBJECT_NOT_FOUND', error_message: 'Secret not found' },
      { name: missing, error_code: 'OBJECT_NOT_FOUND', error_message: 'Secret not found' },
    ]);
  });

  it('refuses more than 20 names, all at once', async () => {
    const names = Array.from({ length: 21 }, (_, i) => `n${i}`);
    expectShapedError(
      await call('POST', '/batch/secrets', { token: reader, body: { names } }),
      400,
      'VALUE_OUT_OF_BOUNDS',
    );
  });
});
