/**
 * Asymmetric signing keys of the local KMS endpoint: `ECC_NIST_P256` key pairs with KeyUsage
 * `SIGN_VERIFY` and the one algorithm KMS offers for them, `ECDSA_SHA_256`. Signatures are
 * DER-encoded ECDSA (ANSI X9.62 `SEQUENCE { r INTEGER, s INTEGER }`) and public keys DER
 * SubjectPublicKeyInfo, as KMS returns them, so anything holding only the public key verifies
 * them with ordinary tools.
 *
 * Key material (persisted in the state file): the private key as base64 PKCS#8 DER.
 *
 * `MessageType: RAW` is node:crypto's own ECDSA with SHA-256. `DIGEST` (the caller hashed) has no
 * node:crypto entry point, as every ECDSA API there hashes its input, so it is ECDSA by the
 * book (SEC 1, 4.1.3 and 4.1.4) with the curve arithmetic still done by node:crypto: k·G comes
 * from ECDH with k as the private key, and only the scalar arithmetic modulo the group order is
 * BigInt. Verification knows d (this is the key holder), so u1·G + u2·Q = (u1 + u2·d)·G, one more
 * such multiplication. Nonces are random, as KMS's are: signing the same input twice differs.
 */
import {
  createECDH,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign as signWith,
  verify as verifyWith,
} from 'node:crypto';
import { blobField, enumMember, KmsError, validation } from './kms-wire.ts';

export const SIGNING_SPEC = 'ECC_NIST_P256';
const ALGORITHM = 'ECDSA_SHA_256';
/** What KMS offers per key spec; only this one is implemented here. */
export const SIGNING_ALGORITHMS_OF: Record<string, readonly string[]> = { [SIGNING_SPEC]: [ALGORITHM] };

/** Every value KMS's SigningAlgorithm accepts: others are a ValidationException, not a usage error. */
const ALGORITHM_NAMES = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'ECDSA_SHA_256',
  'ECDSA_SHA_384',
  'ECDSA_SHA_512',
  'SM2DSA',
  'ML_DSA_SHAKE_256',
  'ED25519_SHA_512',
  'ED25519_PH_SHA_512',
] as const;
const MESSAGE_TYPES = ['RAW', 'DIGEST', 'EXTERNAL_MU'] as const;
const MAX_MESSAGE = 4096;
const MAX_SIGNATURE = 6144;
const DIGEST_BYTES = 32;
/** The order of the P-256 base point. */
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

export interface SigningInput {
  message: Buffer;
  messageType: (typeof MESSAGE_TYPES)[number];
  algorithm: (typeof ALGORITHM_NAMES)[number];
  signature?: Buffer;
}

interface Material {
  privateKey: KeyObject;
  publicKey: KeyObject;
  d: bigint;
}

const parsed = new Map<string, Material>();

