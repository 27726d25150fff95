/**
 * KMS GetPublicKey without the AWS SDK, for the one call every token-verifying function makes
 * (once per process, and only when it meets a token of the vault's own issuer). The SDK's client
 * would add some 390 KB to functions that carry no other SDK client (status, OpenAPI, schemas):
 * measured, their import time more than doubled. One signed JSON POST (SigV4, node:crypto) with
 * the function's own credentials (Lambda puts them in the environment), bounded like every SDK
 * client here (aws/clients.ts), does the same. Functions that sign use the SDK (crypto/token-signer.ts).
 */
import { createHash, createHmac } from 'node:crypto';

export interface PublicKeyAnswer {
  publicKey: Uint8Array;
  keySpec: string | undefined;
}

/** The bounded wait of every SDK client here (aws/clients.ts): 1 s to connect, 3 s to answer. */
const WAIT_MS = 4_000;

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** SigV4 (header form) of a POST to `/` with no query: the only request this module makes. */
export function signKmsRequest(
  url: URL,
  target: string,
  body: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined },
  region: string,
  at: Date,
): Record<string, string> {
  const amzDate = at.toISOString().replaceAll(/[-:]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    host: url.host,
    'x-amz-date': amzDate,
    'x-amz-target': target,
    ...(credentials.sessionToken && { 'x-amz-security-token': credentials.sessionToken }),
  };
  const names = Object.keys(headers).sort();
  const canonical = [
    'POST',
    '/',
    '',
    ...names.map((name) => `${name}:${headers[name]}`),
    '',
    names.join(';'),
    sha256(body),
  ];
  const scope = `${day}/${region}/kms/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical.join('\n'))].join('\n');
  let key: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, 'kms', 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  const { host: _host, ...sent } = headers;
  return {
    ...sent,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

/** A failure as the SDK would name it (`ThrottlingException`, `AccessDeniedException`, `TimeoutError`). */
class KmsCallError extends Error {
  override readonly name: string;
  readonly $retryable: object | undefined;
  constructor(name: string, message: string, retryable: boolean) {
    super(message);
    this.name = name;
    this.$retryable = retryable ? {} : undefined;
  }
}

/** The key's public half (DER SubjectPublicKeyInfo), as GetPublicKey answers it. */
export async function kmsPublicKey(
  keyId: string,
  options: { endpoint?: string | undefined; env?: NodeJS.ProcessEnv } = {},
): Promise<PublicKeyAnswer> {
  const env = options.env ?? process.env;
  const region = env.AWS_REGION ?? 'us-east-1';
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey)
    throw new KmsCallError('CredentialsProviderError', 'No AWS credentials in the environment', false);
  const url = new URL(
    options.endpoint ?? `https://kms.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/`,
  );
  const body = JSON.stringify({ KeyId: keyId });
  const headers = signKmsRequest(
    url,
    'TrentService.GetPublicKey',
    body,
    { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN },
    region,
    new Date(),
  );
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(WAIT_MS),
    });
  } catch (error) {
    throw new KmsCallError('TimeoutError', `KMS GetPublicKey did not answer: ${(error as Error).name}`, true);
  }
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const name = String(answer.__type ?? 'KMSInternalException')
      .split('#')
      .pop()!;
    throw new KmsCallError(
      name,
      String(answer.message ?? answer.Message ?? ''),
      response.status >= 500 || response.status === 429,
    );
  }
  if (typeof answer.PublicKey !== 'string')
    throw new KmsCallError('KMSInternalException', 'GetPublicKey answered without a key', false);
  return {
    publicKey: Buffer.from(answer.PublicKey, 'base64'),
    keySpec: typeof answer.KeySpec === 'string' ? answer.KeySpec : undefined,
  };
}
