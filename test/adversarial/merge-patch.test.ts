/**
 * PATCH with a JSON merge patch (RFC 7396), through the whole stack on real parts: it changes the
 * fields it names and keeps the others; it is conditional on the version it applied to (If-Match:
 * 412; without it, concurrent patches all land, none lost); its result is held to an update's rules
 * and refused whole; a writer who may not read learns nothing of the data it patches; each patch is
 * one version, one audit entry and one change event, like an update.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectShapedError } from '../support/error-shape.ts';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';

process.env.NOT_FOUND_MIN_MS = '0';

const MARKER = 'patch-marker-never-echoed';
const MERGE_PATCH = { 'Content-Type': 'application/merge-patch+json' };

let vault: InProcessVault;
const tokens = {
  owner: '',
  writer: '',
  reader: '',
  manager: '',
  stranger: '',
  auditor: '',
  alice: '',
  bob: '',
};

beforeAll(async () => {
  vault = await startInProcessVault({ events: true });
  const mint = (sub: string, scopes: string[], roles: string[] = []) =>
    vault.issuer.mint({ sub, scopes, roles });
  tokens.owner = await mint('olga', ['user', 'vaultAdd'], ['readers', 'writers']);
  tokens.writer = await mint('walt', ['user'], ['writers']);
  tokens.reader = await mint('rita', ['user'], ['readers']);
  tokens.manager = await mint('mia', ['user', 'vaultManage'], ['mgr']);
  tokens.stranger = await mint('sam', ['user'], ['others']);
  tokens.auditor = await mint('audrey', ['admin']);
  tokens.alice = await mint('alice', ['user']);
  tokens.bob = await mint('bob', ['user']);
});

afterAll(() => vault.close());

const at = (name: string) => `/secrets/${encodeURIComponent(name)}`;
const patch = (token: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  vault.call(token, 'PATCH', path, body, { ...MERGE_PATCH, ...headers });

let counter = 0;
/** A secret `readers` read and `writers` write (olga holds both). */
async function secret(data: object, extra: object = {}): Promise<string> {
  const name = `patch/${counter++}`;
  const created = await vault.call(tokens.owner, 'POST', '/secrets', {
    name,
    data,
    read_roles: [{ id: 'readers' }],
    write_roles: [{ id: 'writers' }],
    ...extra,
  });
  expect(created.status, created.text).toBe(201);
  return name;
}
const read = async (name: string) => (await vault.call(tokens.owner, 'GET', at(name))).json;
const unchanging = () => vault.snapshot({ trail: false });

