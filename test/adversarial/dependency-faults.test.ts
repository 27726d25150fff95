import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_CONTROL_HEADERS } from '../../infra/local/local-control.ts';
import { logger } from '../../shared/http/logger.ts';
import { expectShapedError } from '../support/error-shape.ts';
import type { FaultProxy } from '../support/fault-proxy.ts';
import { type InProcessVault, startFaultyVault } from '../support/in-process-vault.ts';

const MARKER = 'fault-marker-value-7f3a';

let vault: InProcessVault & { proxy: FaultProxy };
let proxy: FaultProxy;
let token: string;
let kmsFaults = 0;
const logs: string[] = [];

beforeAll(async () => {
  // Capture everything the handlers log (one logger for all of them) to prove no value leaks there.
  for (const level of ['debug', 'info', 'warn', 'error', 'critical'] as const) {
    const original = logger[level].bind(logger);
    vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
      logs.push(
        JSON.stringify(args, (_key, value) =>
          value instanceof Error ? { name: value.name, message: value.message } : value,
        ),
      );
      (original as (...a: unknown[]) => void)(...args);
    });
  }
  vault = await startFaultyVault();
  proxy = vault.proxy;
  token = await vault.issuer.mint({
    sub: 'ops',
    scopes: ['user', 'vaultAdd', 'vaultManage', 'admin'],
    roles: ['app'],
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  console.log(`dependency faults injected: DynamoDB ${proxy.injected()}, KMS ${kmsFaults}`);
  await vault.close();
});

const api = (method: string, path: string, body?: unknown) => vault.call(token, method, path, body);

let counter = 0;
async function secret(): Promise<string> {
  const name = `faults/${counter++}`;
  const created = await api('POST', '/secrets', {
    name,
    data: { password: MARKER },
    read_roles: [{ id: 'app' }],
    write_roles: [{ id: 'app' }],
  });
  expect(created.status, created.text).toBe(201);
  return `/secrets/${encodeURIComponent(name)}`;
}

afterEach(async () => {
  proxy.clear();
  await fetch(`${vault.runtime.kmsEndpoint}/__local/faults`, {
    method: 'DELETE',
    headers: LOCAL_CONTROL_HEADERS,
  });
});

async function kmsFault(operation: string, error: string, count: number) {
  kmsFaults += count;
  await fetch(`${vault.runtime.kmsEndpoint}/__local/faults`, {
    method: 'POST',
    headers: LOCAL_CONTROL_HEADERS,
    body: JSON.stringify({ operation, error, count }),
  });
}

