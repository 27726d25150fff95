import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { deleteSecret } from '../../shared/domain/delete-secret.ts';
import { SecretNotFoundError, SecretPendingDeletionError } from '../../shared/domain/errors.ts';
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
    await expect(
      createSecret(parts.deps, adder, { ref: { name: 'v/soft' }, data: {}, readRoles: [], writeRoles: [] }),
    ).rejects.toBeInstanceOf(SecretPendingDeletionError);
    await restoreSecret(parts.deps, manager, { name: 'v/soft' });
    for (const item of await itemsOf('v/soft')) expect(item).not.toHaveProperty(TTL_ATTRIBUTE);
    expect((await getSecret(parts.deps, reader, { name: 'v/soft' })).data).toEqual({ v: 2 });
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
