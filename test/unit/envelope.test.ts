import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as envelope from '../../shared/crypto/envelope.ts';

const dataKey = randomBytes(32);
const wrappedKey = randomBytes(180);
const context = { 'vault:secret': 'db', 'vault:version': '1', 'vault:kind': 'shared' };
const plaintext = new TextEncoder().encode('{"password":"hunter2"}');

describe('envelope format v1', () => {
  it('round-trips and never contains the plaintext', () => {
    const sealed = envelope.seal(plaintext, dataKey, wrappedKey, context);
    expect(Buffer.from(sealed).includes(Buffer.from('hunter2'))).toBe(false);
    expect(sealed[0]).toBe(envelope.FORMAT_VERSION);
    const parsed = envelope.parse(sealed);
    expect(Buffer.from(parsed.encryptedKey)).toEqual(wrappedKey);
    expect(Buffer.from(envelope.open(parsed, dataKey, context)).toString()).toBe('{"password":"hunter2"}');
  });

  it('uses a fresh IV each time', () => {
    const a = envelope.seal(plaintext, dataKey, wrappedKey, context);
    const b = envelope.seal(plaintext, dataKey, wrappedKey, context);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('fails to open under another context, even with the right key (key order does not matter)', () => {
    const sealed = envelope.parse(envelope.seal(plaintext, dataKey, wrappedKey, context));
    const reordered = { 'vault:kind': 'shared', 'vault:version': '1', 'vault:secret': 'db' };
    expect(Buffer.from(envelope.open(sealed, dataKey, reordered)).length).toBe(plaintext.length);
    expect(() => envelope.open(sealed, dataKey, { ...context, 'vault:secret': 'other' })).toThrow();
    expect(() => envelope.open(sealed, dataKey, { ...context, 'vault:version': '2' })).toThrow();
  });

  it('detects a flipped bit anywhere: header, wrapped key, tag or ciphertext', () => {
    const sealed = envelope.seal(plaintext, dataKey, wrappedKey, context);
    for (const at of [2, 10, 3 + wrappedKey.length + 1, 3 + wrappedKey.length + 20, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[at]! ^= 1;
      expect(() => envelope.open(envelope.parse(tampered), dataKey, context), `byte ${at}`).toThrow();
    }
  });

  it('refuses unknown format versions and truncated input', () => {
    const sealed = Buffer.from(envelope.seal(plaintext, dataKey, wrappedKey, context));
    sealed[0] = 2;
    expect(() => envelope.parse(sealed)).toThrow(/unknown envelope format 2/);
    expect(() => envelope.parse(Buffer.from([1, 0]))).toThrow(/too short/);
    expect(() => envelope.parse(Buffer.from([1, 0, 50, 1, 2, 3]))).toThrow(/truncated/);
  });
});
