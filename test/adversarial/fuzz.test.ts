/**
 * Property: whatever arrives (paths, query strings, headers, bodies, over every operation of the
 * table), the answer is never a 5xx; a refusal is a shaped 4xx and changes nothing in the store.
 * A fixed seed and FUZZ_RUNS cases (300 in CI; `FUZZ_RUNS=5000 npx vitest run test/adversarial/fuzz.test.ts` for more).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allOperations } from '../../shared/operations.ts';
import { ErrorResponse } from '../../shared/schemas.ts';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);

let vault: InProcessVault;
let token: string;
const tally = { cases: 0, refused: 0, accepted: 0 };

beforeAll(async () => {
  vault = await startInProcessVault();
  token = await vault.issuer.mint({
    sub: 'fuzzer',
    scopes: ['user', 'owner', 'vaultAdd', 'vaultManage', 'admin', 'service'],
    roles: ['r'],
  });
  await fetch(`${vault.runtime.apiUrl}/secrets`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: 'fuzz/existing',
      data: { v: 1 },
      read_roles: [{ id: 'r' }],
      write_roles: [{ id: 'r' }],
    }),
  });
});

afterAll(async () => {
  console.log(
    `fuzz: ${tally.cases} cases (seed ${SEED}): ${tally.refused} refused with a shaped 4xx, ${tally.accepted} accepted, 0 5xx`,
  );
  await vault.close();
});

const nasty = [
  '',
  '.',
  '..',
  'a/../b',
  '/lead',
  'trail/',
  'a//b',
  '%',
  '%zz',
  '%2F',
  '\u0000',
  '\u202e',
  'x'.repeat(300),
  '名前/x',
  'fuzz/existing',
  '\ud800',
  ' ',
  '#',
  '?a=b',
];
const nameArb = fc.oneof(
  fc.constantFrom(...nasty),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
/** Lone surrogates cannot be percent-encoded as UTF-8: send them as the bytes a broken client would. */
const component = (text: string): string =>
  [...text].map((char) => (char.isWellFormed() ? encodeURIComponent(char) : '%ED%A0%80')).join('');
const encode = (name: string, mode: number): string => {
  if (mode === 0) return component(name);
  if (mode === 1) return name.split('/').map(component).join('/');
  return component(name).replaceAll('%2F', '/').replaceAll('%25', '%');
};
const pathArb = fc
  .record({
    op: fc.constantFrom(...allOperations),
    name: nameArb,
    user: nameArb,
    mode: fc.integer({ min: 0, max: 2 }),
    junk: fc.option(fc.string({ maxLength: 10 }), { freq: 8 }),
  })
  .map(({ op, name, user, mode, junk }) => ({
    op,
    path: `${op.path.replace('{name+}', encode(name, mode) || 'x').replace('{user_id}', component(user) || 'u')}${junk ? component(junk) : ''}`,
  }));
const queryArb = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      'limit',
      'offset',
      'version',
      'stage',
      'force',
      'recovery_window_days',
      'sortkey',
      'sortdir',
      'secret',
      'owner',
      'actor',
      'since',
      'until',
    ),
    fc.string({ maxLength: 8 }),
  ),
  fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.integer().map(String),
    fc.constantFrom('-1', '0', '1e9', 'NaN', 'true', '', 'DESC', 'previous', 'x'.repeat(2000)),
  ),
  { maxKeys: 4 },
);
const deep = (depth: number) => `{"name":"deep","data":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
const bodyArb: fc.Arbitrary<string | Uint8Array | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .record(
      {
        name: fc.oneof(nameArb, fc.jsonValue()),
        data: fc.jsonValue(),
        read_roles: fc.jsonValue(),
        write_roles: fc.jsonValue(),
        tags: fc.jsonValue(),
        expires: fc.jsonValue(),
        names: fc.jsonValue(),
        rotator: fc.jsonValue(),
        schedule: fc.jsonValue(),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  fc.constantFrom(
    '{',
    '{"name":',
    'null',
    '[]',
    '"text"',
    '123',
    '',
    '{"__proto__":{"admin":true}}',
    '{"name":"p","data":{"__proto__":{"x":1}}}',
    '{"name":"c","data":{"constructor":{"prototype":{"x":1}}}}',
    'name=x&data=y',
  ),
  fc.integer({ min: 33, max: 20_000 }).map(deep),
  fc.integer({ min: 1, max: 400_000 }).map((size) => `{"name":"big","data":{"a":"${'x'.repeat(size)}"}}`),
  fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map((bytes) => Uint8Array.from([0x7b, 0xff, 0xfe, ...bytes, 0x7d])),
);
const headersArb = fc.record(
  {
    'Content-Type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/problem+json',
      'application/json; charset=utf-16',
      '',
      'multipart/form-data; boundary=x',
    ),
    'If-Match': fc.oneof(
      fc.constantFrom('"1"', 'W/"1"', '*', '"x"', '', '"99999999999999999999"'),
      fc.string({ maxLength: 12 }),
    ),
    'If-None-Match': fc.constantFrom('*', '"1"', 'x'),
    'Idempotency-Key': fc.oneof(fc.string({ maxLength: 20 }), fc.constant('k'.repeat(300))),
  },
  { requiredKeys: [] },
);
const methodArb = (method: string) =>
  fc.oneof(
    { weight: 9, arbitrary: fc.constant(method) },
    { weight: 1, arbitrary: fc.constantFrom('PATCH', 'OPTIONS', 'GET', 'DELETE') },
  );

describe('fuzzing every operation', () => {
  it(`never answers 5xx; every refusal is shaped and changes nothing (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        pathArb.chain(({ op, path }) =>
          fc.record({
            path: fc.constant(path),
            method: methodArb(op.method),
            query: queryArb,
            headers: headersArb,
            body: bodyArb,
            withToken: fc.boolean(),
          }),
        ),
        async ({ path, method, query, headers, body, withToken }) => {
          tally.cases++;
          // Refusals may add to the audit trail (that is the point of it); nothing else may change.
          const before = await vault.snapshot({ trail: false });
          const search = new URLSearchParams(query).toString();
          const send = method === 'GET' || method === 'HEAD' ? undefined : body;
          const cleanHeaders = Object.fromEntries(
            Object.entries(headers).filter(([, value]) => /^[\t\x20-\x7e]*$/.test(value)),
          );
          const response = await fetch(`${vault.runtime.apiUrl}${path}${search ? `?${search}` : ''}`, {
            method,
            headers: { ...cleanHeaders, ...(withToken && { Authorization: `Bearer ${token}` }) },
            ...(send !== undefined && { body: send }),
          });
          const text = await response.text();
          expect(response.status, `${method} ${path}: ${text.slice(0, 300)}`).toBeLessThan(500);
          if (response.status >= 400) {
            tally.refused++;
            const parsed = ErrorResponse.safeParse(JSON.parse(text));
            expect(parsed.success, text.slice(0, 300)).toBe(true);
            expect(text).not.toMatch(/\n\s*at |node_modules/);
            expect(await vault.snapshot({ trail: false }), `${method} ${path} changed the store`).toBe(
              before,
            );
          } else {
            tally.accepted++;
          }
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });

  it('bodies of 10 MB and beyond are refused with a shaped 413', async () => {
    for (const size of [10 * 1024 * 1024, 10 * 1024 * 1024 + 1]) {
      const response = await fetch(`${vault.runtime.apiUrl}/secrets`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: `{"name":"huge","data":{"a":"${'x'.repeat(size - 30)}"}}`,
      });
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error_code: string }).error_code).toBe('PAYLOAD_TOO_LARGE');
    }
  });
});
