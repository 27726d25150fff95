import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../infra/local/dev-issuer.ts';
import { SCOPES } from '../../shared/domain/model.ts';
import { operations } from '../../shared/operations.ts';
import { expectShapedError } from '../support/error-shape.ts';
import { call, localIssuer, token } from '../support/http.ts';
import { concretePath, protectedOperations } from '../support/routes.ts';

describe.each(
  protectedOperations.map((operation) => [`${operation.method} ${operation.path}`, operation] as const),
)('%s', (_label, operation) => {
  const path = concretePath(operation);
  const body = ['POST', 'PUT'].includes(operation.method) ? { name: 'n', data: { a: 1 } } : undefined;

  it('refuses a request without a token: 401, shaped, with a Bearer challenge', async () => {
    const reply = await call(operation.method, path, { body });
    expectShapedError(reply, 401, 'UNAUTHENTICATED');
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="vault"/);
  });

  it('refuses a malformed, a forged and an expired token with 401 invalid_token', async () => {
    const malformed = await call(operation.method, path, { token: 'not.a.jwt', body });
    expectShapedError(malformed, 401, 'UNAUTHENTICATED');
    expect(malformed.headers.get('www-authenticate')).toContain('error="invalid_token"');

    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ scope: operation.scopes.join(' ') })
      .setProtectedHeader({ alg: 'RS256', kid: 'attacker' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setSubject('mallory')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    expectShapedError(await call(operation.method, path, { token: forged, body }), 401, 'UNAUTHENTICATED');

    const expired = await token({ sub: 'ed', scopes: [...operation.scopes], ttlSeconds: -120 });
    const reply = await call(operation.method, path, { token: expired, body });
    expectShapedError(reply, 401, 'UNAUTHENTICATED');
    expect(reply.json.error_message).toMatch(/expired/);
  });

  it('refuses a valid token without any of its scopes: 403 insufficient_scope', async () => {
    const others = SCOPES.filter((scope) => !(operation.scopes as readonly string[]).includes(scope));
    const reply = await call(operation.method, path, {
      token: await token({ sub: 'someone', scopes: others }),
      body,
    });
    expectShapedError(reply, 403, 'PERMISSION_DENIED');
    expect(reply.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(reply.json.error_message).toContain(operation.scopes[0]);
  });
});

describe('status', () => {
  it('is served without a token, as PrivX ServiceStatus', async () => {
    const reply = await call('GET', operations.status.path);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ status: 'UP', api_version: 'v1' });
    expect(reply.json.start_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });
});

describe('token checks beyond the signature', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const claims = () => ({ iss: DEV_ISSUER, aud: DEV_AUDIENCE, sub: 'u', iat: now(), exp: now() + 600 });

  it('accepts scopes as an `scp` array as well as a `scope` string', async () => {
    const issuer = await localIssuer();
    expect(
      (await call('GET', '/secrets', { token: await issuer.signClaims({ ...claims(), scp: ['user'] }) }))
        .status,
    ).toBe(200);
    expect(
      (await call('GET', '/secrets', { token: await issuer.signClaims({ ...claims(), scope: 'user' }) }))
        .status,
    ).toBe(200);
  });

  it.each([
    ['another audience', { aud: 'someone-else' }],
    ['another issuer', { iss: 'https://evil.example' }],
    ['no exp', { exp: undefined }],
    ['a lifetime beyond the limit', { exp: now() + 400 * 24 * 3600 }],
    ['no subject', { sub: undefined }],
    ['nbf in the future', { nbf: now() + 3600 }],
  ])('refuses a well-signed token with %s', async (_label, override) => {
    const issuer = await localIssuer();
    const reply = await call('GET', '/secrets', {
      token: await issuer.signClaims({ ...claims(), scope: 'user', ...override }),
    });
    expectShapedError(reply, 401, 'UNAUTHENTICATED');
  });
});

describe('401 reasons (seed 001): one UNAUTHENTICATED code, the reason in details', () => {
  const reasonOf = async (headers: Record<string, string>) => {
    const reply = await call('GET', '/secrets', { headers });
    expectShapedError(reply, 401, 'UNAUTHENTICATED');
    expect(reply.json.details).toEqual([
      { error_code: expect.any(String), error_message: reply.json.error_message },
    ]);
    return { reason: reply.json.details[0].error_code, challenge: reply.headers.get('www-authenticate') };
  };

  it('no Authorization header: TOKEN_MISSING, and a challenge without an error attribute', async () => {
    const { reason, challenge } = await reasonOf({});
    expect(reason).toBe('TOKEN_MISSING');
    expect(challenge).toBe('Bearer realm="vault"');
  });

  it('a header that is not "Bearer <token>": AUTHORIZATION_MALFORMED, invalid_request', async () => {
    for (const value of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer two tokens']) {
      const { reason, challenge } = await reasonOf({ Authorization: value });
      expect(reason).toBe('AUTHORIZATION_MALFORMED');
      expect(challenge).toContain('error="invalid_request"');
    }
  });

  it('a forged or unreadable token: TOKEN_INVALID, invalid_token', async () => {
    const { reason, challenge } = await reasonOf({ Authorization: 'Bearer not.a.jwt' });
    expect(reason).toBe('TOKEN_INVALID');
    expect(challenge).toContain('error="invalid_token"');
  });

  it('an expired token: TOKEN_EXPIRED, invalid_token', async () => {
    const expired = await token({ sub: 'ed', scopes: ['user'], ttlSeconds: -120 });
    const { reason, challenge } = await reasonOf({ Authorization: `Bearer ${expired}` });
    expect(reason).toBe('TOKEN_EXPIRED');
    expect(challenge).toContain('error="invalid_token"');
  });
});
