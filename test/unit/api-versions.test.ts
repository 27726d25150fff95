import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { SecretNotFoundError } from '../../shared/domain/errors.ts';
import { serviceStatus } from '../../shared/domain/service-status.ts';
import { type ApiVersionOptions, apiVersion } from '../../shared/http/api-version.ts';
import { errorShaper } from '../../shared/http/error-shaper.ts';
import { matchRoute } from '../../shared/http/router.ts';
import type { ApiEvent, ApiResult, VaultContext } from '../../shared/http/types.ts';
import { openApiDocument } from '../../shared/openapi.ts';
import {
  API_BASE,
  API_VERSIONS,
  allOperations,
  DEFAULT_API_VERSION,
  type Operation,
  operations,
} from '../../shared/operations.ts';
import { lambdaContext } from '../support/api-event.ts';

/** A table only these tests register: a retired, a deprecated, the default and a newer version. */
const TABLE = [
  { name: '2025-01-01', deprecated: '2025-06-01T00:00:00Z', sunset: '2026-06-01T00:00:00Z' },
  { name: '2026-06-01', deprecated: '2026-11-01T00:00:00Z', sunset: '2027-03-01T00:00:00Z' },
  { name: '2026-09-01', deprecated: '2026-11-15T00:00:00Z' },
  { name: '2026-12-01' },
  { name: '2027-06-01' },
] as const;
const NOW = Date.parse('2026-12-02T00:00:00Z');
const options: ApiVersionOptions = { versions: TABLE, defaultVersion: '2026-12-01', now: () => NOW };
/** A row that is not served in the newest version. */
const operation: Operation = {
  ...operations.getSecret,
  versions: ['2025-01-01', '2026-06-01', '2026-09-01', '2026-12-01'],
};

function handlerWith(
  route: () => unknown = () => ({ statusCode: 200, headers: {}, body: '{}' }),
  opts: Partial<ApiVersionOptions> = options,
) {
  let calls = 0;
  const handler = middy<ApiEvent, ApiResult, Error, VaultContext>()
    .use([apiVersion(operation, opts), errorShaper()])
    .handler(async () => {
      calls++;
      return route() as ApiResult;
    });
  const invoke = async (headers: Record<string, string> = {}, multi?: Record<string, string[]>) => {
    const event = {
      headers,
      multiValueHeaders: multi ?? Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      requestContext: { requestId: 'trace-1' },
    } as unknown as ApiEvent;
    const result = await handler(event, lambdaContext() as VaultContext);
    return { ...result, json: JSON.parse(result.body), calls };
  };
  return invoke;
}

const refused = (code: string) => ({
  statusCode: 400,
  json: expect.objectContaining({ error_code: code, property: 'Vault-Version', trace_id: 'trace-1' }),
  calls: 0,
});

