import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url, exportSPKI, generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../infra/local/dev-issuer.ts';
import { LOCAL_CONTROL_HEADERS } from '../../infra/local/local-control.ts';
import { MissingScopeError } from '../../shared/http/http-errors.ts';
import { createTokenVerifier, jwtAuth } from '../../shared/http/jwt-auth.ts';
import { scopeCheck } from '../../shared/http/scope-check.ts';
import type { StackRequest } from '../../shared/http/types.ts';
import { getSecret } from '../../shared/operations.ts';
import { expectShapedError } from '../support/error-shape.ts';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';

let vault: InProcessVault;
let kid: string;
let attackerHits = 0;
let attacker: ReturnType<typeof createServer>;
let attackerUrl: string;
const SECRET = 'token-attack-marker-91c2';

beforeAll(async () => {
  vault = await startInProcessVault();
  kid = vault.issuer.jwks.keys[0]!.kid!;
  // A server an attacker controls: a `jku`/`x5u` header must never make the vault call it.
  attacker = createServer((_req, res) => {
    attackerHits++;
    res.end('{"keys":[]}');
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/jwks.json`;
  const admin = await vault.issuer.mint({ sub: 'ops', scopes: ['vaultAdd', 'user'], roles: ['app'] });
  await fetch(`${vault.runtime.apiUrl}/secrets`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'target', data: { password: SECRET }, read_roles: [{ id: 'app' }] }),
  });
});

afterAll(async () => {
  attacker.close();
  await vault.close();
});

const now = () => Math.floor(Date.now() / 1000);
const goodClaims = () => ({
  iss: DEV_ISSUER,
  aud: DEV_AUDIENCE,
  sub: 'mallory',
  scope: 'user',
  roles: ['app'],
  iat: now(),
  exp: now() + 600,
});
const encode = (value: object) => base64url.encode(JSON.stringify(value));

async function attackerKey() {
  return (await generateKeyPair('RS256', { extractable: true })).privateKey;
}

const attacks: Array<[string, () => Promise<string>]> = [
  ['alg none', async () => `${encode({ alg: 'none', typ: 'JWT', kid })}.${encode(goodClaims())}.`],
  ['alg none, no signature part', async () => `${encode({ alg: 'none', kid })}.${encode(goodClaims())}`],
  [
    'HS256 signed with the RSA public key',
    async () => {
      const pem = await exportSPKI(
        (await importJWK(vault.issuer.jwks.keys[0]!, 'RS256', { extractable: true })) as Parameters<
          typeof exportSPKI
        >[0],
      );
      return new SignJWT(goodClaims())
        .setProtectedHeader({ alg: 'HS256', kid })
        .sign(new TextEncoder().encode(pem));
    },
  ],
  [
    'unknown kid',
    async () =>
      new SignJWT(goodClaims())
        .setProtectedHeader({ alg: 'RS256', kid: 'no-such-key' })
        .sign(await attackerKey()),
  ],
  [
    'kid path injection',
    async () =>
      new SignJWT(goodClaims())
        .setProtectedHeader({ alg: 'RS256', kid: '../../../../etc/passwd' })
        .sign(await attackerKey()),
  ],
  [
    'kid SQL-ish injection',
    async () =>
      new SignJWT(goodClaims())
        .setProtectedHeader({ alg: 'RS256', kid: "' OR '1'='1" })
        .sign(await attackerKey()),
  ],
  [
    'jku header to an attacker JWKS',
    async () =>
      new SignJWT(goodClaims())
        .setProtectedHeader({ alg: 'RS256', kid, jku: attackerUrl })
        .sign(await attackerKey()),
  ],
  [
    'x5u header to an attacker',
    async () =>
      new SignJWT(goodClaims())
        .setProtectedHeader({ alg: 'RS256', kid, x5u: attackerUrl })
        .sign(await attackerKey()),
  ],
  [
    'embedded jwk header',
    async () => {
      const key = await generateKeyPair('RS256', { extractable: true });
      const { exportJWK } = await import('jose');
      return new SignJWT(goodClaims())
        .setProtectedHeader({ alg: 'RS256', kid, jwk: await exportJWK(key.publicKey) })
        .sign(key.privateKey);
    },
  ],
  [
    'another issuer with the same kid',
    async () => new SignJWT(goodClaims()).setProtectedHeader({ alg: 'RS256', kid }).sign(await attackerKey()),
  ],
  ['expired', async () => vault.issuer.signClaims({ ...goodClaims(), iat: now() - 7200, exp: now() - 3600 })],
  ['nbf in the future', async () => vault.issuer.signClaims({ ...goodClaims(), nbf: now() + 3600 })],
  [
    'iat in the future',
    async () => vault.issuer.signClaims({ ...goodClaims(), iat: now() + 3600, exp: now() + 4000 }),
  ],
  ['wrong issuer', async () => vault.issuer.signClaims({ ...goodClaims(), iss: 'https://evil.example' })],
  ['wrong audience', async () => vault.issuer.signClaims({ ...goodClaims(), aud: 'another-api' })],
  ['missing exp', async () => vault.issuer.signClaims({ ...goodClaims(), exp: undefined })],
  [
    'absurd lifetime',
    async () => vault.issuer.signClaims({ ...goodClaims(), exp: now() + 10 * 365 * 86_400 }),
  ],
  [
    'scope as a number',
    async () => vault.issuer.signClaims({ ...goodClaims(), scope: 42 as unknown as string }),
  ],
  [
    'scope as an object',
    async () => vault.issuer.signClaims({ ...goodClaims(), scope: { user: true } as unknown as string }),
  ],
  [
    'scp as a string',
    async () => vault.issuer.signClaims({ ...goodClaims(), scope: undefined, scp: 'user' }),
  ],
  ['roles as an object', async () => vault.issuer.signClaims({ ...goodClaims(), roles: { app: true } })],
  [
    'truncated signature',
    async () => (await vault.issuer.mint({ sub: 'm', scopes: ['user'], roles: ['app'] })).slice(0, -12),
  ],
  [
    'signature re-encoded as padded base64',
    async () => {
      const [h, p, s] = (await vault.issuer.mint({ sub: 'm', scopes: ['user'], roles: ['app'] })).split('.');
      return `${h}.${p}.${Buffer.from(s!, 'base64url').toString('base64')}`;
    },
  ],
  [
    'payload swapped under a valid signature',
    async () => {
      const [h, , s] = (await vault.issuer.mint({ sub: 'm', scopes: ['user'], roles: [] })).split('.');
      return `${h}.${encode({ ...goodClaims(), roles: ['app'] })}.${s}`;
    },
  ],
  [
    'crit header naming an extension we do not understand',
    async () =>
      vault.issuer.signClaims(goodClaims(), {
        crit: ['urn:example:must-understand'],
        'urn:example:must-understand': 1,
      }),
  ],
  [
    'crit header naming a registered parameter',
    async () => vault.issuer.signClaims(goodClaims(), { crit: ['exp'], exp: now() + 600 }),
  ],
  [
    'Cognito ID token (token_use id)',
    async () => vault.issuer.signClaims({ ...goodClaims(), token_use: 'id' }),
  ],
  [
    'token_use of another kind',
    async () => vault.issuer.signClaims({ ...goodClaims(), token_use: 'refresh' }),
  ],
  ['oversized token', async () => vault.issuer.signClaims({ ...goodClaims(), padding: 'x'.repeat(9000) })],
  // A subject names stored keys (personal secrets, listings, denial counters): one the vault cannot
  // keep was a 500 on every request that recorded a denial.
  [
    'subject past the id length',
    async () => vault.issuer.signClaims({ ...goodClaims(), sub: '中'.repeat(700) }),
  ],
  [
    'subject with a control character',
    async () => vault.issuer.signClaims({ ...goodClaims(), sub: 'a\u0000b' }),
  ],
  [
    'subject with a bidi override',
    async () => vault.issuer.signClaims({ ...goodClaims(), sub: 'adm\u202Enim' }),
  ],
  ['not a JWT at all', async () => 'hello'],
  ['empty bearer', async () => ''],
];

describe('token attacks', () => {
  let fetchesBefore: number;
  beforeAll(async () => {
    fetchesBefore = (
      (await (
        await fetch(`${vault.runtime.url}/__local/jwks-fetches`, { headers: LOCAL_CONTROL_HEADERS })
      ).json()) as { count: number }
    ).count;
  });

  it.each(attacks)('%s: a shaped 401 and no data', async (_label, make) => {
    const token = await make();
    const response = await fetch(`${vault.runtime.apiUrl}/secrets/target`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    expectShapedError(
      { status: response.status, headers: response.headers, text, json: JSON.parse(text) },
      401,
      'UNAUTHENTICATED',
    );
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="vault"/);
    expect(text).not.toContain(SECRET);
  });

  it('no attack made the vault fetch anything: the attacker saw nothing, the JWKS was fetched at most once more', async () => {
    const fetchesAfter = (
      (await (
        await fetch(`${vault.runtime.url}/__local/jwks-fetches`, { headers: LOCAL_CONTROL_HEADERS })
      ).json()) as { count: number }
    ).count;
    expect(attackerHits).toBe(0);
    expect(fetchesAfter - fetchesBefore).toBeLessThanOrEqual(1);
    console.log(
      `token attacks: ${attacks.length} cases, JWKS fetches during them: ${fetchesAfter - fetchesBefore}`,
    );
  });

  it('and a genuine token still works, with or without token_use "access"', async () => {
    const marked = await vault.issuer.signClaims({ ...goodClaims(), token_use: 'access' });
    const response = await fetch(`${vault.runtime.apiUrl}/secrets/target`, {
      headers: { Authorization: `Bearer ${marked}` },
    });
    expect(((await response.json()) as { data: unknown }).data).toEqual({ password: SECRET });
  });

  it('and a genuine minted token still works', async () => {
    const token = await vault.issuer.mint({ sub: 'reader', scopes: ['user'], roles: ['app'] });
    const response = await fetch(`${vault.runtime.apiUrl}/secrets/target`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(((await response.json()) as { data: unknown }).data).toEqual({ password: SECRET });
  });
});

describe('scope claims, strictly', () => {
  const read = (token: string) =>
    fetch(`${vault.runtime.apiUrl}/secrets/target`, { headers: { Authorization: `Bearer ${token}` } });

  // RFC 6749 §3.3: scopes are separated by spaces; "x,user" is one scope that names nothing here.
  it.each([
    ['comma', 'x,user'],
    ['comma and space', 'x, ,user,'],
    ['tab', 'x\tuser'],
    ['newline', 'x\nuser'],
  ])('scope joined by a %s grants nothing: a shaped 403 and no data', async (_label, scope) => {
    const response = await read(await vault.issuer.signClaims({ ...goodClaims(), scope }));
    const text = await response.text();
    expectShapedError(
      { status: response.status, headers: response.headers, text, json: JSON.parse(text) },
      403,
      'PERMISSION_DENIED',
    );
    expect(text).not.toContain(SECRET);
  });

  it('space-separated scopes each count', async () => {
    const response = await read(await vault.issuer.signClaims({ ...goodClaims(), scope: 'x user' }));
    expect(((await response.json()) as { data: unknown }).data).toEqual({ password: SECRET });
  });

  describe('with a scope prefix (another resource server of the same issuer mints unprefixed scopes)', () => {
    const config = {
      audiences: [DEV_AUDIENCE],
      audienceClaim: 'aud' as const,
      rolesClaims: ['roles'],
      scopePrefix: 'vault/',
      maxTokenLifetimeSeconds: 86_400,
    };
    /** The vault's own JWT and scope middlewares, with the prefix set, on a token signed by the issuer's key. */
    async function scopesOf(scope: string) {
      const verifier = createTokenVerifier({
        ...config,
        issuer: DEV_ISSUER,
        jwksUri: `${vault.runtime.url}/.well-known/jwks.json`,
      });
      const token = await vault.issuer.signClaims({ ...goodClaims(), scope });
      const request = {
        event: { headers: { authorization: `Bearer ${token}` }, requestContext: {} },
        context: { vault: { traceId: 'prefix-test' } },
      } as unknown as StackRequest;
      await jwtAuth(verifier, config).before!(request);
      const admitted = await scopeCheck(getSecret).before!(request).then(
        () => true,
        (error: unknown) => (error instanceof MissingScopeError ? false : Promise.reject(error)),
      );
      return { scopes: [...request.context.vault.caller.scopes], admitted };
    }

    it('an unprefixed scope does not count', async () => {
      expect(await scopesOf('user other/admin')).toEqual({ scopes: [], admitted: false });
    });

    it('prefixed scopes count, without their prefix', async () => {
      expect(await scopesOf('vault/user user vault/')).toEqual({ scopes: ['user'], admitted: true });
    });
  });
});
