import { describe, expect, it } from 'vitest';
import { mergePatch } from '../../shared/domain/merge-patch.ts';
import { openApiDocument } from '../../shared/openapi.ts';

/** RFC 7396 Appendix A, every example: original, patch, result. */
const APPENDIX_A: Array<[unknown, unknown, unknown]> = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [
    ['a', 'b'],
    ['c', 'd'],
    ['c', 'd'],
  ],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

describe('JSON merge patch (RFC 7396)', () => {
  it.each(APPENDIX_A)('Appendix A: %j patched with %j is %j', (original, patch, result) => {
    expect(mergePatch(original, patch)).toEqual(result);
  });

  it('the RFC §3 example: a title replaced, a phone number added, a nested member removed', () => {
    const original = {
      title: 'Goodbye!',
      author: { givenName: 'John', familyName: 'Doe' },
      tags: ['example', 'sample'],
      content: 'This will be unchanged',
    };
    const patch = {
      title: 'Hello!',
      phoneNumber: '+01-123-456-7890',
      author: { familyName: null },
      tags: ['example'],
    };
    expect(mergePatch(original, patch)).toEqual({
      title: 'Hello!',
      author: { givenName: 'John' },
      tags: ['example'],
      content: 'This will be unchanged',
      phoneNumber: '+01-123-456-7890',
    });
  });

  it('changes neither argument', () => {
    const original = { a: { b: 1, c: 2 }, d: [1] };
    const patch = { a: { b: null, e: { f: 1 } }, d: null };
    const [before, patchBefore] = [structuredClone(original), structuredClone(patch)];
    expect(mergePatch(original, patch)).toEqual({ a: { c: 2, e: { f: 1 } } });
    expect(original).toEqual(before);
    expect(patch).toEqual(patchBefore);
  });

  it('keeps a member named __proto__ as data and never touches a prototype', () => {
    // JSON.parse makes `__proto__` an own member, as a request body would carry it.
    const patch = JSON.parse('{"__proto__":{"polluted":true},"k":{"__proto__":{"x":1}}}');
    const result = mergePatch(JSON.parse('{"k":{"y":2}}'), patch) as Record<string, any>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(JSON.stringify(result)).toBe('{"k":{"y":2,"__proto__":{"x":1}},"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Removing one that is not there removes nothing else.
    expect(mergePatch({ a: 1 }, JSON.parse('{"__proto__":null}'))).toEqual({ a: 1 });
  });
});

describe('PATCH in the OpenAPI document', () => {
  it('documents both PATCH routes with a merge-patch+json (or JSON) body, If-Match and 412', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, any>>;
    for (const path of ['/secrets/{name}', '/user/{user_id}/secrets/{name}']) {
      const operation = paths[path]?.patch;
      expect(operation, path).toBeDefined();
      expect(Object.keys(operation.requestBody.content)).toEqual([
        'application/merge-patch+json',
        'application/json',
      ]);
      expect(operation.requestBody.required).toBe(true);
      expect(operation.parameters.map((p: { name: string }) => p.name)).toContain('If-Match');
      expect(Object.keys(operation.responses)).toEqual(
        expect.arrayContaining(['200', '400', '403', '404', '412']),
      );
    }
  });
});
