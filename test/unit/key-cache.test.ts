/**
 * The data-key cache (shared/crypto/key-cache.ts): at most `max` plaintext keys, each for its
 * lifetime, the least recently used leaving first, and every key zeroed as it leaves.
 */
import { describe, expect, it } from 'vitest';
import { KeyCache } from '../../shared/crypto/key-cache.ts';

const key = (byte: number) => new Uint8Array(32).fill(byte);
const zeroed = (value: Uint8Array) => value.every((b) => b === 0);

function cache(max: number, ttlMs: number) {
  let now = 1_000;
  const disposed: Uint8Array[] = [];
  const keys = new KeyCache<Uint8Array>({
    max,
    ttlMs,
    now: () => now,
    dispose: (value) => {
      value.fill(0);
      disposed.push(value);
    },
  });
  return { keys, disposed, advance: (ms: number) => (now += ms) };
}

describe('the data-key cache', () => {
  it('keeps at most max keys: the least recently used leaves first, zeroed', () => {
    const { keys, disposed } = cache(2, 60_000);
    const [a, b, c] = [key(1), key(2), key(3)];
    keys.set('a', a);
    keys.set('b', b);
    expect(keys.get('a')).toBe(a); // a is now the most recently used
    keys.set('c', c);
    expect(keys.get('b')).toBeUndefined();
    expect(disposed).toEqual([b]);
    expect(zeroed(b)).toBe(true);
    expect(keys.get('a')).toBe(a);
    expect(keys.get('c')).toBe(c);
    expect(keys.size).toBe(2);
  });

  it('serves a key for its lifetime only, and zeroes it when it is found expired', () => {
    const { keys, disposed, advance } = cache(10, 300_000);
    const a = key(7);
    keys.set('a', a);
    advance(299_999);
    expect(keys.get('a')).toBe(a);
    advance(1);
    expect(keys.get('a')).toBeUndefined();
    expect(disposed).toEqual([a]);
    expect(zeroed(a)).toBe(true);
  });

  it('a lifetime or size of 0 caches nothing and leaves the key to its caller (lru-cache kept it forever)', () => {
    for (const [max, ttl] of [
      [10, 0],
      [0, 60_000],
    ] as const) {
      const { keys, disposed } = cache(max, ttl);
      const a = key(9);
      expect(keys.set('a', a)).toBe(false);
      expect(keys.get('a')).toBeUndefined();
      expect(disposed).toEqual([]);
      expect(zeroed(a)).toBe(false);
    }
  });

  it('a key set again under the same name replaces the old one, which is zeroed', () => {
    const { keys, disposed } = cache(10, 60_000);
    const [old, fresh] = [key(1), key(2)];
    keys.set('a', old);
    keys.set('a', fresh);
    expect(keys.get('a')).toBe(fresh);
    expect(disposed).toEqual([old]);
  });
});