describe('dependency faults', () => {
  it('DynamoDB throttling past the SDK retries is a 503 with Retry-After', async () => {
    const path = await secret();
    proxy.inject({ operation: 'GetItem', kind: 'throttle', count: Number.POSITIVE_INFINITY });
    const reply = await api('GET', path);
    expectShapedError(reply, 503, 'DATABASE_ERROR');
    expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
    proxy.clear();
    expect((await api('GET', path)).json.data).toEqual({ password: MARKER });
  });

  it('DynamoDB internal errors are a 503 too', async () => {
    const path = await secret();
    proxy.inject({ operation: 'GetItem', kind: 'internal', count: Number.POSITIVE_INFINITY });
    expectShapedError(await api('GET', path), 503, 'DATABASE_ERROR');
  });

  it('a DynamoDB call that hangs times out into a 503 instead of hanging the request', async () => {
    const path = await secret();
    proxy.inject({ operation: 'GetItem', kind: 'timeout', count: Number.POSITIVE_INFINITY });
    const started = Date.now();
    const reply = await api('GET', path);
    expectShapedError(reply, 503, 'DATABASE_ERROR');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('KMS throttling is a 503 with Retry-After; the next try succeeds', async () => {
    const path = await secret();
    await kmsFault('Decrypt', 'ThrottlingException', 100);
    const reply = await api('GET', path);
    expectShapedError(reply, 503, 'INTRA_SERVICE_COMMUNICATION_ERROR');
    expect(reply.headers.get('retry-after')).toBe('1');
    await fetch(`${vault.runtime.kmsEndpoint}/__local/faults`, {
      method: 'DELETE',
      headers: LOCAL_CONTROL_HEADERS,
    });
    expect((await api('GET', path)).json.data).toEqual({ password: MARKER });
  });

  it('KMS failing to decrypt the data a merge patch applies to: a 503 that writes nothing, then the patch lands', async () => {
    const path = await secret();
    const before = await vault.snapshot({ trail: false });
    await kmsFault('Decrypt', 'ThrottlingException', 100);
    const reply = await api('PATCH', path, { data: { user: 'app' } });
    expectShapedError(reply, 503, 'INTRA_SERVICE_COMMUNICATION_ERROR');
    expect(reply.text).not.toContain(MARKER);
    expect(await vault.snapshot({ trail: false })).toBe(before);
    await fetch(`${vault.runtime.kmsEndpoint}/__local/faults`, {
      method: 'DELETE',
      headers: LOCAL_CONTROL_HEADERS,
    });
    expect((await api('PATCH', path, { data: { user: 'app' } })).status).toBe(200);
    expect((await api('GET', path)).json.data).toEqual({ password: MARKER, user: 'app' });
  });

  it('a disabled key is a 500 (retrying will not help) and a create then stores nothing', async () => {
    const before = await vault.snapshot();
    await kmsFault('GenerateDataKey', 'DisabledException', 1);
    const reply = await api('POST', '/secrets', { name: 'faults/disabled', data: { password: MARKER } });
    expectShapedError(reply, 500, 'CONFIGURATION_ERROR');
    expect(reply.headers.get('retry-after')).toBeNull();
    expect(await vault.snapshot()).toBe(before);
  });

  it('ciphertext the key service refuses is a 500 integrity error, never data', async () => {
    const path = await secret();
    await kmsFault('Decrypt', 'InvalidCiphertextException', 1);
    const reply = await api('GET', path);
    expectShapedError(reply, 500, 'DATA_INTEGRITY_ERROR');
    expect(reply.text).not.toContain(MARKER);
  });

  it('a write whose transaction is throttled leaves no half-written secret: head and versions agree', async () => {
    const path = await secret();
    proxy.inject({ operation: 'TransactWriteItems', kind: 'throttle', count: Number.POSITIVE_INFINITY });
    expectShapedError(await api('PUT', path, { data: { password: 'never-stored' } }), 503, 'DATABASE_ERROR');
    const items = (await vault.snapshot()).split('\n').map((line) => JSON.parse(line));
    const name = decodeURIComponent(path.split('/').pop()!);
    const head = items.find((item) => item.sk === 'head' && item.name === name);
    const versions = items.filter((item) => item.pk === head.pk && String(item.sk).startsWith('v#'));
    expect(head.version).toBe(1);
    expect(versions.map((v) => v.version)).toEqual([1]);
    expect(versions[0].sealed).toBe(head.sealed);
    expect((await api('GET', path)).json).toMatchObject({ version: 1, data: { password: MARKER } });
  });

  it('when the audit trail cannot be written, the data is not served', async () => {
    const path = await secret();
    proxy.inject({ operation: 'PutItem', kind: 'throttle', count: Number.POSITIVE_INFINITY });
    const reply = await api('GET', path);
    expectShapedError(reply, 503, 'DATABASE_ERROR');
    expect(reply.text).not.toContain(MARKER);
  });

  it('a read whose audit put commits but loses its answer is recorded once, not again by the retry', async () => {
    const path = await secret();
    // The SDK retries the put; it finds its own entry in the place and must not append another.
    proxy.inject({ operation: 'PutItem', kind: 'lost', count: 1 });
    const reply = await api('GET', path);
    expect(reply.status, reply.text).toBe(200);
    expect(proxy.injected()).toBeGreaterThan(0);
    const trail = await api('GET', `/audit?secret=${path.split('/').pop()!}`);
    expect(trail.status, trail.text).toBe(200);
    const reads = trail.json.items.filter((item: { action: string }) => item.action === 'read');
    expect(reads).toHaveLength(1);
  });

  it('a rotation whose start commits but loses its answer goes on, instead of a 409 that leaves it running', async () => {
    const path = await secret();
    const name = path.split('/').pop()!;
    const configured = await api('PUT', `/rotation/secrets/${name}`, {
      rotator: { type: 'password', field: 'password' },
      schedule: 'rate(30 days)',
    });
    expect(configured.status, configured.text).toBe(200);
    // The first plain put of a rotation is its start (its steps and the new version are transactions).
    proxy.inject({ operation: 'PutItem', kind: 'lost', count: 1 });
    const rotated = await api('POST', `/rotate/secrets/${name}`);
    expect(proxy.injected()).toBeGreaterThan(0);
    expect(rotated.status, rotated.text).toBe(200);
    const read = await api('GET', path);
    expect(read.json.version).toBe(2);
    expect(read.json.data.password).not.toBe(MARKER);
    // Nothing is left running: the next rotation starts.
    expect((await api('POST', `/rotate/secrets/${name}`)).status).toBe(200);
  });

  it('nothing above put a secret value into a log line', () => {
    const lines = logs;
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.filter((line) => line.includes(MARKER))).toEqual([]);
    expect(lines.filter((line) => /eyJ[\w-]+\.eyJ[\w-]+\./.test(line))).toEqual([]);
  });
});
