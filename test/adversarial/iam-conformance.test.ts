/**
 * Every call an operation's function makes is one its role allows. In AWS each function runs
 * under the role the CDK app derives from its row of the operation table (shared/operations.ts →
 * infra/constructs/operation-function.ts; test/infra checks the template equals the rows): a call
 * outside it is an AccessDenied that only a deploy would show. Locally nothing enforces IAM, so a
 * new read or write in a domain path (a create that now reads the name's head first, a purge that
 * queries for leftovers) passes every other test and fails in the cloud.
 *
 * Here every operation runs its success and refusal paths on the in-process vault, every SDK call
 * is recorded with the operation whose handler made it (infra/local/invocation.ts), and each is
 * held to that row's grants, modelled as the CDK app writes them: table reads anywhere; writes
 * outside audit keys (`A#`); audit appends (Query, PutItem on `A#`, UpdateItem on the denial
 * counters); the audit query (Query on `A#` and the day index); idempotency records; listing
 * directories; the KMS actions the row names.
 *
 * The SDK calls are observed by wrapping the SDK's own `Client.prototype.send` (every client's
 * calls go through it), and the one KMS call made without the SDK by wrapping `fetch`: recorders,
 * not mocks; the calls still reach DynamoDB Local and KMS.
 */
import { Client } from '@smithy/core/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { invocation } from '../../infra/local/invocation.ts';
import { signV4 } from '../../shared/client/iam-auth.ts';
import { allOperations, type Operation } from '../../shared/operations.ts';
import { IDEMPOTENCY_KEY_PREFIX } from '../../shared/store/idempotency.ts';
import {
  AUDIT_KEY_PREFIX,
  COUNTER_KEY_PREFIX,
  DENIAL_KEY_PREFIX,
  ENTRY_KEY_PREFIX,
} from '../../shared/store/keys.ts';
import { AUDIT_INDEX } from '../../shared/store/table.ts';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';

process.env.NOT_FOUND_MIN_MS = '0';

interface Call {
  operation: string;
  action: string;
  pk?: string | undefined;
  index?: string | undefined;
}

const calls: Call[] = [];
const originalSend = Client.prototype.send;
const originalFetch = globalThis.fetch;

