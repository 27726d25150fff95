/**
 * Moving the vault to another KMS key (a multi-Region one, for replica Regions) re-wraps each data
 * key and leaves the secret data as it is: against the local KMS endpoint, a value sealed under
 * one key opens with a cipher on the other once its data key is re-wrapped there, and only then.
 */
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalKms, startLocalKms } from '../../infra/local/kms-server.ts';
import * as envelope from '../../shared/crypto/envelope.ts';
import { encryptionContext, KmsEnvelopeCipher } from '../../shared/crypto/kms-cipher.ts';
import { DataIntegrityError } from '../../shared/domain/errors.ts';

let kms: LocalKms;
let client: KMSClient;
let before: { arn: string };
let after: { arn: string };

beforeAll(async () => {
  kms = await startLocalKms({ port: 0 });
  client = new KMSClient({
    endpoint: kms.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  before = await kms.createKey();
  after = await kms.createKey();
});

afterAll(async () => {
  client?.destroy();
  await kms?.close();
});

const cache = { maxKeys: 10, ttlSeconds: 0 };
const binding = { name: 'db/password', version: 3 };

/**
 * KMS ReEncrypt, as the local endpoint lacks it: the data key moves from one key to the other
 * under the same encryption context (in AWS its plaintext never leaves KMS).
 */
async function reEncrypt(blob: Uint8Array, to: string): Promise<Uint8Array> {
  const EncryptionContext = encryptionContext(binding);
  const { Plaintext } = await client.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext }));
  const { CiphertextBlob } = await client.send(
    new EncryptCommand({ KeyId: to, Plaintext: Plaintext!, EncryptionContext }),
  );
  return CiphertextBlob!;
}

describe('moving to another key re-wraps, never re-encrypts', () => {
  it('a value sealed under the old key opens on the new key once its data key is re-wrapped, the data bytes untouched', async () => {
    const old = new KmsEnvelopeCipher(client, before.arn, cache);
    const moved = new KmsEnvelopeCipher(client, after.arn, cache);
    const sealed = await old.seal(new TextEncoder().encode('{"password":"hunter2"}'), binding);

    // Not yet: the new key's cipher will not open a blob of the old key.
    await expect(moved.open(sealed, binding)).rejects.toBeInstanceOf(DataIntegrityError);

    const rewrapped = envelope.rewrap(
      sealed,
      await reEncrypt(envelope.parse(sealed).encryptedKey, after.arn),
    );
    const [a, b] = [envelope.parse(sealed), envelope.parse(rewrapped)];
    expect(Buffer.concat([b.iv, b.tag, b.ciphertext])).toEqual(Buffer.concat([a.iv, a.tag, a.ciphertext]));
    expect(new TextDecoder().decode(await moved.open(rewrapped, binding))).toBe('{"password":"hunter2"}');
    // Still bound to its record: another secret's binding is refused by KMS.
    await expect(moved.open(rewrapped, { ...binding, name: 'other' })).rejects.toBeInstanceOf(
      DataIntegrityError,
    );
  });
});
