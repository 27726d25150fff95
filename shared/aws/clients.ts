/**
 * Every AWS SDK client the vault makes is built here, so every one gets the same bounded waits
 * and the same way of pointing at a local endpoint. The SDK packages declare no side effects, so a
 * function's bundle keeps only the clients it calls.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3 } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Bounded waits: a dependency that hangs becomes a 503 the client may retry, not a request that
 * runs into the Lambda timeout.
 */
export const requestHandler = {
  connectionTimeout: 1_000,
  requestTimeout: 3_000,
  throwOnRequestTimeout: true,
};

/**
 * Where a client points and as whom. In Lambda all are absent (the function's role, its Region,
 * the service's endpoint); the local runtime and tools name the local endpoint and credentials.
 */
export interface ClientOptions {
  endpoint?: string | undefined;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts?: number;
}

const settings = ({ endpoint, ...rest }: ClientOptions = {}) => ({
  requestHandler,
  ...rest,
  ...(endpoint && { endpoint }),
});

export const dynamoClient = (options?: ClientOptions): DynamoDBClient =>
  new DynamoDBClient(settings(options));

/** Items as plain objects; attributes left undefined are not written. */
export const dynamoDocuments = (options?: ClientOptions): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(dynamoClient(options), { marshallOptions: { removeUndefinedValues: true } });

export const dynamoStreamsClient = (options?: ClientOptions): DynamoDBStreamsClient =>
  new DynamoDBStreamsClient(settings(options));

export const kmsClient = (options?: ClientOptions): KMSClient => new KMSClient(settings(options));

export const s3Client = (options?: ClientOptions): S3 => new S3(settings(options));

export const eventBridgeClient = (options?: ClientOptions): EventBridgeClient =>
  new EventBridgeClient(settings(options));

/**
 * Rotators are invoked synchronously and may run for as long as their own timeout allows, so
 * only the connection wait is bounded here; the rotating function's timeout bounds the rest.
 */
export const lambdaClient = (options?: ClientOptions): LambdaClient =>
  new LambdaClient({
    ...settings(options),
    requestHandler: { connectionTimeout: requestHandler.connectionTimeout },
  });
