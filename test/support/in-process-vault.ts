/**
 * The local vault started inside the test process (for suites that must reach behind the API:
 * inject faults, read the table directly). Each test file runs in its own process, so the
 * environment the handlers read is its own.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { type DevIssuer, devIssuer } from '../../infra/local/dev-issuer.ts';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../infra/local/runtime.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import type { Reply } from './http.ts';

export interface InProcessVault {
  runtime: LocalRuntime;
  issuer: DevIssuer;
  /** A client on the vault's table, straight to DynamoDB Local (never through a fault proxy). */
  db: DynamoDBDocumentClient;
  /** One API request as `token`, JSON in and out, answered as a client would see it. */
  call(
    token: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply>;
  /**
   * Every item of the table, sorted: compare two to prove a request changed nothing. With
   * `{ trail: false }` the audit items (A#…) are left out: a refusal is recorded there by design.
   */
  snapshot(options?: { trail?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/**
 * The tier's one DynamoDB Local (test/support/local-parts.setup.ts), each file on a table of its
 * own: starting a JVM per file cost more than the tests. Outside a tier that provides one, none.
 */
function sharedDynamo(): Partial<LocalRuntimeOptions> {
  let endpoint: string | undefined;
  try {
    endpoint = inject('dynamoEndpoint');
  } catch {
    return {};
  }
  // No stream unless a file asks for events (LocalRuntimeOptions.events says why).
  return endpoint ? { dynamoEndpoint: endpoint, tableName: `vault-${randomUUID()}`, events: false } : {};
}

export async function startInProcessVault(
  options: Partial<LocalRuntimeOptions> = {},
): Promise<InProcessVault> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const runtime = await startLocalRuntime({
    port: 0,
    stateDir: mkdtempSync(join(tmpdir(), 'vault-adv-')),
    inMemory: true,
    sweepSeconds: 3600,
    ...sharedDynamo(),
    ...options,
  });
  const issuer = await devIssuer(runtime.stateDir);
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...LOCAL_AWS, endpoint: runtime.dynamoEndpoint }),
  );
  return {
    runtime,
    issuer,
    db,
    async call(token, method, path, body, headers = {}) {
      const response = await fetch(`${runtime.apiUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        text,
        json: text ? JSON.parse(text) : undefined,
      };
    },
    async snapshot({ trail = true } = {}) {
      const items: unknown[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new ScanCommand({ TableName: runtime.tableName, ConsistentRead: true, ExclusiveStartKey: start }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items
        .filter((item) => trail || !String((item as { pk?: unknown }).pk).startsWith('A#'))
        .map((item) =>
          JSON.stringify(item, (_key, value) =>
            value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value,
          ),
        )
        .sort()
        .join('\n');
    },
    close: async () => {
      db.destroy();
      await runtime.close();
    },
  };
}

/**
 * An in-process vault whose handlers reach DynamoDB through a fault proxy (faults DynamoDB Local
 * cannot produce on demand: test/support/fault-proxy.ts); closing the vault closes the proxy.
 */
export async function startFaultyVault(): Promise<InProcessVault & { proxy: FaultProxy }> {
  let proxy: FaultProxy | undefined;
  const vault = await startInProcessVault({
    dynamoProxy: async (endpoint) => {
      proxy = await startFaultProxy(endpoint);
      return proxy.url;
    },
  });
  const faults = proxy!;
  return {
    ...vault,
    proxy: faults,
    close: async () => {
      await faults.close();
      await vault.close();
    },
  };
}
