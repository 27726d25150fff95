/** The local KMS endpoint, driven by the unmodified AWS SDK client so its protocol is proven, not assumed. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
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
  KMSClient,
  ListAliasesCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalKms, startLocalKms } from '../../infra/local/kms-server.ts';

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

    const posted = await fetch(faults, {
      method: 'POST',
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
      body: JSON.stringify({ operation: 'Decrypt', error: 'DisabledException', count: 5 }),
    });
    await expect(dataKey()).resolves.toBeDefined();
    await expect(decrypt()).rejects.toMatchObject({ name: 'DisabledException' });
    expect((await fetch(faults, { method: 'DELETE' })).status).toBe(200);
    await expect(decrypt()).resolves.toBeDefined();

    const malformed = await fetch(faults, { method: 'POST', body: '{"operation":"Decrypt"}' });
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

    expect((await fetch(stats, { method: 'DELETE' })).status).toBe(200);
    expect(kms.stats()).toEqual({});
    await dataKey();
    expect(await (await fetch(stats)).json()).toEqual({ GenerateDataKey: 1 });
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
});
