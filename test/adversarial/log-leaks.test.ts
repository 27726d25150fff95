/**
 * Error messages that may quote secret data never reach the logs: a rotator that fails with the
 * value in its message, run through the whole local stack, leaves only the error's class there.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../../shared/http/logger.ts';
import { ModuleRotatorInvoker } from '../../shared/rotation/rotator-invokers.ts';
import { expectShapedError } from '../support/error-shape.ts';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';

const LEAKED = 'hunter2-SECRET';

let vault: InProcessVault;
let token: string;
const output: string[] = [];

/** Everything written anywhere: the logger's own console, process streams, the global console. */
function captureAllOutput() {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: never[]) => {
      output.push(String(chunk));
      return write(chunk as string, ...rest);
    }) as typeof stream.write);
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method].bind(console);
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      output.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
      original(...args);
    });
  }
  for (const level of ['debug', 'info', 'warn', 'error', 'critical'] as const) {
    const original = logger[level].bind(logger);
    vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
      output.push(JSON.stringify(args));
      (original as (...a: unknown[]) => void)(...args);
    });
  }
}

beforeAll(async () => {
  vault = await startInProcessVault({ events: true });
  token = await vault.issuer.mint({
    sub: 'ops',
    scopes: ['user', 'vaultAdd', 'vaultManage'],
    roles: ['app'],
  });
  captureAllOutput();
});

afterAll(async () => {
  vi.restoreAllMocks();
  await vault.close();
});

const api = (method: string, path: string, body?: unknown) => vault.call(token, method, path, body);

describe('log leaks', () => {
  it("a rotator's error message quoting the secret never reaches the logs: only its class does", async () => {
    const created = await api('POST', '/secrets', {
      name: 'leaky/db',
      data: { user: 'app', password: LEAKED },
      read_roles: [{ id: 'app' }],
      write_roles: [{ id: 'app' }],
    });
    expect(created.status, created.text).toBe(201);
    const configured = await api('PUT', '/rotation/secrets/leaky%2Fdb', {
      rotator: { type: 'lambda', arn: 'local:demo-database' },
      schedule: 'rate(1 day)',
    });
    expect(configured.status, configured.text).toBe(200);
    // The rotator fails the way careless code does: with the value it was handling in the message.
    vi.spyOn(ModuleRotatorInvoker.prototype, 'invoke').mockImplementation(async (_arn, _step, context) => {
      throw new Error(`password=${String(context.current.password)}`, {
        cause: new TypeError(`bad value ${String(context.current.password)}`),
      });
    });

    const failed = await api('POST', '/rotate/secrets/leaky%2Fdb');
    expectShapedError(failed, 502, 'INTRA_SERVICE_COMMUNICATION_ERROR');
    expect(failed.text).not.toContain(LEAKED);

    const logged = output.join('\n');
    // The failure was logged under its trace id, with the causes' classes…
    const line = output.find(
      (entry) => entry.includes(failed.json.trace_id) && entry.includes('request failed'),
    );
    expect(line, logged.slice(-2000)).toBeDefined();
    expect(line).toContain('RotationFailedError');
    expect(line).toContain('TypeError');
    // …and nothing of the value, anywhere.
    expect(logged).not.toContain(LEAKED);
  });
});
