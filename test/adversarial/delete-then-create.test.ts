/**
 * Delete, then create the same name (Terraform destroy → apply, an ESO push after a delete): the
 * name is free at once, as in PrivX, while the deleted secret stays recoverable until its purge
 * time. The rule (README, "Delete and the name"): numbering goes on after the deleted secret's;
 * the deleted secret's versions stay readable by `?version=N` to its own readers (its roles as
 * they were when it was deleted) and to nobody else; restore brings a deleted secret back only
 * while the name is free; `?force=true` purges everything under the name.
 *
 * The invariant, tried by fast-check over sequences of creates (each with its own read roles),
 * updates, deletes, restores and purges: after every step, for every caller and every version
 * number, a read answers data exactly when the model says that caller reads the secret that
 * version belongs to, and then exactly that version's data. Current reads, lists and searches
 * never show a deleted secret.
 */
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';

// This file makes thousands of 404s: the time floor on them (tested elsewhere) only slows it here.
process.env.NOT_FOUND_MIN_MS = '0';

let vault: InProcessVault;
/** Creates, writes, deletes, restores and purges; never reads (no `user` scope, no role). */
let operator: string;
const readers: Record<string, string> = {};
/** Which read roles each reader holds. */
const HOLDS: Record<string, readonly string[]> = {
  ann: ['ra'],
  ben: ['rb'],
  cat: ['ra', 'rb'],
  dan: ['rc'],
};
const MAX_VERSIONS = 10;

beforeAll(async () => {
  vault = await startInProcessVault();
  operator = await vault.issuer.mint({ sub: 'op', scopes: ['vaultAdd', 'vaultManage', 'admin'] });
  for (const [sub, roles] of Object.entries(HOLDS))
    readers[sub] = await vault.issuer.mint({ sub, scopes: ['user'], roles: [...roles] });
});

afterAll(() => vault.close());

const at = (name: string) => `/secrets/${encodeURIComponent(name)}`;
const roleList = (ids: readonly string[]) => ids.map((id) => ({ id }));

describe('Terraform destroy → apply (privx_secret, privx-sdk-go/v2 SecretRequest)', () => {
  it('the name is free at once; numbering goes on; the old versions stay with their readers only', async () => {
    const name = 'tf/destroy-apply';
    const first = await vault.call(operator, 'POST', '/secrets', {
      name,
      data: { password: 'old-1' },
      read_roles: roleList(['ra']),
      write_roles: [],
    });
    expect(first.status, first.text).toBe(201);
    await vault.call(operator, 'PUT', at(name), { name: '', data: { password: 'old-2' } });
    expect((await vault.call(operator, 'DELETE', at(name))).status).toBe(200);

    const again = await vault.call(operator, 'POST', '/secrets', {
      name,
      data: { password: 'new-3' },
      read_roles: roleList(['rb']),
      write_roles: [],
    });
    expect(again.status, again.text).toBe(201);
    const current = await vault.call(readers.ben!, 'GET', at(name));
    expect(current.json).toMatchObject({ data: { password: 'new-3' }, version: 3 });
    // The new secret's readers get nothing of the deleted one; its own readers get all of it.
    expect((await vault.call(readers.ben!, 'GET', `${at(name)}?version=2`)).status).toBe(404);
    const old = await vault.call(readers.ann!, 'GET', `${at(name)}?version=2`);
    expect(old.json, old.text).toMatchObject({ data: { password: 'old-2' }, version: 2, name });
    expect(old.json.read_roles.map((role: { id: string }) => role.id)).toEqual(['ra']);
    expect((await vault.call(readers.ann!, 'GET', at(name))).status).toBe(404);
    // The versions list is the current secret's.
    const versions = await vault.call(readers.ben!, 'GET', `/versions${at(name)}`);
    expect(versions.json.items.map((item: { version: number }) => item.version)).toEqual([3]);
  });

  it('restore is refused while the name holds a newer secret, and brings back the newest deleted one after', async () => {
    const name = 'tf/restore';
    for (const [value, role] of [
      ['one', 'ra'],
      ['two', 'rb'],
    ] as const) {
      const created = await vault.call(operator, 'POST', '/secrets', {
        name,
        data: { value },
        read_roles: roleList([role]),
      });
      expect(created.status, created.text).toBe(201);
      if (value === 'one') expect((await vault.call(operator, 'DELETE', at(name))).status).toBe(200);
    }
    const refused = await vault.call(operator, 'POST', `/restore${at(name)}`);
    expect(refused.status, refused.text).toBe(422);
    expect((await vault.call(operator, 'DELETE', at(name))).status).toBe(200);
    const restored = await vault.call(operator, 'POST', `/restore${at(name)}`);
    expect(restored.status, restored.text).toBe(200);
    expect((await vault.call(readers.ben!, 'GET', at(name))).json.data).toEqual({ value: 'two' });
    expect((await vault.call(readers.ann!, 'GET', `${at(name)}?version=1`)).json.data).toEqual({
      value: 'one',
    });
  });

  it('the deleted secret kept aside holds no data and nothing derived from it', async () => {
    const name = 'tf/kept-aside';
    const body = { name, data: { v: 'keyed' }, read_roles: roleList(['ra']) };
    const first = await vault.call(operator, 'POST', '/secrets', body, {
      'Idempotency-Key': crypto.randomUUID(),
    });
    expect(first.status, first.text).toBe(201);
    await vault.call(operator, 'DELETE', at(name));
    await vault.call(operator, 'POST', '/secrets', { ...body, data: { v: 'new' } });
    const items = await vault.db.send(
      new QueryCommand({
        TableName: vault.runtime.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :r)',
        ExpressionAttributeValues: { ':pk': `S#shared#${name}`, ':r': 'retired#' },
      }),
    );
    expect(items.Items).toHaveLength(1);
    for (const field of ['sealed', 'createRequest', 'createCheck'])
      expect(items.Items![0]).not.toHaveProperty(field);
  });

  it('a forced delete purges every secret under the name: no earlier version stays readable', async () => {
    const name = 'tf/purge-all';
    await vault.call(operator, 'POST', '/secrets', { name, data: { v: 'a' }, read_roles: roleList(['ra']) });
    await vault.call(operator, 'DELETE', at(name));
    await vault.call(operator, 'POST', '/secrets', { name, data: { v: 'b' }, read_roles: roleList(['ra']) });
    expect((await vault.call(readers.ann!, 'GET', `${at(name)}?version=1`)).json.data).toEqual({ v: 'a' });
    expect((await vault.call(operator, 'DELETE', `${at(name)}?force=true`)).status).toBe(200);
    expect((await vault.call(readers.ann!, 'GET', `${at(name)}?version=1`)).status).toBe(404);
    expect((await vault.call(readers.ann!, 'GET', `${at(name)}?version=2`)).status).toBe(404);
    const leftovers = await vault.snapshot({ trail: false });
    expect(leftovers).not.toContain(`S#shared#${name}`);
  });
});

