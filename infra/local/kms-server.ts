/**
 * A local endpoint speaking the AWS KMS JSON protocol (`X-Amz-Target: TrentService.<Op>`), so the
 * unmodified `@aws-sdk/client-kms` works against it by changing only its endpoint. Real
 * AES-256-GCM under per-key master material, encryption context as additional data, KMS's own
 * error names. Local and test runs only: never part of a Lambda bundle.
 *
 * Ciphertext blob format (version 1):
 *   u8 version (1) | 36 bytes key id (ASCII uuid) | 12 bytes IV | 16 bytes GCM tag | ciphertext
 * The AAD is the canonical (sorted-key JSON) encryption context, so any other context fails.
 *
 * Control routes for tests and benchmarks: `GET|DELETE /__local/stats` (calls per operation),
 * `POST|DELETE /__local/faults` (`{operation, error, count}`: the next calls fail that way).
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';

export interface LocalKms {
  url: string;
  port: number;
  createKey(alias?: string): Promise<{ keyId: string; arn: string }>;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  stats(): Record<string, number>;
  resetStats(): void;
  close(): Promise<void>;
}

export interface Fault {
  /** An operation name such as `Decrypt`, or `*` for any. */
  operation: string;
  error: string;
  count?: number;
}

interface KeyRecord {
  id: string;
  material: string;
  enabled: boolean;
  created: number;
  description: string;
}

interface State {
  keys: Record<string, KeyRecord>;
  aliases: Record<string, string>;
}

class KmsError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

const BLOB_VERSION = 1;
const ID_BYTES = 36;
/** KMS answers these with a 5xx; everything else it refuses with a 400. */
const SERVER_ERRORS = new Set([
  'KMSInternalException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
]);

