/**
 * The keys and aliases of the local KMS endpoint, kept in one JSON state file (written then
 * renamed, mode 0600) so they survive restarts: how a KeyId names a key, which operations a key
 * allows, what DescribeKey reports, and what CreateKey accepts.
 *
 * Key specs: `SYMMETRIC_DEFAULT` (the default; 32 bytes of AES-256 material, KeyUsage
 * `ENCRYPT_DECRYPT`) and `ECC_NIST_P256` (a P-256 pair, KeyUsage `SIGN_VERIFY`; see
 * kms-signing.ts). A record without `spec` (state files from before signing keys) is symmetric.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { newSigningMaterial, SIGNING_ALGORITHMS_OF, type SIGNING_SPEC } from './kms-signing.ts';
import { enumMember, KmsError, validation } from './kms-wire.ts';

export type LocalKeySpec = 'SYMMETRIC_DEFAULT' | typeof SIGNING_SPEC;

export interface KeyRecord {
  id: string;
  /** Base64: the AES key of a symmetric key, the PKCS#8 DER private key of a signing key. */
  material: string;
  enabled: boolean;
  created: number;
  description: string;
  spec?: LocalKeySpec;
}

interface State {
  keys: Record<string, KeyRecord>;
  aliases: Record<string, string>;
}

const SYMMETRIC = 'SYMMETRIC_DEFAULT';
/** The usage each implemented spec has; KMS would also allow KEY_AGREEMENT for ECC_NIST_P256. */
const USAGE_OF: Record<LocalKeySpec, string> = {
  SYMMETRIC_DEFAULT: 'ENCRYPT_DECRYPT',
  ECC_NIST_P256: 'SIGN_VERIFY',
};
const KMS_USAGES_OF: Record<LocalKeySpec, readonly string[]> = {
  SYMMETRIC_DEFAULT: ['ENCRYPT_DECRYPT'],
  ECC_NIST_P256: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
};
const KEY_SPECS = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'ECC_NIST_EDWARDS25519',
  'SYMMETRIC_DEFAULT',
  'HMAC_224',
  'HMAC_256',
  'HMAC_384',
  'HMAC_512',
  'SM2',
  'ML_DSA_44',
  'ML_DSA_65',
  'ML_DSA_87',
  'ML_KEM_512',
  'ML_KEM_768',
  'ML_KEM_1024',
] as const;
const KEY_USAGES = [
  'ENCRYPT_DECRYPT',
  'SIGN_VERIFY',
  'GENERATE_VERIFY_MAC',
  'KEY_AGREEMENT',
  'ENCAPSULATE_DECAPSULATE',
] as const;

export const specOf = (key: KeyRecord): LocalKeySpec => key.spec ?? SYMMETRIC;
export const usageOf = (key: KeyRecord): string => USAGE_OF[specOf(key)];

function readState(path: string | undefined): State {
  if (!path || !existsSync(path)) return { keys: {}, aliases: {} };
  const state = JSON.parse(readFileSync(path, 'utf8')) as Partial<State>;
  if (typeof state.keys !== 'object' || typeof state.aliases !== 'object')
    throw new Error(`${path} is not a local KMS state file`);
  for (const key of Object.values(state.keys ?? {}))
    if (!Object.hasOwn(USAGE_OF, specOf(key))) throw new Error(`${path}: key ${key.id} has unknown spec`);
  return state as State;
}

/** CreateKey's KeySpec (or the deprecated CustomerMasterKeySpec) and KeyUsage, checked as KMS does. */
export function requestedSpec(body: Record<string, unknown>): LocalKeySpec {
  if (body.KeySpec !== undefined && body.CustomerMasterKeySpec !== undefined)
    throw validation('You cannot specify KeySpec and CustomerMasterKeySpec in the same request.');
  const specField = body.KeySpec !== undefined ? 'keySpec' : 'customerMasterKeySpec';
  const spec = enumMember(body.KeySpec ?? body.CustomerMasterKeySpec, specField, KEY_SPECS, SYMMETRIC);
  const usage = body.KeyUsage === undefined ? undefined : enumMember(body.KeyUsage, 'keyUsage', KEY_USAGES);
  if (spec !== SYMMETRIC && usage === undefined)
    throw validation(
      'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.',
    );
  if (!Object.hasOwn(USAGE_OF, spec))
    throw new KmsError('UnsupportedOperationException', `KeySpec ${spec} is not implemented locally`);
  const local = spec as LocalKeySpec;
  const wanted = usage ?? USAGE_OF[local];
  if (!KMS_USAGES_OF[local].includes(wanted))
    throw validation(`KeyUsage ${wanted} is not compatible with KeySpec ${spec}`);
  if (wanted !== USAGE_OF[local])
    throw new KmsError('UnsupportedOperationException', `KeyUsage ${wanted} is not implemented locally`);
  return local;
}

