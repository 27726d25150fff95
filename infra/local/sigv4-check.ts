/**
 * What API Gateway does for an AWS_IAM route, done for real on the local server: the request's
 * SigV4 signature (service `execute-api`, the local Region) is computed again with the AWS SDK's
 * own signer (@smithy/signature-v4) over the same canonical request (the headers the client
 * signed, the path and query as sent, the body's SHA-256) under the secret of the access key it
 * names, and compared. A request signed more than 5 minutes from now is refused, as API Gateway
 * refuses it. The caller's identity then goes into `requestContext.identity` as API Gateway puts
 * it there (REST event: `userArn`, `caller`, `user`, `accountId`, `accessKey`).
 *
 * Locally an access key stands for the IAM principal the runtime says (runtime.ts): by default
 * the local credentials (`local`/`local`, those DynamoDB Local and the KMS endpoint are called
 * with) sign as `VAULT_LOCAL_IAM_ARN`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { PermissionDeniedError, type VaultError } from '../../shared/domain/errors.ts';
import { RouteNotFoundError } from '../../shared/http/http-errors.ts';

export interface LocalIamIdentity {
  secretAccessKey: string;
  /** The principal the key signs as: an assumed-role session or a user ARN. */
  arn: string;
}

export interface SigV4Settings {
  /**
   * The Region the credential scope must name, as API Gateway's is. Unset: any Region the scope
   * names (the signature is still computed for it): clients pick theirs from AWS_REGION or the AWS
   * config, and a local vault has none of its own.
   */
  region: string | undefined;
  /** By access key id. */
  identities: ReadonlyMap<string, LocalIamIdentity>;
}

export interface SignedRequest {
  method: string;
  /** Path and query as sent, still percent-encoded. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * The same words as the cloud's gateway responses (infra/gateway-responses.ts, INVALID_SIGNATURE;
 * test/infra holds the two together).
 */
export const SIGNATURE_REFUSED = 'The request signature is not valid, or was made more than 5 minutes ago';

export const MAX_SKEW_MS = 5 * 60_000;
const SERVICE = 'execute-api';
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9-]+(?:;[a-z0-9-]+)*), ?Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** node:crypto as the signer's hash: SHA-256, or HMAC-SHA-256 when given a key. */
class NodeSha256 {
  readonly #hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

export type SigV4Outcome = { identity: Record<string, string | null> } | { error: VaultError };

/** Checks the request's signature; the caller's identity, or the error API Gateway would answer. */
export async function checkSigV4(
  request: SignedRequest,
  settings: SigV4Settings,
  now = Date.now(),
): Promise<SigV4Outcome> {
  const refused = { error: new PermissionDeniedError(SIGNATURE_REFUSED) };
  const [path = '/', query = ''] = request.url.split(/\?(.*)/s);
  const header = request.headers.authorization;
  // API Gateway answers an unsigned request to an IAM route like a missing route (its
  // MISSING_AUTHENTICATION_TOKEN response, which the vault's gateway responses make a 404).
  if (header === undefined) return { error: new RouteNotFoundError(request.method, path) };
  const match = AUTHORIZATION.exec(header);
  if (!match) return refused;
  const [, accessKeyId, scopeDate, region, service, signedList, signature] = match as unknown as string[];
  const identity = settings.identities.get(accessKeyId!);
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const date = AMZ_DATE.exec(amzDate);
  if (!identity || !date || service !== SERVICE) return refused;
  if (settings.region !== undefined && region !== settings.region) return refused;
  const signedAt = Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!);
  if (amzDate.slice(0, 8) !== scopeDate || Math.abs(now - signedAt) > MAX_SKEW_MS) return refused;
  const signedHeaders = signedList!.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) return refused;
  // The body's own hash: a declared x-amz-content-sha256 must be it (no UNSIGNED-PAYLOAD here).
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  const declared = request.headers['x-amz-content-sha256'];
  if (declared !== undefined && declared !== bodyHash) return refused;

  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return refused;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: accessKeyId!, secretAccessKey: identity.secretAccessKey },
    region: region!,
    service: SERVICE,
    sha256: NodeSha256,
    // The canonical request is the client's: no header is added (the body's hash is computed).
    applyChecksum: false,
  });
  const resigned = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: 'localhost',
      path,
      query: queryOf(query),
      headers,
      body: request.body.length > 0 ? request.body : undefined,
    },
    { signingDate: new Date(signedAt), signableHeaders: new Set(signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(resigned.headers.authorization))?.[1] ?? '';
  if (!timingSafeEqual(Buffer.from(expected.padEnd(64)), Buffer.from(signature!))) return refused;
  return { identity: identityOf(identity.arn, accessKeyId!) };
}

function queryOf(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const seen = query[key];
    query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return query;
}

/** A stable made-up unique id, as IAM gives roles (AROA…) and users (AIDA…). */
const uniqueId = (prefix: string, name: string) =>
  `${prefix}${createHash('sha256').update(name).digest('hex').slice(0, 17).toUpperCase()}`;

/** `requestContext.identity` as API Gateway fills it for an IAM-authorized REST request. */
function identityOf(arn: string, accessKey: string): Record<string, string | null> {
  const session = /^arn:[\w-]+:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  const account = /^arn:[\w-]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1] ?? null;
  const caller = session
    ? `${uniqueId('AROA', `${session[1]}/${session[2]}`)}:${session[3]}`
    : uniqueId('AIDA', arn);
  return {
    accountId: account,
    accessKey,
    caller,
    user: caller,
    userArn: arn,
    principalOrgId: null,
    cognitoIdentityPoolId: null,
    cognitoIdentityId: null,
    cognitoAuthenticationType: null,
    cognitoAuthenticationProvider: null,
  };
}
