/**
 * IAM login end to end on the in-process vault: a request signed with SigV4 (the client package's
 * own signer, checked by the local gateway with the AWS SDK's) under the local credentials gets a
 * vault token signed by the local KMS key, and that token reads what its mapped roles allow and
 * nothing else. Refusals (bad or stale signature, unmapped principal, expired or forged vault
 * token) each come in their own shape. Nothing is mocked: real signatures, DynamoDB Local, KMS.
 */
import { generateKeyPairSync, sign as signWith } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { SIGNATURE_REFUSED } from '../../infra/local/sigv4-check.ts';
import { kmsClient } from '../../shared/aws/clients.ts';
import { signV4 } from '../../shared/client/iam-auth.ts';
import { KmsTokenKey, VaultTokenIssuer } from '../../shared/crypto/token-signer.ts';
import { LOGIN_TRAIL, UNMAPPED_MESSAGE } from '../../shared/domain/iam-login.ts';
import { expectShapedError } from '../support/error-shape.ts';
import type { Reply } from '../support/http.ts';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';

process.env.NOT_FOUND_MIN_MS = '0';

const REGION = 'us-east-1';
const LOCAL = LOCAL_AWS.credentials;
const STRANGER = { accessKeyId: 'stranger', secretAccessKey: 'stranger-secret' };
const STRANGER_ARN = 'arn:aws:sts::000000000000:assumed-role/unmapped/build-42';

let vault: InProcessVault;
let admin: string;

beforeAll(async () => {
  vault = await startInProcessVault({
    iamRegion: REGION,
    // A role path in the mapping: the session ARN names no path, the role name and account match.
    iamPrincipals: [
      {
        arn: 'arn:aws:iam::000000000000:role/team/local-dev',
        subject: 'app-svc',
        scopes: ['user'],
        roles: ['app'],
      },
    ],
    iamIdentities: {
      [STRANGER.accessKeyId]: { secretAccessKey: STRANGER.secretAccessKey, arn: STRANGER_ARN },
    },
  });
  admin = await vault.issuer.mint({ sub: 'ops', scopes: ['vaultAdd', 'user', 'admin'], roles: ['ops'] });
  for (const [name, role] of [
    ['iam/app-db', 'app'],
    ['iam/ops-db', 'ops'],
  ] as const) {
    const created = await vault.call(admin, 'POST', '/secrets', {
      name,
      data: { password: `${name}-value` },
      read_roles: [{ id: role }],
      write_roles: [{ id: 'ops' }],
    });
    expect(created.status).toBe(201);
  }
});

afterAll(async () => {
  await vault?.close();
});

const loginUrl = () => `${vault.runtime.apiUrl}/auth/iam`;

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text ? JSON.parse(text) : undefined,
  };
}

/** POST /auth/iam signed as the client package signs it; `tamper` changes the request after signing. */
async function login(
  options: {
    credentials?: { accessKeyId: string; secretAccessKey: string };
    at?: Date;
    region?: string;
    body?: string;
    tamper?: (headers: Record<string, string>) => { headers: Record<string, string>; body?: string };
  } = {},
): Promise<Reply> {
  const body = options.body ?? '{}';
  const base = { 'content-type': 'application/json' };
  const signed = signV4(
    { method: 'POST', url: loginUrl(), headers: base, body },
    options.credentials ?? LOCAL,
    {
      region: options.region ?? REGION,
      service: 'execute-api',
      at: options.at ?? new Date(),
    },
  );
  const request = options.tamper?.({ ...base, ...signed }) ?? { headers: { ...base, ...signed } };
  return reply(
    await fetch(loginUrl(), { method: 'POST', headers: request.headers, body: request.body ?? body }),
  );
}

const read = (token: string, name: string) =>
  vault.call(token, 'GET', `/secrets/${encodeURIComponent(name)}`);

describe('a SigV4-signed login with the local credentials', () => {
  it('gets a short-lived vault token for the mapped identity, never cached', async () => {
    const answer = await login();
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const claims = decodeJwt(answer.json.access_token);
    expect(claims).toMatchObject({
      iss: `${vault.runtime.apiUrl}/auth`,
      sub: 'app-svc',
      scope: 'user',
      roles: ['app'],
    });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(decodeProtectedHeader(answer.json.access_token).alg).toBe('ES256');
  });

  it('reads the secret its mapped roles allow, and nothing else', async () => {
    const token = (await login()).json.access_token as string;
    const allowed = await read(token, 'iam/app-db');
    expect(allowed.status, allowed.text).toBe(200);
    expect(allowed.json.data).toEqual({ password: 'iam/app-db-value' });
    // Another role's secret is hidden like a missing one; a scope it was not mapped is refused.
    expectShapedError(await read(token, 'iam/ops-db'), 404, 'OBJECT_NOT_FOUND');
    expectShapedError(
      await vault.call(token, 'POST', '/secrets', { name: 'iam/new', data: {} }),
      403,
      'PERMISSION_DENIED',
    );
  });

  it('is recorded in the login trail: who (the role), which session, as whom', async () => {
    await login();
    const trail = await vault.call(
      admin,
      'GET',
      `/audit?actor=${encodeURIComponent('arn:aws:iam::000000000000:role/local-dev')}`,
    );
    expect(trail.status, trail.text).toBe(200);
    const entry = trail.json.items.find((item: { action: string }) => item.action === 'login');
    expect(entry).toMatchObject({
      action: 'login',
      outcome: 'success',
      secret: LOGIN_TRAIL.name,
      reason: expect.stringMatching(
        /^arn:aws:sts::000000000000:assumed-role\/local-dev\/session as app-svc, token /,
      ),
    });
  });

  it('takes an empty body too, and refuses one that says something', async () => {
    expect((await login({ body: '' })).status).toBe(200);
    expectShapedError(await login({ body: '{"subject":"admin"}' }), 400, 'INVALID_REQUEST_DATA');
  });
});

