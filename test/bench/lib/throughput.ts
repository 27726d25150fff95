/**
 * Throughput of the local server for GET (autocannon on 127.0.0.1, bounded in time), against a
 * bare Node HTTP server making the same SDK calls (head read, an audit append of the same shape,
 * AES-GCM decrypt with a cached data key) in the same process, so both share the same CPU and the
 * same DynamoDB Local.
 */
import { createDecipheriv } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { LOCAL_AWS, LOCAL_TABLE } from '../../../infra/local/dynamodb-local.ts';
import type { LocalRuntime } from '../../../infra/local/runtime.ts';
import * as envelope from '../../../shared/crypto/envelope.ts';
import { encryptionContext } from '../../../shared/crypto/kms-cipher.ts';
import { headKey } from '../../../shared/store/keys.ts';
import { appendAuditLike } from './audit-like.ts';

interface LoadFigures {
  requestsPerSecond: number;
  p99: number;
  errors: number;
}

export interface ThroughputResult {
  /** Every request reads the same secret, so every audit append lands on its few chains. */
  vaultHot: LoadFigures;
  /** Requests cycle over 64 secrets, as the bare server spreads its appends over 64 partitions. */
  vaultSpread: LoadFigures;
  bare: LoadFigures;
  seconds: number;
  connections: number;
}

const SPREAD = 64;

const load = (
  url: string,
  headers: Record<string, string>,
  seconds: number,
  connections: number,
  paths?: string[],
) =>
  new Promise<autocannon.Result>((resolve, reject) =>
    autocannon(
      {
        url,
        headers,
        duration: seconds,
        connections,
        ...(paths && { requests: paths.map((path) => ({ method: 'GET' as const, path })) }),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    ),
  );

/** Creates the secrets the spread run reads, through the API like any client. */
async function createSpread(apiUrl: string, token: string): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < SPREAD; i++) {
    const name = `bench/spread-${i}`;
    const response = await fetch(`${apiUrl}/secrets`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, data: { password: `p${i}` }, read_roles: [{ id: 'app' }] }),
    });
    if (response.status !== 201 && response.status !== 409)
      throw new Error(`creating ${name}: ${response.status} ${await response.text()}`);
    paths.push(`${new URL(apiUrl).pathname}/secrets/${encodeURIComponent(name)}`);
  }
  return paths;
}

export async function measureThroughput(
  runtime: LocalRuntime,
  token: string,
  seconds: number,
  connections: number,
): Promise<ThroughputResult> {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...LOCAL_AWS, endpoint: runtime.dynamoEndpoint }),
  );
  const kms = new KMSClient({ ...LOCAL_AWS, endpoint: runtime.kmsEndpoint });
  const ref = { name: 'bench/db' };
  const head = (
    await db.send(new GetCommand({ TableName: LOCAL_TABLE, Key: headKey(ref), ConsistentRead: true }))
  ).Item!;
  const context = encryptionContext({ ...ref, version: head.sealedVersion as number });
  const parsed = envelope.parse(head.sealed as Uint8Array);
  const { Plaintext: dataKey } = await kms.send(
    new DecryptCommand({ CiphertextBlob: parsed.encryptedKey, EncryptionContext: context }),
  );
  let seq = 2_000_000;
  const bare = createServer(async (_req, res) => {
    const { Item } = await db.send(
      new GetCommand({ TableName: LOCAL_TABLE, Key: headKey(ref), ConsistentRead: true }),
    );
    const sealed = envelope.parse(Item!.sealed as Uint8Array);
    const decipher = createDecipheriv('aes-256-gcm', dataKey!, sealed.iv);
    // The envelope's additional data (shared/crypto/envelope.ts): format 2 binds its version byte.
    const bound = sealed.version === 1 ? sealed.head : sealed.head.subarray(0, 1);
    decipher.setAAD(Buffer.concat([bound, Buffer.from(envelope.canonicalContext(context))]));
    decipher.setAuthTag(sealed.tag);
    const data = Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString();
    await appendAuditLike(db, LOCAL_TABLE, `bare-${seq % SPREAD}`, seq++);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(data);
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  const summarize = (result: autocannon.Result) => ({
    requestsPerSecond: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  });
  const authorization = { Authorization: `Bearer ${token}` };
  const vaultHot = summarize(
    await load(`${runtime.apiUrl}/secrets/bench%2Fdb`, authorization, seconds, connections),
  );
  const spreadPaths = await createSpread(runtime.apiUrl, token);
  const vaultSpread = summarize(await load(runtime.apiUrl, authorization, seconds, connections, spreadPaths));
  const baseline = summarize(await load(bareUrl, {}, seconds, connections));
  bare.close();
  db.destroy();
  kms.destroy();
  return { vaultHot, vaultSpread, bare: baseline, seconds, connections };
}
