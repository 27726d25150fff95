/**
 * A name or owner of `.` or `..` never leaves the client (red team): encoded, they stay dots, and
 * a URL parser folds them, so `getSecret('x', { owner: '..' })` asked for `GET …/secrets/x`, the
 * shared secret, and `getSecret('..')` for the API root. The agent serves names through the same
 * client, so it inherits the refusal.
 */
import { describe, expect, it } from 'vitest';
import { VaultApiError, VaultClient } from '../../shared/client/vault-client.ts';

function clientRecording() {
  const sent: string[] = [];
  const client = new VaultClient({
    baseUrl: 'http://127.0.0.1:9/vault/api/v1',
    token: 't',
    fetch: async (input) => {
      sent.push(String(input));
      return new Response('{"name":"x","data":{}}', { headers: { 'Content-Type': 'application/json' } });
    },
  });
  return { client, sent };
}

describe('client paths', () => {
  it.each([
    ['a name', (c: VaultClient) => c.getSecret('..'), 'name'],
    ['a name', (c: VaultClient) => c.getSecret('.'), 'name'],
    ['an owner', (c: VaultClient) => c.getSecret('x', { owner: '..' }), 'owner'],
    ['an owner', (c: VaultClient) => c.updateSecret('x', { data: {} }, { owner: '.' }), 'owner'],
  ])('%s of dots is refused before any request', async (_, call, property) => {
    const { client, sent } = clientRecording();
    const error = await (async () => call(client))().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultApiError);
    expect(error).toMatchObject({ status: 400, code: 'VALUE_INCORRECT_FORMAT', property });
    expect(sent).toEqual([]);
  });

  it('names with dots inside stay one segment', async () => {
    const { client, sent } = clientRecording();
    await client.getSecret('a/../b');
    await client.getSecret('...');
    expect(sent.map((url) => new URL(url).pathname)).toEqual([
      '/vault/api/v1/secrets/a%2F..%2Fb',
      '/vault/api/v1/secrets/...',
    ]);
  });
});
