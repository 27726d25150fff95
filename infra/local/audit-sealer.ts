/**
 * The local runtime's part of the audit digests (the cloud's seal function on its schedule): a
 * signed digest of the trail at start (what an earlier run left unsealed), every 15 minutes and
 * at stop, into <state-dir>/audit-digests, signed with the same local KMS key as
 * `npm run audit:seal`, whose public key is pinned in <state-dir>/audit-digest-key.pem for
 * `npm run audit:verify`.
 */
import { createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import { sealTrail } from '../../shared/audit/seal.ts';
import { dynamoDocuments, kmsClient } from '../../shared/aws/clients.ts';
import { KmsDigestSigner } from '../../shared/crypto/kms-digest-signer.ts';
import { describeError } from '../../shared/http/logger.ts';
import { DynamoAuditLanes } from '../../shared/store/dynamo-audit-lanes.ts';
import { FileDigestStore } from '../../shared/store/file-digest-store.ts';
import { localSigningKey, pinPublicKey, publicKeyFile } from './audit-signing-key.ts';
import { LOCAL_AWS } from './dynamodb-local.ts';

/** As often as the cloud's seal function runs. */
export const SEAL_INTERVAL_MS = 15 * 60_000;

export interface AuditSealerOptions {
  stateDir: string;
  kmsEndpoint: string;
  dynamoEndpoint: string;
  tableName: string;
  intervalMs?: number;
}

export interface AuditSealer {
  /** Stops the schedule, waits for a seal under way, then seals once more. */
  stop(): Promise<void>;
}

export async function startAuditSealer(options: AuditSealerOptions): Promise<AuditSealer> {
  const kms = kmsClient({ ...LOCAL_AWS, endpoint: options.kmsEndpoint });
  const signer = new KmsDigestSigner(kms, await localSigningKey(kms));
  const spki = Buffer.from(await signer.publicKey());
  const pem = createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({
    format: 'pem',
    type: 'spki',
  });
  // Throws for a pinned key that is not this one: digests signed now would not verify.
  pinPublicKey(publicKeyFile(options.stateDir), pem.toString());
  const dynamo = dynamoDocuments({ ...LOCAL_AWS, endpoint: options.dynamoEndpoint });
  const deps = {
    lanes: new DynamoAuditLanes(dynamo, { tableName: options.tableName }),
    // Where audit:seal and audit:verify look by default (infra/tools/audit-parts.ts).
    digests: new FileDigestStore(join(options.stateDir, 'audit-digests')),
    signer,
    clock: { now: () => new Date() },
  };

  let running: Promise<void> | undefined;
  const seal = (): Promise<void> => {
    // One seal at a time: a slow one is not overtaken by the next (it would find its seq taken).
    running ??= sealTrail(deps)
      .then(({ anomalies }) => {
        for (const { pk, problem } of anomalies)
          console.error(`audit seal: lane ${pk} not sealed: ${problem}`);
      })
      .catch((error: unknown) => console.error('audit seal:', JSON.stringify(describeError(error))))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  void seal();
  const timer = setInterval(seal, options.intervalMs ?? SEAL_INTERVAL_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
      // What this run wrote since the last seal, so that audit:verify right after sees it sealed.
      await seal();
      kms.destroy();
      dynamo.destroy();
    },
  };
}
