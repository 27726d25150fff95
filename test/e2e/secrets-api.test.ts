import { beforeAll, describe, expect, it } from 'vitest';
import { SecretListResponse, SecretResponse } from '../../shared/schemas.ts';
import { expectShapedError } from '../support/error-shape.ts';
import { apiUrl, call, token, uniqueName } from '../support/http.ts';
import { USERS } from '../support/users.ts';

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let adder: string;
let reader: string;
let writer: string;
let outsider: string;
let manager: string;
let admin: string;

beforeAll(async () => {
  adder = await token(USERS.adder);
  reader = await token(USERS.reader);
  writer = await token(USERS.writer);
  outsider = await token(USERS.outsider);
  manager = await token(USERS.manager);
  admin = await token(USERS.admin);
});

async function createShared(name: string, data: Record<string, unknown> = { password: 'hunter2' }) {
  const reply = await call('POST', '/secrets', {
    token: adder,
    body: { name, data, read_roles: [{ id: 'readers', name: 'Readers' }], write_roles: [{ id: 'writers' }] },
  });
  expect(reply.status, reply.text).toBe(201);
  return reply;
}

describe('a secret’s life through the API', () => {
  it('creates (201 + Location), reads, lists, searches, updates and deletes', async () => {
    const name = uniqueName('app/db');
    const created = await createShared(name);
    expect(created.json).toEqual({ name });
    // Followed as a client does (resolved against the URL it POSTed to), it is the secret.
    const location = new URL(created.headers.get('location')!, apiUrl('/secrets'));
    expect(location.href).toBe(apiUrl(`/secrets/${encodeURIComponent(name)}`));

    const got = await call('GET', `/secrets/${encodeURIComponent(name)}`, { token: reader });
    expect(got.status).toBe(200);
    expect(SecretResponse.parse(got.json)).toMatchObject({
      name,
      data: { password: 'hunter2' },
      read_roles: [{ id: 'readers' }],
      write_roles: [{ id: 'writers' }],
      author: 'ci-bot',
      updated_by: 'ci-bot',
      version: 1,
    });
    expect(got.json.created).toMatch(RFC3339);
    expect(got.json.updated).toMatch(RFC3339);

    const listed = await call('GET', '/secrets?limit=100', { token: reader });
    const list = SecretListResponse.parse(listed.json);
    expect(list.items.map((item) => item.name)).toContain(name);
    expect(list.items.every((item) => item.data === undefined)).toBe(true);

    const found = await call('POST', '/search/secrets', {
      token: reader,
      body: { keywords: name.toUpperCase() },
    });
    expect(found.json).toMatchObject({ count: 1, items: [{ name }] });

    const updated = await call('PUT', `/secrets/${encodeURIComponent(name)}`, {
      token: writer,
      body: { data: { password: 'rotated' } },
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toEqual({ name, version: 2 });
    const after = await call('GET', `/secrets/${encodeURIComponent(name)}`, { token: reader });
    expect(after.json).toMatchObject({ data: { password: 'rotated' }, updated_by: 'walt', version: 2 });

    const deleted = await call('DELETE', `/secrets/${encodeURIComponent(name)}`, { token: admin });
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ name, purge_at: expect.stringMatching(RFC3339) });
    const gone = await call('GET', `/secrets/${encodeURIComponent(name)}`, { token: reader });
    expectShapedError(gone, 404, 'OBJECT_NOT_FOUND');
    expect(gone.json.error_message).toContain('Secret not found');
  });

  it('a duplicate name is 409 VALUE_DUPLICATE on property name, and changes nothing', async () => {
    const name = uniqueName('dup');
    await createShared(name, { v: 'first' });
    const again = await call('POST', '/secrets', { token: adder, body: { name, data: { v: 'second' } } });
    expectShapedError(again, 409, 'VALUE_DUPLICATE');
    expect(again.json.property).toBe('name');
    expect((await call('GET', `/secrets/${encodeURIComponent(name)}`, { token: reader })).json.data).toEqual({
      v: 'first',
    });
  });
});

