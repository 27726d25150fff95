/**
 * A hot secret's audit trail against DynamoDB Local: many readers at once all get their value
 * (their appends spread over the trail's lanes instead of queueing on one chain), every read is
 * recorded once, and the trail verifies; an entry edited in the table is caught.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { verifyTrail } from '../../shared/domain/audit.ts';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { getSecret } from '../../shared/domain/get-secret.ts';
import { AUDIT_LANES, auditPk } from '../../shared/store/keys.ts';
import { caller } from '../support/callers.ts';
import { type LocalParts, localParts } from '../support/local-parts.ts';

let parts: LocalParts;
const since = new Date(Date.now() - 60_000).toISOString();
const trailOf = async (name: string) =>
  (
    await parts.deps.audit.query({
      secret: { name },
      since,
      until: new Date(Date.now() + 60_000).toISOString(),
      offset: 0,
      limit: 1000,
    })
  ).items;

beforeAll(async () => {
  parts = await localParts();
});

describe('the audit trail of a hot secret', () => {
  it('records 60 simultaneous reads, each once, over several lanes, and verifies', async () => {
    await createSecret(parts.deps, caller('bot', ['vaultAdd']), {
      ref: { name: 'hot' },
      data: { v: 1 },
      readRoles: ['app'],
      writeRoles: [],
    });
    const readers = Array.from({ length: 60 }, (_, i) => ({
      ...caller(`r${i}`, ['user'], ['app']),
      traceId: `t${i}`,
    }));
    const values = await Promise.all(readers.map((reader) => getSecret(parts.deps, reader, { name: 'hot' })));
    expect(values.every((secret) => secret.data?.v === 1)).toBe(true);
    const trail = await trailOf('hot');
    const reads = trail.filter((record) => record.action === 'read');
    expect(reads.map((record) => record.traceId).sort()).toEqual(
      readers.map((reader) => reader.traceId).sort(),
    );
    expect(new Set(trail.map((record) => record.lane)).size).toBeGreaterThan(1);
    expect(verifyTrail(trail)).toMatchObject({ ok: true, entries: 61 });
  });

  it('catches an entry edited in the table', async () => {
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({ ...LOCAL_AWS, endpoint: parts.dynamoEndpoint }),
    );
    const lanes = await Promise.all(
      Array.from({ length: AUDIT_LANES }, (_, lane) =>
        db.send(
          new QueryCommand({
            TableName: parts.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': auditPk({ name: 'hot' }, lane) },
          }),
        ),
      ),
    );
    const victim = lanes.flatMap((page) => page.Items ?? []).find((item) => item.action === 'read')!;
    await db.send(
      new UpdateCommand({
        TableName: parts.tableName,
        Key: { pk: victim.pk, sk: victim.sk },
        UpdateExpression: 'SET actor = :someone',
        ExpressionAttributeValues: { ':someone': 'nobody' },
      }),
    );
    expect(verifyTrail(await trailOf('hot'))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(new RegExp(`^lane ${victim.lane}:`)),
    });
  });
});
