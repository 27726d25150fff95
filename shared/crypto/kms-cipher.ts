import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { isTransient, KMS_TRANSIENT } from '../aws/transient.ts';
import {
  DataIntegrityError,
  DependencyUnavailableError,
  ServiceConfigurationError,
} from '../domain/errors.ts';
import type { SealBinding, SecretCipher } from '../domain/ports.ts';
import * as envelope from './envelope.ts';
import { KeyCache } from './key-cache.ts';

export interface DataKeyCacheOptions {
  /** Decrypted data keys kept at most. */
  maxKeys: number;
  /** How long a decrypted data key may be reused without asking KMS again. */
  ttlSeconds: number;
}

/**
 * The KMS encryption context of a sealed value: KMS refuses to unwrap its data key under any other
 * secret, owner or version, and IAM policies can condition on these keys.
 */
export function encryptionContext(binding: SealBinding): Record<string, string> {
  return {
    'vault:kind': binding.ownerId === undefined ? 'shared' : 'personal',
    'vault:secret': binding.name,
    'vault:version': String(binding.version),
    ...(binding.ownerId !== undefined && { 'vault:owner': binding.ownerId }),
  };
}

/** The blob is not a data key of this key under this context: the record was tampered with or copied. */
const INTEGRITY = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);
/** The key itself is not usable: an operator must act, retrying does not help. */
const MISCONFIGURED = new Set([
  'DisabledException',
  'KMSInvalidStateException',
  'NotFoundException',
  'AccessDeniedException',
]);

/** AES-256-GCM envelope encryption with one fresh KMS data key per sealed value. */
export class KmsEnvelopeCipher implements SecretCipher {
  readonly #kms: KMSClient;
  readonly #keyId: string;
  readonly #dataKeys: KeyCache<Uint8Array>;

  constructor(kms: KMSClient, keyId: string, cache: DataKeyCacheOptions) {
    this.#kms = kms;
    this.#keyId = keyId;
    this.#dataKeys = new KeyCache({
      max: cache.maxKeys,
      ttlMs: cache.ttlSeconds * 1000,
      // Plaintext keys should not linger in memory after they leave the cache.
      dispose: (key) => key.fill(0),
    });
  }

  async seal(plaintext: Uint8Array, binding: SealBinding): Promise<Uint8Array> {
    const context = encryptionContext(binding);
    const { Plaintext, CiphertextBlob } = await this.#call(() =>
      this.#kms.send(
        new GenerateDataKeyCommand({ KeyId: this.#keyId, KeySpec: 'AES_256', EncryptionContext: context }),
      ),
    );
    if (!Plaintext || !CiphertextBlob) throw new Error('KMS GenerateDataKey returned no key');
    try {
      return envelope.seal(plaintext, Plaintext, CiphertextBlob, context);
    } finally {
      Plaintext.fill(0);
    }
  }

  async open(sealed: Uint8Array, binding: SealBinding): Promise<Uint8Array> {
    const context = encryptionContext(binding);
    let parsed: envelope.ParsedEnvelope;
    try {
      parsed = envelope.parse(sealed);
    } catch (error) {
      throw new DataIntegrityError({ cause: error });
    }
    const { dataKey, cached } = await this.#dataKey(parsed.encryptedKey, context);
    try {
      return envelope.open(parsed, dataKey, context);
    } catch (error) {
      throw new DataIntegrityError({ cause: error });
    } finally {
      // A key the cache did not keep (caching off) lingers nowhere.
      if (!cached) dataKey.fill(0);
    }
  }

  /** Cached by wrapped key *and* context: a copied record misses the cache and meets KMS's refusal. */
  async #dataKey(
    encryptedKey: Uint8Array,
    context: Record<string, string>,
  ): Promise<{ dataKey: Uint8Array; cached: boolean }> {
    const cacheKey = `${Buffer.from(encryptedKey).toString('base64')}|${envelope.canonicalContext(context)}`;
    const cached = this.#dataKeys.get(cacheKey);
    if (cached) return { dataKey: cached, cached: true };
    const { Plaintext } = await this.#call(() =>
      this.#kms.send(
        new DecryptCommand({ KeyId: this.#keyId, CiphertextBlob: encryptedKey, EncryptionContext: context }),
      ),
    );
    if (!Plaintext) throw new Error('KMS Decrypt returned no key');
    return { dataKey: Plaintext, cached: this.#dataKeys.set(cacheKey, Plaintext) };
  }

  async #call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      if (INTEGRITY.has(error.name)) throw new DataIntegrityError({ cause: error });
      if (MISCONFIGURED.has(error.name))
        throw new ServiceConfigurationError('The encryption key is not usable', { cause: error });
      if (isTransient(error, KMS_TRANSIENT)) {
        throw new DependencyUnavailableError('INTRA_SERVICE_COMMUNICATION_ERROR', { cause: error });
      }
      throw error;
    }
  }
}