describe('read and write roles', () => {
  it('writer sees no data, manager sees no data, a caller without a role gets the same 404 as for nothing', async () => {
    const name = uniqueName('roles');
    await createShared(name);
    const path = `/secrets/${encodeURIComponent(name)}`;
    const asWriter = await call('GET', path, { token: writer });
    expect(asWriter.status).toBe(200);
    expect(asWriter.json).not.toHaveProperty('data');
    const asManager = await call('GET', path, { token: manager });
    expect(asManager.status).toBe(200);
    expect(asManager.json).not.toHaveProperty('data');
    const hidden = await call('GET', path, { token: outsider });
    const missing = await call('GET', `/secrets/${encodeURIComponent(uniqueName('never'))}`, {
      token: outsider,
    });
    expectShapedError(hidden, 404, 'OBJECT_NOT_FOUND');
    expect(hidden.json.error_message).toBe(missing.json.error_message);
    expect(hidden.status).toBe(missing.status);
    expect((await call('GET', `/metadata${path}`, { token: outsider })).status).toBe(404);
  });

  it('a reader may not update (403); a manager may, without ever receiving data', async () => {
    const name = uniqueName('update-rules');
    await createShared(name);
    const path = `/secrets/${encodeURIComponent(name)}`;
    expectShapedError(
      await call('PUT', path, { token: reader, body: { data: { x: 1 } } }),
      403,
      'PERMISSION_DENIED',
    );
    const byManager = await call('PUT', path, {
      token: manager,
      body: { read_roles: [{ id: 'readers' }, { id: 'auditors' }] },
    });
    expect(byManager.status).toBe(200);
    expect(byManager.json).not.toHaveProperty('data');
    expect((await call('GET', path, { token: reader })).json).toMatchObject({
      data: { password: 'hunter2' },
      version: 2,
    });
  });

  it('metadata never carries data, even for a reader', async () => {
    const name = uniqueName('meta');
    await createShared(name);
    const reply = await call('GET', `/metadata/secrets/${encodeURIComponent(name)}`, { token: reader });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ name, version: 1 });
    expect(reply.json).not.toHaveProperty('data');
  });
});

describe('PrivX client quirks', () => {
  it('a name with / works sent as %2F (Go SDK) and raw (Ansible), and means the same secret', async () => {
    const name = `${uniqueName('team')}/svc/db password`;
    await createShared(name);
    const encoded = await call('GET', `/secrets/${encodeURIComponent(name)}`, { token: reader });
    const raw = await call('GET', `/secrets/${name.split('/').map(encodeURIComponent).join('/')}`, {
      token: reader,
    });
    expect(encoded.status).toBe(200);
    expect(raw.json).toEqual(encoded.json);
    expect(raw.json.name).toBe(name);
  });

  it('a path is decoded exactly once: %252F stays %2F, a broken escape is a 400 on name', async () => {
    const name = `${uniqueName('once')}/x`;
    await createShared(name);
    const twice = await call('GET', `/secrets/${encodeURIComponent(encodeURIComponent(name))}`, {
      token: reader,
    });
    expect(twice.status).toBe(404);
    const broken = await call('GET', `/secrets/${encodeURIComponent(name)}%E0%A4%A`, { token: reader });
    expect(broken.status).toBe(400);
    expect(broken.json).toMatchObject({ error_code: 'VALUE_INCORRECT_FORMAT', property: 'name' });
  });

  it('PUT with null roles keeps them; [] clears them', async () => {
    const name = uniqueName('null-roles');
    await createShared(name);
    const path = `/secrets/${encodeURIComponent(name)}`;
    await call('PUT', path, {
      token: writer,
      body: { name, data: { v: 2 }, read_roles: null, write_roles: null },
    });
    expect((await call('GET', path, { token: reader })).json).toMatchObject({
      data: { v: 2 },
      read_roles: [{ id: 'readers' }],
      write_roles: [{ id: 'writers' }],
    });
    await call('PUT', path, { token: manager, body: { write_roles: [] } });
    expect((await call('GET', path, { token: reader })).json.write_roles).toEqual([]);
  });

  it('a PUT body naming another secret is refused with 422 and changes nothing', async () => {
    const name = uniqueName('rename');
    await createShared(name);
    const path = `/secrets/${encodeURIComponent(name)}`;
    const reply = await call('PUT', path, { token: writer, body: { name: 'other', data: { v: 'x' } } });
    expectShapedError(reply, 422, 'RULE_VIOLATION');
    expect(reply.json.property).toBe('name');
    expect((await call('GET', path, { token: reader })).json.data).toEqual({ password: 'hunter2' });
  });

  it('the Go SDK search body (limit 0, empty sort fields) does not mean zero items', async () => {
    const prefix = uniqueName('gosdk');
    await createShared(`${prefix}-a`);
    await createShared(`${prefix}-b`);
    const reply = await call('POST', '/search/secrets?offset=0&limit=1&sortdir=desc', {
      token: reader,
      body: { keywords: prefix, limit: 0, offset: 0, sortkey: '', sortdir: '' },
    });
    expect(reply.status).toBe(200);
    expect(reply.json.count).toBe(2);
    expect(reply.json.items.map((item: { name: string }) => item.name)).toEqual([`${prefix}-b`]);
  });

  it('bad paging is a 400 VALUE_OUT_OF_BOUNDS naming the property', async () => {
    const reply = await call('GET', '/secrets?limit=1000', { token: reader });
    expectShapedError(reply, 400, 'VALUE_OUT_OF_BOUNDS');
    expect(reply.json.property).toBe('limit');
  });
});

