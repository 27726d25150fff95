/**
 * A write and its audit entry are one fact. For every writing operation, DynamoDB is made to fail
 * from the k-th call of the request on (k = 0, 1, 2, … until the request no longer reaches the
 * fault), which stops the request at every point it can stop. After each, the invariant: the
 * secret changed if and only if its trail gained exactly one entry recording that write, and a
 * failure is a shaped, retryable 503 (a retried create then succeeds, never a 409).
 *
 * The fault proxy stands in for a DynamoDB that starts throttling mid-request: DynamoDB Local
 * cannot be made to fail on demand (test/support/fault-proxy.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectShapedError } from '../support/error-shape.ts';
import type { FaultProxy } from '../support/fault-proxy.ts';
import type { Reply } from '../support/http.ts';
import { type InProcessVault, startFaultyVault } from '../support/in-process-vault.ts';

let vault: InProcessVault & { proxy: FaultProxy };
let proxy: FaultProxy;
let token: string;

beforeAll(async () => {
  // Fail fast: no SDK retries and one try per rotation step, so each stopped request is quick
  // (retries would only push the stop to a later call, which the loop over k covers anyway).
  process.env.AWS_MAX_ATTEMPTS = '1';
  process.env.ROTATION_STEP_ATTEMPTS = '1';
  process.env.POWERTOOLS_LOG_LEVEL = 'CRITICAL';
  vault = await startFaultyVault();
  proxy = vault.proxy;
  token = await vault.issuer.mint({
    sub: 'ops',
    scopes: ['user', 'vaultAdd', 'vaultManage', 'admin'],
    roles: ['app'],
  });
});

afterAll(async () => {
  await vault.close();
});

const api = (method: string, path: string, body?: unknown) => vault.call(token, method, path, body);

const at = (name: string) => `/secrets/${encodeURIComponent(name)}`;
const ok = async (reply: Promise<{ status: number; text: string }>) => {
  const { status, text } = await reply;
  expect(status, text).toBeLessThan(300);
};

const create = (name: string) =>
  api('POST', '/secrets', {
    name,
    data: { user: 'app', password: 'first' },
    read_roles: [{ id: 'app' }],
    write_roles: [{ id: 'app' }],
  });
const rotation = { rotator: { type: 'password', field: 'password' }, schedule: 'rate(30 days)' };

interface WriteCase {
  action: string;
  setup(name: string): Promise<void>;
  run(name: string): Promise<Reply>;
}

const CASES: Record<string, WriteCase> = {
  create: { action: 'create', setup: async () => {}, run: create },
  'update of the data': {
    action: 'update',
    setup: (name) => ok(create(name)),
    run: (name) => api('PUT', at(name), { data: { user: 'app', password: 'second' } }),
  },
  'update of the roles only': {
    action: 'update',
    setup: (name) => ok(create(name)),
    run: (name) => api('PUT', at(name), { read_roles: [{ id: 'app' }, { id: 'auditors' }] }),
  },
  'merge patch of one data field': {
    action: 'update',
    setup: (name) => ok(create(name)),
    run: (name) => api('PATCH', at(name), { data: { password: 'patched' } }),
  },
  'merge patch of the metadata only': {
    action: 'update',
    setup: (name) => ok(create(name)),
    run: (name) => api('PATCH', at(name), { description: 'patched', tags: null }),
  },
  'rotation settings': {
    action: 'configure',
    setup: (name) => ok(create(name)),
    run: (name) => api('PUT', `/rotation${at(name)}`, rotation),
  },
  'rotation removal': {
    action: 'configure',
    setup: async (name) => {
      await ok(create(name));
      await ok(api('PUT', `/rotation${at(name)}`, rotation));
    },
    run: (name) => api('DELETE', `/rotation${at(name)}`),
  },
  rotation: {
    action: 'rotate',
    setup: async (name) => {
      await ok(create(name));
      await ok(api('PUT', `/rotation${at(name)}`, rotation));
    },
    run: (name) => api('POST', `/rotate${at(name)}`),
  },
  'soft delete': {
    action: 'delete',
    setup: (name) => ok(create(name)),
    run: (name) => api('DELETE', at(name)),
  },
  restore: {
    action: 'restore',
    setup: async (name) => {
      await ok(create(name));
      await ok(api('DELETE', at(name)));
    },
    run: (name) => api('POST', `/restore${at(name)}`),
  },
  purge: {
    action: 'purge',
    setup: (name) => ok(create(name)),
    run: (name) => api('DELETE', `${at(name)}?force=true`),
  },
};

type Item = Record<string, unknown> & { pk: string; sk: string };

/** The secret's head item (or undefined) and the audit entries that record `action` on it. */
async function observe(name: string, action: string) {
  const items = (await vault.snapshot())
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Item);
  const head = items.find((item) => item.pk === `S#shared#${name}` && item.sk === 'head');
  const recorded = items.filter(
    (item) =>
      item.pk.startsWith('A#shared#') &&
      item.pk.slice(item.pk.indexOf('#', 'A#shared#'.length) + 1) === name &&
      item.action === action &&
      item.outcome !== 'denied',
  );
  return { head: JSON.stringify(head), recorded: recorded.length };
}

describe('a write and its audit entry are one fact', () => {
  it.each(Object.entries(CASES))(
    '%s: stopped by DynamoDB failing at any call, it is written and audited, or neither',
    async (label, { action, setup, run }) => {
      let stops = 0;
      for (let k = 0; k < 40; k++) {
        const name = `atomic/${label.replaceAll(' ', '-')}/${k}`;
        await setup(name);
        const before = await observe(name, action);
        const hitsBefore = proxy.injected();
        proxy.inject({ operation: '*', kind: 'throttle', count: Number.POSITIVE_INFINITY, after: k });
        const reply = await run(name);
        proxy.clear();
        const stopped = proxy.injected() > hitsBefore;
        const after = await observe(name, action);
        const changed = after.head !== before.head;

        expect(after.recorded - before.recorded, `${label}, DynamoDB failing from call ${k + 1}`).toBe(
          changed ? 1 : 0,
        );
        if (reply.status < 300) expect(changed, `${label}: a success changed nothing`).toBe(true);
        else {
          // A stopped write is a shaped, retryable 503, and it did not happen.
          expectShapedError(reply, 503, 'DATABASE_ERROR');
          expect(changed, `${label}: answered ${reply.status} for a write that happened`).toBe(false);
          if (action === 'create') {
            const retried = await create(name);
            expect(retried.status, retried.text).toBe(201);
          }
        }
        if (!stopped) break;
        stops++;
      }
      // The request was stopped at several points (reading, the transaction, the audit lane).
      expect(stops).toBeGreaterThanOrEqual(2);
    },
  );
});
