import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectShapedError } from '../support/error-shape.ts';
import { apiUrl, call, token, uniqueName } from '../support/http.ts';
import { USERS } from '../support/users.ts';

let adder: string;
let reader: string;
let outsider: string;
let noScope: string;
let auditor: string;

beforeAll(async () => {
  adder = await token({ sub: 'ci-bot', scopes: ['vaultAdd', 'vaultManage', 'admin'] });
  reader = await token(USERS.reader);
  outsider = await token(USERS.outsider);
  noScope = await token({ sub: 'nina', scopes: ['vaultAdd'] });
  auditor = await token(USERS.auditor);
});

describe('audit trail', () => {
  it('records reads, writes, deletes, restores and denials by scoped callers with who, when, outcome, trace id and source ip', async () => {
    const name = uniqueName('audited');
    const path = `/secrets/${encodeURIComponent(name)}`;
    await call('POST', '/secrets', {
      token: adder,
      body: { name, data: { password: 'never-in-audit' }, read_roles: [{ id: 'readers' }] },
    });
    const read = await call('GET', path, { token: reader });
    await call('GET', path, { token: outsider });
    await call('GET', path, { token: noScope });
    await call('PUT', path, { token: adder, body: { data: { password: 'still-never' } } });
    await call('DELETE', path, { token: adder });
    await call('POST', `/restore${path}`, { token: adder });

    const trail = await call('GET', `/audit?secret=${encodeURIComponent(name)}`, { token: auditor });
    expect(trail.status, trail.text).toBe(200);
    const entries = [...trail.json.items].reverse();
    expect(entries.map((e: any) => [e.action, e.outcome, e.actor])).toEqual([
      ['create', 'success', 'ci-bot'],
      ['read', 'success', 'rita'],
      ['read', 'denied', 'sam'],
      // nina's token lacks the scope: that says nothing about this secret, so it is not in its trail.
      ['update', 'success', 'ci-bot'],
      ['delete', 'success', 'ci-bot'],
      ['restore', 'success', 'ci-bot'],
    ]);
    const readEntry = entries[1];
    expect(readEntry).toMatchObject({
      version: 1,
      trace_id: read.headers.get('x-request-id'),
      source_ip: expect.stringMatching(/127\.0\.0\.1/),
    });
    // Each of the trail's chains (lanes) counts on from 1 without gaps.
    const lanes = Map.groupBy(entries, (e: any) => e.lane as number);
    for (const chain of lanes.values())
      expect(chain.map((e: any) => e.seq)).toEqual(Array.from({ length: chain.length }, (_, i) => i + 1));
    expect(trail.text).not.toContain('never-in-audit');
    expect(trail.text).not.toContain('still-never');
  });

  it('the verify command confirms the chain through the API', async () => {
    const name = uniqueName('verified');
    await call('POST', '/secrets', {
      token: adder,
      body: { name, data: { v: 1 }, read_roles: [{ id: 'readers' }] },
    });
    await call('GET', `/secrets/${encodeURIComponent(name)}`, { token: reader });
    const run = spawnSync(
      process.execPath,
      ['infra/tools/verify-audit.ts', '--secret', name, '--url', apiUrl(''), '--token', auditor],
      {
        encoding: 'utf8',
      },
    );
    expect(run.stdout).toContain('intact: 2 entries');
    expect(run.status).toBe(0);
  });

  it('queries across secrets by actor and time, and only for the admin scope', async () => {
    const name = uniqueName('by-actor');
    await call('POST', '/secrets', {
      token: adder,
      body: { name, data: {}, read_roles: [{ id: 'readers' }] },
    });
    await call('GET', `/secrets/${encodeURIComponent(name)}`, { token: reader });
    const since = new Date(Date.now() - 60_000).toISOString();
    const byRita = await call('GET', `/audit?actor=rita&since=${since}&limit=100`, { token: auditor });
    expect(byRita.status).toBe(200);
    expect(byRita.json.items.length).toBeGreaterThan(0);
    expect(byRita.json.items.every((e: any) => e.actor === 'rita')).toBe(true);
    expect(byRita.json.items.some((e: any) => e.secret === name)).toBe(true);
    expectShapedError(await call('GET', '/audit', { token: reader }), 403, 'PERMISSION_DENIED');
    expectShapedError(
      await call('GET', '/audit?since=2020-01-01T00:00:00Z', { token: auditor }),
      400,
      'VALUE_OUT_OF_BOUNDS',
    );
  });
});
