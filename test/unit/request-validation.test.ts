import { describe, expect, it } from 'vitest';
import type { ZodMiniType } from 'zod/mini';
import { InvalidRequestError } from '../../shared/domain/errors.ts';
import { problemsOf, propertyPath } from '../../shared/http/validate.ts';
import { CreateSecretBody, SearchQuery, SearchSecretsBody, UpdateSecretBody } from '../../shared/schemas.ts';

const problems = (schema: ZodMiniType, value: unknown) => {
  const result = schema.safeParse(value, { reportInput: true });
  return result.success ? [] : problemsOf(result.error);
};

describe('request validation', () => {
  it('reports every problem of a body at once, with JSON paths and PrivX codes', () => {
    const found = problems(CreateSecretBody, {
      data: [],
      read_roles: [{ id: 'ok' }, { name: 'no id' }],
      write_roles: 'x',
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'REQUIRED_VALUE_MISSING', property: 'name' }),
        expect.objectContaining({ code: 'VALUE_INCORRECT_TYPE', property: 'data' }),
        expect.objectContaining({ code: 'REQUIRED_VALUE_MISSING', property: 'read_roles[1].id' }),
        expect.objectContaining({ code: 'VALUE_INCORRECT_TYPE', property: 'write_roles' }),
      ]),
    );
    expect(found).toHaveLength(4);
  });

  it('accepts null and absent roles on update, keeps a role name and ignores deleted', () => {
    expect(UpdateSecretBody.parse({ data: { a: 1 }, read_roles: null })).toMatchObject({ read_roles: null });
    expect(UpdateSecretBody.parse({ read_roles: [{ id: 'r', name: 'Readers', deleted: false }] })).toEqual({
      read_roles: [{ id: 'r', name: 'Readers' }],
    });
    expect(problems(UpdateSecretBody, { write_roles: [{ id: 'w', name: 'a\u0007b' }] })).toEqual([
      expect.objectContaining({ code: 'VALUE_INCORRECT_FORMAT', property: 'write_roles[0].name' }),
    ]);
    expect(problems(UpdateSecretBody, { write_roles: [{ id: 'w', name: 'n'.repeat(257) }] })).toEqual([
      expect.objectContaining({ code: 'VALUE_OUT_OF_BOUNDS', property: 'write_roles[0].name' }),
    ]);
  });

  it('refuses data that is not an object, too deep or too large', () => {
    expect(problems(CreateSecretBody, { name: 'n', data: 'text' })[0]).toMatchObject({ property: 'data' });
    let deep: unknown = {};
    for (let i = 0; i < 40; i++) deep = { d: deep };
    expect(problems(CreateSecretBody, { name: 'n', data: deep })[0]).toMatchObject({
      code: 'VALUE_OUT_OF_BOUNDS',
      property: 'data',
    });
    expect(problems(CreateSecretBody, { name: 'n', data: { big: 'x'.repeat(70_000) } })[0]).toMatchObject({
      code: 'VALUE_OUT_OF_BOUNDS',
    });
  });

  it('treats the Go SDK search body (limit 0, empty sort fields) as no paging at all', () => {
    expect(
      SearchSecretsBody.parse({ keywords: 'db', limit: 0, offset: 0, sortkey: '', sortdir: '', filter: '' }),
    ).toEqual({ keywords: 'db' });
    // Absent from the query means not given, so the body may fill it in.
    expect(SearchQuery.parse({})).toEqual({});
  });

  it('reads paging, sorting and filter from the search body, in any case, bounded as in the query', () => {
    expect(
      SearchSecretsBody.parse({
        limit: 5,
        offset: 10,
        sortkey: 'Updated',
        sortdir: 'desc',
        filter: 'READABLE',
      }),
    ).toEqual({ limit: 5, offset: 10, sortkey: 'updated', sortdir: 'DESC', filter: 'readable' });
    expect(SearchQuery.parse({ filter: 'Shared' })).toEqual({ filter: 'shared' });
    expect(problems(SearchSecretsBody, { limit: 101 })).toEqual([
      expect.objectContaining({ code: 'VALUE_OUT_OF_BOUNDS', property: 'limit' }),
    ]);
    expect(problems(SearchSecretsBody, { offset: -1 })).toEqual([
      expect.objectContaining({ code: 'VALUE_OUT_OF_BOUNDS', property: 'offset' }),
    ]);
    expect(problems(SearchSecretsBody, { limit: '5' })).toEqual([
      expect.objectContaining({ code: 'VALUE_INCORRECT_TYPE', property: 'limit' }),
    ]);
    expect(problems(SearchSecretsBody, { sortdir: 'up', filter: 'mine' })).toEqual([
      expect.objectContaining({ code: 'VALUE_INCORRECT_FORMAT', property: 'filter' }),
      expect.objectContaining({ code: 'VALUE_INCORRECT_FORMAT', property: 'sortdir' }),
    ]);
  });

  it('bounds offset and limit and accepts sort fields in any case', () => {
    expect(SearchQuery.parse({ limit: '5', offset: '10', sortkey: 'UPDATED', sortdir: 'desc' })).toEqual({
      limit: 5,
      offset: 10,
      sortkey: 'updated',
      sortdir: 'DESC',
    });
    expect(problems(SearchQuery, { limit: '0' })).toEqual([
      expect.objectContaining({ code: 'VALUE_OUT_OF_BOUNDS', property: 'limit' }),
    ]);
    expect(problems(SearchQuery, { limit: '101' })).toEqual([
      expect.objectContaining({ code: 'VALUE_OUT_OF_BOUNDS', property: 'limit' }),
    ]);
    expect(problems(SearchQuery, { offset: '-1' })).toEqual([
      expect.objectContaining({ code: 'VALUE_OUT_OF_BOUNDS', property: 'offset' }),
    ]);
    expect(problems(SearchQuery, { limit: 'ten' })).toEqual([
      expect.objectContaining({ code: 'VALUE_INCORRECT_TYPE', property: 'limit' }),
    ]);
    expect(problems(SearchQuery, { sortkey: 'size' })).toEqual([
      expect.objectContaining({ code: 'VALUE_INCORRECT_FORMAT', property: 'sortkey' }),
    ]);
  });

  it('one problem is the error itself; several are INVALID_REQUEST_DATA with details', () => {
    const one = InvalidRequestError.fromProblems([
      { code: 'VALUE_OUT_OF_BOUNDS', message: 'limit too big', property: 'limit' },
    ]);
    expect(one).toMatchObject({ code: 'VALUE_OUT_OF_BOUNDS', property: 'limit' });
    const two = InvalidRequestError.fromProblems([
      { code: 'VALUE_OUT_OF_BOUNDS', message: 'a', property: 'limit' },
      { code: 'REQUIRED_VALUE_MISSING', message: 'b', property: 'name' },
    ]);
    expect(two).toMatchObject({ code: 'INVALID_REQUEST_DATA', message: 'Request has 2 invalid properties' });
    expect(two.details).toHaveLength(2);
  });

  it('writes property paths the way ERRORS.md shows them', () => {
    expect(propertyPath(['read_roles', 2, 'id'])).toBe('read_roles[2].id');
    expect(propertyPath(['data'])).toBe('data');
  });
});
