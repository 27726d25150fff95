/** The local KMS endpoint, driven by the unmodified AWS SDK client so its protocol is proven, not assumed. */
import { createHash, createPublicKey, randomUUID, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GetPublicKeyCommand,
  KMSClient,
  ListAliasesCommand,
  SignCommand,
  type SignCommandInput,
  VerifyCommand,
  type VerifyCommandInput,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalKms, startLocalKms } from '../../infra/local/kms-server.ts';
import { LOCAL_CONTROL_HEADERS } from '../../infra/local/local-control.ts';

const ACCOUNT = '000000000000';
const context = { secret: 'db/password', version: '3' };

// One attempt, so an injected fault reaches the test instead of being retried away.
const clientFor = (kms: LocalKms) =>
  new KMSClient({
    endpoint: kms.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });

/** A raw call, for requests the SDK would never send. */
const raw = async (kms: LocalKms, target: string, body: string) => {
  const reply = await fetch(kms.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target },
    body,
  });
  return { status: reply.status, json: (await reply.json()) as Record<string, unknown> };
};

let kms: LocalKms;
let client: KMSClient;
let keyA: { keyId: string; arn: string };
let keyB: { keyId: string; arn: string };

beforeAll(async () => {
  kms = await startLocalKms({ port: 0 });
  client = clientFor(kms);
  keyA = await kms.createKey();
  keyB = await kms.createKey();
});

afterAll(async () => {
  client?.destroy();
  await kms?.close();
});

/** Verification outside KMS, from GetPublicKey's bytes alone: what a holder of the public key can do. */
const offlineVerify = (spki: Uint8Array, data: Uint8Array, signature: Uint8Array) =>
  verify(
    'sha256',
    data,
    { key: Buffer.from(spki), format: 'der', type: 'spki', dsaEncoding: 'der' },
    signature,
  );

const dataKey = (KeyId = keyA.keyId, EncryptionContext: Record<string, string> = context) =>
  client.send(new GenerateDataKeyCommand({ KeyId, KeySpec: 'AES_256', EncryptionContext }));