const canonical = (context: Record<string, string> | undefined): Buffer =>
  Buffer.from(
    JSON.stringify(
      Object.fromEntries(Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    ),
  );

export async function startLocalKms(
  options: { port?: number; statePath?: string; region?: string; account?: string } = {},
): Promise<LocalKms> {
  const region = options.region ?? 'us-east-1';
  const account = options.account ?? '000000000000';
  const state: State =
    options.statePath && existsSync(options.statePath)
      ? (JSON.parse(readFileSync(options.statePath, 'utf8')) as State)
      : { keys: {}, aliases: {} };
  const calls: Record<string, number> = {};
  let faults: Array<Required<Fault>> = [];

  const arnOf = (id: string) => `arn:aws:kms:${region}:${account}:key/${id}`;
  const save = () => {
    if (!options.statePath) return;
    mkdirSync(dirname(options.statePath), { recursive: true });
    writeFileSync(options.statePath, JSON.stringify(state), { mode: 0o600 });
  };

  /** Key id, key ARN, alias name or alias ARN → the key, or NotFoundException. */
  function resolveKey(keyId: unknown): KeyRecord {
    if (typeof keyId !== 'string' || keyId === '')
      throw new KmsError('ValidationException', 'KeyId is required');
    let id = keyId;
    const aliasArn = /^arn:aws:kms:[^:]*:[^:]*:(alias\/.+)$/.exec(keyId);
    const keyArn = /^arn:aws:kms:[^:]*:[^:]*:key\/(.+)$/.exec(keyId);
    if (aliasArn?.[1]) id = state.aliases[aliasArn[1]] ?? '';
    else if (keyId.startsWith('alias/')) id = state.aliases[keyId] ?? '';
    else if (keyArn?.[1]) id = keyArn[1];
    const key = state.keys[id];
    if (!key) throw new KmsError('NotFoundException', `Key '${keyId}' does not exist`);
    return key;
  }

  const usable = (key: KeyRecord): KeyRecord => {
    if (!key.enabled) throw new KmsError('DisabledException', `${arnOf(key.id)} is disabled.`);
    return key;
  };

  function createKey(description = ''): KeyRecord {
    const key = {
      id: randomUUID(),
      material: randomBytes(32).toString('base64'),
      enabled: true,
      created: Date.now() / 1000,
      description,
    };
    state.keys[key.id] = key;
    save();
    return key;
  }

  function encrypt(key: KeyRecord, plaintext: Buffer, context: Record<string, string> | undefined): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(key.material, 'base64'), iv);
    cipher.setAAD(canonical(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([
      Buffer.from([BLOB_VERSION]),
      Buffer.from(key.id, 'ascii'),
      iv,
      cipher.getAuthTag(),
      ciphertext,
    ]);
  }

  function decrypt(blob: Buffer, context: Record<string, string> | undefined, keyId: unknown) {
    const invalid = () => new KmsError('InvalidCiphertextException', '');
    if (blob.length < 1 + ID_BYTES + 12 + 16 || blob[0] !== BLOB_VERSION) throw invalid();
    const id = blob.subarray(1, 1 + ID_BYTES).toString('ascii');
    const key = state.keys[id];
    if (!key) throw invalid();
    if (keyId !== undefined && resolveKey(keyId).id !== id) {
      throw new KmsError(
        'IncorrectKeyException',
        'The key ID in the request does not identify a CMK that can perform this operation.',
      );
    }
    usable(key);
    const iv = blob.subarray(1 + ID_BYTES, 13 + ID_BYTES);
    const tag = blob.subarray(13 + ID_BYTES, 29 + ID_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key.material, 'base64'), iv);
      decipher.setAAD(canonical(context));
      decipher.setAuthTag(tag);
      return {
        key,
        plaintext: Buffer.concat([decipher.update(blob.subarray(29 + ID_BYTES)), decipher.final()]),
      };
    } catch {
      throw invalid();
    }
  }

  const metadata = (key: KeyRecord) => ({
    AWSAccountId: account,
    KeyId: key.id,
    Arn: arnOf(key.id),
    CreationDate: key.created,
    Enabled: key.enabled,
    Description: key.description,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: key.enabled ? 'Enabled' : 'Disabled',
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    KeySpec: 'SYMMETRIC_DEFAULT',
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: false,
  });

  const binary = (value: unknown, field: string): Buffer => {
    if (typeof value !== 'string' || value === '')
      throw new KmsError('ValidationException', `${field} is required`);
    return Buffer.from(value, 'base64');
  };

  function dataKeyLength(body: Record<string, unknown>): number {
    if (body.KeySpec === 'AES_256') return 32;
    if (body.KeySpec === 'AES_128') return 16;
    const bytes = body.NumberOfBytes;
    if (typeof bytes === 'number' && Number.isInteger(bytes) && bytes >= 1 && bytes <= 1024) return bytes;
    throw new KmsError('ValidationException', 'KeySpec or NumberOfBytes (1..1024) is required');
  }

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    CreateKey: (body) => ({
      KeyMetadata: metadata(createKey(typeof body.Description === 'string' ? body.Description : '')),
    }),
    CreateAlias: (body) => {
      const name = body.AliasName;
      if (typeof name !== 'string' || !name.startsWith('alias/'))
        throw new KmsError('ValidationException', 'AliasName must start with alias/');
      if (state.aliases[name])
        throw new KmsError('AlreadyExistsException', `An alias with the name ${name} already exists`);
      state.aliases[name] = resolveKey(body.TargetKeyId).id;
      save();
      return {};
    },
    ListAliases: () => ({
      Aliases: Object.entries(state.aliases).map(([AliasName, TargetKeyId]) => ({
        AliasName,
        AliasArn: `arn:aws:kms:${region}:${account}:${AliasName}`,
        TargetKeyId,
      })),
    }),
    DescribeKey: (body) => ({ KeyMetadata: metadata(resolveKey(body.KeyId)) }),
    EnableKey: (body) => {
      resolveKey(body.KeyId).enabled = true;
      save();
      return {};
    },
    DisableKey: (body) => {
      resolveKey(body.KeyId).enabled = false;
      save();
      return {};
    },
    GenerateDataKey: (body) => {
      const key = usable(resolveKey(body.KeyId));
      const plaintext = randomBytes(dataKeyLength(body));
      const context = body.EncryptionContext as Record<string, string> | undefined;
      return {
        KeyId: arnOf(key.id),
        Plaintext: plaintext.toString('base64'),
        CiphertextBlob: encrypt(key, plaintext, context).toString('base64'),
      };
    },
    GenerateDataKeyWithoutPlaintext: (body) => {
      const key = usable(resolveKey(body.KeyId));
      const context = body.EncryptionContext as Record<string, string> | undefined;
      return {
        KeyId: arnOf(key.id),
        CiphertextBlob: encrypt(key, randomBytes(dataKeyLength(body)), context).toString('base64'),
      };
    },
    Encrypt: (body) => {
      const key = usable(resolveKey(body.KeyId));
      const plaintext = binary(body.Plaintext, 'Plaintext');
      if (plaintext.length > 4096)
        throw new KmsError('ValidationException', 'Plaintext must be at most 4096 bytes');
      const context = body.EncryptionContext as Record<string, string> | undefined;
      return {
        KeyId: arnOf(key.id),
        CiphertextBlob: encrypt(key, plaintext, context).toString('base64'),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    },
    Decrypt: (body) => {
      const context = body.EncryptionContext as Record<string, string> | undefined;
      const { key, plaintext } = decrypt(binary(body.CiphertextBlob, 'CiphertextBlob'), context, body.KeyId);
      return {
        KeyId: arnOf(key.id),
        Plaintext: plaintext.toString('base64'),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
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

  const injectFault = (fault: Fault) => {
    faults.push({ operation: fault.operation, error: fault.error, count: fault.count ?? 1 });
  };

  function send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/x-amz-json-1.1',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/__local/stats') {
      if (req.method === 'DELETE') for (const name of Object.keys(calls)) delete calls[name];
      return send(res, 200, calls);
    }
    if (path === '/__local/faults') {
      if (req.method === 'DELETE') faults = [];
      else injectFault(JSON.parse(text) as Fault);
      return send(res, 200, { faults });
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('TrentService.') ? target.slice('TrentService.'.length) : '';
    try {
      const run = operations[operation];
      if (req.method !== 'POST' || !run)
        throw new KmsError('UnsupportedOperationException', `Unsupported operation ${target}`);
      calls[operation] = (calls[operation] ?? 0) + 1;
      const fault = takeFault(operation);
      if (fault)
        throw new KmsError(
          fault.error,
          `Injected ${fault.error}`,
          SERVER_ERRORS.has(fault.error) ? 500 : 400,
        );
      let body: unknown;
      try {
        body = text === '' ? {} : JSON.parse(text);
      } catch {
        throw new KmsError('SerializationException', 'Request body is not valid JSON');
      }
      if (typeof body !== 'object' || body === null)
        throw new KmsError('ValidationException', 'Request body must be an object');
      send(res, 200, run(body as Record<string, unknown>));
    } catch (error) {
      if (error instanceof KmsError)
        return send(res, error.status, { __type: error.type, message: error.message });
      send(res, 500, { __type: 'KMSInternalException', message: 'Internal error' });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() =>
      send(res, 500, { __type: 'KMSInternalException', message: 'Internal error' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    createKey: async (alias) => {
      const key = createKey();
      if (alias) {
        state.aliases[alias] = key.id;
        save();
      }
      return { keyId: key.id, arn: arnOf(key.id) };
    },
    injectFault,
    clearFaults: () => {
      faults = [];
    },
    stats: () => ({ ...calls }),
    resetStats: () => {
      for (const name of Object.keys(calls)) delete calls[name];
    },
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
  const kms = await startLocalKms({
    port: Number(values.port),
    ...(values.state && { statePath: values.state }),
  });
  console.log(`Local KMS endpoint on ${kms.url}`);
}
