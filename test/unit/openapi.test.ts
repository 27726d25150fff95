import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../shared/openapi.ts';
import { allOperations } from '../../shared/operations.ts';
import { openApiMismatch } from '../support/openapi-check.ts';

describe('the OpenAPI document', () => {
  const document = openApiDocument();

  it('is valid OpenAPI 3.1 by a third-party validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('has every operation of the table, each with its errors in the vault shape', () => {
    const paths = document.paths as Record<
      string,
      Record<string, { operationId: string; responses: Record<string, unknown> }>
    >;
    const operations = Object.values(paths).flatMap((methods) => Object.values(methods));
    expect(operations.map((operation) => operation.operationId).sort()).toEqual(
      allOperations.map((operation) => operation.id).sort(),
    );
    for (const operation of operations) {
      expect(Object.keys(operation.responses)).toContain('400');
      expect(Object.keys(operation.responses)).toContain('500');
    }
    const get = paths['/secrets/{name}']!.get!;
    expect(Object.keys(get.responses)).toEqual(
      expect.arrayContaining(['200', '401', '403', '404', '410', '503']),
    );
  });

  // The end-to-end tests check every response with this; it must be able to say no.
  it('the response check refuses responses that break the document', () => {
    const url = 'http://127.0.0.1/vault/api/v1/secrets/db';
    const error = { error_code: 'OBJECT_NOT_FOUND', error_message: 'Secret not found', trace_id: 't' };
    const json = new Headers({ 'content-type': 'application/json' });
    const seen = (status: number, body: unknown, headers = json, method = 'GET', at = url) =>
      openApiMismatch({ method, url: at, status, headers, text: JSON.stringify(body) });
    expect(seen(404, error)).toBeUndefined();
    expect(seen(404, { message: 'Not Found' })).toMatch(/404/);
    expect(seen(404, { ...error, error_code: 'RULE_VIOLATION' })).toMatch(/404/);
    expect(seen(418, error)).toMatch(/does not document/);
    expect(seen(404, { ...error, error_code: 'NO_SUCH_CODE' })).toBeDefined();
    expect(seen(200, { name: 'db' })).toMatch(/GET/);
    expect(seen(404, error, new Headers({ 'content-type': 'text/html' }))).toMatch(/not JSON/);
    expect(openApiMismatch({ method: 'GET', url, status: 404, headers: json, text: '<html>' })).toMatch(
      /not JSON/,
    );
    // A read's ETag is documented as always there; a 401 without a body shape is refused.
    const secret = {
      name: 'db',
      data: {},
      read_roles: [],
      write_roles: [],
      author: 'a',
      updated_by: 'a',
      path: 'db',
    };
    expect(seen(200, secret)).toMatch(/ETag is missing/);
    expect(seen(401, { error_code: 'UNAUTHENTICATED', error_message: 'x', trace_id: 't' })).toBeUndefined();
    // An unknown route may only be a 404 or 405.
    expect(seen(500, error, json, 'GET', 'http://127.0.0.1/vault/api/v1/nowhere')).toMatch(/no route/);
  });

  it('documents typed query parameters, response headers and the gateway-made failures', () => {
    const paths = document.paths as Record<string, Record<string, any>>;
    const list = paths['/secrets']!.get!;
    const limit = list.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    const create = paths['/secrets']!.post!;
    expect(Object.keys(create.responses['201'].headers)).toEqual(
      expect.arrayContaining(['Location', 'ETag']),
    );
    for (const status of ['413', '429', '502', '504']) expect(Object.keys(list.responses)).toContain(status);
    // Metadata never answers 410 and a search never 409.
    expect(Object.keys(paths['/metadata/secrets/{name}']!.get!.responses)).not.toContain('410');
    expect(Object.keys(paths['/search/secrets']!.post!.responses)).not.toContain('409');
    const responses = (document.components as any).responses;
    expect(Object.keys(responses.E401.headers)).toContain('WWW-Authenticate');
    expect(Object.keys(responses.E429.headers)).toContain('Retry-After');
  });
});
