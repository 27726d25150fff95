import { describe, expect, it } from 'vitest';
import { idProblems, normalizeName, secretNameProblems } from '../../shared/domain/names.ts';
import { SecretName } from '../../shared/schemas.ts';

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

describe('look-alike names and ids', () => {
  it.each([
    ['zero-width space', 'pass\u200bword'],
    ['zero-width non-joiner', 'a\u200cb'],
    ['left-to-right mark', 'a\u200eb'],
    ['right-to-left override', '\u202egpj.exe'],
    ['left-to-right embedding', '\u202ax'],
    ['first-strong isolate', '\u2068x\u2069'],
    ['word joiner', 'a\u2060b'],
    ['byte order mark', '\ufeffdb'],
    ['soft hyphen', 'pass\u00adword'],
    ['tag character', 'db\u{e0041}'],
    ['line separator', 'a\u2028b'],
    ['paragraph separator', 'a\u2029b'],
    ['trailing space', 'db '],
    ['leading space', ' db'],
    ['trailing ideographic space', 'db\u3000'],
    ['NFD form (the schema normalizes before this check)', 'cafe\u0301'],
  ])('refuses a name with a %s', (_what, name) => {
    expect(secretNameProblems(name)).toEqual([
      expect.objectContaining({ code: 'VALUE_INCORRECT_FORMAT', property: 'name' }),
    ]);
  });

  it('normalizes names to NFC: the decomposed and composed forms are one name', () => {
    expect(normalizeName('cafe\u0301')).toBe('caf\u00e9');
    expect(normalizeName('\u212b')).toBe('\u00c5');
    expect(SecretName.parse('prod/cafe\u0301')).toBe('prod/caf\u00e9');
    expect(secretNameProblems(normalizeName('prod/cafe\u0301'))).toEqual([]);
    // A lone surrogate is left for the rules to refuse, not normalized into something else.
    expect(normalizeName('a\ud800')).toBe('a\ud800');
  });

  it.each(['ap\u200bp', '\u202eppa', 'app ', ' app', 'cafe\u0301', 'a\u2028b'])(
    'refuses the id %j (ids are compared with token claims as they are, so never rewritten)',
    (id) => {
      expect(idProblems(id, 'role id')).toEqual([
        expect.objectContaining({ code: 'VALUE_INCORRECT_FORMAT', property: 'role id' }),
      ]);
    },
  );

  it('accepts ordinary ids, non-ASCII ones in NFC included', () => {
    for (const id of ['app', 'ops-team', 'caf\u00e9', '名前', 'a b', 'arn:aws:iam::1:role/x'])
      expect(idProblems(id, 'role id')).toEqual([]);
  });
});
