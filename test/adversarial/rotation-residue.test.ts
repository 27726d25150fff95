/**
 * A rotation's sealed pending value is secret data bound to one incarnation of one secret: it does
 * not outlive a failed rotation or the secret's deletion, and a secret re-created under the same
 * name can neither read nor resume a pending value left by its predecessor.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';
import { USERS } from '../support/users.ts';

let vault: InProcessVault;
let db: DynamoDBDocumentClient;
let manager: string;
let reader: string;

beforeAll(async () => {
  process.env.ROTATION_STEP_ATTEMPTS = '1';
  vault = await startInProcessVault();
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...LOCAL_AWS, endpoint: vault.runtime.dynamoEndpoint }),
  );
  manager = await vault.issuer.mint({
    sub: 'ops',
    scopes: ['user', 'vaultAdd', 'vaultManage', 'admin'],
    roles: ['app'],
  });
  reader = await vault.issuer.mint(USERS.app);
});

afterAll(async () => {
  db.destroy();
  await vault.close();
});

const api = (token: string, method: string, path: string, body?: unknown) =>
  vault.call(token, method, path, body);
const at = (name: string) => `/secrets/${encodeURIComponent(name)}`;
const pk = (name: string) => `S#shared#${name}`;
const rotationItem = async (name: string) =>
  (
    await db.send(
      new GetCommand({ TableName: vault.runtime.tableName, Key: { pk: pk(name), sk: 'rotation' } }),
    )
  ).Item;

/** A secret whose demo-database rotator fails at testSecret, after it sealed a pending value. */
async function failedRotation(name: string, data: Record<string, unknown>) {
  const created = await api(manager, 'POST', '/secrets', {
    name,
    data: { ...data, fail_at: 'step:testSecret' },
    read_roles: [{ id: 'app' }],
    write_roles: [{ id: 'app' }],
  });
  expect(created.status, created.text).toBe(201);
  const configured = await api(manager, 'PUT', `/rotation${at(name)}`, {
    rotator: { type: 'lambda', arn: 'local:demo-database' },
    schedule: 'rate(30 days)',
  });
  expect(configured.status, configured.text).toBe(200);
  const rotated = await api(manager, 'POST', `/rotate${at(name)}`);
  expect(rotated.status, rotated.text).toBeGreaterThanOrEqual(500);
}

describe('rotation residue', () => {
  it("a failed rotation's pending value is bound to the secret and goes with it: a delete leaves no rotation item", async () => {
    const name = 'residue/failed';
    await failedRotation(name, { user: 'u' });
    // Failed at testSecret, after setSecret: the target may hold the value, so it is kept to resume.
    const failed = await rotationItem(name);
    expect(failed).toMatchObject({ status: 'failed', step: 'testSecret', incarnation: expect.any(String) });
    expect(failed?.pending).toBeDefined();

    await api(manager, 'DELETE', at(name));
    expect(await rotationItem(name)).toBeUndefined();
  });

  it('a pending value left by an earlier secret of the same name is never read or resumed by the new one', async () => {
    const name = 'residue/reborn';
    await failedRotation(name, { user: 'old-incarnation' });
    // What a crash mid-rotation leaves behind: running, stale, a sealed pending value of the old secret.
    // Its pending value: the old secret's data, sealed under the binding (name, version 1) that
    // the new secret's version 1 has too, so it would open for the new secret's readers.
    const head = (
      await db.send(new GetCommand({ TableName: vault.runtime.tableName, Key: { pk: pk(name), sk: 'head' } }))
    ).Item!;
    const crashed: Record<string, unknown> = {
      ...(await rotationItem(name)),
      status: 'running',
      step: 'finishSecret',
      basedOn: 1,
      updatedAt: '2000-01-01T00:00:00.000Z',
      pending: { sealed: head.sealed, sealedVersion: 1 },
    };

    expect((await api(manager, 'DELETE', `${at(name)}?force=true`)).status).toBe(200);
    // As if the item had survived (a store that forgot it, an older version of the vault).
    await db.send(new PutCommand({ TableName: vault.runtime.tableName, Item: crashed }));
    const versions = await db.send(
      new QueryCommand({
        TableName: vault.runtime.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk(name) },
      }),
    );
    expect(versions.Items?.map((item) => item.sk)).toEqual(['rotation']);

    const reborn = await api(manager, 'POST', '/secrets', {
      name,
      data: { user: 'new-incarnation', password: 'fresh' },
      read_roles: [{ id: 'app' }],
      write_roles: [{ id: 'app' }],
    });
    expect(reborn.status, reborn.text).toBe(201);
    const pending = await api(reader, 'GET', `${at(name)}?stage=pending`);
    expect(pending.status).toBe(404);
    expect(pending.text).not.toContain('old-incarnation');
    const state = await api(manager, 'GET', `/rotation${at(name)}`);
    expect(state.text).not.toContain(crashed.token as string);

    await api(manager, 'PUT', `/rotation${at(name)}`, {
      rotator: { type: 'password', field: 'password' },
      schedule: 'rate(30 days)',
    });
    const rotated = await api(manager, 'POST', `/rotate${at(name)}`);
    expect(rotated.status, rotated.text).toBe(200);
    const current = await api(reader, 'GET', at(name));
    expect(current.json.data.user).toBe('new-incarnation');
    expect(current.text).not.toContain('old-incarnation');
    await db.send(
      new DeleteCommand({ TableName: vault.runtime.tableName, Key: { pk: pk(name), sk: 'rotation' } }),
    );
  });
});
