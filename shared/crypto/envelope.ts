/**
 * Envelope format (all integers big-endian):
 *
 *   offset 0        u8   format version (2; 1 is still read)
 *   offset 1        u16  length L of the encrypted data key
 *   offset 3        L    encrypted data key: the KMS ciphertext blob of a fresh AES-256 key
 *   offset 3+L      12   GCM initialisation vector
 *   offset 15+L     16   GCM authentication tag
 *   offset 31+L     ...  AES-256-GCM ciphertext of the secret data
 *
 * No key is named: the KMS blob says which key wrapped it, and each Region's functions pass their
 * own key (KMS_KEY_ID) to Decrypt, so a multi-Region key's blob opens with its replica anywhere.
 *
 * The GCM additional data binds the envelope to its record: version 2, the version byte and the
 * canonical encryption context; version 1, the whole header (the wrapped key included) and the
 * context. Version 2 leaves the wrapped key out so that it can be re-wrapped: KMS ReEncrypt moves
 * the data key under another key (a multi-Region key, say) without its plaintext leaving KMS, and
 * `rewrap` puts the new blob in place; the secret data is never decrypted or encrypted again. That
 * costs nothing: a wrapped key KMS will not unwrap under this record's context fails there, and one
 * it unwraps to any other data key fails the tag. A version-1 envelope must be sealed afresh instead.
 * A new format gets a new version byte; readers refuse versions they do not know.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The version `seal` writes. */
export const FORMAT_VERSION = 2;
/** The versions `parse` reads. */
const READABLE = new Set([1, 2]);
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 3;

export class MalformedEnvelopeError extends Error {
  override name = 'MalformedEnvelopeError';
}

/** Context keys in a fixed order, so the same context always gives the same bytes. */
export const canonicalContext = (context: Record<string, string>): string =>
  JSON.stringify(
    Object.fromEntries(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  );

function header(encryptedKey: Uint8Array): Buffer {
  if (encryptedKey.length === 0 || encryptedKey.length > 0xffff)
    throw new MalformedEnvelopeError('bad data key length');
  const head = Buffer.alloc(HEADER_BYTES);
  head.writeUInt8(FORMAT_VERSION, 0);
  head.writeUInt16BE(encryptedKey.length, 1);
  return Buffer.concat([head, encryptedKey]);
}

/** What GCM authenticates beside the data: see the format above. */
const aad = (head: Buffer, context: Record<string, string>): Buffer =>
  Buffer.concat([head[0] === 1 ? head : head.subarray(0, 1), Buffer.from(canonicalContext(context))]);

export function seal(
  plaintext: Uint8Array,
  dataKey: Uint8Array,
  encryptedKey: Uint8Array,
  context: Record<string, string>,
): Uint8Array {
  const head = header(encryptedKey);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(aad(head, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([head, iv, cipher.getAuthTag(), ciphertext]);
}

export interface ParsedEnvelope {
  version: number;
  encryptedKey: Uint8Array;
  head: Buffer;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export function parse(sealed: Uint8Array): ParsedEnvelope {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < HEADER_BYTES) throw new MalformedEnvelopeError('envelope too short');
  const version = bytes.readUInt8(0);
  if (!READABLE.has(version)) throw new MalformedEnvelopeError(`unknown envelope format ${version}`);
  const keyLength = bytes.readUInt16BE(1);
  const ivAt = HEADER_BYTES + keyLength;
  if (bytes.length < ivAt + IV_BYTES + TAG_BYTES) throw new MalformedEnvelopeError('envelope truncated');
  return {
    version,
    encryptedKey: bytes.subarray(HEADER_BYTES, ivAt),
    head: bytes.subarray(0, ivAt),
    iv: bytes.subarray(ivAt, ivAt + IV_BYTES),
    tag: bytes.subarray(ivAt + IV_BYTES, ivAt + IV_BYTES + TAG_BYTES),
    ciphertext: bytes.subarray(ivAt + IV_BYTES + TAG_BYTES),
  };
}

/** Throws (an OpenSSL authentication error) when anything bound into the envelope was changed. */
export function open(
  envelope: ParsedEnvelope,
  dataKey: Uint8Array,
  context: Record<string, string>,
): Uint8Array {
  const decipher = createDecipheriv('aes-256-gcm', dataKey, envelope.iv);
  decipher.setAAD(aad(envelope.head, context));
  decipher.setAuthTag(envelope.tag);
  return Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]);
}

/**
 * The same envelope with its data key wrapped anew (the blob KMS ReEncrypt gave for the old one,
 * under the same encryption context): the IV, tag and ciphertext are kept byte for byte. Version 2
 * only: a version-1 envelope authenticates its wrapped key and must be sealed afresh.
 */
export function rewrap(sealed: Uint8Array, encryptedKey: Uint8Array): Uint8Array {
  const parsed = parse(sealed);
  if (parsed.version !== 2)
    throw new MalformedEnvelopeError(
      `a version-${parsed.version} envelope cannot be re-wrapped; seal it afresh`,
    );
  return Buffer.concat([header(encryptedKey), parsed.iv, parsed.tag, parsed.ciphertext]);
}
