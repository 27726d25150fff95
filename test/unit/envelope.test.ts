import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as envelope from '../../shared/crypto/envelope.ts';

const dataKey = randomBytes(32);
const wrappedKey = randomBytes(180);
const context = { 'vault:secret': 'db', 'vault:version': '1', 'vault:kind': 'shared' };
const plaintext = new TextEncoder().encode('{"password":"hunter2"}');

/** A version-1 envelope, as the vault sealed them before version 2: its whole header in the GCM additional data. */
function sealV1(data: Uint8Array, key: Uint8Array, wrapped: Uint8Array, ctx: Record<string, string>): Buffer {
  const head = Buffer.concat([Buffer.from([1, wrapped.length >> 8, wrapped.length & 0xff]), wrapped]);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.concat([head, Buffer.from(envelope.canonicalContext(ctx))]));
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
  return Buffer.concat([head, iv, cipher.getAuthTag(), ciphertext]);
}

const opened = (sealed: Uint8Array, key = dataKey, ctx = context) =>
  Buffer.from(envelope.open(envelope.parse(sealed), key, ctx)).toString();

describe('envelope format', () => {
  it('round-trips (version 2) and never contains the plaintext', () => {
    const sealed = envelope.seal(plaintext, dataKey, wrappedKey, context);
    expect(Buffer.from(sealed).includes(Buffer.from('hunter2'))).toBe(false);
    expect(sealed[0]).toBe(2);
    expect(envelope.FORMAT_VERSION).toBe(2);
    const parsed = envelope.parse(sealed);
    expect(Buffer.from(parsed.encryptedKey)).toEqual(wrappedKey);
    expect(opened(sealed)).toBe('{"password":"hunter2"}');
  });

  it('uses a fresh IV each time', () => {
    const a = envelope.seal(plaintext, dataKey, wrappedKey, context);
    const b = envelope.seal(plaintext, dataKey, wrappedKey, context);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('fails to open under another context, even with the right key (key order does not matter)', () => {
    const sealed = envelope.seal(plaintext, dataKey, wrappedKey, context);
    const reordered = { 'vault:kind': 'shared', 'vault:version': '1', 'vault:secret': 'db' };
    expect(opened(sealed, dataKey, reordered)).toBe('{"password":"hunter2"}');
    expect(() => opened(sealed, dataKey, { ...context, 'vault:secret': 'other' })).toThrow();
    expect(() => opened(sealed, dataKey, { ...context, 'vault:version': '2' })).toThrow();
  });

  it('detects a flipped bit in the version, the key length, the IV, the tag or the ciphertext', () => {
    const sealed = envelope.seal(plaintext, dataKey, wrappedKey, context);
    for (const at of [0, 2, 3 + wrappedKey.length + 1, 3 + wrappedKey.length + 20, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[at]! ^= 1;
      expect(() => opened(tampered), `byte ${at}`).toThrow();
    }
  });

  it('refuses unknown format versions and truncated input', () => {
    const sealed = Buffer.from(envelope.seal(plaintext, dataKey, wrappedKey, context));
    sealed[0] = 3;
    expect(() => envelope.parse(sealed)).toThrow(/unknown envelope format 3/);
    expect(() => envelope.parse(Buffer.from([2, 0]))).toThrow(/too short/);
    expect(() => envelope.parse(Buffer.from([2, 0, 50, 1, 2, 3]))).toThrow(/truncated/);
  });
});

describe('moving to another key (a multi-Region one) needs no re-encryption', () => {
  it('a re-wrapped data key is put in place: the data bytes are kept and still open, under the same binding only', () => {
    const sealed = envelope.seal(plaintext, dataKey, wrappedKey, context);
    // What KMS ReEncrypt gives: the same data key, wrapped by another key (another blob).
    const rewrappedKey = randomBytes(196);
    const moved = envelope.rewrap(sealed, rewrappedKey);
    const before = envelope.parse(sealed);
    const after = envelope.parse(moved);
    expect(Buffer.from(after.encryptedKey)).toEqual(rewrappedKey);
    expect([after.iv, after.tag, after.ciphertext]).toEqual([before.iv, before.tag, before.ciphertext]);
    expect(opened(moved)).toBe('{"password":"hunter2"}');
    expect(() => opened(moved, dataKey, { ...context, 'vault:secret': 'other' })).toThrow();
    // A wrapped key of any other data key (KMS would unwrap it to that) fails the tag.
    expect(() => opened(moved, randomBytes(32))).toThrow();
  });

  it('version-1 envelopes are still read, and (their wrapped key authenticated) cannot be re-wrapped', () => {
    const sealed = sealV1(plaintext, dataKey, wrappedKey, context);
    expect(opened(sealed)).toBe('{"password":"hunter2"}');
    const tampered = Buffer.from(sealed);
    tampered[10]! ^= 1;
    expect(() => opened(tampered)).toThrow();
    expect(() => envelope.rewrap(sealed, randomBytes(196))).toThrow(
      /version-1 envelope cannot be re-wrapped/,
    );
  });
});