describe('local KMS endpoint', () => {
  it('binds to loopback on an ephemeral port', () => {
    expect(kms.port).toBeGreaterThan(0);
    expect(kms.url).toBe(`http://127.0.0.1:${kms.port}`);
  });

  it('GenerateDataKey then Decrypt with the same context returns the same plaintext', async () => {
    const generated = await dataKey();
    expect(generated.KeyId).toBe(keyA.arn);
    expect(generated.Plaintext).toHaveLength(32);
    expect(Buffer.from(generated.CiphertextBlob!).includes(Buffer.from(generated.Plaintext!))).toBe(false);
    // Context key order must not matter: the AAD is the canonical form.
    const decrypted = await client.send(
      new DecryptCommand({
        CiphertextBlob: generated.CiphertextBlob,
        EncryptionContext: { version: '3', secret: 'db/password' },
      }),
    );
    expect(decrypted.KeyId).toBe(keyA.arn);
    expect(decrypted.EncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
    expect(Buffer.from(decrypted.Plaintext!).equals(Buffer.from(generated.Plaintext!))).toBe(true);
  });

  it('honours NumberOfBytes, AES_128 and GenerateDataKeyWithoutPlaintext', async () => {
    const seven = await client.send(new GenerateDataKeyCommand({ KeyId: keyA.keyId, NumberOfBytes: 7 }));
    expect(seven.Plaintext).toHaveLength(7);
    const short = await client.send(new GenerateDataKeyCommand({ KeyId: keyA.keyId, KeySpec: 'AES_128' }));
    expect(short.Plaintext).toHaveLength(16);
    const blind = await client.send(
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyA.keyId, KeySpec: 'AES_256' }),
    );
    expect('Plaintext' in blind).toBe(false);
    const opened = await client.send(new DecryptCommand({ CiphertextBlob: blind.CiphertextBlob }));
    expect(opened.Plaintext).toHaveLength(32);
    await expect(
      client.send(new GenerateDataKeyCommand({ KeyId: keyA.keyId, NumberOfBytes: 1025 })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('Encrypt and Decrypt round-trip, and refuse plaintext over 4096 bytes', async () => {
    const plaintext = Buffer.from('the quick brown fox');
    const sealed = await client.send(
      new EncryptCommand({ KeyId: keyB.arn, Plaintext: plaintext, EncryptionContext: context }),
    );
    expect(sealed).toMatchObject({ KeyId: keyB.arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    const opened = await client.send(
      new DecryptCommand({
        CiphertextBlob: sealed.CiphertextBlob,
        EncryptionContext: context,
        KeyId: keyB.keyId,
      }),
    );
    expect(Buffer.from(opened.Plaintext!).toString()).toBe('the quick brown fox');
    await expect(
      client.send(new EncryptCommand({ KeyId: keyB.keyId, Plaintext: new Uint8Array(4097) })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('Decrypt with a different or missing encryption context is InvalidCiphertextException', async () => {
    const { CiphertextBlob } = await dataKey();
    await expect(
      client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { ...context, version: '4' } })),
    ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    await expect(client.send(new DecryptCommand({ CiphertextBlob }))).rejects.toMatchObject({
      name: 'InvalidCiphertextException',
    });
  });

  it("Decrypt naming another key's id is IncorrectKeyException", async () => {
    const { CiphertextBlob } = await dataKey();
    await expect(
      client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context, KeyId: keyB.keyId })),
    ).rejects.toMatchObject({ name: 'IncorrectKeyException' });
    // The right key named as an ARN is accepted.
    await expect(
      client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context, KeyId: keyA.arn })),
    ).resolves.toMatchObject({ KeyId: keyA.arn });
  });

  it('resolves alias names and alias ARNs, created either way', async () => {
    const viaObject = await kms.createKey('alias/from-object');
    const { KeyMetadata } = await client.send(new CreateKeyCommand({ Description: 'via sdk' }));
    await client.send(new CreateAliasCommand({ AliasName: 'alias/from-sdk', TargetKeyId: KeyMetadata!.Arn }));

    const described = await client.send(new DescribeKeyCommand({ KeyId: 'alias/from-object' }));
    expect(described.KeyMetadata).toMatchObject({
      KeyId: viaObject.keyId,
      Arn: viaObject.arn,
      Enabled: true,
    });
    const viaAliasArn = await dataKey(`arn:aws:kms:us-east-1:${ACCOUNT}:alias/from-sdk`);
    expect(viaAliasArn.KeyId).toBe(KeyMetadata!.Arn);

    const { Aliases } = await client.send(new ListAliasesCommand({}));
    expect(Aliases).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ AliasName: 'alias/from-object', TargetKeyId: viaObject.keyId }),
        expect.objectContaining({ AliasName: 'alias/from-sdk', TargetKeyId: KeyMetadata!.KeyId }),
      ]),
    );
    await expect(
      client.send(new CreateAliasCommand({ AliasName: 'alias/from-sdk', TargetKeyId: keyA.keyId })),
    ).rejects.toMatchObject({ name: 'AlreadyExistsException' });
  });

  it('unknown keys are NotFoundException', async () => {
    await expect(dataKey(randomUUID())).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(dataKey('alias/nothing-here')).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(
      client.send(new EncryptCommand({ KeyId: randomUUID(), Plaintext: Buffer.from('x') })),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(client.send(new DescribeKeyCommand({ KeyId: randomUUID() }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });

  it('a disabled key refuses Decrypt and GenerateDataKey until enabled again', async () => {
    const key = await kms.createKey();
    const { CiphertextBlob } = await dataKey(key.keyId);
    await client.send(new DisableKeyCommand({ KeyId: key.arn }));
    expect((await client.send(new DescribeKeyCommand({ KeyId: key.keyId }))).KeyMetadata).toMatchObject({
      Enabled: false,
      KeyState: 'Disabled',
    });
    await expect(
      client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context })),
    ).rejects.toMatchObject({ name: 'DisabledException' });
    await expect(dataKey(key.keyId)).rejects.toMatchObject({ name: 'DisabledException' });

    await client.send(new EnableKeyCommand({ KeyId: key.keyId }));
    await expect(
      client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context })),
    ).resolves.toMatchObject({ KeyId: key.arn });
  });

  it('tampered, truncated and foreign blobs are InvalidCiphertextException', async () => {
    const { CiphertextBlob } = await dataKey();
    const decrypt = (blob: Uint8Array) =>
      client.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context }));

    for (const offset of [40, 60, CiphertextBlob!.length - 1]) {
      const flipped = Uint8Array.from(CiphertextBlob!);
      flipped[offset]! ^= 0x01;
      await expect(decrypt(flipped)).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    }
    await expect(decrypt(CiphertextBlob!.subarray(0, 64))).rejects.toMatchObject({
      name: 'InvalidCiphertextException',
    });
    const foreign = Uint8Array.from(CiphertextBlob!);
    foreign.set(Buffer.from(randomUUID(), 'ascii'), 1);
    await expect(decrypt(foreign)).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    const otherVersion = Uint8Array.from(CiphertextBlob!);
    otherVersion[0] = 2;
    await expect(decrypt(otherVersion)).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
  });

  it('speaks the protocol errors for requests the SDK would not send', async () => {
    const unknown = await raw(kms, 'TrentService.ScheduleKeyDeletion', '{}');
    expect(unknown).toMatchObject({ status: 400, json: { __type: 'UnsupportedOperationException' } });
    const badJson = await raw(kms, 'TrentService.DescribeKey', '{not json');
    expect(badJson).toMatchObject({ status: 400, json: { __type: 'ValidationException' } });
    const missing = await raw(kms, 'TrentService.GenerateDataKey', '{"KeySpec":"AES_256"}');
    expect(missing).toMatchObject({ status: 400, json: { __type: 'ValidationException' } });
    const badBase64 = await raw(kms, 'TrentService.Decrypt', '{"CiphertextBlob":"!!not*base64!!"}');
    expect(badBase64).toMatchObject({ status: 400, json: { __type: 'InvalidCiphertextException' } });
    const badContext = await raw(
      kms,
      'TrentService.GenerateDataKey',
      JSON.stringify({ KeyId: keyA.keyId, KeySpec: 'AES_256', EncryptionContext: { n: 1 } }),
    );
    expect(badContext).toMatchObject({ status: 400, json: { __type: 'ValidationException' } });
  });

  it('an injected ThrottlingException surfaces by name, for as many calls as asked', async () => {
    kms.injectFault({ operation: 'GenerateDataKey', error: 'ThrottlingException', count: 2 });
    await expect(dataKey()).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(dataKey()).rejects.toMatchObject({ name: 'ThrottlingException' });
    await expect(dataKey()).resolves.toMatchObject({ KeyId: keyA.arn });
  });

  it('faults can be injected and cleared over the control route; internal errors are HTTP 500', async () => {
    const { CiphertextBlob } = await dataKey();
    const decrypt = () => client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }));
    const faults = `${kms.url}/__local/faults`;

    // A web page's simple POST (no control header) changes nothing.
    const fromPage = await fetch(faults, {
      method: 'POST',
      body: JSON.stringify({ operation: '*', error: 'KMSInternalException' }),
    });
    expect(fromPage.status).toBe(403);
    await expect(decrypt()).resolves.toBeDefined();

    const posted = await fetch(faults, {
      method: 'POST',
      headers: LOCAL_CONTROL_HEADERS,
      body: JSON.stringify({ operation: '*', error: 'KMSInternalException' }),
    });
    expect(posted.status).toBe(200);
    await expect(decrypt()).rejects.toMatchObject({
      name: 'KMSInternalException',
      $metadata: { httpStatusCode: 500 },
    });
    await expect(decrypt()).resolves.toBeDefined();

    await fetch(faults, {
      method: 'POST',
      headers: LOCAL_CONTROL_HEADERS,
      body: JSON.stringify({ operation: 'Decrypt', error: 'DisabledException', count: 5 }),
    });
    await expect(dataKey()).resolves.toBeDefined();
    await expect(decrypt()).rejects.toMatchObject({ name: 'DisabledException' });
    expect((await fetch(faults, { method: 'DELETE', headers: LOCAL_CONTROL_HEADERS })).status).toBe(200);
    await expect(decrypt()).resolves.toBeDefined();

    const malformed = await fetch(faults, {
      method: 'POST',
      headers: LOCAL_CONTROL_HEADERS,
      body: '{"operation":"Decrypt"}',
    });
    expect(malformed.status).toBe(400);
  });

  it('counts calls per operation, readable and resettable both ways', async () => {
    kms.resetStats();
    const { CiphertextBlob } = await dataKey();
    await dataKey();
    await client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }));
    await expect(dataKey(randomUUID())).rejects.toBeDefined();
    expect(kms.stats()).toEqual({ GenerateDataKey: 3, Decrypt: 1 });
    const stats = `${kms.url}/__local/stats`;
    expect(await (await fetch(stats)).json()).toEqual({ GenerateDataKey: 3, Decrypt: 1 });

    expect((await fetch(stats, { method: 'DELETE', headers: LOCAL_CONTROL_HEADERS })).status).toBe(200);
    expect(kms.stats()).toEqual({});
    await dataKey();
    expect(await (await fetch(stats)).json()).toEqual({ GenerateDataKey: 1 });
  });
});

