/**
 * Seals the audit trail now: the next signed digest, as the digest function does on its schedule.
 *   npm run --silent audit:seal -- [--state-dir .local] [--digests <dir>] [--table <name>]
 *       [--dynamodb-endpoint <url>] [--kms-endpoint <url>]
 * Locally: digests go to <state-dir>/audit-digests, signed by the local KMS key
 * alias/vault-local-audit (made on first use), whose public key is pinned in
 * <state-dir>/audit-digest-key.pem for audit:verify. Without endpoints, DynamoDB Local and the KMS
 * endpoint are started here on the state directory (stop `npm start` first: it holds them).
 * In AWS the digest function seals (lambdas/seal-audit); invoke it for a seal on demand.
 * Exit 0: sealed; 1: sealed, but lanes contradicted earlier digests (printed); 2: could not seal.
 */
import { createPublicKey } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sealTrail } from '../../shared/audit/seal.ts';
import { kmsClient } from '../../shared/aws/clients.ts';
import { KmsDigestSigner } from '../../shared/crypto/kms-digest-signer.ts';
import { DynamoAuditLanes } from '../../shared/store/dynamo-audit-lanes.ts';
import { FileDigestStore } from '../../shared/store/file-digest-store.ts';
import { LOCAL_AWS } from '../local/dynamodb-local.ts';
import { startLocalKms } from '../local/kms-server.ts';
import {
  digestsDir,
  localSigningKey,
  openTable,
  pinPublicKey,
  publicKeyFile,
  TABLE_OPTIONS,
} from './audit-parts.ts';

const { values } = parseArgs({
  options: { ...TABLE_OPTIONS, 'kms-endpoint': { type: 'string', default: process.env.KMS_ENDPOINT } },
});

const stateDir = values['state-dir'];
const closers: Array<() => Promise<void>> = [];
try {
  let kmsEndpoint = values['kms-endpoint'];
  if (!kmsEndpoint) {
    const local = await startLocalKms({ statePath: join(stateDir, 'kms.json') });
    closers.push(local.close);
    kmsEndpoint = local.url;
  }
  const kms = kmsClient({ ...LOCAL_AWS, endpoint: kmsEndpoint });
  closers.push(async () => kms.destroy());
  const signer = new KmsDigestSigner(kms, await localSigningKey(kms));
  mkdirSync(stateDir, { recursive: true });
  const pem = createPublicKey({ key: Buffer.from(await signer.publicKey()), format: 'der', type: 'spki' });
  pinPublicKey(publicKeyFile(stateDir), pem.export({ format: 'pem', type: 'spki' }).toString());

  const table = await openTable(values);
  closers.push(table.close);
  const { digest, anomalies } = await sealTrail({
    lanes: new DynamoAuditLanes(table.db, { tableName: table.tableName }),
    digests: new FileDigestStore(digestsDir(values)),
    signer,
    clock: { now: () => new Date() },
  });
  console.log(`digest ${digest.seq} at ${digest.at}: ${digest.lanes.length} lanes sealed`);
  for (const anomaly of anomalies) console.log(`not sealed: lane ${anomaly.pk}: ${anomaly.problem}`);
  process.exitCode = anomalies.length > 0 ? 1 : 0;
} catch (error) {
  console.error(`could not seal: ${(error as Error).message}`);
  process.exitCode = 2;
} finally {
  for (const close of closers.reverse()) await close().catch(() => undefined);
}
