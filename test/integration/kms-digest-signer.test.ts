/**
 * Digests signed through KMS (the local endpoint, unmodified SDK client) verify with the public key
 * alone, however many lanes they name: KMS takes at most 4 KB as a raw message.
 */
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { canonicalBytes } from '../../shared/audit/digest.ts';
import { sealTrail } from '../../shared/audit/seal.ts';
import { verifyAudit } from '../../shared/audit/verify.ts';
import { publicKeyFrom, signatureValid } from '../../shared/audit/verify-digests.ts';
import { KmsDigestSigner } from '../../shared/crypto/kms-digest-signer.ts';
import { MemoryDigestStore, MemoryLanes } from '../support/memory-audit.ts';

let kms: KMSClient;
let signer: KmsDigestSigner;

beforeAll(async () => {
  kms = new KMSClient({ ...LOCAL_AWS, endpoint: inject('kmsEndpoint') });
  const { KeyMetadata } = await kms.send(
    new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Description: 'audit digests' }),
  );
  signer = new KmsDigestSigner(kms, KeyMetadata!.Arn!);
});

afterAll(() => kms.destroy());

describe('KmsDigestSigner', () => {
  it('signs digests of any size that verify with the public key alone', async () => {
    const lanes = new MemoryLanes();
    for (let i = 0; i < 200; i++)
      lanes.append(`A#shared#${i % 8}#secret-${i}`, {
        action: 'read',
        outcome: 'success',
        secret: { name: `secret-${i}` },
        actor: 'alice',
        traceId: 't',
        sourceIp: '10.0.0.1',
        at: new Date().toISOString(),
      });
    const digests = new MemoryDigestStore();
    const sealed = await sealTrail({ lanes, digests, signer, clock: { now: () => new Date() } });
    expect(canonicalBytes(sealed.digest).length).toBeGreaterThan(4096);
    expect(sealed.digest.keyId).toBe(signer.keyId);

    const publicKey = await signer.publicKey();
    expect(signatureValid(sealed, publicKeyFrom(publicKey))).toBe(true);
    const report = await verifyAudit({
      digests: await digests.list(),
      publicKeySpkiDer: publicKey,
      lanes,
      now: new Date(),
      retentionDays: 365,
      digestIntervalMinutes: 15,
    });
    expect(report).toMatchObject({ ok: true, lanes: 200, entries: 200 });
  });
});