describe('Vault-Version: which version a request is served in', () => {
  it('absent: the default version, named in the response, with no deprecation', async () => {
    const reply = await handlerWith()();
    expect(reply).toMatchObject({ statusCode: 200, calls: 1 });
    expect(reply.headers).toEqual({ 'Vault-Version': '2026-12-01' });
  });

  it('named in any case of the header name, or twice with one value: that version', async () => {
    const invoke = handlerWith();
    for (const name of ['Vault-Version', 'vault-version', 'VAULT-VERSION']) {
      const reply = await invoke({ [name]: ' 2026-12-01 ' });
      expect(reply.headers).toEqual({ 'Vault-Version': '2026-12-01' });
    }
    const twice = await invoke(
      { 'vault-version': '2026-12-01' },
      { 'Vault-Version': ['2026-12-01', '2026-12-01'] },
    );
    expect(twice.statusCode).toBe(200);
  });

  it('an unknown, empty or twice-differing value: 400 INVALID_VERSION naming the known ones, nothing served', async () => {
    for (const [headers, multi] of [
      [{ 'Vault-Version': '2026-13-01' }, undefined],
      [{ 'Vault-Version': 'v1' }, undefined],
      [{ 'Vault-Version': '' }, undefined],
      [{ 'Vault-Version': '2026-12-01' }, { 'Vault-Version': ['2026-12-01', '2026-06-01'] }],
    ] as const) {
      const reply = await handlerWith()(headers, multi as Record<string, string[]> | undefined);
      expect(reply).toMatchObject(refused('INVALID_VERSION'));
      expect(reply.json.error_message).toContain('2026-12-01');
      expect(reply.headers).not.toHaveProperty('Vault-Version');
    }
  });

  it('a known version the operation is not served in: 400 UNSUPPORTED_VERSION naming those it is', async () => {
    const reply = await handlerWith()({ 'Vault-Version': '2027-06-01' });
    expect(reply).toMatchObject(refused('UNSUPPORTED_VERSION'));
    expect(reply.json.error_message).toContain('2026-12-01');
    expect(reply.headers).not.toHaveProperty('Vault-Version');
  });

  it('the default version, when an operation is not served in it, is refused the same way', async () => {
    const newOnly: Operation = { ...operations.getSecret, versions: ['2027-06-01'] };
    const handler = middy<ApiEvent, ApiResult, Error, VaultContext>()
      .use([apiVersion(newOnly, options), errorShaper()])
      .handler(async () => ({ statusCode: 200, headers: {}, body: '{}' }));
    const result = await handler(
      { headers: {}, requestContext: { requestId: 't' } } as unknown as ApiEvent,
      lambdaContext() as VaultContext,
    );
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error_code).toBe('UNSUPPORTED_VERSION');
  });

  it('a deprecated version before its sunset: served, with Deprecation (RFC 9745) and Sunset (RFC 8594)', async () => {
    const reply = await handlerWith()({ 'Vault-Version': '2026-06-01' });
    expect(reply).toMatchObject({ statusCode: 200, calls: 1 });
    expect(reply.headers).toEqual({
      'Vault-Version': '2026-06-01',
      Deprecation: `@${Date.parse('2026-11-01T00:00:00Z') / 1000}`,
      Sunset: 'Mon, 01 Mar 2027 00:00:00 GMT',
    });
  });

  it('a deprecated version with no sunset yet: served with Deprecation only', async () => {
    const reply = await handlerWith()({ 'Vault-Version': '2026-09-01' });
    expect(reply.headers).toEqual({
      'Vault-Version': '2026-09-01',
      Deprecation: `@${Date.parse('2026-11-15T00:00:00Z') / 1000}`,
    });
  });

  it('a deprecated version from its sunset on: 400 DEPRECATED_VERSION, saying when it ended and what to use', async () => {
    const retired = await handlerWith()({ 'Vault-Version': '2025-01-01' });
    expect(retired).toMatchObject(refused('DEPRECATED_VERSION'));
    expect(retired.json.error_message).toContain('2026-06-01T00:00:00.000Z');
    expect(retired.json.error_message).toContain('2026-12-01');
    expect(retired.headers).toEqual({
      'Content-Type': 'application/json',
      Deprecation: `@${Date.parse('2025-06-01T00:00:00Z') / 1000}`,
      Sunset: 'Mon, 01 Jun 2026 00:00:00 GMT',
    });
    // The sunset instant itself is already past the end.
    const atSunset = handlerWith(undefined, { ...options, now: () => Date.parse('2027-03-01T00:00:00Z') });
    expect(await atSunset({ 'Vault-Version': '2026-06-01' })).toMatchObject(refused('DEPRECATED_VERSION'));
  });

  it('a failure after the version was chosen still names it (and its deprecation)', async () => {
    const reply = await handlerWith(() => {
      throw new SecretNotFoundError();
    })({ 'Vault-Version': '2026-06-01' });
    expect(reply.statusCode).toBe(404);
    expect(reply.headers).toMatchObject({
      'Vault-Version': '2026-06-01',
      Deprecation: expect.stringMatching(/^@\d+$/),
      Sunset: expect.any(String),
    });
  });

  it('a bad versions table fails when the middleware is built (cold start), not per request', () => {
    const build =
      (versions: ApiVersionOptions['versions'], defaultVersion = '2026-12-01', op = operation) =>
      () =>
        apiVersion(op, { versions, defaultVersion });
    expect(build(TABLE, '2030-01-01')).toThrow(/default API version/);
    expect(build([{ name: '2026-12-01' }])).toThrow(/unknown API version 2025-01-01/);
    expect(build([{ name: '2026-12-01', sunset: '2027-01-01' }], '2026-12-01', operations.status)).toThrow(
      /not deprecated/,
    );
    expect(
      build(
        [{ name: '2026-12-01', deprecated: '2027-01-01', sunset: '2026-01-01' }],
        '2026-12-01',
        operations.status,
      ),
    ).toThrow(/before it is deprecated/);
    expect(build([{ name: '2026-12-01', deprecated: 'soon' }], '2026-12-01', operations.status)).toThrow(
      /not a date/,
    );
  });
});

