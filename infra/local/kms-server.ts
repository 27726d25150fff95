/**
 * A local endpoint speaking the AWS KMS JSON protocol (`X-Amz-Target: TrentService.<Op>`), so the
 * unmodified `@aws-sdk/client-kms` works against it by changing only its endpoint. Real
 * AES-256-GCM under per-key master material, encryption context as additional data, KMS's own
 * error names. Local and test runs only: never part of a Lambda bundle. SigV4 signatures are
 * not checked: it binds to 127.0.0.1 and holds only throwaway keys.
 *
 * Ciphertext blob format (version 1), 65 bytes of header then the ciphertext:
 *   u8 version (1) | 36 bytes key id (ASCII uuid) | 12 bytes IV | 16 bytes GCM tag | ciphertext
 * The key id is in the clear so Decrypt needs no KeyId, as with KMS. The AAD is the canonical
 * encryption context (keys sorted, JSON; absent = `{}`), so any other context fails to decrypt.
 *
 * Control routes for tests and benchmarks: `GET|DELETE /__local/stats` (calls per operation),
 * `GET|POST|DELETE /__local/faults` (`{operation, error, count}`: the next calls fail that way).
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
  /** The error name the client sees, e.g. `ThrottlingException`. */
  error: string;
  /** How many matching calls fail; 1 by default. */
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

type Context = Record<string, string> | undefined;

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
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + ID_BYTES + IV_BYTES + TAG_BYTES;
const MAX_PLAINTEXT = 4096;
/** KMS answers these with a 5xx; everything else it refuses with a 400 (throttling included). */
const SERVER_ERRORS = new Set([
  'KMSInternalException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
]);
const JSON_CONTENT = 'application/json';
const AMZ_JSON_CONTENT = 'application/x-amz-json-1.1';

const validation = (message: string) => new KmsError('ValidationException', message);

const canonical = (context: Context): Buffer =>
  Buffer.from(
    JSON.stringify(
      Object.fromEntries(Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    ),
  );

/** Node's base64 decoder skips junk silently; KMS would refuse it, so check the alphabet first. */
function strictBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || value.length % 4 !== 0) return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined;
  return Buffer.from(value, 'base64');
}

function encryptionContext(value: unknown): Context {
  if (value === undefined || value === null) return undefined;
  if (
    typeof value !== 'object' ||
    Array.isArray(value) ||
    !Object.values(value).every((entry) => typeof entry === 'string')
  )
    throw validation('EncryptionContext must be a map of strings');
  return value as Record<string, string>;
}

function readState(path: string | undefined): State {
  if (!path || !existsSync(path)) return { keys: {}, aliases: {} };
  const state = JSON.parse(readFileSync(path, 'utf8')) as Partial<State>;
  if (typeof state.keys !== 'object' || typeof state.aliases !== 'object')
    throw new Error(`${path} is not a local KMS state file`);
  return state as State;
}