export type KeyStore = ReturnType<typeof keyStore>;

export function keyStore(options: { statePath?: string; region: string; account: string }) {
  const { statePath, region, account } = options;
  const state = readState(statePath);

  const arnOf = (id: string) => `arn:aws:kms:${region}:${account}:key/${id}`;

  // Write then rename: a run killed mid-write must not lose the keys every stored item depends on.
  const save = () => {
    if (!statePath) return;
    mkdirSync(dirname(statePath), { recursive: true });
    const temporary = `${statePath}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
    renameSync(temporary, statePath);
  };

  /** The key a ciphertext header names, if there is one. */
  const byId = (id: string): KeyRecord | undefined =>
    Object.hasOwn(state.keys, id) ? state.keys[id] : undefined;

  /** Key id, key ARN, alias name or alias ARN → the key, or NotFoundException. */
  function resolve(keyId: unknown): KeyRecord {
    if (typeof keyId !== 'string' || keyId === '') throw validation('KeyId is required');
    let id = keyId;
    const aliasArn = /^arn:aws:kms:[^:]*:[^:]*:(alias\/.+)$/.exec(keyId);
    const keyArn = /^arn:aws:kms:[^:]*:[^:]*:key\/(.+)$/.exec(keyId);
    if (aliasArn?.[1]) id = state.aliases[aliasArn[1]] ?? '';
    else if (keyId.startsWith('alias/')) id = state.aliases[keyId] ?? '';
    else if (keyArn?.[1]) id = keyArn[1];
    const key = byId(id);
    if (!key) throw new KmsError('NotFoundException', `Key '${keyId}' does not exist`);
    return key;
  }

  const usable = (key: KeyRecord): KeyRecord => {
    if (!key.enabled) throw new KmsError('DisabledException', `${arnOf(key.id)} is disabled.`);
    return key;
  };

  /** The key for `operation`: it exists, is enabled, and its KeyUsage allows the operation. */
  function forUse(keyId: unknown, usage: string, operation: string): KeyRecord {
    const key = usable(resolve(keyId));
    return requireUsage(key, usage, operation);
  }

  function requireUsage(key: KeyRecord, usage: string, operation: string): KeyRecord {
    if (usageOf(key) !== usage)
      throw new KmsError(
        'InvalidKeyUsageException',
        `${arnOf(key.id)} key usage is ${usageOf(key)} which is not valid for ${operation}.`,
      );
    return key;
  }

  function create(description = '', spec: LocalKeySpec = SYMMETRIC): KeyRecord {
    const key: KeyRecord = {
      id: randomUUID(),
      material: spec === SYMMETRIC ? randomBytes(32).toString('base64') : newSigningMaterial(),
      enabled: true,
      created: Date.now() / 1000,
      description,
      spec,
    };
    state.keys[key.id] = key;
    save();
    return key;
  }

  function checkAlias(name: unknown): string {
    if (typeof name !== 'string' || !/^alias\/[A-Za-z0-9/_-]+$/.test(name))
      throw validation('AliasName must be alias/ followed by letters, digits, /, _ or -');
    if (Object.hasOwn(state.aliases, name))
      throw new KmsError('AlreadyExistsException', `An alias with the name ${name} already exists`);
    return name;
  }

  function setAlias(name: string, id: string): void {
    state.aliases[name] = id;
    save();
  }

  const aliases = () =>
    Object.entries(state.aliases).map(([AliasName, TargetKeyId]) => ({
      AliasName,
      AliasArn: `arn:aws:kms:${region}:${account}:${AliasName}`,
      TargetKeyId,
    }));

  function setEnabled(keyId: unknown, enabled: boolean): void {
    resolve(keyId).enabled = enabled;
    save();
  }

  /** DescribeKey's KeyMetadata; like KMS, the algorithm list is the one the key's usage has. */
  const metadata = (key: KeyRecord) => {
    const spec = specOf(key);
    return {
      AWSAccountId: account,
      KeyId: key.id,
      Arn: arnOf(key.id),
      CreationDate: key.created,
      Enabled: key.enabled,
      Description: key.description,
      KeyUsage: usageOf(key),
      KeyState: key.enabled ? 'Enabled' : 'Disabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      KeySpec: spec,
      CustomerMasterKeySpec: spec,
      ...(spec === SYMMETRIC
        ? { EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'] }
        : { SigningAlgorithms: [...(SIGNING_ALGORITHMS_OF[spec] ?? [])] }),
      MultiRegion: false,
    };
  };

  return {
    arnOf,
    byId,
    resolve,
    forUse,
    requireUsage,
    usable,
    create,
    checkAlias,
    setAlias,
    aliases,
    setEnabled,
    metadata,
  };
}