describe('PATCH /secrets/{name}: a JSON merge patch', () => {
  it('changes the fields it names and keeps the others, answered as an update: name, version, ETag, no data', async () => {
    const name = await secret(
      { user: 'orders', password: 'first', port: 5432 },
      { description: 'orders db', tags: [{ key: 'team', value: 'ops' }] },
    );
    const before = await read(name);
    const patched = await patch(tokens.owner, at(name), { data: { password: 'second' } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json).toEqual({ name, version: 2 });
    expect(patched.headers.get('etag')).toBe('"2"');
    const after = await read(name);
    expect(after.data).toEqual({ user: 'orders', password: 'second', port: 5432 });
    const metadata = ({ data: _d, version: _v, updated: _u, ...rest }: Record<string, unknown>) => rest;
    expect(metadata(after)).toEqual(metadata(before));
    // Plain JSON is a merge patch too; a non-JSON type is refused.
    const plain = await patch(
      tokens.owner,
      at(name),
      { description: 'orders' },
      { 'Content-Type': 'application/json' },
    );
    expect(plain.json.version, plain.text).toBe(3);
    expect((await read(name)).data).toEqual(after.data);
    const text = await patch(tokens.owner, at(name), { description: 'x' }, { 'Content-Type': 'text/plain' });
    expectShapedError(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('null removes a member; objects merge member by member, anything else replaces', async () => {
    const name = await secret(
      { a: 1, keep: 'k', nested: { x: 1, y: 2 }, list: [1, 2] },
      { description: 'd', tags: [{ key: 't', value: 'v' }], expires: '2099-01-01T00:00:00Z' },
    );
    const patched = await patch(tokens.owner, at(name), {
      data: { a: null, nested: { y: null, z: { deep: true } }, list: [3], added: 'new' },
      description: null,
      tags: null,
      expires: null,
      write_roles: [{ id: 'writers' }, { id: 'ops', name: 'Operations' }],
    });
    expect(patched.status, patched.text).toBe(200);
    const after = await read(name);
    expect(after.data).toEqual({ keep: 'k', nested: { x: 1, z: { deep: true } }, list: [3], added: 'new' });
    expect(after).not.toHaveProperty('description');
    expect(after).not.toHaveProperty('tags');
    expect(after).not.toHaveProperty('expires');
    expect(after.write_roles).toEqual([
      { id: 'writers', name: 'writers', deleted: false },
      { id: 'ops', name: 'Operations', deleted: false },
    ]);
    expect(after.read_roles).toEqual([{ id: 'readers', name: 'readers', deleted: false }]);
    expect((await patch(tokens.owner, at(name), { data: null })).status).toBe(200);
    expect((await read(name)).data).toEqual({});
  });

  it('If-Match: a stale version is a 412 that changes nothing; the current one writes', async () => {
    const name = await secret({ v: 1 });
    expect((await vault.call(tokens.owner, 'PUT', at(name), { data: { v: 2 } })).json.version).toBe(2);
    const before = await unchanging();
    const stale = await patch(tokens.owner, at(name), { data: { v: 'stale' } }, { 'If-Match': '"1"' });
    expectShapedError(stale, 412, 'PRECONDITION_FAILED');
    expect(await unchanging()).toBe(before);
    const current = await patch(tokens.owner, at(name), { data: { w: 3 } }, { 'If-Match': '"2"' });
    expect(current.json, current.text).toEqual({ name, version: 3 });
    expect((await read(name)).data).toEqual({ v: 2, w: 3 });
  });

  it('concurrent patches of different fields: none is lost, each writes one version and one audit entry', async () => {
    const name = await secret({ base: 'kept' });
    const writers = 8;
    const replies = await Promise.all(
      Array.from({ length: writers }, (_, i) => patch(tokens.owner, at(name), { data: { [`f${i}`]: i } })),
    );
    for (const reply of replies) expect(reply.status, reply.text).toBe(200);
    const versions = replies.map((reply) => reply.json.version as number).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: writers }, (_, i) => i + 2));
    const after = await read(name);
    expect(after.version).toBe(writers + 1);
    expect(after.data).toEqual({ base: 'kept', ...Object.fromEntries(versions.map((_, i) => [`f${i}`, i])) });
    const kept = await vault.call(tokens.owner, 'GET', `/versions${at(name)}`);
    expect(kept.json.count).toBe(writers + 1);
    const trail = await vault.call(tokens.auditor, 'GET', `/audit?secret=${encodeURIComponent(name)}`);
    const entries = trail.json.items.filter((item: { action: string }) => item.action === 'update');
    expect(
      entries.map((item: { version: number }) => item.version).sort((a: number, b: number) => a - b),
    ).toEqual(versions);
    for (const entry of entries)
      expect(entry).toMatchObject({ outcome: 'success', actor: 'olga', reason: 'merge patch' });

    // All pinned to the same version: exactly one lands, the others are 412 and wrote nothing.
    const pinned = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        patch(tokens.owner, at(name), { data: { [`p${i}`]: i } }, { 'If-Match': `"${writers + 1}"` }),
      ),
    );
    expect(pinned.map((reply) => reply.status).sort()).toEqual([200, 412, 412, 412]);
    const final = await read(name);
    expect(final.version).toBe(writers + 2);
    expect(Object.keys(final.data).filter((key) => key.startsWith('p'))).toHaveLength(1);
  });

  it('a result an update would refuse is refused the same way, whole, changing nothing', async () => {
    const name = await secret({ big: 'x'.repeat(40_000) });
    const before = await unchanging();
    const tooLarge = await patch(tokens.owner, at(name), { data: { more: 'y'.repeat(30_000) } });
    expectShapedError(tooLarge, 400, 'VALUE_OUT_OF_BOUNDS');
    expect(tooLarge.json.property).toBe('data');
    // The same data sent whole with PUT: the same refusal.
    const put = await vault.call(tokens.owner, 'PUT', at(name), {
      data: { big: 'x'.repeat(40_000), more: 'y'.repeat(30_000) },
    });
    expect({ ...put.json, trace_id: '' }).toEqual({ ...tooLarge.json, trace_id: '' });
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const refusals: Array<[unknown, number, string, string | undefined]> = [
      [{ data: [1] }, 400, 'VALUE_INCORRECT_TYPE', 'data'],
      [{ data: deep }, 400, 'VALUE_OUT_OF_BOUNDS', 'data'],
      [{ tags: 'ops' }, 400, 'VALUE_INCORRECT_TYPE', 'tags'],
      [{ read_roles: [{ name: 'no id' }] }, 400, 'REQUIRED_VALUE_MISSING', 'read_roles[0].id'],
      [{ expires: 'tomorrow' }, 400, 'VALUE_INCORRECT_FORMAT', 'expires'],
      [{ descripton: 'misspelt' }, 400, 'INVALID_REQUEST_DATA', undefined],
      [{ version: 7 }, 400, 'INVALID_REQUEST_DATA', undefined],
      [{ name: 'patch/another' }, 422, 'RULE_VIOLATION', 'name'],
      [['data'], 400, 'VALUE_INCORRECT_TYPE', undefined],
      [
        {
          data: { a: 1 },
          tags: [
            { key: 'k', value: 'v' },
            { key: 'k', value: 'w' },
          ],
        },
        400,
        'VALUE_DUPLICATE',
        'tags',
      ],
    ];
    for (const [body, status, code, property] of refusals) {
      const reply = await patch(tokens.owner, at(name), body);
      expectShapedError(reply, status, code);
      expect(reply.json.property, reply.text).toBe(property);
    }
    const noBody = await patch(tokens.owner, at(name), undefined);
    expectShapedError(noBody, 400, 'REQUIRED_VALUE_MISSING');
    const duplicate = await fetch(`${vault.runtime.apiUrl}${at(name)}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${tokens.owner}`, ...MERGE_PATCH },
      body: '{"data":{"a":1,"a":2}}',
    });
    expect(duplicate.status).toBe(400);
    expect(((await duplicate.json()) as { property: string }).property).toBe('data.a');
    expect(await unchanging()).toBe(before);
  });
});

