/**
 * What audit:seal and audit:verify share: where the table is, where digests and the public key are
 * kept locally, and the local signing key. Locally the table is DynamoDB Local (the endpoint given,
 * else one started here on the state directory's database, which `npm start` must not hold open);
 * with --aws, the account's DynamoDB under the default credentials.
 */
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDocuments } from '../../shared/aws/clients.ts';
import { LOCAL_AWS, LOCAL_TABLE, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { lockStateDir } from '../local/state-lock.ts';

export { localSigningKey, pinPublicKey, publicKeyFile } from '../local/audit-signing-key.ts';

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
  const db = dynamoDocuments(endpoint ? { ...LOCAL_AWS, endpoint } : {});
  return {
    db,
    tableName: options.table,
    close: async () => {
      db.destroy();
      await stop();
    },
  };
}