export async function startLocalKms(
  options: { port?: number; statePath?: string; region?: string; account?: string } = {},
): Promise<LocalKms> {
  const region = options.region ?? 'us-east-1';
  const account = options.account ?? '000000000000';
  const state = readState(options.statePath);
  const calls: Record<string, number> = {};
  let faults: Array<Required<Fault>> = [];

  const arnOf = (id: string) => `arn:aws:kms:${region}:${account}:key/${id}`;

  // Write then rename: a run killed mid-write must not lose the keys every stored item depends on.
  const save = () => {
    if (!options.statePath) return;
    mkdirSync(dirname(options.statePath), { recursive: true });
    const temporary = `${options.statePath}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
    renameSync(temporary, options.statePath);
  };

  /** Key id, key ARN, alias name or alias ARN → the key, or NotFoundException. */
  function resolveKey(keyId: unknown): KeyRecord {
    if (typeof keyId !== 'string' || keyId === '') throw validation('KeyId is required');
    let id = keyId;
    const aliasArn = /^arn:aws:kms:[^:]*:[^:]*:(alias\/.+)$/.exec(keyId);
    const keyArn = /^arn:aws:kms:[^:]*:[^:]*:key\/(.+)$/.exec(keyId);
    if (aliasArn?.[1]) id = state.aliases[aliasArn[1]] ?? '';
    else if (keyId.startsWith('alias/')) id = state.aliases[keyId] ?? '';
    else if (keyArn?.[1]) id = keyArn[1];
    const key = Object.hasOwn(state.keys, id) ? state.keys[id] : undefined;
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

  function newAlias(name: unknown): string {
    if (typeof name !== 'string' || !/^alias\/[A-Za-z0-9/_-]+$/.test(name))
      throw validation('AliasName must be alias/ followed by letters, digits, /, _ or -');
    if (Object.hasOwn(state.aliases, name))
      throw new KmsError('AlreadyExistsException', `An alias with the name ${name} already exists`);
    return name;
  }

  function encrypt(key: KeyRecord, plaintext: Buffer, context: Context): Buffer {
    const iv = randomBytes(IV_BYTES);
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

  function decrypt(encoded: unknown, context: Context, keyId: unknown) {
    if (encoded === undefined || encoded === '') throw validation('CiphertextBlob is required');
    const invalid = () => new KmsError('InvalidCiphertextException', 'The ciphertext is invalid');
    const blob = strictBase64(encoded);
    if (!blob || blob.length < HEADER_BYTES || blob[0] !== BLOB_VERSION) throw invalid();
    const id = blob.subarray(1, 1 + ID_BYTES).toString('ascii');
    const key = Object.hasOwn(state.keys, id) ? state.keys[id] : undefined;
    if (!key) throw invalid();
    if (keyId !== undefined && resolveKey(keyId).id !== id) {
      throw new KmsError(
        'IncorrectKeyException',
        'The key ID in the request does not identify a CMK that can perform this operation.',
      );
    }
    usable(key);
    const ivEnd = 1 + ID_BYTES + IV_BYTES;
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        Buffer.from(key.material, 'base64'),
        blob.subarray(1 + ID_BYTES, ivEnd),
      );
      decipher.setAAD(canonical(context));
      decipher.setAuthTag(blob.subarray(ivEnd, HEADER_BYTES));
      return {
        key,
        plaintext: Buffer.concat([decipher.update(blob.subarray(HEADER_BYTES)), decipher.final()]),
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

  function dataKeyLength(body: Record<string, unknown>): number {
    const { KeySpec: spec, NumberOfBytes: bytes } = body;
    if (spec !== undefined && bytes !== undefined)
      throw validation('Give KeySpec or NumberOfBytes, not both');
    if (spec === 'AES_256') return 32;
    if (spec === 'AES_128') return 16;
    if (
      spec === undefined &&
      typeof bytes === 'number' &&
      Number.isInteger(bytes) &&
      bytes >= 1 &&
      bytes <= 1024
    )
      return bytes;
    throw validation('KeySpec (AES_256 or AES_128) or NumberOfBytes (1..1024) is required');
  }

  function dataKey(body: Record<string, unknown>) {
    const key = usable(resolveKey(body.KeyId));
    const plaintext = randomBytes(dataKeyLength(body));
    const blob = encrypt(key, plaintext, encryptionContext(body.EncryptionContext));
    return { KeyId: arnOf(key.id), Plaintext: plaintext, CiphertextBlob: blob.toString('base64') };
  }

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    CreateKey: (body) => ({
      KeyMetadata: metadata(createKey(typeof body.Description === 'string' ? body.Description : '')),
    }),
    CreateAlias: (body) => {
      const name = newAlias(body.AliasName);
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
      Truncated: false,
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
      const { Plaintext, ...rest } = dataKey(body);
      return { ...rest, Plaintext: Plaintext.toString('base64') };
    },
    GenerateDataKeyWithoutPlaintext: (body) => {
      const { Plaintext: _, ...rest } = dataKey(body);
      return rest;
    },
    Encrypt: (body) => {
      const key = usable(resolveKey(body.KeyId));
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
      const { key, plaintext } = decrypt(body.CiphertextBlob, context, body.KeyId);
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
    createKey: async (alias) => {
      // Checked first so a bad alias leaves no orphan key behind.
      const name = alias === undefined ? undefined : newAlias(alias);
      const key = createKey();
      if (name !== undefined) {
        state.aliases[name] = key.id;
        save();
      }
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