describe('the versions the vault declares', () => {
  it('one version today, the default, served by every operation; the table builds for every row', () => {
    expect(API_VERSIONS).toEqual([{ name: '2026-12-01' }]);
    expect(DEFAULT_API_VERSION).toBe('2026-12-01');
    for (const row of allOperations) expect(() => apiVersion(row)).not.toThrow();
  });

  it('GET /status lists them in status_details, the PrivX ServiceStatus shape unchanged', () => {
    const status = serviceStatus('1.0.0', new Date(0), { versions: TABLE, defaultVersion: '2026-12-01' });
    expect(status.status_details).toEqual([
      { k: 'vault_versions', v: '2025-01-01,2026-06-01,2026-09-01,2026-12-01,2027-06-01' },
      { k: 'vault_version_default', v: '2026-12-01' },
      { k: 'vault_version_deprecated:2025-01-01', v: '2025-06-01T00:00:00Z' },
      { k: 'vault_version_sunset:2025-01-01', v: '2026-06-01T00:00:00Z' },
      { k: 'vault_version_deprecated:2026-06-01', v: '2026-11-01T00:00:00Z' },
      { k: 'vault_version_sunset:2026-06-01', v: '2027-03-01T00:00:00Z' },
      { k: 'vault_version_deprecated:2026-09-01', v: '2026-11-15T00:00:00Z' },
    ]);
  });

  it('the OpenAPI document lists them, takes Vault-Version on every operation, and names the new codes', () => {
    const document = openApiDocument() as any;
    expect(document['x-vault-versions']).toEqual([{ name: '2026-12-01', default: true }]);
    for (const methods of Object.values(document.paths) as any[])
      for (const op of Object.values(methods) as any[]) {
        expect(op.parameters).toContainEqual(
          expect.objectContaining({
            name: 'Vault-Version',
            in: 'header',
            schema: { type: 'string', enum: ['2026-12-01'] },
          }),
        );
        const success = Object.entries(op.responses).find(([status]) => status.startsWith('2'))?.[1] as any;
        expect(success.headers['Vault-Version']).toMatchObject({ required: true });
      }
    const e400 = document.components.responses.E400;
    expect(e400.content['application/json'].schema.properties.error_code.enum).toEqual(
      expect.arrayContaining(['INVALID_VERSION', 'UNSUPPORTED_VERSION', 'DEPRECATED_VERSION']),
    );
    expect(Object.keys(e400.headers)).toEqual(
      expect.arrayContaining(['Deprecation', 'Sunset', 'Vault-Version']),
    );
  });
});

describe('path versions (the local gateway, as the cloud one routes)', () => {
  it('/vault/api/v2/... is a version not served; a miss under v1, or not a version, is a plain route miss', () => {
    expect(matchRoute('GET', '/vault/api/v2/secrets')).toEqual({ kind: 'version-not-served' });
    expect(matchRoute('POST', '/vault/api/v2')).toEqual({ kind: 'version-not-served' });
    expect(matchRoute('GET', '/vault/api/v10/status')).toEqual({ kind: 'version-not-served' });
    expect(matchRoute('GET', `${API_BASE}/nope`)).toEqual({ kind: 'not-found' });
    expect(matchRoute('GET', '/vault/api/V2/secrets')).toEqual({ kind: 'not-found' });
    expect(matchRoute('GET', '/vault/api/v2x/secrets')).toEqual({ kind: 'not-found' });
    expect(matchRoute('GET', '/vault/api/secrets')).toEqual({ kind: 'not-found' });
  });
});
