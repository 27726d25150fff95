/**
 * The whole vault on real local parts: DynamoDB Local, the local KMS endpoint, the dev token
 * issuer and the HTTP adapter around the same Lambda handlers the cloud runs. Persisted data is
 * checked against the KMS key before it is served (key-check.ts), and its audit trail sealed on
 * the cloud's schedule (audit-sealer.ts).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { dynamoClient, kmsClient } from '../../shared/aws/clients.ts';
import type { IamPrincipalMapping } from '../../shared/domain/iam-login.ts';
import { describeError } from '../../shared/http/logger.ts';
import { API_BASE } from '../../shared/operations.ts';
import { DEV_AUDIENCE, DEV_ISSUER, DEV_ROLES_CLAIM, devIssuer } from './dev-issuer.ts';
import { ensureTable, LOCAL_AWS, LOCAL_TABLE, startDynamoDbLocal } from './dynamodb-local.ts';
import { localIdentities, localPrincipals, localTokenKey } from './iam-login-local.ts';
import { keyByAlias } from './key-by-alias.ts';
import { recordDataKey, verifyDataKey } from './key-check.ts';
import { startLocalKms } from './kms-server.ts';
import { startLocalServer } from './server.ts';
import type { LocalIamIdentity } from './sigv4-check.ts';
import { startStreamPoller } from './stream-poller.ts';
import { loadApiClients } from './token-endpoint.ts';

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
  /**
   * Tests only: false gives the table no stream and runs no event publisher. DynamoDB Local keeps
   * every stream record of every table it serves and slows each write to a streamed table as they
   * pile up (a 7-item transaction: 16 ms fresh, 140 ms after 20k records elsewhere), so files
   * sharing one should stream only when they read the events.
   */
  events?: boolean;
  /** Stops the start: what was started is stopped and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Told of each step of the start as it completes; the start waits for what it returns. */
  onStep?: (step: StartStep) => void | Promise<void>;
  /** IAM login: the mapping (default: IAM_LOGIN_PRINCIPALS, else the state folder's file). */
  iamPrincipals?: readonly IamPrincipalMapping[];
  /** Tests only: more access keys that sign IAM requests, and as whom (iam-login-local.ts). */
  iamIdentities?: Readonly<Record<string, LocalIamIdentity>>;
  /** The Region a signature must be scoped to (default VAULT_LOCAL_REGION, else any: sigv4-check.ts). */
  iamRegion?: string;
}

/** The steps of a start, in order. */
export type StartStep =
  | { step: 'kms'; url: string }
  | { step: 'dynamodb-spawned'; pid: number }
  | { step: 'dynamodb'; endpoint: string }
  | { step: 'table'; tableName: string }
  | { step: 'ready'; url: string };

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
  const kms = kmsClient({ ...LOCAL_AWS, endpoint });
  try {
    return await keyByAlias(kms, LOCAL_KEY_ALIAS, { Description: 'vault local key' });
  } finally {
    kms.destroy();
  }
}

async function withKms<T>(endpoint: string, use: (kms: KMSClient) => Promise<T>): Promise<T> {
  const kms = kmsClient({ ...LOCAL_AWS, endpoint });
  try {
    return await use(kms);
  } finally {
    kms.destroy();
  }
}

