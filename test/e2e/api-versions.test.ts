import { describe, expect, it } from 'vitest';
import { expectShapedError } from '../support/error-shape.ts';
import { baseUrl, call, token } from '../support/http.ts';

const CURRENT = '2026-12-01';

describe('API versions (seed 004): the Vault-Version header', () => {
  it('absent: served in the current version, which the response names, without deprecation', async () => {
    const status = await call('GET', '/status');
    expect(status.status).toBe(200);
    expect(status.headers.get('vault-version')).toBe(CURRENT);
    expect(status.headers.get('deprecation')).toBeNull();
    const list = await call('GET', '/secrets', { token: await token({ sub: 'ver', scopes: ['user'] }) });
    expect(list.status).toBe(200);
    expect(list.headers.get('vault-version')).toBe(CURRENT);
  });

  it('naming the current version: served in it; a later failure still names it', async () => {
    const headers = { 'Vault-Version': CURRENT };
    const reply = await call('GET', '/status', { headers });
    expect(reply.headers.get('vault-version')).toBe(CURRENT);
    const missing = await call('GET', '/secrets/no-such-secret-for-versions', {
      token: await token({ sub: 'ver', scopes: ['user'] }),
      headers,
    });
    expectShapedError(missing, 404, 'OBJECT_NOT_FOUND');
    expect(missing.headers.get('vault-version')).toBe(CURRENT);
  });

  it('an unknown version: 400 INVALID_VERSION, before the token is looked at', async () => {
    for (const path of ['/status', '/secrets']) {
      const reply = await call('GET', path, { headers: { 'Vault-Version': '1999-01-01' } });
      expectShapedError(reply, 400, 'INVALID_VERSION');
      expect(reply.json.property).toBe('Vault-Version');
      expect(reply.json.error_message).toContain(CURRENT);
      expect(reply.headers.get('vault-version')).toBeNull();
    }
  });

  it('GET /status lists the versions in status_details', async () => {
    const reply = await call('GET', '/status');
    expect(reply.json.status_details).toEqual(
      expect.arrayContaining([
        { k: 'vault_versions', v: CURRENT },
        { k: 'vault_version_default', v: CURRENT },
      ]),
    );
  });

  it('the OpenAPI document lists the versions and takes Vault-Version on every operation', async () => {
    const reply = await call('GET', '/openapi.json');
    expect(reply.json['x-vault-versions']).toEqual([{ name: CURRENT, default: true }]);
    expect(reply.json.paths['/secrets'].get.parameters).toContainEqual(
      expect.objectContaining({ name: 'Vault-Version', in: 'header' }),
    );
    expect(reply.headers.get('vault-version')).toBe(CURRENT);
  });
});

describe('path versions', () => {
  it('/vault/api/v2/... is a shaped 404 UNSUPPORTED_VERSION, not a route miss', async () => {
    for (const path of ['/vault/api/v2/secrets', '/vault/api/v2', '/vault/api/v3/status']) {
      const reply = await call('GET', `${baseUrl()}${path}`);
      expectShapedError(reply, 404, 'UNSUPPORTED_VERSION');
      expect(reply.json.error_message).toContain('/vault/api/v1');
    }
  });

  it('a miss under /vault/api/v1 stays ROUTE_NOT_FOUND', async () => {
    expectShapedError(await call('GET', '/nowhere'), 404, 'ROUTE_NOT_FOUND');
  });
});