function materialOf(encoded: string): Material {
  let material = parsed.get(encoded);
  if (!material) {
    const privateKey = createPrivateKey({
      key: Buffer.from(encoded, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    const { d } = privateKey.export({ format: 'jwk' });
    if (!d) throw new Error('Signing key material holds no private scalar');
    material = {
      privateKey,
      publicKey: createPublicKey(privateKey),
      d: toBigInt(Buffer.from(d, 'base64url')),
    };
    parsed.set(encoded, material);
  }
  return material;
}

/** A fresh P-256 key pair, as the material string the state file keeps. */
export function newSigningMaterial(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
}

/** The public half as DER SubjectPublicKeyInfo, what GetPublicKey returns. */
export const publicKeyOf = (material: string): Buffer =>
  materialOf(material).publicKey.export({ format: 'der', type: 'spki' });

/** The request fields of Sign (and Verify, with a signature), checked before the key is looked up. */
export function signingInput(body: Record<string, unknown>, withSignature: boolean): SigningInput {
  const message = blobField(body.Message, 'message', MAX_MESSAGE);
  const messageType = enumMember(body.MessageType, 'messageType', MESSAGE_TYPES, 'RAW');
  const signature = withSignature ? blobField(body.Signature, 'signature', MAX_SIGNATURE) : undefined;
  const algorithm = enumMember(body.SigningAlgorithm, 'signingAlgorithm', ALGORITHM_NAMES);
  return { message, messageType, algorithm, ...(signature && { signature }) };
}

/** The checks KMS makes once it knows the key: the algorithm fits its spec, a digest its length. */
export function checkSigningInput(input: SigningInput, keySpec: string): void {
  if (!SIGNING_ALGORITHMS_OF[keySpec]?.includes(input.algorithm))
    throw new KmsError(
      'InvalidKeyUsageException',
      `Algorithm ${input.algorithm} is incompatible with key spec ${keySpec}.`,
    );
  if (input.messageType === 'EXTERNAL_MU')
    throw validation(`Message type EXTERNAL_MU is incompatible with algorithm ${input.algorithm}.`);
  if (input.messageType === 'DIGEST' && input.message.length !== DIGEST_BYTES)
    throw validation(`Digest is invalid length for algorithm ${input.algorithm}.`);
}

export function sign(material: string, input: SigningInput): Buffer {
  const key = materialOf(material);
  if (input.messageType === 'RAW')
    return signWith('sha256', input.message, { key: key.privateKey, dsaEncoding: 'der' });
  const z = toBigInt(input.message);
  for (;;) {
    const k = randomScalar();
    const r = xOf(k) % N;
    if (r === 0n) continue;
    const s = (inverse(k) * (z + r * key.d)) % N;
    if (s !== 0n) return derSignature(r, s);
  }
}

/** Whether the signature is valid; a malformed one is simply not. */
export function verify(material: string, input: SigningInput, signature: Buffer): boolean {
  const key = materialOf(material);
  if (input.messageType === 'RAW') {
    try {
      return verifyWith('sha256', input.message, { key: key.publicKey, dsaEncoding: 'der' }, signature);
    } catch {
      return false;
    }
  }
  const parts = parseDerSignature(signature);
  if (!parts) return false;
  const [r, s] = parts;
  const w = inverse(s);
  const t = (((toBigInt(input.message) * w) % N) + ((((r * w) % N) * key.d) % N)) % N;
  return t !== 0n && xOf(t) % N === r;
}

const toBigInt = (bytes: Buffer): bigint => (bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`));

const scalarBytes = (value: bigint): Buffer => Buffer.from(value.toString(16).padStart(64, '0'), 'hex');

function randomScalar(): bigint {
  for (;;) {
    const k = toBigInt(randomBytes(32));
    if (k > 0n && k < N) return k;
  }
}

/** The x coordinate of k·G, multiplied by OpenSSL through ECDH. */
function xOf(k: bigint): bigint {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(scalarBytes(k));
  return toBigInt(ecdh.getPublicKey().subarray(1, 33));
}

/** a⁻¹ mod N, by Fermat (N is prime). */
function inverse(a: bigint): bigint {
  let result = 1n;
  let base = a % N;
  for (let exponent = N - 2n; exponent > 0n; exponent >>= 1n) {
    if (exponent & 1n) result = (result * base) % N;
    base = (base * base) % N;
  }
  return result;
}

function derInteger(value: bigint): Buffer {
  let bytes = scalarBytes(value);
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  bytes = bytes.subarray(start);
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

function derSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** (r, s) from a DER signature, or undefined unless it is the one canonical encoding of values in range. */
function parseDerSignature(signature: Buffer): [bigint, bigint] | undefined {
  if (signature[0] !== 0x30 || signature[1] !== signature.length - 2) return undefined;
  const values: bigint[] = [];
  let at = 2;
  for (const _ of [0, 1]) {
    const length = signature[at + 1];
    if (signature[at] !== 0x02 || length === undefined || length > 33) return undefined;
    values.push(toBigInt(signature.subarray(at + 2, at + 2 + length)));
    at += 2 + length;
  }
  const [r, s] = values as [bigint, bigint];
  if (r <= 0n || r >= N || s <= 0n || s >= N) return undefined;
  return derSignature(r, s).equals(signature) ? [r, s] : undefined;
}