/** The IAM action and partition keys of one SDK command (document or low-level client). */
function describeCommand(command: {
  constructor: { name: string };
  input?: any;
}): Array<Omit<Call, 'operation'>> {
  const name = command.constructor.name.replace(/Command$/, '');
  const input = command.input ?? {};
  const pkOf = (key: any): string | undefined => (typeof key?.pk === 'string' ? key.pk : key?.pk?.S);
  const item = (action: string, key: any) => ({ action, pk: pkOf(key) });
  switch (name) {
    case 'Get':
    case 'GetItem':
      return [item('GetItem', input.Key)];
    case 'Put':
    case 'PutItem':
      return [item('PutItem', input.Item)];
    case 'Update':
    case 'UpdateItem':
      return [item('UpdateItem', input.Key)];
    case 'Delete':
    case 'DeleteItem':
      return [item('DeleteItem', input.Key)];
    case 'Query': {
      const placeholder = /(?:^|\s|\()(?:pk|#\w+)\s*=\s*(:\w+)/.exec(input.KeyConditionExpression ?? '')?.[1];
      const value = placeholder ? input.ExpressionAttributeValues?.[placeholder] : undefined;
      return [{ action: 'Query', pk: typeof value === 'string' ? value : value?.S, index: input.IndexName }];
    }
    case 'TransactWrite':
    case 'TransactWriteItems':
      return (input.TransactItems ?? []).map((entry: any) => {
        if (entry.Put) return item('PutItem', entry.Put.Item);
        if (entry.Update) return item('UpdateItem', entry.Update.Key);
        if (entry.Delete) return item('DeleteItem', entry.Delete.Key);
        return item('ConditionCheckItem', entry.ConditionCheck?.Key);
      });
    case 'Decrypt':
    case 'GenerateDataKey':
    case 'Encrypt':
    case 'Sign':
    case 'GetPublicKey':
      return [{ action: `kms:${name}` }];
    case 'Invoke':
      return [{ action: 'lambda:InvokeFunction' }];
    default:
      return [{ action: name }];
  }
}

const READS = ['GetItem', 'Query'];

/** Whether the role the CDK app gives `operation` allows `call` (see the file comment). */
function allowed(operation: Operation, call: Call): boolean {
  const table = operation.table as readonly string[];
  // The token key (infra/constructs/vault-token-key.ts): the login function signs; whoever
  // verifies tokens, or serves the JWKS, reads the public key.
  if (call.action === 'kms:Sign') return operation.tokenKey === 'sign';
  if (call.action === 'kms:GetPublicKey')
    return operation.tokenKey !== undefined || operation.scopes.length > 0;
  if (call.action.startsWith('kms:'))
    return (operation.keys as readonly string[]).includes(call.action.slice(4));
  if (call.action === 'lambda:InvokeFunction') return operation.invokesRotators === true;
  if (call.index !== undefined)
    return call.index === AUDIT_INDEX.name && operation.audit === 'read' && call.action === 'Query';
  const pk = call.pk ?? '';
  if (READS.includes(call.action) && table.includes(call.action)) return true;
  if (pk.startsWith(AUDIT_KEY_PREFIX)) {
    if (operation.audit === 'append')
      return (
        call.action === 'Query' ||
        call.action === 'PutItem' ||
        (call.action === 'UpdateItem' && pk.startsWith(DENIAL_KEY_PREFIX))
      );
    return operation.audit === 'read' && call.action === 'Query';
  }
  if (table.includes(call.action)) return true;
  if (operation.idempotency && pk.startsWith(IDEMPOTENCY_KEY_PREFIX))
    return ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'].includes(call.action);
  if (operation.movesListings && (pk.startsWith(COUNTER_KEY_PREFIX) || pk.startsWith(ENTRY_KEY_PREFIX)))
    return READS.includes(call.action);
  return false;
}

let vault: InProcessVault;
const tokens = { ops: '', reader: '', stranger: '', alice: '' };

beforeAll(async () => {
  Client.prototype.send = function recordingSend(
    this: Client<any, any, any, any>,
    command: any,
    ...rest: any[]
  ) {
    const operation = invocation.getStore()?.operation;
    if (operation !== undefined)
      for (const call of describeCommand(command)) calls.push({ operation, ...call });
    return (originalSend as any).call(this, command, ...rest);
  } as typeof originalSend;
  // Verifiers read the token key's public half with one signed POST of their own, not the SDK
  // (shared/aws/kms-public-key.ts): recorded by its X-Amz-Target, as the SDK's calls are.
  globalThis.fetch = function recordingFetch(input, init) {
    const operation = invocation.getStore()?.operation;
    const target = new Headers(init?.headers).get('x-amz-target');
    if (operation !== undefined && target?.startsWith('TrentService.'))
      calls.push({ operation, action: `kms:${target.slice('TrentService.'.length)}` });
    return originalFetch(input, init);
  } as typeof fetch;
  vault = await startInProcessVault({
    iamIdentities: { stranger: { secretAccessKey: 'stranger', arn: STRANGER_ARN } },
  });
  const mint = (sub: string, scopes: string[], roles: string[] = []) =>
    vault.issuer.mint({ sub, scopes, roles });
  tokens.ops = await mint('ops', ['vaultAdd', 'vaultManage', 'admin', 'user'], ['app']);
  tokens.reader = await mint('rita', ['user'], ['app']);
  tokens.stranger = await mint('sam', ['user'], ['other']);
  tokens.alice = await mint('alice', ['user']);
});

afterAll(async () => {
  Client.prototype.send = originalSend;
  globalThis.fetch = originalFetch;
  await vault.close();
});

const STRANGER_ARN = 'arn:aws:sts::000000000000:assumed-role/unmapped/s';

/** POST /auth/iam signed as the client package signs it (the local runtime maps local-dev). */
async function iamLogin(credentials: { accessKeyId: string; secretAccessKey: string }): Promise<string> {
  const url = `${vault.runtime.apiUrl}/auth/iam`;
  const json = { 'content-type': 'application/json' };
  const headers = signV4({ method: 'POST', url, headers: json, body: '{}' }, credentials, {
    region: 'us-east-1',
    service: 'execute-api',
    at: new Date(),
  });
  const response = await fetch(url, { method: 'POST', headers: { ...json, ...headers }, body: '{}' });
  return ((await response.json()) as { access_token?: string }).access_token ?? '';
}

const at = (name: string) => `/secrets/${encodeURIComponent(name)}`;
const mine = (name: string) => `/user/alice/secrets/${encodeURIComponent(name)}`;

/** Every operation, on its success paths and its refusals, including the ones added lately. */
async function workload() {
  const { ops, reader, stranger, alice } = tokens;
  const call = (
    token: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => vault.call(token, method, path, body, headers);
  const body = (name: string, data: object = { v: 1 }) => ({
    name,
    data,
    read_roles: [{ id: 'app' }],
    write_roles: [{ id: 'app' }],
  });

  await call(ops, 'GET', '/status');
  await call(ops, 'GET', '/schemas');
  await call(ops, 'GET', '/openapi.json');
  // Create: plain, keyed (and its replay), taken, over a deleted name.
  await call(ops, 'POST', '/secrets', body('iam/a'));
  await call(ops, 'POST', '/secrets', body('iam/b'), { 'Idempotency-Key': 'iam-key-1' });
  await call(ops, 'POST', '/secrets', body('iam/b'), { 'Idempotency-Key': 'iam-key-1' });
  await call(ops, 'POST', '/secrets', body('iam/a'));
  await call(ops, 'POST', '/secrets', body('iam/a'), { 'If-None-Match': '*' });
  await call(ops, 'PUT', at('iam/a'), { data: { v: 2 } });
  await call(ops, 'PUT', at('iam/a'), { data: { v: 3 } }, { 'If-Match': '"1"' });
  // Merge patches: into the data (decrypts it), metadata only, stale, refused, not visible.
  await call(ops, 'PATCH', at('iam/a'), { data: { w: 1 } });
  await call(ops, 'PATCH', at('iam/a'), { description: 'patched' });
  await call(ops, 'PATCH', at('iam/a'), { data: { w: 2 } }, { 'If-Match': '"1"' });
  await call(ops, 'PATCH', at('iam/a'), { data: { big: 'x'.repeat(70_000) } });
  await call(stranger, 'PATCH', at('iam/a'), { data: { w: 3 } });
  await call(ops, 'DELETE', at('iam/a'));
  await call(ops, 'POST', '/secrets', body('iam/a', { v: 'again' }));
  await call(reader, 'GET', `${at('iam/a')}?version=1`);
  await call(reader, 'GET', `${at('iam/a')}?version=99`);
  await call(stranger, 'GET', `${at('iam/a')}?version=1`);
  await call(reader, 'GET', at('iam/a'));
  await call(reader, 'GET', `${at('iam/a')}?stage=previous`);
  await call(stranger, 'GET', at('iam/a'));
  await call(reader, 'GET', at('iam/missing'));
  await call(reader, 'GET', `/metadata${at('iam/a')}`);
  await call(reader, 'GET', `/versions${at('iam/a')}`);
  await call(reader, 'GET', '/secrets?offset=1&limit=1');
  await call(reader, 'GET', '/secrets');
  await call(reader, 'POST', '/search/secrets', { keywords: 'iam' });
  await call(reader, 'POST', '/batch/secrets', { names: ['iam/a', 'iam/b', 'iam/missing'] });
  await call(stranger, 'PUT', at('iam/a'), { data: { v: 'no' } });
  // Rotation: settings, a rotation on demand, its state, off.
  await call(ops, 'PUT', `/rotation${at('iam/b')}`, {
    rotator: { type: 'password', field: 'password' },
    schedule: 'rate(1 day)',
  });
  await call(ops, 'GET', `/rotation${at('iam/b')}`);
  await call(ops, 'POST', `/rotate${at('iam/b')}`);
  await call(ops, 'DELETE', `/rotation${at('iam/b')}`);
  // Delete and restore; a forced purge with a retired secret kept under the name.
  await call(ops, 'DELETE', at('iam/b'));
  await call(ops, 'POST', `/restore${at('iam/b')}`);
  await call(ops, 'POST', `/restore${at('iam/b')}`);
  await call(ops, 'DELETE', `${at('iam/a')}?force=true`);
  await call(ops, 'DELETE', `${at('iam/missing')}`);
  // Personal secrets.
  await call(alice, 'POST', '/user/alice/secrets', { name: 'iam/mine', data: { k: 1 } });
  await call(alice, 'GET', '/user/alice/secrets');
  await call(alice, 'GET', mine('iam/mine'));
  await call(alice, 'GET', `/user/alice/metadata${mine('iam/mine').slice('/user/alice'.length)}`);
  await call(alice, 'GET', `/user/alice/versions/secrets/${encodeURIComponent('iam/mine')}`);
  await call(alice, 'PUT', mine('iam/mine'), { data: { k: 2 } });
  await call(alice, 'PATCH', mine('iam/mine'), { data: { j: 1 } });
  await call(alice, 'DELETE', mine('iam/mine'));
  await call(alice, 'POST', `/user/alice/restore/secrets/${encodeURIComponent('iam/mine')}`);
  await call(alice, 'DELETE', mine('iam/mine'));
  await call(alice, 'POST', '/user/alice/secrets', { name: 'iam/mine', data: { k: 3 } });
  await call(stranger, 'GET', mine('iam/mine'));
  // IAM login: granted (the token then verified by a reading function), refused, and the JWKS.
  await call(ops, 'GET', '/auth/jwks.json');
  const iamToken = await iamLogin(LOCAL_AWS.credentials);
  expect(iamToken).not.toBe('');
  await call(iamToken, 'GET', at('iam/b'));
  await iamLogin({ accessKeyId: 'stranger', secretAccessKey: 'stranger' });
  await call(ops, 'GET', `/audit?secret=${encodeURIComponent('iam/b')}`);
  await call(ops, 'GET', '/audit?actor=ops');
}

describe('every call an operation makes is one its role allows', () => {
  it('holds for every operation, on success and refusal paths', async () => {
    await workload();
    const byId = new Map(allOperations.map((operation) => [operation.id, operation]));
    const denied = calls
      .filter((call) => !allowed(byId.get(call.operation)!, call))
      .map(
        (call) => `${call.operation}: ${call.action} ${call.index ? `index ${call.index}` : (call.pk ?? '')}`,
      );
    expect([...new Set(denied)]).toEqual([]);
    // The workload reached every operation that touches DynamoDB or KMS.
    const seen = new Set(calls.map((call) => call.operation));
    const silent = allOperations
      .filter(
        (operation) =>
          operation.table.length > 0 || operation.keys.length > 0 || operation.audit || operation.tokenKey,
      )
      .map((operation) => operation.id)
      .filter((id) => !seen.has(id));
    expect(silent).toEqual([]);
  });

  it('the model refuses what the roles refuse', () => {
    const row = (id: string) => allOperations.find((operation) => operation.id === id)!;
    expect(allowed(row('get-secret'), { operation: 'get-secret', action: 'PutItem', pk: 'S#shared#x' })).toBe(
      false,
    );
    expect(
      allowed(row('update-secret'), { operation: 'update-secret', action: 'DeleteItem', pk: 'A#shared#0#x' }),
    ).toBe(false);
    expect(
      allowed(row('get-secret'), { operation: 'get-secret', action: 'Query', index: AUDIT_INDEX.name }),
    ).toBe(false);
    expect(allowed(row('get-secret'), { operation: 'get-secret', action: 'kms:GenerateDataKey' })).toBe(
      false,
    );
    // Only the login function signs tokens; the public route reads the public key only.
    expect(allowed(row('get-secret'), { operation: 'get-secret', action: 'kms:Sign' })).toBe(false);
    expect(allowed(row('get-jwks'), { operation: 'get-jwks', action: 'kms:Sign' })).toBe(false);
    expect(allowed(row('status'), { operation: 'status', action: 'kms:GetPublicKey' })).toBe(false);
  });
});
