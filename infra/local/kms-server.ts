/**
 * A local endpoint speaking the AWS KMS JSON protocol (`X-Amz-Target: TrentService.<Op>`), so the
 * unmodified `@aws-sdk/client-kms` works against it by changing only its endpoint. Real crypto
 * from node:crypto and KMS's own error names: symmetric keys (AES-256-GCM, kms-symmetric.ts) and
 * ECC_NIST_P256 signing keys (ECDSA_SHA_256, kms-signing.ts), both kept in the state file
 * (kms-keys.ts). Local and test runs only: never part of a Lambda bundle. SigV4 signatures are
 * not checked: it binds to 127.0.0.1 and holds only throwaway keys.
 *
 * Control routes for tests and benchmarks: `GET|DELETE /__local/stats` (calls per operation),
 * `GET|POST|DELETE /__local/faults` (`{operation, error, count}`: the next calls fail that way);
 * POST and DELETE need the control header of local-control.ts.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { keyStore, type LocalKeySpec, requestedSpec, specOf, usageOf } from './kms-keys.ts';
import {
  checkSigningInput,
  publicKeyOf,
  SIGNING_ALGORITHMS_OF,
  sign,
  signingInput,
  verify,
} from './kms-signing.ts';
import { dataKeyLength, decrypt, encrypt, encryptionContext, MAX_PLAINTEXT } from './kms-symmetric.ts';
import { KmsError, SERVER_ERRORS, strictBase64, validation } from './kms-wire.ts';
import { localControlRefusal } from './local-control.ts';

export type { LocalKeySpec } from './kms-keys.ts';

export interface LocalKms {
  url: string;
  port: number;
  /** A new key, symmetric unless `keySpec` is `ECC_NIST_P256` (a SIGN_VERIFY key pair). */
  createKey(alias?: string, keySpec?: LocalKeySpec): Promise<{ keyId: string; arn: string }>;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  stats(): Record<string, number>;
  resetStats(): void;
  close(): Promise<void>;
}

export interface Fault {
  /** An operation name such as `Decrypt`, or `*` for any. */
  operation: string;
  /** The error name the client sees, e.g. `ThrottlingException`. */
  error: string;
  /** How many matching calls fail; 1 by default. */
  count?: number;
}

const JSON_CONTENT = 'application/json';
const AMZ_JSON_CONTENT = 'application/x-amz-json-1.1';