/** Whether the table holds anything at all. */
async function hasItems(endpoint: string, tableName: string): Promise<boolean> {
  const client = dynamoClient({ ...LOCAL_AWS, endpoint });
  try {
    const { Count } = await client.send(new ScanCommand({ TableName: tableName, Limit: 1, Select: 'COUNT' }));
    return (Count ?? 0) > 0;
  } finally {
    client.destroy();
  }
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const stateDir = resolve(options.stateDir);
  const { signal } = options;
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  const step = async (done: StartStep) => {
    await options.onStep?.(done);
    signal?.throwIfAborted();
  };
  try {
    signal?.throwIfAborted();
    const tableName = options.tableName ?? LOCAL_TABLE;
    // Persisted data on a DynamoDB Local of its own is checked against the KMS key (key-check.ts).
    const persisted = !options.inMemory && !options.dynamoEndpoint;
    const places = { dbDir: join(stateDir, 'dynamodb'), kmsFile: join(stateDir, 'kms.json') };
    const kmsWasNew = !existsSync(places.kmsFile);
    // KMS first: it starts in milliseconds, and a key that cannot read the data is refused at once.
    const kms = await startLocalKms(options.inMemory ? {} : { statePath: places.kmsFile });
    closers.push(kms.close);
    if (persisted) await verifyDataKey(kms.url, places);
    await step({ step: 'kms', url: kms.url });
    const dynamo = options.dynamoEndpoint
      ? { endpoint: options.dynamoEndpoint, close: async () => {} }
      : await startDynamoDbLocal({
          ...(!options.inMemory && { dbPath: places.dbDir }),
          ...(signal && { signal }),
          // Not awaited: Java is already starting, and the wait for it below is where a stop lands.
          onSpawn: (pid) => {
            Promise.resolve(options.onStep?.({ step: 'dynamodb-spawned', pid })).catch(() => undefined);
          },
        });
    closers.push(dynamo.close);
    await step({ step: 'dynamodb', endpoint: dynamo.endpoint });
    await ensureTable(dynamo.endpoint, tableName, { stream: options.events !== false });
    const keyArn = await ensureKey(kms.url);
    const tokenKeyArn = await withKms(kms.url, localTokenKey);
    if (persisted)
      await recordDataKey(kms.url, keyArn, {
        ...places,
        kmsWasNew,
        tableHasItems: () => hasItems(dynamo.endpoint, tableName),
      });
    await step({ step: 'table', tableName });
    const issuer = await devIssuer(stateDir);
    const eventsFile = join(stateDir, 'events.jsonl');
    // With events off no file is made: a test reading it fails instead of finding no events.
    if (options.inMemory && options.events !== false) writeFileSync(eventsFile, '');

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
      VAULT_TOKEN_KEY_ID: tokenKeyArn,
      IAM_LOGIN_PRINCIPALS: localPrincipals(stateDir, options.iamPrincipals),
    });
    // The JWKS is served by the server itself, so its URL needs the port before the handlers load.
    const server = await startLocalServer({
      port: options.port,
      issuer,
      apiClients: loadApiClients(join(stateDir, 'api-clients.json')),
      eventsFile,
      beforeHandlersLoad: (url) => {
        process.env.JWKS_URI = `${url}/.well-known/jwks.json`;
        // The vault's own issuer is its API's `/auth` (in AWS a name the deployer's props give).
        process.env.VAULT_TOKEN_ISSUER = `${url}${API_BASE}/auth`;
      },
      iam: {
        region: options.iamRegion ?? (process.env.VAULT_LOCAL_REGION?.trim() || undefined),
        identities: localIdentities(options.iamIdentities),
      },
    });
    closers.push(server.close);

    // The stream publisher and the sweeper, as the cloud runs them: the same handlers.
    if (options.events !== false) {
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
    }
    const { handler: sweep } = await import('../../lambdas/rotation-sweeper/handler.ts');
    const sweeper = setInterval(
      () => {
        sweep(undefined).catch((error: unknown) =>
          console.error('sweeper:', JSON.stringify(describeError(error))),
        );
      },
      (options.sweepSeconds ?? 10) * 1000,
    );
    closers.push(async () => clearInterval(sweeper));
    if (persisted) {
      // Imported here: it shares the audit tools' parts, which import this module.
      const { startAuditSealer } = await import('./audit-sealer.ts');
      try {
        const sealer = await startAuditSealer({
          stateDir,
          kmsEndpoint: kms.url,
          dynamoEndpoint: dynamo.endpoint,
          tableName,
        });
        closers.push(sealer.stop);
      } catch (error) {
        console.error(`Audit digests are not sealed by this run: ${(error as Error).message}`);
      }
    }
    await step({ step: 'ready', url: server.url });
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
