import { describe, expect, it } from 'vitest';
import { expectShapedError } from '../support/error-shape.ts';
import { baseUrl, call, token } from '../support/http.ts';

describe('the edge', () => {
  it('an unknown route is a shaped 404', async () => {
    expectShapedError(await call('GET', '/nope'), 404, 'ROUTE_NOT_FOUND');
    expectShapedError(await call('GET', `${baseUrl()}/somewhere/else`), 404, 'ROUTE_NOT_FOUND');
  });

  it('a known path with the wrong method is a shaped 405 with Allow', async () => {
    const reply = await call('POST', '/secrets/x');
    expectShapedError(reply, 405, 'METHOD_NOT_ALLOWED');
    expect(reply.headers.get('allow')?.split(', ').sort()).toEqual(['DELETE', 'GET', 'PATCH', 'PUT']);
  });

  it('every response forbids caching and carries security headers, errors included', async () => {
    const ok = await call('GET', '/secrets', { token: await token({ sub: 'h', scopes: ['user'] }) });
    const failed = await call('GET', '/secrets');
    for (const reply of [ok, failed]) {
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
      expect(reply.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(reply.headers.get('x-powered-by')).toBeNull();
    }
  });
});