describe('after DynamoDB TTL purged the newest deleted secret of a name', () => {
  it('a new secret numbers on from what is still kept, so an older deleted one keeps its versions (red team)', async () => {
    const name = 'ttl/numbering';
    await vault.call(operator, 'POST', '/secrets', { name, data: { v: 'A1' }, read_roles: roleList(['ra']) });
    await vault.call(operator, 'PUT', at(name), { data: { v: 'A2' } });
    await vault.call(operator, 'DELETE', `${at(name)}?recovery_window_days=30`);
    await vault.call(operator, 'POST', '/secrets', { name, data: { v: 'B3' }, read_roles: roleList(['rb']) });
    expect((await vault.call(operator, 'DELETE', `${at(name)}?recovery_window_days=7`)).status).toBe(200);
    // Seven days on, TTL removes B's head and versions (DynamoDB Local runs no TTL: done by hand).
    const items = await vault.db.send(
      new QueryCommand({
        TableName: vault.runtime.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `S#shared#${name}` },
      }),
    );
    for (const item of items.Items ?? [])
      if (item.sk === 'head' || item.version === 3)
        await vault.db.send(
          new DeleteCommand({ TableName: vault.runtime.tableName, Key: { pk: item.pk, sk: item.sk } }),
        );

    const created = await vault.call(operator, 'POST', '/secrets', {
      name,
      data: { v: 'C' },
      read_roles: roleList(['rb']),
    });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('etag')).toBe('"3"');
    await vault.call(operator, 'PUT', at(name), { data: { v: 'C2' } });
    // A's versions are still A's, for A's readers, until A's own purge time.
    expect((await vault.call(readers.ann!, 'GET', `${at(name)}?version=1`)).json?.data).toEqual({ v: 'A1' });
    expect((await vault.call(readers.ann!, 'GET', `${at(name)}?version=2`)).json?.data).toEqual({ v: 'A2' });
    expect((await vault.call(readers.ben!, 'GET', `${at(name)}?version=2`)).status).toBe(404);
    expect((await vault.call(readers.ben!, 'GET', `${at(name)}?version=4`)).json?.data).toEqual({ v: 'C2' });
  });
});

/** What the vault should hold: the secrets that held the name, oldest first. */
interface Incarnation {
  roles: readonly string[];
  versions: Map<number, string>;
  state: 'live' | 'deleted' | 'retired';
}

type Step =
  | { kind: 'create'; roles: readonly string[]; value: string }
  | { kind: 'update'; value: string }
  | { kind: 'delete' }
  | { kind: 'restore' }
  | { kind: 'purge' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      roles: fc.constantFrom(['ra'], ['rb'], ['ra', 'rb'], ['rc']),
      value: fc.stringMatching(/^[0-9a-f]{4,8}$/),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      value: fc.stringMatching(/^[0-9a-f]{4,8}$/),
    }),
    weight: 3,
  },
  { arbitrary: fc.constant({ kind: 'delete' as const }), weight: 3 },
  { arbitrary: fc.constant({ kind: 'restore' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'purge' as const }), weight: 1 },
);