describe('the gateway refuses what API Gateway refuses, in the vault error shape', () => {
  it('a signature by the wrong secret is a 403, and no function runs', async () => {
    const before = await vault.snapshot();
    const answer = await login({
      credentials: { accessKeyId: LOCAL.accessKeyId, secretAccessKey: 'guessed' },
    });
    expectShapedError(answer, 403, 'PERMISSION_DENIED');
    expect(answer.json.error_message).toBe(SIGNATURE_REFUSED);
    expect(await vault.snapshot()).toBe(before);
  });

  it('a body changed after signing, a signature out of the 5-minute window, another Region: 403', async () => {
    const changed = await login({ tamper: (headers) => ({ headers, body: '{ }' }) });
    expectShapedError(changed, 403, 'PERMISSION_DENIED');
    const stale = await login({ at: new Date(Date.now() - 6 * 60_000) });
    expectShapedError(stale, 403, 'PERMISSION_DENIED');
    expectShapedError(await login({ region: 'eu-west-1' }), 403, 'PERMISSION_DENIED');
    const forged = await login({
      tamper: (headers) => ({
        // Another first digit (a signature starting with 0 would be left as it was: a 1-in-16 flake).
        headers: {
          ...headers,
          Authorization: headers.Authorization!.replace(/Signature=(\w)/, (_, digit) =>
            digit === '0' ? 'Signature=1' : 'Signature=0',
          ),
        },
      }),
    });
    expectShapedError(forged, 403, 'PERMISSION_DENIED');
  });

  it('an unsigned request is answered as API Gateway answers it there (no route for it)', async () => {
    const answer = await reply(await fetch(loginUrl(), { method: 'POST', body: '{}' }));
    expectShapedError(answer, 404, 'ROUTE_NOT_FOUND');
  });
});

describe('an unmapped principal', () => {
  it('gets no token: 403, and the refusal is in the login trail under its role', async () => {
    const answer = await login({ credentials: STRANGER });
    expectShapedError(answer, 403, 'PERMISSION_DENIED');
    expect(answer.json.error_message).toBe(UNMAPPED_MESSAGE);
    expect(answer.text).not.toContain('access_token');
    const trail = await vault.call(
      admin,
      'GET',
      `/audit?actor=${encodeURIComponent('arn:aws:iam::000000000000:role/unmapped')}`,
    );
    expect(trail.json.items).toEqual([
      expect.objectContaining({
        action: 'login',
        outcome: 'denied',
        secret: LOGIN_TRAIL.name,
        reason: `${UNMAPPED_MESSAGE}: ${STRANGER_ARN}`,
        trace_id: answer.json.trace_id,
      }),
    ]);
  });
});

describe("the vault's own tokens, as every function verifies them", () => {
  const issuerOf = (layout: Partial<{ issuer: string }> = {}) =>
    new VaultTokenIssuer(
      new KmsTokenKey(
        kmsClient({ ...LOCAL_AWS, endpoint: vault.runtime.kmsEndpoint }),
        'alias/vault-local-token',
      ),
      {
        issuer: `${vault.runtime.apiUrl}/auth`,
        audience: 'vault-api',
        scopePrefix: '',
        rolesClaim: 'roles',
        ...layout,
      },
    );

  it('an expired one, though signed by the real key, is a 401 TOKEN_EXPIRED', async () => {
    const { token } = await issuerOf().issue({
      subject: 'app-svc',
      scopes: ['user'],
      roles: ['app'],
      issuedAt: new Date(Date.now() - 2 * 3600_000),
      ttlSeconds: 900,
    });
    const answer = await read(token, 'iam/app-db');
    expectShapedError(answer, 401, 'UNAUTHENTICATED');
    expect(answer.json.details[0].error_code).toBe('TOKEN_EXPIRED');
  });

  it('one signed by another key under the same kid is a 401 TOKEN_INVALID', async () => {
    const genuine = (await login()).json.access_token as string;
    const [header, payload] = genuine.split('.');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signature = signWith('sha256', Buffer.from(`${header}.${payload}`), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url');
    const answer = await read(`${header}.${payload}.${signature}`, 'iam/app-db');
    expectShapedError(answer, 401, 'UNAUTHENTICATED');
    expect(answer.json.details[0].error_code).toBe('TOKEN_INVALID');
  });

  it('one naming another issuer is refused though the key signed it', async () => {
    const { token } = await issuerOf({ issuer: 'https://elsewhere.example/auth' }).issue({
      subject: 'app-svc',
      scopes: ['user'],
      roles: ['app'],
      issuedAt: new Date(),
      ttlSeconds: 900,
    });
    expectShapedError(await read(token, 'iam/app-db'), 401, 'UNAUTHENTICATED');
  });

  it('the public JWKS verifies a login token with an ordinary JOSE library, and may be cached', async () => {
    const jwks = await reply(await fetch(`${vault.runtime.apiUrl}/auth/jwks.json`));
    expect(jwks.status, jwks.text).toBe(200);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    expect(jwks.json.keys).toEqual([
      expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) }),
    ]);
    expect(jwks.json.keys[0]).not.toHaveProperty('d');
    const token = (await login()).json.access_token as string;
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks.json), {
      issuer: `${vault.runtime.apiUrl}/auth`,
      audience: 'vault-api',
    });
    expect(payload.sub).toBe('app-svc');
  });
});
