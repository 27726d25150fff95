/**
 * The data-key cache as the reading functions use it, against a local KMS endpoint of this file's
 * own (so its call counts are this file's alone): within its lifetime a second read of a version
 * asks KMS nothing; with a lifetime of 0 (dataKeyCacheSeconds 0) every read asks KMS again and
 * still decrypts (lru-cache took 0 as "keep forever").
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { type LocalKms, startLocalKms } from '../../infra/local/kms-server.ts';
import { KmsEnvelopeCipher } from '../../shared/crypto/kms-cipher.ts';

let kms: LocalKms;
let client: KMSClient;
let keyArn: string;

beforeAll(async () => {
  kms = await startLocalKms({ port: 0 });
  client = new KMSClient({ ...LOCAL_AWS, endpoint: kms.url, maxAttempts: 1 });
  keyArn = (await kms.createKey()).arn;
});

afterAll(async () => {
  client?.destroy();
  await kms?.close();
});

const binding = { name: 'cache/db', version: 1 };
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function decryptsWhileReading(ttlSeconds: number, reads: number): Promise<number> {
  const cipher = new KmsEnvelopeCipher(client, keyArn, { maxKeys: 10, ttlSeconds });
  const sealed = await cipher.seal(new TextEncoder().encode('{"p":"1"}'), binding);
  const before = kms.stats().Decrypt ?? 0;
  for (let i = 0; i < reads; i++) expect(text(await cipher.open(sealed, binding))).toBe('{"p":"1"}');
  return (kms.stats().Decrypt ?? 0) - before;
}

describe('the data-key cache of a reading function', () => {
  it('within its lifetime, further reads of the same version make no KMS call', async () => {
    expect(await decryptsWhileReading(60, 3)).toBe(1);
  });

  it('with a lifetime of 0 every read asks KMS and still decrypts', async () => {
    expect(await decryptsWhileReading(0, 3)).toBe(3);
  });
});
