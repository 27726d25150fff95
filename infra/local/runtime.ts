/**
 * The whole vault on real local parts: DynamoDB Local, the local KMS endpoint, the dev token
 * issuer and the HTTP adapter around the same Lambda handlers the cloud runs.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  KMSClient,
  NotFoundException,
} from '@aws-sdk/client-kms';
import { describeError } from '../../shared/http/logger.ts';
import { DEV_AUDIENCE, DEV_ISSUER, DEV_ROLES_CLAIM, devIssuer } from './dev-issuer.ts';
import { ensureTable, LOCAL_AWS, startDynamoDbLocal } from './dynamodb-local.ts';
import { startLocalKms } from './kms-server.ts';
import { startLocalServer } from './server.ts';
import { startStreamPoller } from './stream-poller.ts';
import { loadApiClients } from './token-endpoint.ts';

export const LOCAL_TABLE = 'vault-local';
export const LOCAL_KEY_ALIAS = 'alias/vault-local';

export interface LocalRuntimeOptions {
  port: number;
  /** Holds the dev issuer key, the API clients file, the events file and, unless in memory, the data. */
  stateDir: string;
  inMemory: boolean;
  /** How often due rotations and expiry warnings run (the cloud runs them every minute). */
  sweepSeconds?: number;
  /** Tests only: route the handlers' DynamoDB traffic through a fault-injecting proxy. */
  dynamoProxy?: (endpoint: string) => Promise<string>;
  /**
   * Tests only: a DynamoDB Local already running (shared by several runtimes, each on its own
   * table), instead of starting one; it is left running on close.
   */
  dynamoEndpoint?: string;
  /** The table (default `vault-local`). */
  tableName?: string;
}

export interface LocalRuntime {
  url: string;
  apiUrl: string;
  stateDir: string;
  eventsFile: string;
  dynamoEndpoint: string;
  kmsEndpoint: string;
  tableName: string;
  close(): Promise<void>;
}

/** The local key, created on first start; persisted state keeps it across restarts. */
async function ensureKey(endpoint: string): Promise<string> {
  const kms = new KMSClient({ ...LOCAL_AWS, endpoint });
  try {
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: LOCAL_KEY_ALIAS }));
    return KeyMetadata!.Arn!;
  } catch (error) {
    if (!(error instanceof NotFoundException)) throw error;
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'vault local key' }));
    await kms.send(new CreateAliasCommand({ AliasName: LOCAL_KEY_ALIAS, TargetKeyId: KeyMetadata!.KeyId! }));
    return KeyMetadata!.Arn!;
  } finally {
    kms.destroy();
  }
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const stateDir = resolve(options.stateDir);
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const tableName = options.tableName ?? LOCAL_TABLE;
    const dynamo = options.dynamoEndpoint
      ? { endpoint: options.dynamoEndpoint, close: async () => {} }
      : await startDynamoDbLocal(options.inMemory ? {} : { dbPath: join(stateDir, 'dynamodb') });
    closers.push(dynamo.close);
    const kms = await startLocalKms(options.inMemory ? {} : { statePath: join(stateDir, 'kms.json') });
    closers.push(kms.close);
    await ensureTable(dynamo.endpoint, tableName);
    const keyArn = await ensureKey(kms.url);
    const issuer = await devIssuer(stateDir);
    const eventsFile = join(stateDir, 'events.jsonl');
    if (options.inMemory) writeFileSync(eventsFile, '');

    // The handlers read their configuration from the environment at import, as in Lambda.
    Object.assign(process.env, {
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      TABLE_NAME: tableName,
      KMS_KEY_ID: keyArn,
      DYNAMODB_ENDPOINT: options.dynamoProxy ? await options.dynamoProxy(dynamo.endpoint) : dynamo.endpoint,
      KMS_ENDPOINT: kms.url,
      JWT_ISSUER: DEV_ISSUER,
      JWT_AUDIENCE: DEV_AUDIENCE,
      ROLES_CLAIM: DEV_ROLES_CLAIM,
      POWERTOOLS_SERVICE_NAME: 'vault',
      LOCAL_ROTATORS_DIR: join(import.meta.dirname, 'rotators'),
      EVENTS_FILE: eventsFile,
    });
    // The JWKS is served by the server itself, so its URL needs the port before the handlers load.
    const server = await startLocalServer({
      port: options.port,
      issuer,
      apiClients: loadApiClients(join(stateDir, 'api-clients.json')),
      eventsFile,
      beforeHandlersLoad: (url) => {
        process.env.JWKS_URI = `${url}/.well-known/jwks.json`;
      },
    });
    closers.push(server.close);

    // The stream publisher and the sweeper, as the cloud runs them: the same handlers.
    const { publishChanges } = await import('../../lambdas/publish-events/handler.ts');
    const poller = await startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName,
      intervalMs: 250,
      fromStart: options.inMemory,
      onRecords: (records) => publishChanges({ Records: records }),
      onError: (error) => console.error('stream poller:', JSON.stringify(describeError(error))),
    });
    closers.push(poller.stop);
    const { handler: sweep } = await import('../../lambdas/rotation-sweeper/handler.ts');
    const sweeper = setInterval(
      () => {
        sweep().catch((error: unknown) => console.error('sweeper:', JSON.stringify(describeError(error))));
      },
      (options.sweepSeconds ?? 10) * 1000,
    );
    closers.push(async () => clearInterval(sweeper));
    return {
      url: server.url,
      apiUrl: `${server.url}/vault/api/v1`,
      stateDir,
      eventsFile,
      dynamoEndpoint: dynamo.endpoint,
      kmsEndpoint: kms.url,
      tableName,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
