/**
 * IAM login's two parts that need no server (issue 19 item 2): the SigV4 signature, held to the AWS
 * SDK's own signer (the one the vault's local adapter and API Gateway's rules agree with), and the
 * token renewal on a clock the test moves, so no test sleeps through a token's life.
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { signingRegion, signV4, TokenRenewer } from '../../shared/client/iam-auth.ts';

/** node:crypto in the shape the SDK's signer takes. */
class Sha256 {
  readonly #hash;
  constructor(secret?: unknown) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret as Uint8Array);
  }
  update(data: unknown) {
    this.#hash.update(data as Uint8Array);
  }
  async digest() {
    return new Uint8Array(this.#hash.digest());
  }
}

const at = new Date('2026-03-01T12:34:56.789Z');

async function sdkSignature(
  url: string,
  headers: Record<string, string>,
  body: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  region: string,
) {
  const parsed = new URL(url);
  const signer = new SignatureV4({ service: 'execute-api', region, credentials, sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: parsed.protocol,
      hostname: parsed.hostname,
      ...(parsed.port && { port: Number(parsed.port) }),
      path: parsed.pathname,
      query: Object.fromEntries(
        [...new Set(parsed.searchParams.keys())].map((key) => [key, parsed.searchParams.getAll(key)]),
      ),
      headers: { ...headers, host: parsed.host },
      body,
    },
    { signingDate: at },
  );
  return signed.headers;
}

describe('signV4', () => {
  for (const [label, url, credentials] of [
    [
      'long-term keys, a stage and a port',
      'http://127.0.0.1:8080/v1/vault/api/v1/auth/iam',
      { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    ],
    [
      'a session, a path that needs encoding, a query',
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/vault%20x/api/v1/auth/iam?b=2&a=1&a=0',
      {
        accessKeyId: 'ASIAEXAMPLE',
        secretAccessKey: 'secret',
        sessionToken: 'FQoGZXIvYXdzE//session+token=',
      },
    ],
  ] as const) {
    it(`signs exactly as the AWS SDK's signer does: ${label}`, async () => {
      const headers = { 'content-type': 'application/json', accept: 'application/json' };
      const ours = signV4({ method: 'POST', url, headers, body: '{}' }, credentials, {
        region: 'eu-west-1',
        service: 'execute-api',
        at,
      });
      const sdk = await sdkSignature(url, headers, '{}', credentials, 'eu-west-1');
      expect(ours.Authorization).toBe(sdk.authorization);
      expect(ours['x-amz-date']).toBe(sdk['x-amz-date']);
      expect(ours['x-amz-security-token']).toBe(sdk['x-amz-security-token']);
    });
  }

  it('changes with the body, the region and the key: a signature covers what it must', () => {
    const request = {
      method: 'POST',
      url: 'http://127.0.0.1:8080/vault/api/v1/auth/iam',
      headers: {},
      body: '{}',
    };
    const keys = { accessKeyId: 'local', secretAccessKey: 'local' };
    const base = signV4(request, keys, { region: 'us-east-1', service: 'execute-api', at }).Authorization;
    expect(
      signV4({ ...request, body: '{"a":1}' }, keys, { region: 'us-east-1', service: 'execute-api', at })
        .Authorization,
    ).not.toBe(base);
    expect(signV4(request, keys, { region: 'eu-west-1', service: 'execute-api', at }).Authorization).not.toBe(
      base,
    );
    expect(
      signV4(
        request,
        { ...keys, secretAccessKey: 'other' },
        { region: 'us-east-1', service: 'execute-api', at },
      ).Authorization,
    ).not.toBe(base);
  });
});

describe('signingRegion', () => {
  it("takes an execute-api host's region first, then AWS_REGION, the profile's config, us-east-1", () => {
    const config = join(mkdtempSync(join(tmpdir(), 'aws-config-')), 'config');
    writeFileSync(config, '[default]\nregion = eu-north-1\n[profile app]\nregion=ap-south-1\n');
    const host = 'https://x1.execute-api.eu-west-3.amazonaws.com/prod/vault/api/v1';
    const local = 'http://127.0.0.1:8080/vault/api/v1';
    expect(signingRegion(host, undefined, { AWS_REGION: 'us-west-2' })).toBe('eu-west-3');
    expect(signingRegion(host, 'sa-east-1', {})).toBe('sa-east-1');
    // An empty variable is unset: the next source decides.
    expect(signingRegion(local, undefined, { AWS_REGION: '', AWS_DEFAULT_REGION: 'ca-central-1' })).toBe(
      'ca-central-1',
    );
    expect(signingRegion(local, undefined, { AWS_REGION: 'us-west-2', AWS_CONFIG_FILE: config })).toBe(
      'us-west-2',
    );
    expect(signingRegion(local, undefined, { AWS_CONFIG_FILE: config })).toBe('eu-north-1');
    expect(signingRegion(local, undefined, { AWS_CONFIG_FILE: config, AWS_PROFILE: 'app' })).toBe(
      'ap-south-1',
    );
    expect(signingRegion(local, undefined, { AWS_CONFIG_FILE: join(config, 'none') })).toBe('us-east-1');
  });
});

describe('TokenRenewer', () => {
  /** A login that hands out token-1, token-2, … living `ttl` seconds; `fail` makes the next ones fail. */
  function logins(ttl: number) {
    const state = { count: 0, fail: false, release: undefined as (() => void) | undefined, held: false };
    const login = async () => {
      state.count++;
      if (state.held) await new Promise<void>((resolve) => (state.release = resolve));
      if (state.fail) throw new Error('login refused');
      return { token: `token-${state.count}`, expiresInS: ttl };
    };
    return { state, login };
  }

  it('logs in once, shares the login between concurrent callers, and reuses the token until 80% of its life', async () => {
    let now = 1_000_000;
    const { state, login } = logins(100);
    const renewer = new TokenRenewer(login, () => now);
    const [a, b] = await Promise.all([renewer.token(), renewer.token()]);
    expect([a, b, state.count]).toEqual(['token-1', 'token-1', 1]);
    now += 79_000;
    expect(await renewer.token()).toBe('token-1');
    expect(state.count).toBe(1);
  });

  it('renews before expiry without making the caller wait, and uses the new token once it arrives', async () => {
    let now = 0;
    const { state, login } = logins(100);
    const renewer = new TokenRenewer(login, () => now);
    await renewer.token();
    now = 81_000;
    state.held = true;
    // The renewal is under way and held: the caller still gets the valid token at once.
    expect(await renewer.token()).toBe('token-1');
    expect(state.count).toBe(2);
    state.held = false;
    state.release!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await renewer.token()).toBe('token-2');
    expect(state.count).toBe(2);
  });

  it('keeps the valid token when an early renewal fails, and waits for a login once the token has expired', async () => {
    let now = 0;
    const { state, login } = logins(100);
    const renewer = new TokenRenewer(login, () => now);
    await renewer.token();
    now = 90_000;
    state.fail = true;
    expect(await renewer.token()).toBe('token-1');
    await new Promise((resolve) => setImmediate(resolve));
    now = 100_000;
    await expect(renewer.token()).rejects.toThrow('login refused');
    state.fail = false;
    expect(await renewer.token()).toBe('token-4');
  });

  it('logs in again after the vault refused the token (invalidate)', async () => {
    const { state, login } = logins(900);
    const renewer = new TokenRenewer(login, () => 0);
    const first = await renewer.token();
    renewer.invalidate('some-other-token');
    expect(await renewer.token()).toBe(first);
    renewer.invalidate(first);
    expect(await renewer.token()).toBe('token-2');
    expect(state.count).toBe(2);
  });
});
