import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { baseUrl, call } from '../support/http.ts';

const clients = () => JSON.parse(readFileSync(join(inject('vaultStateDir'), 'api-clients.json'), 'utf8'));

async function login(form: Record<string, string>, basic: string) {
  const response = await fetch(`${baseUrl()}/auth/api/v1/oauth/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(basic).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, json: (await response.json()) as any };
}

describe('PrivX token endpoint', () => {
  it('logs an API client in with the password grant and its token works on the API', async () => {
    const {
      oauthClient,
      clients: [client],
    } = clients();
    const reply = await login(
      { grant_type: 'password', username: client.id, password: client.secret },
      `${oauthClient.id}:${oauthClient.secret}`,
    );
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number) });
    const listed = await call('GET', '/secrets', { token: reply.json.access_token });
    expect(listed.status).toBe(200);
  });

  it('refuses a wrong client secret or API client secret', async () => {
    const {
      oauthClient,
      clients: [client],
    } = clients();
    expect(
      (
        await login(
          { grant_type: 'password', username: client.id, password: client.secret },
          `${oauthClient.id}:wrong`,
        )
      ).status,
    ).toBe(401);
    const wrong = await login(
      { grant_type: 'password', username: client.id, password: 'wrong' },
      `${oauthClient.id}:${oauthClient.secret}`,
    );
    expect(wrong).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
  });
});
