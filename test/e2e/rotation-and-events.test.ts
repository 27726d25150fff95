import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CONTROL_HEADERS } from '../../infra/local/local-control.ts';
import { expectShapedError } from '../support/error-shape.ts';
import { baseUrl, call, token, uniqueName } from '../support/http.ts';
import { USERS } from '../support/users.ts';

let ops: string;
let reader: string;
let outsider: string;

beforeAll(async () => {
  ops = await token(USERS.ops);
  reader = await token(USERS.app);
  outsider = await token({ sub: 'sam', scopes: ['user'], roles: ['other'] });
});

const path = (name: string) => `/secrets/${encodeURIComponent(name)}`;

async function eventsFor(
  name: string,
): Promise<Array<{ id: string; 'detail-type': string; detail: Record<string, unknown> }>> {
  const all = (await (
    await fetch(`${baseUrl()}/__local/events`, { headers: LOCAL_CONTROL_HEADERS })
  ).json()) as Array<{
    id: string;
    'detail-type': string;
    detail: Record<string, unknown>;
  }>;
  return all.filter((event) => event.detail.name === name);
}

/** The publisher polls the stream a few times a second: wait until `count` events arrived (and a moment more for strays). */
async function settledEvents(name: string, count: number) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && (await eventsFor(name)).length < count)
    await new Promise((done) => setTimeout(done, 100));
  await new Promise((done) => setTimeout(done, 1000));
  return eventsFor(name);
}

/** One run of the sweeper as of `time` (the local runtime's control route, infra/local/sweep-at.ts). */
async function sweepAt(time: number) {
  const response = await fetch(`${baseUrl()}/__local/sweep`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...LOCAL_CONTROL_HEADERS },
    body: JSON.stringify({ at: new Date(time).toISOString() }),
  });
  return { status: response.status, json: (await response.json()) as { rotated: number } };
}

async function createWithRotation(name: string, data: Record<string, unknown>, schedule = 'rate(1 day)') {
  await call('POST', '/secrets', {
    token: ops,
    body: { name, data, read_roles: [{ id: 'app' }], write_roles: [{ id: 'app' }] },
  });
  const configured = await call('PUT', `/rotation${path(name)}`, {
    token: ops,
    body: { rotator: { type: 'lambda', arn: 'local:demo-database' }, schedule },
  });
  expect(configured.status, configured.text).toBe(200);
  return configured;
}

describe('change events', () => {
  it('exactly one event per committed write, none for a refused one, never any data', async () => {
    const name = uniqueName('events');
    await call('POST', '/secrets', {
      token: ops,
      body: { name, data: { password: 'event-secret' }, read_roles: [{ id: 'app' }] },
    });
    await call('PUT', path(name), { token: ops, body: { data: { password: 'event-secret-2' } } });
    expectShapedError(
      await call('PUT', path(name), { token: outsider, body: { data: {} } }),
      404,
      'OBJECT_NOT_FOUND',
    );
    await call('DELETE', path(name), { token: ops });
    await call('POST', `/restore${path(name)}`, { token: ops });
    const events = await settledEvents(name, 4);
    expect(events.map((event) => event['detail-type'])).toEqual([
      'Secret Created',
      'Secret Updated',
      'Secret Deleted',
      'Secret Restored',
    ]);
    expect(new Set(events.map((event) => event.id)).size).toBe(4);
    expect(events[1]!.detail).toMatchObject({ version: 2, actor: 'ops', trace_id: expect.any(String) });
    expect(JSON.stringify(events)).not.toContain('event-secret');
  });
});

