/** API Gateway REST proxy events for invoking handlers in process, routed as the gateway would. */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { matchRoute } from '../../shared/http/router.ts';
import type { ApiEvent } from '../../shared/http/types.ts';

export function apiEvent(
  method: string,
  rawPath: string,
  options: { token?: string; body?: unknown; query?: Record<string, string> } = {},
): ApiEvent {
  const route = matchRoute(method, rawPath);
  if (route.kind !== 'found') throw new Error(`no route for ${method} ${rawPath}`);
  const requestId = randomUUID();
  const headers: Record<string, string> = {
    ...(options.token && { Authorization: `Bearer ${options.token}` }),
    ...(options.body !== undefined && { 'Content-Type': 'application/json' }),
  };
  return {
    resource: route.resource,
    path: rawPath,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: route.pathParameters,
    stageVariables: null,
    body: options.body === undefined ? null : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: {
      requestId,
      identity: { sourceIp: '127.0.0.1' },
      stage: 'bench',
      resourcePath: route.resource,
      httpMethod: method,
    },
  } as unknown as ApiEvent;
}

export function lambdaContext(): Context {
  const deadline = Date.now() + 10_000;
  return {
    awsRequestId: randomUUID(),
    functionName: 'bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
    memoryLimitInMB: '512',
    logGroupName: 'bench',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