describe('bad input', () => {
  it('reports every problem at once in details and stores nothing', async () => {
    const reply = await call('POST', '/secrets', {
      token: adder,
      body: { name: '/bad/', data: ['not', 'an', 'object'], read_roles: [{ name: 'no id' }] },
    });
    expectShapedError(reply, 400, 'INVALID_REQUEST_DATA');
    expect(reply.json.details.map((detail: { property: string }) => detail.property).sort()).toEqual([
      'data',
      'name',
      'read_roles[0].id',
    ]);
    const listed = await call('POST', '/search/secrets', { token: manager, body: { keywords: 'bad' } });
    expect(listed.json.items.map((item: { name: string }) => item.name)).not.toContain('/bad/');
  });

  it('invalid JSON is 400, a non-JSON content type is 415, a __proto__ key is refused', async () => {
    expectShapedError(
      await call('POST', '/secrets', {
        token: adder,
        rawBody: '{"name": ',
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
      'BAD_REQUEST',
    );
    expectShapedError(
      await call('POST', '/secrets', {
        token: adder,
        rawBody: 'name=x',
        headers: { 'Content-Type': 'text/plain' },
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const proto = await call('POST', '/secrets', {
      token: adder,
      rawBody: '{"name":"p","data":{"__proto__":{"admin":true}}}',
      headers: { 'Content-Type': 'application/json' },
    });
    expectShapedError(proto, 400, 'BAD_REQUEST');
  });

  it('a body beyond the limit is 413', async () => {
    const reply = await call('POST', '/secrets', {
      token: adder,
      body: { name: 'big', data: { x: 'y'.repeat(300 * 1024) } },
    });
    expectShapedError(reply, 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('personal secrets', () => {
  it('belong to their owner; others get 403; managers see them without data', async () => {
    const alice = await token(USERS.alice);
    const bob = await token(USERS.bob);
    const name = uniqueName('ssh/key');
    const created = await call('POST', '/user/alice/secrets', {
      token: alice,
      body: { name, data: { key: 'k' } },
    });
    expect(created.status, created.text).toBe(201);
    expect(new URL(created.headers.get('location')!, apiUrl('/user/alice/secrets')).href).toBe(
      apiUrl(`/user/alice/secrets/${encodeURIComponent(name)}`),
    );
    const path = `/user/alice/secrets/${encodeURIComponent(name)}`;
    expect((await call('GET', path, { token: alice })).json).toMatchObject({
      name,
      owner_id: 'alice',
      data: { key: 'k' },
    });
    expectShapedError(await call('GET', path, { token: bob }), 403, 'PERMISSION_DENIED');
    expect((await call('GET', path, { token: manager })).json).not.toHaveProperty('data');
    expect(
      (await call('GET', '/user/alice/secrets', { token: alice })).json.items.map(
        (item: { name: string }) => item.name,
      ),
    ).toContain(name);
    expect(
      (await call('GET', `/user/alice/metadata/secrets/${encodeURIComponent(name)}`, { token: alice })).json,
    ).not.toHaveProperty('data');
    expect((await call('PUT', path, { token: alice, body: { data: { key: 'k2' } } })).status).toBe(200);
    expect((await call('DELETE', path, { token: alice })).status).toBe(200);
    expect((await call('GET', path, { token: alice })).status).toBe(404);
  });
});

describe('concurrency', () => {
  it('parallel updates lose nothing: every write gets its own version', async () => {
    const name = uniqueName('parallel');
    await createShared(name, { n: 0 });
    const path = `/secrets/${encodeURIComponent(name)}`;
    const writes = 12;
    const replies = await Promise.all(
      Array.from({ length: writes }, (_, i) =>
        call('PUT', path, { token: writer, body: { data: { n: i + 1 } } }),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(writes).fill(200));
    const versions = replies.map((reply) => reply.json.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: writes }, (_, i) => i + 2));
    expect((await call('GET', path, { token: reader })).json.version).toBe(writes + 1);
  });
});
