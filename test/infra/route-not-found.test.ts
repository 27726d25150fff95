/**
 * The HTTP API's `$default` route (lambdas/route-not-found): what the REST API's gateway responses
 * and mock routes say for requests no route takes, said by a function, in the same shape.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { handler } from '../../lambdas/route-not-found/handler.ts';
import type { ApiEvent, ApiResult, VaultContext } from '../../shared/http/types.ts';
import { ErrorResponse } from '../../shared/schemas.ts';
import { lambdaContext } from '../support/api-event.ts';

/** An HTTP API event in payload format 1.0, as the `$default` route sends it. */
function defaultRouteEvent(method: string, path: string, headers: Record<string, string> = {}): ApiEvent {
  return {
    version: '1.0',
    resource: '$default',
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      requestId: randomUUID(),
      identity: { sourceIp: '192.0.2.1' },
      stage: '$default',
      resourcePath: '$default',
      httpMethod: method,
      path,
    },
  } as unknown as ApiEvent;
}

async function invoke(method: string, path: string, headers?: Record<string, string>) {
  const event = defaultRouteEvent(method, path, headers);
  const result = (await handler(event, lambdaContext() as VaultContext)) as ApiResult;
  const body = JSON.parse(result.body) as Record<string, unknown>;
  expect(ErrorResponse.safeParse(body).success, result.body).toBe(true);
  expect(body.trace_id).toBe(event.requestContext.requestId);
  expect(result.headers?.['X-Request-Id']).toBe(event.requestContext.requestId);
  expect(result.headers?.['Content-Type']).toBe('application/json');
  expect(result.headers?.['Cache-Control']).toBe('no-store');
  return { result, body };
}

describe('the HTTP API $default route', () => {
  it('answers a wrong method on a known path with 405 and what is allowed', async () => {
    const { result, body } = await invoke('POST', '/vault/api/v1/secrets/db/password');
    expect(result.statusCode).toBe(405);
    expect(body.error_code).toBe('METHOD_NOT_ALLOWED');
    expect(result.headers?.Allow).toBe('GET, PUT, PATCH, DELETE');
  });

  it('answers an unknown path with 404 ROUTE_NOT_FOUND, the path cut to 200 characters', async () => {
    const { result, body } = await invoke('GET', `/vault/api/v1/nothing/${'x'.repeat(300)}`);
    expect(result.statusCode).toBe(404);
    expect(body.error_code).toBe('ROUTE_NOT_FOUND');
    expect(String(body.error_message).length).toBeLessThan(240);
  });

  it('answers another path version with 404 UNSUPPORTED_VERSION', async () => {
    const { result, body } = await invoke('GET', '/vault/api/v2/secrets');
    expect(result.statusCode).toBe(404);
    expect(body.error_code).toBe('UNSUPPORTED_VERSION');
  });

  it('matches from the API root behind a custom domain base path, and never serves a route itself', async () => {
    const behindBasePath = await invoke('POST', '/team-a/vault/api/v1/status');
    expect(behindBasePath.result.statusCode).toBe(405);
    expect(behindBasePath.result.headers?.Allow).toBe('GET');
    // The gateway did not route it: a path that only looks like a route is not found.
    const { result } = await invoke('GET', '/team-a/vault/api/v1/status');
    expect(result.statusCode).toBe(404);
  });

  it('carries the security headers of every vault response and speaks RFC 9457 when asked', async () => {
    const { result } = await invoke('GET', '/nowhere');
    expect(result.headers?.['Strict-Transport-Security']).toBeDefined();
    expect(result.headers?.['X-Content-Type-Options']).toBe('nosniff');
    const problem = await handler(
      defaultRouteEvent('GET', '/nowhere', { accept: 'application/problem+json' }),
      lambdaContext() as VaultContext,
    );
    expect(problem.headers?.['Content-Type']).toBe('application/problem+json');
    expect(JSON.parse(problem.body)).toMatchObject({ status: 404, error_code: 'ROUTE_NOT_FOUND' });
  });
});
