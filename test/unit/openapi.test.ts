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
  it('the response check refuses bodies that break the document', () => {
    const url = 'http://127.0.0.1/vault/api/v1/secrets/db';
    const error = { error_code: 'OBJECT_NOT_FOUND', error_message: 'Secret not found', trace_id: 't' };
    expect(openApiMismatch('GET', url, 404, 'application/json', error)).toBeUndefined();
    expect(openApiMismatch('GET', url, 404, 'application/json', { message: 'Not Found' })).toMatch(/404/);
    expect(
      openApiMismatch('GET', url, 404, 'application/json', { ...error, error_code: 'RULE_VIOLATION' }),
    ).toMatch(/404/);
    expect(openApiMismatch('GET', url, 413, 'application/json', error)).toMatch(/does not document/);
    expect(
      openApiMismatch('GET', url, 404, 'application/json', { ...error, error_code: 'NO_SUCH_CODE' }),
    ).toBeDefined();
    expect(openApiMismatch('GET', url, 200, 'application/json', { name: 'db' })).toMatch(/GET/);
  });
});
