/**
 * The Location of a 201 leads to the new secret however the API is reached: an execute-api URL
 * with its stage (`/v1/vault/api/v1/…`, where an absolute `/vault/api/v1/…` was a gateway 404), a
 * custom domain mapped at a base path, or at the root (issue 16, item 5).
 */
import { describe, expect, it } from 'vitest';
import { createdReply } from '../../shared/http/wire.ts';

const followed = (postedTo: string, ref: { name: string; ownerId?: string }) =>
  new URL(createdReply({ ...ref, version: 1 }).headers.Location!, postedTo).href;

describe('Location of a created secret', () => {
  const name = 'team/db & cache?';
  const encoded = encodeURIComponent(name);
  it.each([
    ['a REST API stage', 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1'],
    ['a custom domain at a base path', 'https://vault.example.com/team-a'],
    ['a custom domain at the root, or the local server', 'https://vault.example.com'],
  ])('behind %s, resolves to the secret under the same prefix', (_, prefix) => {
    expect(followed(`${prefix}/vault/api/v1/secrets`, { name })).toBe(
      `${prefix}/vault/api/v1/secrets/${encoded}`,
    );
    expect(followed(`${prefix}/vault/api/v1/user/alice/secrets`, { name, ownerId: 'alice' })).toBe(
      `${prefix}/vault/api/v1/user/alice/secrets/${encoded}`,
    );
  });

  it('a name that looks like a URL or a path stays a name under secrets/', () => {
    for (const tricky of ['https://evil.example/x', '../../admin', '//host/x', 'a/b'])
      expect(followed('https://h/v1/vault/api/v1/secrets', { name: tricky })).toBe(
        `https://h/v1/vault/api/v1/secrets/${encodeURIComponent(tricky)}`,
      );
  });
});
