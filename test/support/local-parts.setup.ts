/** Integration tier: one DynamoDB Local and one local KMS endpoint for all files (each file uses its own table). */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { startLocalKms } from '../../infra/local/kms-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    kmsEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const [dynamo, kms] = await Promise.all([startDynamoDbLocal(), startLocalKms()]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('kmsEndpoint', kms.url);
  return async () => {
    await Promise.all([dynamo.close(), kms.close()]);
  };
}