describe('access: as an update, and no data to a writer who may not read', () => {
  it('a writer without a read role patches a field; nothing it receives holds the other fields', async () => {
    const name = await secret({ password: `${MARKER}-password`, note: `${MARKER}-${'n'.repeat(40_000)}` });
    const replies = [
      await patch(tokens.writer, at(name), { data: { api_key: 'from-walt' } }),
      await patch(tokens.writer, at(name), { data: { more: 'w'.repeat(30_000) } }),
      await patch(tokens.writer, at(name), { data: { password: { nested: null } }, tags: 'x' }),
      await patch(tokens.writer, at(name), {
        data: { api_key: 1 },
        read_roles: [{ id: 'readers' }, { id: 'writers' }],
      }),
      await patch(tokens.writer, at(name), { data: { x: 1 } }, { 'If-Match': '"1"' }),
      await vault.call(tokens.writer, 'GET', at(name)),
    ];
    expect(replies.map((reply) => reply.status)).toEqual([200, 400, 400, 403, 412, 200]);
    for (const reply of replies) {
      expect(reply.text).not.toContain(MARKER);
      expect(reply.json.data).toBeUndefined();
    }
    // Its field landed beside the others, which the readers still read.
    const after = (await vault.call(tokens.reader, 'GET', at(name))).json;
    expect(after.version).toBe(2);
    expect(after.data).toEqual({
      password: `${MARKER}-password`,
      note: `${MARKER}-${'n'.repeat(40_000)}`,
      api_key: 'from-walt',
    });
    // Its refused self-grant is in the trail, as an update's would be; so is the refusal that tells
    // it the patched data would be too large (probing it for the size of data it cannot read).
    const trail = await vault.call(tokens.auditor, 'GET', `/audit?secret=${encodeURIComponent(name)}`);
    const denials = trail.json.items.filter((item: { outcome: string }) => item.outcome === 'denied');
    expect(denials).toContainEqual(
      expect.objectContaining({
        action: 'update',
        actor: 'walt',
        reason: expect.stringMatching(/read data/),
      }),
    );
    expect(denials).toContainEqual(
      expect.objectContaining({ action: 'update', actor: 'walt', reason: 'data is larger than 65536 bytes' }),
    );
    expect(trail.text).not.toContain(MARKER);
  });

  it('a reader may not patch, a stranger gets the 404 of a missing secret, a manager may not grant itself a read', async () => {
    const name = await secret({ password: MARKER });
    const before = await unchanging();
    expectShapedError(await patch(tokens.reader, at(name), { data: { x: 1 } }), 403, 'PERMISSION_DENIED');
    const hidden = await patch(tokens.stranger, at(name), { data: { x: 1 } });
    expectShapedError(hidden, 404, 'OBJECT_NOT_FOUND');
    const missing = await patch(tokens.stranger, at('patch/missing'), { data: { x: 1 } });
    expect({ ...missing.json, trace_id: '' }).toEqual({ ...hidden.json, trace_id: '' });
    const selfGrant = await patch(tokens.manager, at(name), {
      read_roles: [{ id: 'readers' }, { id: 'mgr' }],
    });
    expectShapedError(selfGrant, 403, 'PERMISSION_DENIED');
    expectShapedError(await patch(tokens.auditor, at(name), { data: { x: 1 } }), 403, 'PERMISSION_DENIED');
    expect(await unchanging()).toBe(before);
    // What a manager may do: grant roles it does not hold, without ever receiving data.
    const granted = await patch(tokens.manager, at(name), {
      read_roles: [{ id: 'readers' }, { id: 'others' }],
    });
    expect(granted.status, granted.text).toBe(200);
    expect(granted.text).not.toContain(MARKER);
  });

  it('personal secrets: the owner patches its own, another user may not', async () => {
    const path = `/user/alice/secrets/${encodeURIComponent('patch/mine')}`;
    const created = await vault.call(tokens.alice, 'POST', '/user/alice/secrets', {
      name: 'patch/mine',
      data: { user: 'alice', pin: 1 },
    });
    expect(created.status, created.text).toBe(201);
    const patched = await patch(tokens.alice, path, { data: { pin: 2 }, owner_id: 'alice' });
    expect(patched.json, patched.text).toEqual({ name: 'patch/mine', version: 2 });
    expect((await vault.call(tokens.alice, 'GET', path)).json.data).toEqual({ user: 'alice', pin: 2 });
    expectShapedError(await patch(tokens.bob, path, { data: { pin: 3 } }), 403, 'PERMISSION_DENIED');
    expectShapedError(await patch(tokens.alice, path, { owner_id: 'bob' }), 422, 'RULE_VIOLATION');
  });

  it('publishes one Secret Updated event per patch, without data', async () => {
    const name = await secret({ password: MARKER });
    expect((await patch(tokens.owner, at(name), { data: { extra: 1 } })).status).toBe(200);
    const updated = () =>
      readFileSync(vault.runtime.eventsFile, 'utf8')
        .split('\n')
        .filter((line) => line.includes('"Secret Updated"') && line.includes(`"${name}"`));
    // The stream poller publishes within a second here, but far later on a loaded 2-core machine.
    for (let waited = 0; updated().length === 0 && waited < 40_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const events = updated().map((line) => JSON.parse(line));
    expect(events).toHaveLength(1);
    expect(events[0].detail).toMatchObject({ name, version: 2, actor: 'olga' });
    expect(updated().join('\n')).not.toContain(MARKER);
  });
});
