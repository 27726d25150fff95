/**
 * What the floors append: an item shaped like the vault's audit record (same attributes, same
 * by-day index entry, same TTL), hashed with node:crypto, so the floor writes what the vault
 * writes and the ratio measures the vault's own overhead.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AUDIT_LANES, auditPk, auditSk } from '../../../shared/store/keys.ts';
import { AUDIT_INDEX, TTL_ATTRIBUTE } from '../../../shared/store/table.ts';

function auditLikeItem(secret: string, seq: number): { pk: string; item: Record<string, unknown> } {
  const pk = auditPk({ name: secret }, randomInt(AUDIT_LANES));
  const at = new Date().toISOString();
  const record = {
    seq,
    at,
    action: 'read',
    outcome: 'success',
    secret: { name: secret },
    actor: 'bench',
    version: 1,
    traceId: randomUUID(),
    sourceIp: '127.0.0.1',
    prevHash: '0'.repeat(64),
  };
  const hash = createHash('sha256').update(JSON.stringify(record)).digest('hex');
  return {
    pk,
    item: {
      pk,
      sk: auditSk(seq),
      ...record,
      hash,
      [AUDIT_INDEX.partitionKey]: `D#${at.slice(0, 10)}`,
      [AUDIT_INDEX.sortKey]: `${at}#${pk}#${seq}`,
      [TTL_ATTRIBUTE]: Math.floor(Date.now() / 1000) + 86_400,
    },
  };
}

/** The floor's audit append: the vault's two calls (read the lane's last entry, conditional put). */
export async function appendAuditLike(
  db: DynamoDBDocumentClient,
  table: string,
  secret: string,
  seq: number,
): Promise<void> {
  const { pk, item } = auditLikeItem(secret, seq);
  await db.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  await db.send(
    new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
  );
}
