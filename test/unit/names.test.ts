import { describe, expect, it } from 'vitest';
import { secretNameProblems } from '../../shared/domain/names.ts';

describe('secret names', () => {
  it.each(['db', 'prod/db/password', 'with space', 'ünïcödé/名前', 'a#b', `${'x'.repeat(256)}`])(
    'accepts %j',
    (name) => {
      expect(secretNameProblems(name)).toEqual([]);
    },
  );

  it.each([
    ['', 'REQUIRED_VALUE_MISSING'],
    ['x'.repeat(257), 'VALUE_OUT_OF_BOUNDS'],
    ['/leading', 'VALUE_INCORRECT_FORMAT'],
    ['trailing/', 'VALUE_INCORRECT_FORMAT'],
    ['a//b', 'VALUE_INCORRECT_FORMAT'],
    ['a/./b', 'VALUE_INCORRECT_FORMAT'],
    ['../etc', 'VALUE_INCORRECT_FORMAT'],
    ['tab\there', 'VALUE_INCORRECT_FORMAT'],
    ['nul\u0000', 'VALUE_INCORRECT_FORMAT'],
    ['lone \ud800 surrogate', 'VALUE_INCORRECT_FORMAT'],
  ])('refuses %j with %s', (name, code) => {
    expect(secretNameProblems(name)).toEqual([expect.objectContaining({ code, property: 'name' })]);
  });
});
