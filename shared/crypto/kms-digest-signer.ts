/**
 * Digests signed by a KMS asymmetric key (ECC_NIST_P256, ECDSA_SHA_256). KMS takes at most 4 KB
 * as a raw message and a digest naming many lanes is larger, so the SHA-256 of the canonical bytes
 * is sent as `MessageType: DIGEST`: the signature is the same one RAW would give, and it verifies
 * against the canonical bytes with the public key alone.
 */
import { createHash } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { DIGEST_ALGORITHM, type DigestSigner } from '../audit/digest.ts';

export class KmsDigestSigner implements DigestSigner {
  readonly keyId: string;
  readonly #kms: KMSClient;

  constructor(kms: KMSClient, keyId: string) {
    this.#kms = kms;
    this.keyId = keyId;
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    // No translation of failures: no caller maps them; a failed seal is retried by its schedule.
    const { Signature } = await this.#kms.send(
      new SignCommand({
        KeyId: this.keyId,
        Message: createHash('sha256').update(message).digest(),
        MessageType: 'DIGEST',
        SigningAlgorithm: DIGEST_ALGORITHM,
      }),
    );
    if (!Signature) throw new Error('KMS Sign answered without a signature');
    return Signature;
  }

  /** The key's public half (DER SubjectPublicKeyInfo), to hand to whoever verifies. */
  async publicKey(): Promise<Uint8Array> {
    const { PublicKey } = await this.#kms.send(new GetPublicKeyCommand({ KeyId: this.keyId }));
    if (!PublicKey) throw new Error('KMS GetPublicKey answered without a key');
    return PublicKey;
  }
}
