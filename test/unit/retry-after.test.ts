import { describe, expect, it } from 'vitest';
import { retryAfterOf } from '../../shared/client/vault-client.ts';

describe('the client reads Retry-After', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');

  it('as seconds or as an HTTP date', () => {
    expect(retryAfterOf('3', now)).toBe(3000);
    expect(retryAfterOf('Mon, 23 Nov 2026 12:00:05 GMT', now)).toBe(5000);
  });

  it('never negative, and ignores nonsense (the client, not the parser, refuses to wait too long)', () => {
    expect(retryAfterOf('Mon, 23 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterOf('86400', now)).toBe(86_400_000);
    expect(retryAfterOf('soon', now)).toBe(0);
    expect(retryAfterOf(null, now)).toBe(0);
  });
});
