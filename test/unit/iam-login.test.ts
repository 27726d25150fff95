/**
 * IAM login's rules without AWS: how a caller's ARN is reduced to a principal, which mapping it
 * meets, what a deployer's mapping may say, and that a refusal is recorded and mints nothing.
 */
import { createHash, createHmac, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { signKmsRequest } from '../../shared/aws/kms-public-key.ts';
import { joseSignature } from '../../shared/crypto/token-signer.ts';
import type { AuditEvent } from '../../shared/domain/audit.ts';
import { PermissionDeniedError } from '../../shared/domain/errors.ts';
import {
  callerPrincipal,
  type IamPrincipalMapping,
  iamLogin,
  LOGIN_TRAIL,
  mappingFor,
  principalArn,
  type TokenGrant,
} from '../../shared/domain/iam-login.ts';
import { IamPrincipalsSetting } from '../../shared/schemas/auth.ts';

const ROLE: IamPrincipalMapping = {
  arn: 'arn:aws:iam::123456789012:role/service/app',
  subject: 'app',
  scopes: ['user'],
  roles: ['app'],
};
const USER: IamPrincipalMapping = {
  arn: 'arn:aws:iam::123456789012:user/ci',
  subject: 'ci',
  scopes: ['vaultAdd'],
  roles: [],
};

describe('principals', () => {
  it('an assumed-role session stands for its role (the STS ARN has no path: name and account match)', () => {
    const session = 'arn:aws:sts::123456789012:assumed-role/app/i-0abc';
    expect(principalArn(callerPrincipal(session)!)).toBe('arn:aws:iam::123456789012:role/app');
    expect(mappingFor([ROLE, USER], session)).toBe(ROLE);
    expect(mappingFor([ROLE, USER], 'arn:aws:iam::123456789012:user/ci')).toBe(USER);
  });

  it('another account, partition, name, case or kind maps to nothing', () => {
    for (const arn of [
      'arn:aws:sts::210987654321:assumed-role/app/s',
      'arn:aws-cn:sts::123456789012:assumed-role/app/s',
      'arn:aws:sts::123456789012:assumed-role/App/s',
      'arn:aws:sts::123456789012:assumed-role/app-admin/s',
      'arn:aws:iam::123456789012:user/app',
      'arn:aws:sts::123456789012:federated-user/app',
      'arn:aws:iam::123456789012:root',
      'arn:aws:sts::123456789012:assumed-role/app',
      'arn:aws:sts::123456789012:assumed-role/app/s/extra',
    ])
      expect(mappingFor([ROLE, USER], arn), arn).toBeUndefined();
  });
});

describe("the deployer's mapping, checked at cold start", () => {
  const parse = (value: unknown) => IamPrincipalsSetting.safeParse(value);

  it('takes role and user ARNs with a subject, scopes and roles', () => {
    expect(parse([ROLE, { arn: USER.arn, subject: 'ci' }]).data).toEqual([ROLE, { ...USER, scopes: [] }]);
  });

  it('refuses what would make a login mint a token no function accepts, or map one principal twice', () => {
    const refusals = [
      [{ ...ROLE, arn: 'arn:aws:iam::123456789012:root' }],
      [{ ...ROLE, arn: 'arn:aws:sts::123456789012:assumed-role/app/s' }],
      [{ ...ROLE, subject: '' }],
      [{ ...ROLE, subject: 'x'.repeat(129) }],
      [{ ...ROLE, scopes: ['everything'] }],
      [{ ...ROLE, roles: ['ops\u200b'] }],
      [{ ...ROLE, extra: true }],
      [ROLE, { ...ROLE, arn: 'arn:aws:iam::123456789012:role/app', subject: 'other' }],
    ];
    for (const value of refusals) expect(parse(value).success, JSON.stringify(value)).toBe(false);
  });
});

function fakes() {
  const appended: AuditEvent[] = [];
  const denied: AuditEvent[] = [];
  const grants: TokenGrant[] = [];
  return {
    appended,
    denied,
    grants,
    deps: {
      audit: {
        append: async (event: AuditEvent) => void appended.push(event),
        appendDenial: async (event: AuditEvent) => void denied.push(event),
        query: async () => ({ count: 0, items: [] }),
      },
      clock: { now: () => new Date('2026-01-01T00:00:00Z') },
      tokens: {
        issue: async (grant: TokenGrant) => {
          grants.push(grant);
          return { token: 'signed', id: 'jti-1' };
        },
      },
    },
  };
}

describe('the exchange', () => {
  const settings = { principals: [ROLE], tokenTtlSeconds: 900 };
  const caller = (arn: string | undefined) => ({ arn, traceId: 't-1', sourceIp: '192.0.2.1' });

  it('mints the mapped grant and records the login, session and token id', async () => {
    const { deps, appended, grants } = fakes();
    const result = await iamLogin(deps, settings, caller('arn:aws:sts::123456789012:assumed-role/app/s1'));
    expect(result).toEqual({ accessToken: 'signed', expiresIn: 900 });
    expect(grants).toEqual([
      { subject: 'app', scopes: ['user'], roles: ['app'], issuedAt: deps.clock.now(), ttlSeconds: 900 },
    ]);
    expect(appended).toEqual([
      expect.objectContaining({
        action: 'login',
        outcome: 'success',
        secret: LOGIN_TRAIL,
        actor: 'arn:aws:iam::123456789012:role/app',
        reason: 'arn:aws:sts::123456789012:assumed-role/app/s1 as app, token jti-1',
      }),
    ]);
  });

  it('refuses an unmapped principal or a request without one: recorded, nothing minted', async () => {
    for (const arn of ['arn:aws:sts::123456789012:assumed-role/other/s1', undefined]) {
      const { deps, denied, grants, appended } = fakes();
      await expect(iamLogin(deps, settings, caller(arn))).rejects.toBeInstanceOf(PermissionDeniedError);
      expect(grants).toEqual([]);
      expect(appended).toEqual([]);
      expect(denied).toEqual([
        expect.objectContaining({ action: 'login', outcome: 'denied', secret: LOGIN_TRAIL, traceId: 't-1' }),
      ]);
    }
  });

  it('with nothing mapped, nobody gets a token', async () => {
    const { deps } = fakes();
    await expect(
      iamLogin(deps, { principals: [], tokenTtlSeconds: 900 }, caller('arn:aws:iam::123456789012:user/ci')),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
  });
});

describe('ES256 signatures from KMS', () => {
  it('DER (r, s) as KMS answers becomes the 64-byte JWS form that verifies', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicKey = createPublicKey(privateKey);
    for (let i = 0; i < 50; i++) {
      const message = Buffer.from(`header.payload-${i}`);
      const der = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
      const jose = joseSignature(der);
      expect(jose).toHaveLength(64);
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose)).toBe(true);
    }
    expect(() => joseSignature(Buffer.from('3006020101020101ff', 'hex'))).toThrow();
  });
});

