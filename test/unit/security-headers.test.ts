/**
 * Every response of the stack carries the security headers (written out in
 * shared/http/standard-headers.ts instead of computed by @middy/http-security-headers): answers and
 * refusals alike, and nothing that says what runs behind the API.
 */
import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { SecretNotFoundError } from '../../shared/domain/errors.ts';
import { vaultHandler } from '../../shared/http/stack.ts';
import { SECURITY_HEADERS, securityHeaders } from '../../shared/http/standard-headers.ts';
import type { ApiEvent, ApiResult, VaultContext } from '../../shared/http/types.ts';
import * as operations from '../../shared/operations.ts';
import { apiEvent, lambdaContext } from '../support/api-event.ts';

describe('security headers', () => {
  it('an answer and a refusal both carry every one of them', async () => {
    const status = vaultHandler(operations.status, () => ({ status: 'ok' }) as never);
    const ok = await status(apiEvent('GET', '/vault/api/v1/status'), lambdaContext() as never);
    const failing = vaultHandler(operations.status, () => {
      throw new SecretNotFoundError();
    });
    const refused = await failing(apiEvent('GET', '/vault/api/v1/status'), lambdaContext() as never);
    expect(ok.statusCode).toBe(200);
    expect(refused.statusCode).toBe(404);
    for (const reply of [ok, refused]) expect(reply.headers).toMatchObject(SECURITY_HEADERS);
    expect(SECURITY_HEADERS).toMatchObject({
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Strict-Transport-Security': expect.stringMatching(/^max-age=\d+/),
    });
  });

  it('drops Server and X-Powered-By, and makes an answer without a status a 500', async () => {
    const handler = middy<ApiEvent, ApiResult, Error, VaultContext>()
      .use(securityHeaders())
      .handler(
        async () => ({ headers: { Server: 'x', 'X-Powered-By': 'y' }, body: '' }) as unknown as ApiResult,
      );
    const reply = await handler(apiEvent('GET', '/vault/api/v1/status'), lambdaContext() as never);
    expect(reply.statusCode).toBe(500);
    expect(reply.headers).not.toHaveProperty('Server');
    expect(reply.headers).not.toHaveProperty('X-Powered-By');
    expect(reply.headers).toMatchObject(SECURITY_HEADERS);
  });
});
