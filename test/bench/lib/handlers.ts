/**
 * Handler overhead: GET, PUT and a list page through the real Lambda handlers (Middy stack, JWT
 * verification, validation, store, crypto, audit) invoked in process with API Gateway events,
 * against the floor: the same DynamoDB and KMS calls made directly with the SDK and node:crypto.
 * Also counts KMS calls per operation at the local KMS endpoint.
 */
import { createDecipheriv } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { LOCAL_AWS, LOCAL_TABLE } from '../../../infra/local/dynamodb-local.ts';
import type { LocalRuntime } from '../../../infra/local/runtime.ts';
import * as envelope from '../../../shared/crypto/envelope.ts';
import { encryptionContext } from '../../../shared/crypto/kms-cipher.ts';
import type { ApiEvent, ApiResult } from '../../../shared/http/types.ts';
import { headKey } from '../../../shared/store/keys.ts';
import { apiEvent, lambdaContext } from '../../support/api-event.ts';
import { appendAuditLike } from './audit-like.ts';
import { type Sample, samplePair } from './stats.ts';

type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;
const load = async (id: string) =>
  ((await import(`../../../lambdas/${id}/handler.ts`)) as { handler: Handler }).handler;

export interface OverheadResult {
  rows: Array<{ operation: string; handler: Sample; floor: Sample }>;
  kmsCalls: Record<string, number>;
}

