/**
 * IAM login (issue 19): a vault token for AWS credentials, with no AWS SDK in the client's own code.
 * `POST …/auth/iam` is signed with Signature Version 4 for `execute-api` (node:crypto, below: the
 * SDK's signer is 140 KB bundled for these 40 lines), with credentials from the default AWS chain
 * (environment, shared files and SSO, web identity, ECS and EC2 metadata), which is loaded only
 * when IAM login is used: bundled into a chunk of its own, it costs nothing to anyone else.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
/** What the AWS SDK calls a credential provider: pass `fromNodeProviderChain()`, or your own. */
export type AwsCredentialProvider = () => Promise<AwsCredentials>;

export interface IamOptions {
  /** The API's region (default: from an execute-api host name, else AWS_REGION, the AWS config, us-east-1). */
  region?: string;
  /** Default: the AWS SDK's default credential chain. */
  credentials?: AwsCredentialProvider;
  /** The clock (ms since the epoch) that decides when to log in again; tests move it. */
  now?: () => number;
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
/** RFC 3986 unreserved characters stay; everything else is percent-encoded (what SigV4 wants). */
const uriEscape = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The path as SigV4 canonicalizes it for services other than S3: normalized, encoded once more. */
function canonicalPath(pathname: string): string {
  const segments: string[] = [];
  for (const segment of pathname.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const path = `/${segments.join('/')}${segments.length > 0 && pathname.endsWith('/') ? '/' : ''}`;
  return uriEscape(path).replaceAll('%2F', '/');
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params]
    .map(([key, value]) => [uriEscape(key), uriEscape(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/**
 * The headers that sign a request (SigV4, header form): `x-amz-date`, the payload hash, the session
 * token if any, and `Authorization`. Every header in `headers` is signed, with `host`.
 */
export function signV4(
  request: { method: string; url: string; headers: Record<string, string>; body: string },
  credentials: AwsCredentials,
  scope: { region: string; service: string; at: Date },
): Record<string, string> {
  const url = new URL(request.url);
  const amzDate = scope.at.toISOString().replaceAll(/[-:]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256(request.body);
  const added: Record<string, string> = {
    'x-amz-date': amzDate,
    'x-amz-content-sha256': payloadHash,
    ...(credentials.sessionToken && { 'x-amz-security-token': credentials.sessionToken }),
  };
  const signed = new Map<string, string>([['host', url.host]]);
  for (const [name, value] of Object.entries({ ...request.headers, ...added }))
    signed.set(
      name.toLowerCase(),
      value
        .replaceAll(/[\r\n]/g, ' ')
        .replaceAll(/[ \t]+/g, ' ')
        .trim(),
    );
  const names = [...signed.keys()].sort();
  const canonicalRequest = [
    request.method,
    canonicalPath(url.pathname),
    canonicalQuery(url.searchParams),
    ...names.map((name) => `${name}:${signed.get(name)}`),
    '',
    names.join(';'),
    payloadHash,
  ].join('\n');
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, sha256(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [scope.region, scope.service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return {
    ...added,
    Authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

/** `region` of the profile in use (AWS_PROFILE, else default) in the shared config file, if any. */
function configuredRegion(env: NodeJS.ProcessEnv): string | undefined {
  const profile = env.AWS_PROFILE || 'default';
  const section = profile === 'default' ? 'default' : `profile ${profile}`;
  let text: string;
  try {
    text = readFileSync(env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config'), 'utf8');
  } catch {
    return undefined;
  }
  let inSection = false;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) inSection = header[1]!.trim() === section;
    else if (inSection) {
      const setting = /^\s*region\s*=\s*(\S+)/.exec(line);
      if (setting) return setting[1];
    }
  }
  return undefined;
}

/** The region to sign for: the one an execute-api host names wins, as API Gateway checks that one. */
export function signingRegion(baseUrl: string, region?: string, env = process.env): string {
  const fromHost = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(new URL(baseUrl).hostname)?.[1];
  // An empty variable (`AWS_REGION=`) is unset, as the SDK treats it: signing for '' is refused.
  const named = (value: string | undefined) => value?.trim() || undefined;
  return (
    named(region) ??
    fromHost ??
    named(env.AWS_REGION) ??
    named(env.AWS_DEFAULT_REGION) ??
    configuredRegion(env) ??
    'us-east-1'
  );
}

let chain: Promise<AwsCredentialProvider> | undefined;
/** The AWS SDK's default chain, imported on first use (it memoizes and refreshes credentials itself). */
export function defaultCredentials(): AwsCredentialProvider {
  return async () => {
    chain ??= import('@aws-sdk/credential-provider-node').then((module) => {
      // Bundled (the published package), the CommonJS module arrives as the default export.
      const { defaultProvider } =
        'defaultProvider' in module ? module : (module as { default: typeof module }).default;
      return defaultProvider() as AwsCredentialProvider;
    });
    return (await chain)();
  };
}

/**
 * A vault token kept current: the first call logs in; once 80% of its lifetime has passed, a call
 * still gets it at once while a new login runs behind it, so a reader never waits on a renewal
 * unless the token has run out. Concurrent calls share one login.
 */
export class TokenRenewer {
  readonly #login: () => Promise<{ token: string; expiresInS: number }>;
  readonly #now: () => number;
  #current: { token: string; renewAt: number; expiresAt: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(login: () => Promise<{ token: string; expiresInS: number }>, now: () => number = Date.now) {
    this.#login = login;
    this.#now = now;
  }

  token(): Promise<string> {
    const now = this.#now();
    const current = this.#current;
    if (current && now < current.renewAt) return Promise.resolve(current.token);
    this.#pending ??= this.#renew();
    const pending = this.#pending;
    if (!current || now >= current.expiresAt) return pending;
    // Early renewal: a failure here costs nothing yet (the token still works); try again in 5 s.
    pending.catch(() => {
      if (this.#current === current) current.renewAt = this.#now() + 5000;
    });
    return Promise.resolve(current.token);
  }

  /** The vault refused this token (revoked, its key rotated): the next call logs in again. */
  invalidate(token: string): void {
    if (this.#current?.token === token) this.#current = undefined;
  }

  async #renew(): Promise<string> {
    const sentAt = this.#now();
    try {
      const { token, expiresInS } = await this.#login();
      // Measured from when the login was sent: the token's life began no earlier.
      const lifetime = Math.max(0, expiresInS) * 1000;
      this.#current = { token, renewAt: sentAt + lifetime * 0.8, expiresAt: sentAt + lifetime };
      return token;
    } finally {
      this.#pending = undefined;
    }
  }
}
