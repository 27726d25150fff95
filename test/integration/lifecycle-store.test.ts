import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { deleteSecret } from '../../shared/domain/delete-secret.ts';
import { SecretNotFoundError } from '../../shared/domain/errors.ts';
import { getSecret } from '../../shared/domain/get-secret.ts';
import { restoreSecret } from '../../shared/domain/restore-secret.ts';
import { updateSecret } from '../../shared/domain/update-secret.ts';
import { headKey } from '../../shared/store/keys.ts';
import { TTL_ATTRIBUTE } from '../../shared/store/table.ts';
import { caller } from '../support/callers.ts';
import { type LocalParts, localParts } from '../support/local-parts.ts';

const adder = caller('bot', ['vaultAdd']);
const reader = caller('rita', ['user'], ['readers']);
const writer = caller('walt', ['user'], ['writers']);
const manager = caller('mona', ['vaultManage', 'admin']);

let parts: LocalParts;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  parts = await localParts();
  db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_AWS, endpoint: parts.dynamoEndpoint }));
});

const itemsOf = async (name: string) =>
  (
    await db.send(
      new QueryCommand({
        TableName: parts.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': headKey({ name }).pk },
      }),
    )
  ).Items ?? [];

describe('versions, soft delete and purge in DynamoDB', () => {
  it('keeps at most maxVersions (5 here) version items, each with its own ciphertext', async () => {
    await createSecret(parts.deps, adder, {
      ref: { name: 'v/keep' },
      data: { v: 1 },
      readRoles: ['readers'],
      writeRoles: ['writers'],
    });
    for (let v = 2; v <= 8; v++) await updateSecret(parts.deps, writer, { name: 'v/keep' }, { data: { v } });
    const versions = (await itemsOf('v/keep')).filter((item) => item.sk.startsWith('v#'));
    expect(versions.map((item) => item.version)).toEqual([4, 5, 6, 7, 8]);
    expect(new Set(versions.map((item) => Buffer.from(item.sealed).toString('base64'))).size).toBe(5);
    expect((await getSecret(parts.deps, reader, { name: 'v/keep' }, { version: 4 })).data).toEqual({ v: 4 });
  });

  it('a soft delete sets the TTL on the head and every version, and a restore clears them', async () => {
    await createSecret(parts.deps, adder, {
      ref: { name: 'v/soft' },
      data: { v: 1 },
      readRoles: ['readers'],
      writeRoles: ['writers'],
    });
    await updateSecret(parts.deps, writer, { name: 'v/soft' }, { data: { v: 2 } });
    const { purgeAt } = await deleteSecret(parts.deps, manager, { name: 'v/soft' });
    const deleted = await itemsOf('v/soft');
    expect(deleted).toHaveLength(3);
    for (const item of deleted) expect(item[TTL_ATTRIBUTE]).toBe(Math.floor(Date.parse(purgeAt!) / 1000));
    await expect(getSecret(parts.deps, reader, { name: 'v/soft' })).rejects.toBeInstanceOf(
      SecretNotFoundError,
    );
    await restoreSecret(parts.deps, manager, { name: 'v/soft' });
    for (const item of await itemsOf('v/soft')) expect(item).not.toHaveProperty(TTL_ATTRIBUTE);
    expect((await getSecret(parts.deps, reader, { name: 'v/soft' })).data).toEqual({ v: 2 });
  });

  it('a create after a delete keeps the deleted secret aside, its versions expiring at its purge time', async () => {
    const ref = { name: 'v/aside' };
    await createSecret(parts.deps, adder, {
      ref,
      data: { v: 1 },
      readRoles: ['readers'],
      writeRoles: ['writers'],
    });
    await updateSecret(parts.deps, writer, ref, { data: { v: 2 } });
    const { purgeAt } = await deleteSecret(parts.deps, manager, ref);
    const created = await createSecret(parts.deps, adder, {
      ref,
      data: { v: 3 },
      readRoles: [],
      writeRoles: [],
    });
    expect(created.version).toBe(3);
    const ttl = Math.floor(Date.parse(purgeAt!) / 1000);
    const items = await itemsOf('v/aside');
    const bySk = Object.fromEntries(items.map((item) => [item.sk, item]));
    expect(Object.keys(bySk).filter((sk) => !sk.startsWith('retired#'))).toEqual([
      'head',
      'v#0000000001',
      'v#0000000002',
      'v#0000000003',
    ]);
    const retired = items.find((item) => String(item.sk).startsWith('retired#'))!;
    expect(retired[TTL_ATTRIBUTE]).toBe(ttl);
    expect(retired).not.toHaveProperty('sealed');
    for (const sk of ['v#0000000001', 'v#0000000002']) expect(bySk[sk]![TTL_ATTRIBUTE]).toBe(ttl);
    expect(bySk['v#0000000003']).not.toHaveProperty(TTL_ATTRIBUTE);
    // The new secret's own writes never prune the deleted one's versions.
    for (let v = 4; v <= 12; v++) await updateSecret(parts.deps, manager, ref, { data: { v } });
    const kept = (await itemsOf('v/aside')).map((item) => item.sk).filter((sk) => sk.startsWith('v#'));
    expect(kept).toEqual([
      'v#0000000001',
      'v#0000000002',
      ...[8, 9, 10, 11, 12].map((v) => `v#00000000${String(v).padStart(2, '0')}`),
    ]);
  });

  it('a forced delete leaves no item of the secret behind', async () => {
    await createSecret(parts.deps, adder, {
      ref: { name: 'v/purge' },
      data: { v: 1 },
      readRoles: ['readers'],
      writeRoles: [],
    });
    await updateSecret(parts.deps, manager, { name: 'v/purge' }, { data: { v: 2 } });
    await deleteSecret(parts.deps, manager, { name: 'v/purge' }, { force: true });
    expect(await itemsOf('v/purge')).toEqual([]);
  });
});