export async function measureHandlers(
  runtime: LocalRuntime,
  token: string,
  managerToken: string,
  iterations: number,
): Promise<OverheadResult> {
  const [get, update, create, list] = await Promise.all(
    ['get-secret', 'update-secret', 'create-secret', 'list-secrets'].map(load),
  );
  const invoke = async (handler: Handler, event: ApiEvent) => {
    const result = await handler!(event, lambdaContext());
    if (result.statusCode >= 300)
      throw new Error(`${event.httpMethod} ${event.path}: ${result.statusCode} ${result.body}`);
    return result;
  };
  const kmsStats = async () =>
    (await (await fetch(`${runtime.kmsEndpoint}/__local/stats`)).json()) as Record<string, number>;
  const kmsDelta = async (run: () => Promise<unknown>) => {
    const before = await kmsStats();
    await run();
    const after = await kmsStats();
    return Object.values(after).reduce((a, b) => a + b, 0) - Object.values(before).reduce((a, b) => a + b, 0);
  };

  const body = {
    name: 'bench/db',
    data: { user: 'app', password: 'x'.repeat(32) },
    read_roles: [{ id: 'app' }],
    write_roles: [{ id: 'app' }],
  };
  const kmsCalls: Record<string, number> = {};
  kmsCalls.create = await kmsDelta(() =>
    invoke(create!, apiEvent('POST', '/vault/api/v1/secrets', { token, body })),
  );
  kmsCalls['GET (cold data-key cache)'] = await kmsDelta(() =>
    invoke(get!, apiEvent('GET', '/vault/api/v1/secrets/bench%2Fdb', { token })),
  );
  kmsCalls['GET (warm data-key cache)'] = await kmsDelta(() =>
    invoke(get!, apiEvent('GET', '/vault/api/v1/secrets/bench%2Fdb', { token })),
  );
  kmsCalls.update = await kmsDelta(() =>
    invoke(
      update!,
      apiEvent('PUT', '/vault/api/v1/secrets/bench%2Fdb', {
        token,
        body: { data: { password: 'y'.repeat(32) } },
      }),
    ),
  );
  kmsCalls['list page'] = await kmsDelta(() =>
    invoke(list!, apiEvent('GET', '/vault/api/v1/secrets', { token: managerToken, query: { limit: '100' } })),
  );

  // ---- The floor: the same calls, made directly.
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...LOCAL_AWS, endpoint: runtime.dynamoEndpoint }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const kms = new KMSClient({ ...LOCAL_AWS, endpoint: runtime.kmsEndpoint });
  const ref = { name: 'bench/db' };
  const head = (
    await db.send(new GetCommand({ TableName: LOCAL_TABLE, Key: headKey(ref), ConsistentRead: true }))
  ).Item!;
  const context = encryptionContext({ ...ref, version: head.sealedVersion as number });
  const parsed = envelope.parse(head.sealed as Uint8Array);
  const { Plaintext: dataKey } = await kms.send(
    new DecryptCommand({
      CiphertextBlob: parsed.encryptedKey,
      EncryptionContext: context,
      KeyId: process.env.KMS_KEY_ID,
    }),
  );
  let seq = 1_000_000;
  const auditAppend = async () => {
    await appendAuditLike(db, LOCAL_TABLE, 'floor', seq++);
  };
  const floorGet = async () => {
    const { Item } = await db.send(
      new GetCommand({ TableName: LOCAL_TABLE, Key: headKey(ref), ConsistentRead: true }),
    );
    const decipher = createDecipheriv('aes-256-gcm', dataKey!, parsed.iv);
    // The envelope's additional data (shared/crypto/envelope.ts): format 2 binds its version byte.
    const bound = parsed.version === 1 ? parsed.head : parsed.head.subarray(0, 1);
    decipher.setAAD(Buffer.concat([bound, Buffer.from(envelope.canonicalContext(context))]));
    decipher.setAuthTag(parsed.tag);
    JSON.parse(Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]).toString());
    await auditAppend();
    return Item;
  };
  let floorVersion = 1;
  const floorPut = async () => {
    const { Item } = await db.send(
      new GetCommand({ TableName: LOCAL_TABLE, Key: { pk: 'FLOOR#put', sk: 'head' }, ConsistentRead: true }),
    );
    const version = (Item?.version as number | undefined) ?? 0;
    const key = await kms.send(
      new GenerateDataKeyCommand({
        KeyId: process.env.KMS_KEY_ID,
        KeySpec: 'AES_256',
        EncryptionContext: { ...context, 'vault:version': String(version + 1) },
      }),
    );
    const sealed = envelope.seal(
      new TextEncoder().encode('{"password":"yyyy"}'),
      key.Plaintext!,
      key.CiphertextBlob!,
      context,
    );
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: LOCAL_TABLE,
              Item: { pk: 'FLOOR#put', sk: 'head', version: version + 1, sealed },
              ...(Item
                ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': version } }
                : {}),
            },
          },
          { Put: { TableName: LOCAL_TABLE, Item: { pk: 'FLOOR#put', sk: `v#${floorVersion++}`, sealed } } },
          { Put: { TableName: LOCAL_TABLE, Item: { pk: 'FLOOR#list', sk: 'put' } } },
          { Put: { TableName: LOCAL_TABLE, Item: { pk: 'FLOOR#role', sk: 'put' } } },
        ],
      }),
    );
    await auditAppend();
  };
  const floorList = async () => {
    await db.send(new GetCommand({ TableName: LOCAL_TABLE, Key: { pk: 'C#shared', sk: 'count' } }));
    await db.send(
      new QueryCommand({
        TableName: LOCAL_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'L#shared' },
        Limit: 100,
      }),
    );
  };

  const getEvent = () => apiEvent('GET', '/vault/api/v1/secrets/bench%2Fdb', { token });
  let n = 0;
  const row = async (operation: string, handler: () => Promise<unknown>, floor: () => Promise<unknown>) => {
    const [handlerSample, floorSample] = await samplePair(iterations, handler, floor);
    return { operation, handler: handlerSample, floor: floorSample };
  };
  const rows = [
    await row('GET /secrets/{name}', () => invoke(get!, getEvent()), floorGet),
    await row(
      'PUT /secrets/{name}',
      () =>
        invoke(
          update!,
          apiEvent('PUT', '/vault/api/v1/secrets/bench%2Fdb', {
            token,
            body: { data: { password: `p${n++}` } },
          }),
        ),
      floorPut,
    ),
    await row(
      'GET /secrets (list page)',
      () =>
        invoke(
          list!,
          apiEvent('GET', '/vault/api/v1/secrets', { token: managerToken, query: { limit: '100' } }),
        ),
      floorList,
    ),
  ];
  db.destroy();
  kms.destroy();
  return { rows, kmsCalls };
}