let run = 0;

describe('no read ever crosses from one secret of a name to another', () => {
  it('after every step, every caller reads exactly the versions of the secrets it reads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 9 }), async (steps) => {
        const name = `model/${run++}`;
        const model: Incarnation[] = [];
        let next = 1;
        for (const [i, s] of steps.entries()) {
          const expected = apply(model, s, () => next++);
          if (expected.restartNumbering) next = 1;
          const reply = await send(name, s);
          expect(reply.status, `step ${i} ${JSON.stringify(s)}: ${reply.text}`).toBe(expected.status);
          await expectReadsMatch(name, model, next, `after step ${i} ${JSON.stringify(s)}`);
        }
      }),
      { numRuns: 10 },
    );
  });
});

/** Applies a step to the model and says what the vault must answer. */
function apply(
  model: Incarnation[],
  s: Step,
  nextVersion: () => number,
): { status: number; restartNumbering?: boolean } {
  const head = model.at(-1);
  const live = head?.state === 'live' ? head : undefined;
  switch (s.kind) {
    case 'create': {
      if (live) return { status: 409 };
      if (head?.state === 'deleted') head.state = 'retired';
      model.push({ roles: s.roles, versions: new Map([[nextVersion(), s.value]]), state: 'live' });
      return { status: 201 };
    }
    case 'update': {
      if (!live) return { status: 404 };
      live.versions.set(nextVersion(), s.value);
      const numbers = [...live.versions.keys()].sort((a, b) => a - b);
      for (const pruned of numbers.slice(0, Math.max(0, numbers.length - MAX_VERSIONS)))
        live.versions.delete(pruned);
      return { status: 200 };
    }
    case 'delete': {
      if (!live) return { status: 404 };
      live.state = 'deleted';
      return { status: 200 };
    }
    case 'restore': {
      if (!head || head.state === 'retired') return { status: 404 };
      if (head.state === 'live') return { status: 422 };
      head.state = 'live';
      return { status: 200 };
    }
    case 'purge': {
      // A forced delete of a live or deleted secret purges the name; an empty name is a 404.
      if (!head || head.state === 'retired') return { status: 404 };
      model.length = 0;
      return { status: 200, restartNumbering: true };
    }
  }
}

async function send(name: string, s: Step) {
  switch (s.kind) {
    case 'create':
      return vault.call(operator, 'POST', '/secrets', {
        name,
        data: { value: s.value },
        read_roles: roleList(s.roles),
        write_roles: [],
      });
    case 'update':
      return vault.call(operator, 'PUT', at(name), { data: { value: s.value } });
    case 'delete':
      return vault.call(operator, 'DELETE', at(name));
    case 'restore':
      return vault.call(operator, 'POST', `/restore${at(name)}`);
    case 'purge':
      return vault.call(operator, 'DELETE', `${at(name)}?force=true`);
  }
}

async function expectReadsMatch(name: string, model: Incarnation[], next: number, when: string) {
  const live = model.at(-1)?.state === 'live' ? model.at(-1) : undefined;
  const checks: Promise<void>[] = [];
  for (const [reader, token] of Object.entries(readers)) {
    const reads = (incarnation: Incarnation) =>
      incarnation.roles.some((role) => HOLDS[reader]!.includes(role));
    for (let version = 1; version < next; version++) {
      const owner = model.find((incarnation) => incarnation.versions.has(version));
      const readable = owner !== undefined && owner.state !== 'deleted' && reads(owner);
      checks.push(
        vault.call(token, 'GET', `${at(name)}?version=${version}`).then((reply) => {
          const where = `${when}: ${reader} reading version ${version}`;
          if (readable) {
            expect(reply.status, `${where}: ${reply.text}`).toBe(200);
            expect(reply.json.data, where).toEqual({ value: owner.versions.get(version) });
          } else {
            expect(reply.json?.data, `${where}: ${reply.text}`).toBeUndefined();
            expect(reply.status, `${where}: ${reply.text}`).toBe(404);
          }
        }),
      );
    }
    const current = live && reads(live) ? Math.max(...live.versions.keys()) : undefined;
    checks.push(
      vault.call(token, 'GET', at(name)).then((reply) => {
        if (current === undefined) expect(reply.status, `${when}: ${reader} current`).toBe(404);
        else
          expect(reply.json.data, `${when}: ${reader} current`).toEqual({
            value: live!.versions.get(current),
          });
      }),
      vault.call(token, 'GET', '/secrets?limit=100').then((reply) => {
        const names = reply.json.items.map((item: { name: string }) => item.name);
        expect(names.includes(name), `${when}: ${reader} list`).toBe(live !== undefined && reads(live));
      }),
    );
  }
  await Promise.all(checks);
}
