/**
 * A generated client from the OpenAPI document compiles (issue 17, item 11): openapi-typescript
 * turns the document into types, and a small round trip (a create body, its answer, a nested
 * error) is type-checked against them with the TypeScript compiler. The error shape's `details`
 * once referred to the document root (`{"$ref":"#"}`), which crashed the generator.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../shared/openapi.ts';
import { typeErrors as checkTypes } from '../support/type-check.ts';

const dir = mkdtempSync(join(tmpdir(), 'openapi-clients-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every `$ref` in the document, wherever it stands. */
function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refs(item, found);
  else if (value && typeof value === 'object')
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') found.push(child);
      else refs(child, found);
    }
  return found;
}

/** Generated types are held to exact optional properties, as a careful user's project is. */
const typeErrors = (files: string[]) => checkTypes(files, { exactOptionalPropertyTypes: true });

const ROUND_TRIP = `import type { components, operations, paths } from './api.ts';

type ErrorBody = components['schemas']['Error'];
type CreateBody = operations['create-secret']['requestBody'] extends infer B
  ? B extends { content: { 'application/json': infer J } } ? J : never
  : never;
type Created = operations['create-secret']['responses'][201]['content']['application/json'];
type NotFound = paths['/secrets/{name}']['get']['responses'][404]['content']['application/json'];

export const body: CreateBody = { name: 'prod/db', data: { password: 'secret' } };

// Errors within an error, to any depth: the recursive reference resolves to the Error schema.
export const invalid: ErrorBody = {
  error_code: 'INVALID_REQUEST_DATA',
  error_message: 'invalid request',
  details: [
    { error_code: 'VALUE_OUT_OF_BOUNDS', error_message: 'too long', property: 'name', details: [] },
  ],
};

// @ts-expect-error not one of the PrivX error codes
export const unknownCode: ErrorBody = { error_code: 'NO_SUCH_CODE', error_message: 'x' };

export function roundTrip(created: Created, missing: NotFound): string[] {
  const name: string = created.name;
  const version: number | undefined = created.version;
  const nested: ErrorBody[] = missing.details?.flatMap((d) => d.details ?? []) ?? [];
  return [name, String(version), missing.error_code, ...nested.map((d) => d.error_message)];
}
`;

describe('clients generated from the OpenAPI document', () => {
  it('every $ref names a component (none refers to the document root)', () => {
    const document = openApiDocument();
    const all = refs(document);
    expect(all.length).toBeGreaterThan(0);
    const components = document.components as Record<string, Record<string, unknown>>;
    for (const ref of all) {
      const match = /^#\/components\/(\w+)\/([^/]+)$/.exec(ref);
      expect(match, ref).not.toBeNull();
      expect(components[match![1]!]?.[match![2]!], ref).toBeDefined();
    }
  });

  it('openapi-typescript generates types a round trip type-checks against', async () => {
    const types = astToString(await openapiTS(openApiDocument() as never));
    expect(types).toContain('details?: components["schemas"]["Error"][]');
    writeFileSync(join(dir, 'api.ts'), types);
    writeFileSync(join(dir, 'round-trip.ts'), ROUND_TRIP);
    expect(typeErrors([join(dir, 'round-trip.ts')])).toEqual([]);
    // The check can fail: a wrong field is caught.
    writeFileSync(
      join(dir, 'wrong.ts'),
      `import type { components } from './api.ts';\nexport const e: components['schemas']['Error'] = { error_code: 'BAD_REQUEST', message: 'x' };\n`,
    );
    expect(typeErrors([join(dir, 'wrong.ts')]).join('\n')).toMatch(/wrong\.ts:2: .*message/);
  }, 60_000); // generation and two compiler runs: 19 s on a loaded machine
});