describe('local KMS signing keys (ECC_NIST_P256, ECDSA_SHA_256)', () => {
  let signer: { keyId: string; arn: string };
  const message = Buffer.from('audit digest 2025-06-01: head 5e884898da28047151d0e56f8dc62927');
  const digest = createHash('sha256').update(message).digest();

  beforeAll(async () => {
    signer = await kms.createKey('alias/audit-signer', 'ECC_NIST_P256');
  });

  const sign = (input: Partial<SignCommandInput> = {}) =>
    client.send(
      new SignCommand({ KeyId: signer.keyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256', ...input }),
    );
  const kmsVerify = (Signature: Uint8Array, input: Partial<VerifyCommandInput> = {}) =>
    client.send(
      new VerifyCommand({
        KeyId: signer.arn,
        Message: message,
        Signature,
        SigningAlgorithm: 'ECDSA_SHA_256',
        ...input,
      }),
    );
  const publicKey = async (KeyId = signer.keyId) =>
    (await client.send(new GetPublicKeyCommand({ KeyId }))).PublicKey!;
  const invalidSignature = { name: 'KMSInvalidSignatureException', $metadata: { httpStatusCode: 400 } };

  it('CreateKey ECC_NIST_P256 + SIGN_VERIFY: DescribeKey reports spec, usage and ECDSA_SHA_256', async () => {
    const { KeyMetadata } = await client.send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Description: 'audit' }),
    );
    const expected = {
      KeySpec: 'ECC_NIST_P256',
      CustomerMasterKeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: ['ECDSA_SHA_256'],
      KeyState: 'Enabled',
    };
    expect(KeyMetadata).toMatchObject({ ...expected, Description: 'audit' });
    expect(KeyMetadata).not.toHaveProperty('EncryptionAlgorithms');
    const described = await client.send(new DescribeKeyCommand({ KeyId: 'alias/audit-signer' }));
    expect(described.KeyMetadata).toMatchObject({ ...expected, KeyId: signer.keyId, Arn: signer.arn });

    // Symmetric keys stay the default, and unchanged.
    const symmetric = await client.send(new DescribeKeyCommand({ KeyId: keyA.keyId }));
    expect(symmetric.KeyMetadata).toMatchObject({
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    });
    expect(symmetric.KeyMetadata).not.toHaveProperty('SigningAlgorithms');

    // KMS wants the usage spelled out for asymmetric keys, and a usage the spec allows.
    for (const input of [
      { KeySpec: 'ECC_NIST_P256' as const },
      { KeySpec: 'ECC_NIST_P256' as const, KeyUsage: 'ENCRYPT_DECRYPT' as const },
      { KeyUsage: 'SIGN_VERIFY' as const },
    ])
      await expect(client.send(new CreateKeyCommand(input))).rejects.toMatchObject({
        name: 'ValidationException',
      });
  });

  it('Sign RAW: the DER signature passes KMS Verify and node:crypto given only GetPublicKey', async () => {
    const signed = await sign();
    expect(signed).toMatchObject({ KeyId: signer.arn, SigningAlgorithm: 'ECDSA_SHA_256' });
    const signature = signed.Signature!;
    expect(signature[0]).toBe(0x30); // DER SEQUENCE { r, s }, not raw r||s
    expect(signature[1]).toBe(signature.length - 2);

    const exported = await client.send(new GetPublicKeyCommand({ KeyId: 'alias/audit-signer' }));
    expect(exported).toMatchObject({
      KeyId: signer.arn,
      KeySpec: 'ECC_NIST_P256',
      CustomerMasterKeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: ['ECDSA_SHA_256'],
    });
    const spki = exported.PublicKey!;
    const parsed = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    expect(parsed.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(offlineVerify(spki, message, signature)).toBe(true);

    await expect(kmsVerify(signature)).resolves.toMatchObject({
      KeyId: signer.arn,
      SignatureValid: true,
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    // MessageType RAW said explicitly, the key named by its alias ARN: the same.
    const again = await sign({
      KeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/audit-signer`,
      MessageType: 'RAW',
    });
    expect(offlineVerify(spki, message, again.Signature!)).toBe(true);
  });

  it('Sign DIGEST signs the given SHA-256 digest as is: it verifies over the message', async () => {
    const spki = await publicKey();
    const { Signature } = await sign({ Message: digest, MessageType: 'DIGEST' });
    expect(offlineVerify(spki, message, Signature!)).toBe(true);
    expect(offlineVerify(spki, digest, Signature!)).toBe(false); // not hashed a second time
    await expect(kmsVerify(Signature!)).resolves.toMatchObject({ SignatureValid: true });
    await expect(kmsVerify(Signature!, { Message: digest, MessageType: 'DIGEST' })).resolves.toMatchObject({
      SignatureValid: true,
    });
    // And the other way round: a RAW signature checked against its digest.
    const raw = await sign();
    await expect(
      kmsVerify(raw.Signature!, { Message: digest, MessageType: 'DIGEST' }),
    ).resolves.toMatchObject({
      SignatureValid: true,
    });

    for (const length of [20, 31, 33, 48])
      await expect(sign({ Message: new Uint8Array(length), MessageType: 'DIGEST' })).rejects.toMatchObject({
        name: 'ValidationException',
        message: 'Digest is invalid length for algorithm ECDSA_SHA_256.',
      });
  });

  it('a tampered message or signature fails KMS Verify (KMSInvalidSignatureException) and node:crypto', async () => {
    const spki = await publicKey();
    const { Signature } = await sign();
    const tampered = Buffer.from(message);
    tampered[tampered.length - 1]! ^= 0x01;
    expect(offlineVerify(spki, tampered, Signature!)).toBe(false);
    await expect(kmsVerify(Signature!, { Message: tampered })).rejects.toMatchObject(invalidSignature);
    const tamperedDigest = createHash('sha256').update(tampered).digest();
    await expect(
      kmsVerify(Signature!, { Message: tamperedDigest, MessageType: 'DIGEST' }),
    ).rejects.toMatchObject(invalidSignature);

    const flipped = Uint8Array.from(Signature!);
    flipped[flipped.length - 1]! ^= 0x01;
    expect(offlineVerify(spki, message, flipped)).toBe(false);
    await expect(kmsVerify(flipped)).rejects.toMatchObject(invalidSignature);
    await expect(kmsVerify(flipped, { Message: digest, MessageType: 'DIGEST' })).rejects.toMatchObject(
      invalidSignature,
    );

    // Another key's signature over the very same message, and bytes that are no signature at all.
    const other = await kms.createKey(undefined, 'ECC_NIST_P256');
    const foreign = (await sign({ KeyId: other.keyId })).Signature!;
    expect(offlineVerify(spki, message, foreign)).toBe(false);
    await expect(kmsVerify(foreign)).rejects.toMatchObject(invalidSignature);
    await expect(kmsVerify(Buffer.from('not a signature'))).rejects.toMatchObject(invalidSignature);
    await expect(
      kmsVerify(Buffer.from('not a signature'), { Message: digest, MessageType: 'DIGEST' }),
    ).rejects.toMatchObject(invalidSignature);
  });

  it('wrong usage: a symmetric key cannot sign, verify or export; the ECC key cannot encrypt', async () => {
    const usage = (text: string) => ({
      name: 'InvalidKeyUsageException',
      message: expect.stringContaining(text),
    });
    await expect(sign({ KeyId: keyA.keyId })).rejects.toMatchObject(
      usage(`${keyA.arn} key usage is ENCRYPT_DECRYPT which is not valid for Sign.`),
    );
    const { Signature } = await sign();
    await expect(kmsVerify(Signature!, { KeyId: keyA.arn })).rejects.toMatchObject(
      usage('key usage is ENCRYPT_DECRYPT which is not valid for Verify.'),
    );
    await expect(publicKey(keyA.keyId)).rejects.toMatchObject({ name: 'UnsupportedOperationException' });

    await expect(
      client.send(new EncryptCommand({ KeyId: signer.keyId, Plaintext: Buffer.from('x') })),
    ).rejects.toMatchObject(usage(`${signer.arn} key usage is SIGN_VERIFY which is not valid for Encrypt.`));
    await expect(dataKey(signer.keyId)).rejects.toMatchObject(usage('not valid for GenerateDataKey.'));
    await expect(
      client.send(
        new GenerateDataKeyWithoutPlaintextCommand({ KeyId: 'alias/audit-signer', KeySpec: 'AES_256' }),
      ),
    ).rejects.toMatchObject(usage('not valid for GenerateDataKeyWithoutPlaintext.'));
    const { CiphertextBlob } = await dataKey();
    await expect(
      client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context, KeyId: signer.arn })),
    ).rejects.toMatchObject(usage('not valid for Decrypt.'));

    // Algorithms KMS knows but not for this key spec are a usage error; unknown ones a validation error.
    for (const SigningAlgorithm of ['ECDSA_SHA_384', 'RSASSA_PSS_SHA_256'] as const)
      await expect(sign({ SigningAlgorithm })).rejects.toMatchObject(
        usage(`Algorithm ${SigningAlgorithm} is incompatible with key spec ECC_NIST_P256.`),
      );
    const base = { KeyId: signer.keyId, Message: message.toString('base64') };
    for (const body of [
      { ...base, SigningAlgorithm: 'ECDSA' },
      base,
      { ...base, SigningAlgorithm: 'ECDSA_SHA_256', MessageType: 'HASHED' },
    ])
      expect(await raw(kms, 'TrentService.Sign', JSON.stringify(body))).toMatchObject({
        status: 400,
        json: { __type: 'ValidationException' },
      });
  });

  it('Sign and Verify take messages of 1 to 4096 bytes; anything else is ValidationException', async () => {
    const spki = await publicKey();
    const largest = Buffer.alloc(4096, 7);
    const { Signature } = await sign({ Message: largest });
    expect(offlineVerify(spki, largest, Signature!)).toBe(true);
    await expect(kmsVerify(Signature!, { Message: largest })).resolves.toMatchObject({
      SignatureValid: true,
    });

    const tooLarge = new Uint8Array(4097);
    const tooLong = {
      name: 'ValidationException',
      message: expect.stringContaining('less than or equal to 4096'),
    };
    await expect(sign({ Message: tooLarge })).rejects.toMatchObject(tooLong);
    await expect(kmsVerify(Signature!, { Message: tooLarge })).rejects.toMatchObject(tooLong);
    await expect(sign({ Message: new Uint8Array(0) })).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('a disabled signing key refuses Sign and Verify with DisabledException until enabled', async () => {
    const key = await kms.createKey(undefined, 'ECC_NIST_P256');
    const { Signature } = await sign({ KeyId: key.keyId });
    await client.send(new DisableKeyCommand({ KeyId: key.keyId }));
    const disabled = { name: 'DisabledException', message: `${key.arn} is disabled.` };
    await expect(sign({ KeyId: key.keyId })).rejects.toMatchObject(disabled);
    await expect(kmsVerify(Signature!, { KeyId: key.keyId })).rejects.toMatchObject(disabled);
    // As LocalStack observed of KMS itself, the public key of a disabled key is still handed out.
    await expect(publicKey(key.keyId)).resolves.toBeDefined();

    await client.send(new EnableKeyCommand({ KeyId: key.arn }));
    await expect(kmsVerify(Signature!, { KeyId: key.keyId })).resolves.toMatchObject({
      SignatureValid: true,
    });
  });
});

describe('local KMS state file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'local-kms-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps keys, aliases and enabled flags across a restart', async () => {
    const statePath = join(dir, 'nested', 'kms.json');
    const first = await startLocalKms({ statePath });
    const firstClient = clientFor(first);
    const kept = await first.createKey('alias/kept');
    const disabled = await first.createKey();
    const { CiphertextBlob, Plaintext } = await firstClient.send(
      new GenerateDataKeyCommand({ KeyId: 'alias/kept', KeySpec: 'AES_256', EncryptionContext: context }),
    );
    await firstClient.send(new DisableKeyCommand({ KeyId: disabled.keyId }));
    firstClient.destroy();
    await first.close();

    const second = await startLocalKms({ statePath });
    const secondClient = clientFor(second);
    try {
      const opened = await secondClient.send(
        new DecryptCommand({ CiphertextBlob, EncryptionContext: context, KeyId: 'alias/kept' }),
      );
      expect(opened.KeyId).toBe(kept.arn);
      expect(Buffer.from(opened.Plaintext!).equals(Buffer.from(Plaintext!))).toBe(true);
      const { KeyMetadata } = await secondClient.send(new DescribeKeyCommand({ KeyId: disabled.arn }));
      expect(KeyMetadata?.Enabled).toBe(false);
    } finally {
      secondClient.destroy();
      await second.close();
    }

    // Without the state file the same blob means nothing: the keys really live there.
    const fresh = await startLocalKms();
    const freshClient = clientFor(fresh);
    try {
      await expect(
        freshClient.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context })),
      ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    } finally {
      freshClient.destroy();
      await fresh.close();
    }
  });

  it('keeps an ECC_NIST_P256 key pair across a restart: same public key, old signatures verify', async () => {
    const statePath = join(dir, 'signing', 'kms.json');
    const message = Buffer.from('signed before the restart');
    const first = await startLocalKms({ statePath });
    const firstClient = clientFor(first);
    const signer = await first.createKey('alias/audit', 'ECC_NIST_P256');
    const { Signature } = await firstClient.send(
      new SignCommand({ KeyId: 'alias/audit', Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    const before = (await firstClient.send(new GetPublicKeyCommand({ KeyId: signer.keyId }))).PublicKey!;
    firstClient.destroy();
    await first.close();
    const stored = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(stored.keys[signer.keyId]).toMatchObject({ spec: 'ECC_NIST_P256' });

    const second = await startLocalKms({ statePath });
    const secondClient = clientFor(second);
    try {
      const after = await secondClient.send(new GetPublicKeyCommand({ KeyId: 'alias/audit' }));
      expect(after).toMatchObject({ KeyId: signer.arn, KeySpec: 'ECC_NIST_P256' });
      expect(Buffer.from(after.PublicKey!).equals(Buffer.from(before))).toBe(true);
      await expect(
        secondClient.send(
          new VerifyCommand({
            KeyId: signer.arn,
            Message: message,
            Signature,
            SigningAlgorithm: 'ECDSA_SHA_256',
          }),
        ),
      ).resolves.toMatchObject({ SignatureValid: true });
      const fresh = await secondClient.send(
        new SignCommand({ KeyId: signer.keyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
      );
      expect(offlineVerify(before, message, fresh.Signature!)).toBe(true);
    } finally {
      secondClient.destroy();
      await second.close();
    }
  });
});