describe('rotation', () => {
  it('rotates on demand through the four steps, with a succeeded event and the old value as previous', async () => {
    const name = uniqueName('rotate-now');
    const configured = await createWithRotation(name, { user: 'app', password: 'before' });
    expect(configured.json.rotation).toMatchObject({
      schedule: 'rate(1 day)',
      next_rotation: expect.any(String),
    });
    const rotated = await call('POST', `/rotate${path(name)}`, { token: ops });
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.json).toEqual({ name, version: 2 });
    const current = await call('GET', path(name), { token: reader });
    expect(current.json.data.user).toBe('app');
    expect(current.json.data.password).not.toBe('before');
    expect(current.json.rotation).toMatchObject({
      last_status: 'succeeded',
      last_rotated: expect.any(String),
    });
    expect((await call('GET', `${path(name)}?stage=previous`, { token: reader })).json.data).toEqual({
      user: 'app',
      password: 'before',
    });
    const events = await settledEvents(name, 2);
    expect(events.map((event) => event['detail-type'])).toEqual([
      'Secret Created',
      'Secret Rotation Succeeded',
    ]);
    expect(JSON.stringify(events)).not.toContain(current.json.data.password);
  });

  it('a failing rotation keeps the current value, answers a shaped 502 and emits one failure event', async () => {
    const name = uniqueName('rotate-fail');
    await createWithRotation(name, { user: 'app', password: 'kept', fail_at: 'step:testSecret' });
    const failed = await call('POST', `/rotate${path(name)}`, { token: ops });
    expectShapedError(failed, 502, 'INTRA_SERVICE_COMMUNICATION_ERROR');
    expect(failed.json.error_message).toContain('testSecret');
    expect(failed.text).not.toContain('kept');
    expect((await call('GET', path(name), { token: reader })).json).toMatchObject({
      version: 1,
      data: { password: 'kept' },
    });
    const rotation = await call('GET', `/rotation${path(name)}`, { token: reader });
    expect(rotation.json.rotation).toMatchObject({
      last_status: 'failed',
      last_error: 'testSecret failed (Error)',
    });
    const events = await settledEvents(name, 2);
    expect(events.map((event) => event['detail-type'])).toEqual(['Secret Created', 'Secret Rotation Failed']);
    expect(events[1]!.detail).toMatchObject({ step: 'testSecret' });
  });

  it('bad rotation settings are shaped 400s; a reader may not configure or rotate', async () => {
    const name = uniqueName('rotate-bad');
    await call('POST', '/secrets', { token: ops, body: { name, data: {}, read_roles: [{ id: 'app' }] } });
    const bad = await call('PUT', `/rotation${path(name)}`, {
      token: ops,
      body: { rotator: { type: 'password', length: 4 }, schedule: 'every day' },
    });
    // One response names every problem: the rotator's and the schedule's.
    expectShapedError(bad, 400, 'INVALID_REQUEST_DATA');
    expect(bad.json.details).toEqual([
      expect.objectContaining({ error_code: 'VALUE_OUT_OF_BOUNDS', property: 'rotator.length' }),
      expect.objectContaining({ error_code: 'VALUE_INCORRECT_FORMAT', property: 'schedule' }),
    ]);
    const schedule = await call('PUT', `/rotation${path(name)}`, {
      token: ops,
      body: { rotator: { type: 'password' }, schedule: 'rate(1 fortnight)' },
    });
    expectShapedError(schedule, 400, 'VALUE_INCORRECT_FORMAT');
    expect(schedule.json.property).toBe('schedule');
    expectShapedError(await call('POST', `/rotate${path(name)}`, { token: ops }), 422, 'RULE_VIOLATION');
    const readOnly = await token({ sub: 'ro', scopes: ['user'], roles: ['app'] });
    expectShapedError(
      await call('PUT', `/rotation${path(name)}`, {
        token: readOnly,
        body: { rotator: { type: 'password' }, schedule: 'rate(1 day)' },
      }),
      403,
      'PERMISSION_DENIED',
    );
  });

  it('a secret whose schedule falls due rotates on its own, and readers never see an error during the cut-over', async () => {
    const name = uniqueName('rotate-scheduled');
    await call('POST', '/secrets', {
      token: ops,
      body: { name, data: { password: 'p0' }, read_roles: [{ id: 'app' }], write_roles: [{ id: 'app' }] },
    });
    // Runs may not be closer than 4 hours: a daily cron at a minute 30 to 90 seconds from now.
    const at = new Date(Math.ceil((Date.now() + 30_000) / 60_000) * 60_000);
    const configured = await call('PUT', `/rotation${path(name)}`, {
      token: ops,
      body: {
        rotator: { type: 'password', field: 'password', length: 24 },
        schedule: `cron(${at.getUTCMinutes()} ${at.getUTCHours()} * * ? *)`,
      },
    });
    expect(Date.parse(configured.json.rotation.next_rotation)).toBe(at.getTime());
    const due = Date.parse(configured.json.rotation.next_rotation);
    // The schedule's clock is moved to the due time (the sweeper's run, as of then), not waited for.
    expect((await sweepAt(due - 1_000)).status).toBe(200);
    expect((await call('GET', path(name), { token: reader })).json.version).toBe(1);
    const statuses = new Map<number, number>();
    let sweeping = true;
    const reading = (async () => {
      while (sweeping) {
        const reply = await call('GET', path(name), { token: reader });
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      }
    })();
    const swept = await sweepAt(due);
    sweeping = false;
    await reading;
    expect(swept.status).toBe(200);
    expect(swept.json.rotated).toBeGreaterThanOrEqual(1);
    const after = await call('GET', path(name), { token: reader });
    expect(after.json.version).toBe(2);
    expect(after.json.data.password).not.toBe('p0');
    expect([...statuses.keys()]).toEqual([200]);
    const rotatedAt = Date.parse(after.json.rotation.last_rotated);
    expect(rotatedAt).toBeGreaterThanOrEqual(due);
    expect(rotatedAt - due).toBeLessThan(5_000);
    const events = await settledEvents(name, 2);
    expect(events.map((event) => event['detail-type'])).toEqual([
      'Secret Created',
      'Secret Rotation Succeeded',
    ]);
  });

  it('a web page cannot reach the control routes: no control header or a foreign host is a shaped 403 that runs nothing', async () => {
    const at = new Date(Date.now() + 23 * 3_600_000).toISOString();
    // What a form post or a no-cors fetch from any site sends: a simple request, no custom header.
    const fromPage = await fetch(`${baseUrl()}/__local/sweep`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Origin: 'https://evil.example' },
      body: JSON.stringify({ at }),
    });
    expect(fromPage.status).toBe(403);
    expect(await fromPage.json()).toMatchObject({
      error_code: 'PERMISSION_DENIED',
      trace_id: expect.any(String),
    });
    expect((await fetch(`${baseUrl()}/__local/events`)).status).toBe(403);
    // DNS rebinding: the page's own name resolves to loopback, and its requests carry that name.
    const { request } = await import('node:http');
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(`${baseUrl()}/__local/events`, {
        headers: { ...LOCAL_CONTROL_HEADERS, Host: 'evil.example' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(rebound).toBe(403);
  });

  it("the schedule's clock moves only to a time within a day of now; anything else is a shaped 400", async () => {
    for (const at of ['soon', new Date(Date.now() + 2 * 86_400_000).toISOString(), 42]) {
      const response = await fetch(`${baseUrl()}/__local/sweep`, {
        method: 'POST',
        headers: LOCAL_CONTROL_HEADERS,
        body: JSON.stringify({ at }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error_code: 'VALUE_INCORRECT_FORMAT', property: 'at' });
    }
  });
});
