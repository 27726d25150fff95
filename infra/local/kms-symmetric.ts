/**
 * Symmetric encryption of the local KMS endpoint: real AES-256-GCM under a key's 32-byte
 * material, the encryption context as additional data.
 *
 * Ciphertext blob format (version 1), 65 bytes of header then the ciphertext:
 *   u8 version (1) | 36 bytes key id (ASCII uuid) | 12 bytes IV | 16 bytes GCM tag | ciphertext
 * The key id is in the clear so Decrypt needs no KeyId, as with KMS. The AAD is the canonical
 * encryption context (keys sorted, JSON; absent = `{}`), so any other context fails to decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type KeyRecord, type KeyStore, specOf } from './kms-keys.ts';
import { KmsError, strictBase64, validation } from './kms-wire.ts';

type Context = Record<string, string> | undefined;

const BLOB_VERSION = 1;
const ID_BYTES = 36;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + ID_BYTES + IV_BYTES + TAG_BYTES;
export const MAX_PLAINTEXT = 4096;

const canonical = (context: Context): Buffer =>
  Buffer.from(
    JSON.stringify(
      Object.fromEntries(Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    ),
  );

export function encryptionContext(value: unknown): Context {
  if (value === undefined || value === null) return undefined;
  if (
    typeof value !== 'object' ||
    Array.isArray(value) ||
    !Object.values(value).every((entry) => typeof entry === 'string')
  )
    throw validation('EncryptionContext must be a map of strings');
  return value as Record<string, string>;
}

export function encrypt(key: KeyRecord, plaintext: Buffer, context: Context): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key.material, 'base64'), iv);
  cipher.setAAD(canonical(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([
    Buffer.from([BLOB_VERSION]),
    Buffer.from(key.id, 'ascii'),
    iv,
    cipher.getAuthTag(),
    ciphertext,
  ]);
}

export function decrypt(keys: KeyStore, encoded: unknown, context: Context, keyId: unknown) {
  if (encoded === undefined || encoded === '') throw validation('CiphertextBlob is required');
  const invalid = () => new KmsError('InvalidCiphertextException', 'The ciphertext is invalid');
  const blob = strictBase64(encoded);
  if (!blob || blob.length < HEADER_BYTES || blob[0] !== BLOB_VERSION) throw invalid();
  const id = blob.subarray(1, 1 + ID_BYTES).toString('ascii');
  const key = keys.byId(id);
  // Only symmetric keys ever wrote a blob: a header naming a signing key is forged.
  if (!key || specOf(key) !== 'SYMMETRIC_DEFAULT') throw invalid();
  if (keyId !== undefined) {
    const named = keys.requireUsage(keys.resolve(keyId), 'ENCRYPT_DECRYPT', 'Decrypt');
    if (named.id !== id)
      throw new KmsError(
        'IncorrectKeyException',
        'The key ID in the request does not identify a CMK that can perform this operation.',
      );
  }
  keys.usable(key);
  const ivEnd = 1 + ID_BYTES + IV_BYTES;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      Buffer.from(key.material, 'base64'),
      blob.subarray(1 + ID_BYTES, ivEnd),
    );
    decipher.setAAD(canonical(context));
    decipher.setAuthTag(blob.subarray(ivEnd, HEADER_BYTES));
    return {
      key,
      plaintext: Buffer.concat([decipher.update(blob.subarray(HEADER_BYTES)), decipher.final()]),
    };
  } catch {
    throw invalid();
  }
}

export function dataKeyLength(body: Record<string, unknown>): number {
  const { KeySpec: spec, NumberOfBytes: bytes } = body;
  if (spec !== undefined && bytes !== undefined) throw validation('Give KeySpec or NumberOfBytes, not both');
  if (spec === 'AES_256') return 32;
  if (spec === 'AES_128') return 16;
  if (
    spec === undefined &&
    typeof bytes === 'number' &&
    Number.isInteger(bytes) &&
    bytes >= 1 &&
    bytes <= 1024
  )
    return bytes;
  throw validation('KeySpec (AES_256 or AES_128) or NumberOfBytes (1..1024) is required');
}