describe("verifiers read the token key's public half without the SDK", () => {
  const bytes = (data: string | ArrayBuffer | ArrayBufferView) =>
    typeof data === 'string'
      ? Buffer.from(data)
      : ArrayBuffer.isView(data)
        ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
        : Buffer.from(data);
  /** node:crypto as the SDK signer's hash. */
  class Sha256 {
    readonly #hash;
    constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
      this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
    }
    update(data: string | ArrayBuffer | ArrayBufferView) {
      this.#hash.update(bytes(data));
    }
    digest() {
      return Promise.resolve(new Uint8Array(this.#hash.digest()));
    }
  }

  it('signs GetPublicKey exactly as the AWS SDK signs it, session token included', async () => {
    const url = new URL('https://kms.eu-west-1.amazonaws.com/');
    const at = new Date('2026-01-02T03:04:05Z');
    const credentials = {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI',
      sessionToken: 'FwoGZX',
    };
    const body = JSON.stringify({ KeyId: 'arn:aws:kms:eu-west-1:111111111111:key/k' });
    const ours = signKmsRequest(url, 'TrentService.GetPublicKey', body, credentials, 'eu-west-1', at);
    const sdk = await new SignatureV4({
      credentials,
      region: 'eu-west-1',
      service: 'kms',
      sha256: Sha256,
      applyChecksum: false,
    }).sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: url.hostname,
        path: '/',
        query: {},
        headers: {
          host: url.host,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'TrentService.GetPublicKey',
        },
        body,
      },
      { signingDate: at },
    );
    expect(ours.authorization).toBe(sdk.headers.authorization);
    expect(ours['x-amz-security-token']).toBe('FwoGZX');
  });
});