export async function startLocalKms(
  options: { port?: number; statePath?: string; region?: string; account?: string } = {},
): Promise<LocalKms> {
  const region = options.region ?? 'us-east-1';
  const account = options.account ?? '000000000000';
  const keys = keyStore({ region, account, ...(options.statePath && { statePath: options.statePath }) });
  const { arnOf } = keys;
  const calls: Record<string, number> = {};
  let faults: Array<Required<Fault>> = [];

  function dataKey(body: Record<string, unknown>, operation: string) {
    const key = keys.forUse(body.KeyId, 'ENCRYPT_DECRYPT', operation);
    const plaintext = randomBytes(dataKeyLength(body));
    const blob = encrypt(key, plaintext, encryptionContext(body.EncryptionContext));
    return { KeyId: arnOf(key.id), Plaintext: plaintext, CiphertextBlob: blob.toString('base64') };
  }

  /** Sign and Verify share their checks: fields first, then the key, then what the key allows. */
  function signing(body: Record<string, unknown>, operation: 'Sign' | 'Verify') {
    const input = signingInput(body, operation === 'Verify');
    const key = keys.forUse(body.KeyId, 'SIGN_VERIFY', operation);
    checkSigningInput(input, specOf(key));
    return { key, input };
  }

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    CreateKey: (body) => {
      const spec = requestedSpec(body);
      const description = typeof body.Description === 'string' ? body.Description : '';
      return { KeyMetadata: keys.metadata(keys.create(description, spec)) };
    },
    CreateAlias: (body) => {
      const name = keys.checkAlias(body.AliasName);
      keys.setAlias(name, keys.resolve(body.TargetKeyId).id);
      return {};
    },
    ListAliases: () => ({ Aliases: keys.aliases(), Truncated: false }),
    DescribeKey: (body) => ({ KeyMetadata: keys.metadata(keys.resolve(body.KeyId)) }),
    EnableKey: (body) => {
      keys.setEnabled(body.KeyId, true);
      return {};
    },
    DisableKey: (body) => {
      keys.setEnabled(body.KeyId, false);
      return {};
    },
    GenerateDataKey: (body) => {
      const { Plaintext, ...rest } = dataKey(body, 'GenerateDataKey');
      return { ...rest, Plaintext: Plaintext.toString('base64') };
    },
    GenerateDataKeyWithoutPlaintext: (body) => {
      const { Plaintext: _, ...rest } = dataKey(body, 'GenerateDataKeyWithoutPlaintext');
      return rest;
    },
    Encrypt: (body) => {
      const key = keys.forUse(body.KeyId, 'ENCRYPT_DECRYPT', 'Encrypt');
      const plaintext = strictBase64(body.Plaintext);
      if (!plaintext || plaintext.length === 0) throw validation('Plaintext is required (base64)');
      if (plaintext.length > MAX_PLAINTEXT)
        throw validation(`Plaintext must be at most ${MAX_PLAINTEXT} bytes`);
      return {
        KeyId: arnOf(key.id),
        CiphertextBlob: encrypt(key, plaintext, encryptionContext(body.EncryptionContext)).toString('base64'),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    },
    Decrypt: (body) => {
      const context = encryptionContext(body.EncryptionContext);
      const { key, plaintext } = decrypt(keys, body.CiphertextBlob, context, body.KeyId);
      return {
        KeyId: arnOf(key.id),
        Plaintext: plaintext.toString('base64'),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    },
    Sign: (body) => {
      const { key, input } = signing(body, 'Sign');
      return {
        KeyId: arnOf(key.id),
        Signature: sign(key.material, input).toString('base64'),
        SigningAlgorithm: input.algorithm,
      };
    },
    // KMS answers an invalid signature with an error (an empty message), never SignatureValid false.
    Verify: (body) => {
      const { key, input } = signing(body, 'Verify');
      if (!verify(key.material, input, input.signature!))
        throw new KmsError('KMSInvalidSignatureException', '');
      return { KeyId: arnOf(key.id), SignatureValid: true, SigningAlgorithm: input.algorithm };
    },
    // As observed of KMS (not as its key-state table says), a disabled key's public key is still given.
    GetPublicKey: (body) => {
      const key = keys.resolve(body.KeyId);
      const spec = specOf(key);
      const algorithms = SIGNING_ALGORITHMS_OF[spec];
      if (!algorithms)
        throw new KmsError(
          'UnsupportedOperationException',
          `${arnOf(key.id)} key spec ${spec} has no public key.`,
        );
      return {
        KeyId: arnOf(key.id),
        PublicKey: publicKeyOf(key.material).toString('base64'),
        CustomerMasterKeySpec: spec,
        KeySpec: spec,
        KeyUsage: usageOf(key),
        SigningAlgorithms: [...algorithms],
      };
    },
  };

  function takeFault(operation: string): Required<Fault> | undefined {
    const fault = faults.find(
      (candidate) => candidate.operation === operation || candidate.operation === '*',
    );
    if (!fault) return undefined;
    fault.count -= 1;
    faults = faults.filter((candidate) => candidate.count > 0);
    return fault;
  }

  // Infinity is allowed (not over HTTP, where JSON cannot carry it) for "fail until cleared".
  function injectFault(fault: Fault): void {
    const count = fault.count ?? 1;
    if (typeof fault.operation !== 'string' || fault.operation === '')
      throw validation('fault.operation is required');
    if (typeof fault.error !== 'string' || !/^[A-Za-z]+$/.test(fault.error))
      throw validation('fault.error must be an error name');
    if (typeof count !== 'number' || !(count >= 1) || !(Number.isInteger(count) || count === Infinity))
      throw validation('fault.count must be a positive integer');
    faults.push({ operation: fault.operation, error: fault.error, count });
  }

  const resetStats = () => {
    for (const name of Object.keys(calls)) delete calls[name];
  };

  function send(res: ServerResponse, status: number, body: unknown, contentType = AMZ_JSON_CONTENT): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  function parseObject(text: string): Record<string, unknown> {
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      throw validation('Request body is not valid JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw validation('Request body must be a JSON object');
    return body as Record<string, unknown>;
  }

  /** The test and benchmark routes; false when the path is not one of them. */
  function control(req: IncomingMessage, res: ServerResponse, path: string, text: string): boolean {
    // Changing stats or faults needs the control header (local-control.ts); reading them does not.
    if (path.startsWith('/__local/') && req.method !== 'GET') {
      const refusal = localControlRefusal(req.headers);
      if (refusal) throw new KmsError('AccessDeniedException', refusal, 403);
    }
    if (path === '/__local/stats') {
      if (req.method === 'DELETE') resetStats();
      else if (req.method !== 'GET') throw new KmsError('MethodNotAllowed', 'GET or DELETE', 405);
      send(res, 200, calls, JSON_CONTENT);
      return true;
    }
    if (path === '/__local/faults') {
      if (req.method === 'DELETE') faults = [];
      else if (req.method === 'POST') injectFault(parseObject(text) as unknown as Fault);
      else if (req.method !== 'GET') throw new KmsError('MethodNotAllowed', 'GET, POST or DELETE', 405);
      send(res, 200, { faults }, JSON_CONTENT);
      return true;
    }
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('TrentService.') ? target.slice('TrentService.'.length) : '';
    try {
      if (control(req, res, path, text)) return;
      const run = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
      if (req.method !== 'POST' || !run)
        throw new KmsError('UnsupportedOperationException', `Unsupported operation ${target}`);
      // Counted before faults: a benchmark wants every call the client made, failed ones too.
      calls[operation] = (calls[operation] ?? 0) + 1;
      const fault = takeFault(operation);
      if (fault)
        throw new KmsError(
          fault.error,
          `Injected ${fault.error}`,
          SERVER_ERRORS.has(fault.error) ? 500 : 400,
        );
      send(res, 200, run(parseObject(text)));
    } catch (error) {
      if (error instanceof KmsError)
        return send(res, error.status, { __type: error.type, message: error.message });
      send(res, 500, { __type: 'KMSInternalException', message: 'Internal error' });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { __type: 'KMSInternalException', message: 'Internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    createKey: async (alias, keySpec = 'SYMMETRIC_DEFAULT') => {
      // Checked first so a bad alias or spec leaves no orphan key behind.
      const name = alias === undefined ? undefined : keys.checkAlias(alias);
      const spec = requestedSpec({
        KeySpec: keySpec,
        KeyUsage: keySpec === 'ECC_NIST_P256' ? 'SIGN_VERIFY' : undefined,
      });
      const key = keys.create('', spec);
      if (name !== undefined) keys.setAlias(name, key.id);
      return { keyId: key.id, arn: arnOf(key.id) };
    },
    injectFault,
    clearFaults: () => {
      faults = [];
    },
    stats: () => ({ ...calls }),
    resetStats,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '4599' }, state: { type: 'string' } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Bad --port ${values.port}`);
  const kms = await startLocalKms({ port, ...(values.state && { statePath: values.state }) });
  console.log(`Local KMS endpoint on ${kms.url}`);
}
