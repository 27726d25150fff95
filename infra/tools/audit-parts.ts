/**
 * What audit:seal and audit:verify share: where the table is, where digests and the public key are
 * kept locally, and the local signing key. Locally the table is DynamoDB Local (the endpoint given,
 * else one started here on the state directory's database, which `npm start` must not hold open);
 * with --aws, the account's DynamoDB under the default credentials.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  type KMSClient,
  NotFoundException,
} from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_AWS, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { LOCAL_TABLE } from '../local/runtime.ts';
import { lockStateDir } from '../local/state-lock.ts';

export const LOCAL_SIGNING_KEY_ALIAS = 'alias/vault-local-audit';

/** Options both tools take, with their defaults (environment first). */
export const TABLE_OPTIONS = {
  'state-dir': { type: 'string', default: process.env.VAULT_STATE_DIR ?? '.local' },
  digests: { type: 'string' },
  table: { type: 'string', default: process.env.TABLE_NAME ?? LOCAL_TABLE },
  'dynamodb-endpoint': { type: 'string', default: process.env.DYNAMODB_ENDPOINT },
  aws: { type: 'boolean', default: false },
} as const;

export interface TableOptions {
  'state-dir': string;
  digests?: string | undefined;
  table: string;
  'dynamodb-endpoint'?: string | undefined;
  aws: boolean;
}

export const digestsDir = (options: TableOptions) =>
  options.digests ?? join(options['state-dir'], 'audit-digests');
export const publicKeyFile = (stateDir: string) => join(stateDir, 'audit-digest-key.pem');

export async function openTable(
  options: TableOptions,
): Promise<{ db: DynamoDBDocumentClient; tableName: string; close(): Promise<void> }> {
  let endpoint = options['dynamodb-endpoint'];
  let stop = async () => {};
  if (!endpoint && !options.aws) {
    // Its own DynamoDB Local on the state folder: never beside a running `npm start` on it (two
    // processes on one database corrupt it). Refused naming that PID, as a second npm start is.
    const lock = lockStateDir(options['state-dir']);
    try {
      const local = await startDynamoDbLocal({ dbPath: join(options['state-dir'], 'dynamodb') });
      endpoint = local.endpoint;
      stop = async () => {
        await local.close();
        lock.release();
      };
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  const client = new DynamoDBClient(endpoint ? { ...LOCAL_AWS, endpoint } : {});
  return {
    db: DynamoDBDocumentClient.from(client),
    tableName: options.table,
    close: async () => {
      client.destroy();
      await stop();
    },
  };
}

/** The local signing key (ECC_NIST_P256), made on first use. */
export async function localSigningKey(kms: KMSClient): Promise<string> {
  try {
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: LOCAL_SIGNING_KEY_ALIAS }));
    return KeyMetadata!.Arn!;
  } catch (error) {
    if (!(error instanceof NotFoundException)) throw error;
    const { KeyMetadata } = await kms.send(
      new CreateKeyCommand({
        KeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        Description: 'vault local audit digests',
      }),
    );
    await kms.send(
      new CreateAliasCommand({ AliasName: LOCAL_SIGNING_KEY_ALIAS, TargetKeyId: KeyMetadata!.KeyId! }),
    );
    return KeyMetadata!.Arn!;
  }
}

/**
 * Pins the public key beside the digests the first time; later, refuses a signing key that is not
 * the pinned one (digests it signed would not verify, and quietly re-pinning would trust anyone).
 */
export function pinPublicKey(file: string, pem: string): void {
  if (!existsSync(file)) {
    writeFileSync(file, pem);
    return;
  }
  if (readFileSync(file, 'utf8').trim() !== pem.trim())
    throw new Error(`${file} holds another public key than the signing key's; digests would not verify`);
}
