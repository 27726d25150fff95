/**
 * One DynamoDB Local and one local KMS endpoint for the whole run: the integration and adversarial
 * tiers both list this setup, and the second finds the first's parts (each file uses a table of its
 * own, so files stay apart). A JVM start costs seconds of CPU; one per tier was one too many.
 */
import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { type LocalKms, startLocalKms } from '../../infra/local/kms-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    kmsEndpoint: string;
  }
}

interface Shared {
  parts: Promise<[DynamoDbLocal, LocalKms]>;
  users: number;
}

// On globalThis: each project loads its global setup as a module of its own, in the same process.
const holder = globalThis as { vaultLocalParts?: Shared };

export default async function setup(project: TestProject) {
  holder.vaultLocalParts ??= { parts: Promise.all([startDynamoDbLocal(), startLocalKms()]), users: 0 };
  const shared = holder.vaultLocalParts;
  shared.users++;
  const [dynamo, kms] = await shared.parts;
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('kmsEndpoint', kms.url);
  return async () => {
    if (--shared.users > 0) return;
    holder.vaultLocalParts = undefined;
    await Promise.all([dynamo.close(), kms.close()]);
  };
}
