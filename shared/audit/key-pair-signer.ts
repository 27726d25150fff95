/**
 * A signer holding its own P-256 key pair (node:crypto): for tests, and for local runs where no
 * KMS signing key is at hand. Its signatures are what KMS ECDSA_SHA_256 gives, DER encoded.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { DigestSigner } from './digest.ts';

export class KeyPairDigestSigner implements DigestSigner {
  readonly keyId: string;
  readonly #privateKey: KeyObject;
  /** DER SubjectPublicKeyInfo, as KMS GetPublicKey answers it. */
  readonly publicKeySpkiDer: Uint8Array;

  constructor(keyId = 'local-key-pair') {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.keyId = keyId;
    this.#privateKey = pair.privateKey;
    this.publicKeySpkiDer = pair.publicKey.export({ format: 'der', type: 'spki' });
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    return sign('sha256', message, { key: this.#privateKey, dsaEncoding: 'der' });
  }
}
