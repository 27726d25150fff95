/**
 * Inputs the vault cannot keep exactly are refused, never silently changed: bodies that are not
 * UTF-8, numbers JSON.parse would alter, lone surrogates, look-alike names, schedules whose dates
 * cannot be stored. Each attack goes through the local HTTP server (where bodies are decoded) and
 * checks the status, the shaped error with its `property`, and that the table did not change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponse } from '../../shared/schemas.ts';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';
import { USERS } from '../support/users.ts';

let vault: InProcessVault;
let ops: string;
let reader: string;

interface Reply {
  status: number;
  text: string;
  json: any;
}

async function send(
  method: string,
  path: string,
  body?: string | Uint8Array | object,
  token = ops,
): Promise<Reply> {
  const raw = body === undefined || typeof body === 'string' || body instanceof Uint8Array;
  const response = await fetch(`${vault.runtime.apiUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'Content-Type': 'application/json' }),
    },
    body: raw ? (body as string | Uint8Array | undefined) : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

const secretPath = (name: string) => `/secrets/${encodeURIComponent(name)}`;

/** A shaped 400 naming `property`, and the table exactly as it was before the request. */
async function expectRefused(
  request: () => Promise<Reply>,
  property: string | undefined,
  code?: string,
): Promise<Reply> {
  const before = await vault.snapshot();
  const reply = await request();
  expect(reply.status, reply.text).toBe(400);
  expect(ErrorResponse.safeParse(reply.json).success, reply.text).toBe(true);
  if (property !== undefined) expect(reply.json.property, reply.text).toBe(property);
  if (code !== undefined) expect(reply.json.error_code, reply.text).toBe(code);
  expect(await vault.snapshot()).toBe(before);
  return reply;
}

beforeAll(async () => {
  vault = await startInProcessVault();
  ops = await vault.issuer.mint({ sub: 'ops', scopes: ['user', 'vaultAdd', 'vaultManage'], roles: ['app'] });
  reader = await vault.issuer.mint(USERS.app);
});

afterAll(async () => {
  await vault?.close();
});

describe('values are kept exactly or refused (item 10)', () => {
  it('a body that is not valid UTF-8 is refused with a shaped 400, not stored with U+FFFD', async () => {
    const head = Buffer.from('{"name":"utf8/bad","data":{"password":"p');
    const tail = Buffer.from('ss"},"read_roles":[{"id":"app"}]}');
    const body = new Uint8Array(Buffer.concat([head, Buffer.from([0xff, 0xfe, 0xc3]), tail]));
    const reply = await expectRefused(() => send('POST', '/secrets', body), undefined, 'BAD_REQUEST');
    expect(reply.json.error_message).toMatch(/UTF-8/);
    expect((await send('GET', secretPath('utf8/bad'))).status).toBe(404);
    // An overlong encoding of "/" and an encoded surrogate are not UTF-8 either.
    for (const bad of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
    ]) {
      const overlong = new Uint8Array(Buffer.concat([head, Buffer.from(bad), tail]));
      await expectRefused(() => send('POST', '/secrets', overlong), undefined, 'BAD_REQUEST');
    }
  });

  it.each([
    ['an integer beyond 2^53', '{"big": 12345678901234567890}', 'data.big', 'VALUE_OUT_OF_BOUNDS'],
    [
      '2^53 itself (2^53 + 1 would read the same)',
      '{"big": 9007199254740992}',
      'data.big',
      'VALUE_OUT_OF_BOUNDS',
    ],
    [
      'a float just past 2^53 that reads as its neighbour',
      '{"f": 9007199254740993.0}',
      'data.f',
      'VALUE_INCORRECT_FORMAT',
    ],
    ['a number that overflows to Infinity', '{"huge": 1e400}', 'data.huge', 'VALUE_OUT_OF_BOUNDS'],
    ['a negative overflow', '{"huge": -1e400}', 'data.huge', 'VALUE_OUT_OF_BOUNDS'],
    ['a number that underflows to 0', '{"tiny": 1e-400}', 'data.tiny', 'VALUE_INCORRECT_FORMAT'],
    [
      'a decimal with more precision than a double',
      '{"pi": 3.14159265358979323846}',
      'data.pi',
      'VALUE_INCORRECT_FORMAT',
    ],
    [
      'a large number in nested arrays',
      '{"list": [1, [2, 1e999]]}',
      'data.list[1][1]',
      'VALUE_OUT_OF_BOUNDS',
    ],
    ['a lone surrogate in a string', '{"s": "\\ud800"}', 'data.s', 'VALUE_INCORRECT_FORMAT'],
    [
      'a lone low surrogate in a nested string',
      '{"a": {"b": ["x\\udc00y"]}}',
      'data.a.b[0]',
      'VALUE_INCORRECT_FORMAT',
    ],
    ['a lone surrogate in a key', '{"a": {"\\ud800": 1}}', 'data.a', 'VALUE_INCORRECT_FORMAT'],
    ['negative zero (read back as 0)', '{"z": -0}', 'data.z', 'VALUE_INCORRECT_FORMAT'],
    ['negative zero written as a fraction', '{"z": [1, -0.0]}', 'data.z[1]', 'VALUE_INCORRECT_FORMAT'],
    ['negative zero written with an exponent', '{"z": {"e": -0e3}}', 'data.z.e', 'VALUE_INCORRECT_FORMAT'],
    [
      'a member name given twice (the last would win)',
      '{"password": "A", "password": "B"}',
      'data.password',
      'VALUE_INCORRECT_FORMAT',
    ],
    ['a member name given twice, once escaped', '{"a": 1, "\\u0061": 2}', 'data.a', 'VALUE_INCORRECT_FORMAT'],
    [
      'a member name given twice deep in arrays',
      '{"a": [[{"b": {"c": 1, "c": 1}}]]}',
      'data.a[0][0].b.c',
      'VALUE_INCORRECT_FORMAT',
    ],
  ])('refuses %s with a 400 naming the property, storing nothing', async (_what, data, property, code) => {
    const body = `{"name":"exact/refused","data":${data},"read_roles":[{"id":"app"}]}`;
    await expectRefused(() => send('POST', '/secrets', body), property, code);
    expect((await send('GET', secretPath('exact/refused'))).status).toBe(404);
  });

  it('lists every number it refuses, each with its own property', async () => {
    const body = '{"name":"exact/two","data":{"a":1e400,"b":[18446744073709551616]}}';
    const reply = await expectRefused(
      () => send('POST', '/secrets', body),
      undefined,
      'INVALID_REQUEST_DATA',
    );
    expect(reply.json.details.map((detail: { property: string }) => detail.property).sort()).toEqual([
      'data.a',
      'data.b[0]',
    ]);
  });

  it('the F7 body (duplicated data member, duplicated read_roles, -0) is refused naming each, storing nothing', async () => {
    const body =
      '{"name":"exact/f7","data":{"password":"A","password":"B","z":-0},' +
      '"read_roles":[{"id":"app"}],"read_roles":[{"id":"nobody"}]}';
    const reply = await expectRefused(
      () => send('POST', '/secrets', body),
      undefined,
      'INVALID_REQUEST_DATA',
    );
    expect(reply.json.details.map((detail: { property: string }) => detail.property)).toEqual([
      'data.password',
      'read_roles',
      'data.z',
    ]);
    expect((await send('GET', secretPath('exact/f7'))).status).toBe(404);
  });

  it('an update naming data twice is refused and the stored value stays as it was', async () => {
    const name = 'exact/update-twice';
    expect(
      (await send('POST', '/secrets', { name, data: { n: 1 }, read_roles: [{ id: 'app' }] })).status,
    ).toBe(201);
    await expectRefused(
      () => send('PUT', secretPath(name), '{"data":{"n":2},"data":{"n":3}}'),
      'data',
      'VALUE_INCORRECT_FORMAT',
    );
    const stored = await send('GET', secretPath(name), undefined, reader);
    expect(stored.json).toMatchObject({ version: 1, data: { n: 1 } });
  });

  it('an update with an altered number is refused and the stored value stays as it was', async () => {
    const name = 'exact/update';
    expect(
      (await send('POST', '/secrets', { name, data: { n: 1 }, read_roles: [{ id: 'app' }] })).status,
    ).toBe(201);
    await expectRefused(() => send('PUT', secretPath(name), '{"data":{"n":99999999999999999999}}'), 'data.n');
    const stored = await send('GET', secretPath(name), undefined, reader);
    expect(stored.json).toMatchObject({ version: 1, data: { n: 1 } });
  });

  it('numbers a double holds exactly come back as the same numbers, in any notation', async () => {
    const name = 'exact/kept';
    const body =
      '{"name":"exact/kept","read_roles":[{"id":"app"}],"data":{"max":9007199254740991,"min":-9007199254740991,' +
      '"tenth":0.1,"small":-1.5e-7,"avogadro":6.02e23,"big":1.5e300,"one":1.0,"frac":2.50,"exp":12E-1,"zero":0.0,"s":"😀 ok"}}';
    expect((await send('POST', '/secrets', body)).status).toBe(201);
    const stored = await send('GET', secretPath(name), undefined, reader);
    expect(stored.json.data).toEqual({
      max: 9007199254740991,
      min: -9007199254740991,
      tenth: 0.1,
      small: -1.5e-7,
      avogadro: 6.02e23,
      big: 1.5e300,
      one: 1,
      frac: 2.5,
      exp: 1.2,
      zero: 0,
      s: '😀 ok',
    });
  });
});

describe('one name, one secret (item 11)', () => {
  const nfc = 'look/caf\u00e9';
  const nfd = 'look/cafe\u0301';

  it('the NFD form of a name addresses the secret created under its NFC form', async () => {
    const created = await send('POST', '/secrets', {
      name: nfd,
      data: { v: 'first' },
      read_roles: [{ id: 'app' }],
      write_roles: [{ id: 'app' }],
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json.name).toBe(nfc);
    // The other form is the same name: a duplicate, not a second secret.
    const twin = await send('POST', '/secrets', {
      name: nfc,
      data: { v: 'twin' },
      read_roles: [{ id: 'app' }],
    });
    expect(twin.status, twin.text).toBe(409);
    for (const form of [nfc, nfd]) {
      const got = await send('GET', secretPath(form), undefined, reader);
      expect(got.status, got.text).toBe(200);
      expect(got.json).toMatchObject({ name: nfc, data: { v: 'first' } });
    }
    const updated = await send('PUT', secretPath(nfd), { name: nfd, data: { v: 'second' } }, reader);
    expect(updated.status, updated.text).toBe(200);
    const batch = await send('POST', '/batch/secrets', { names: [nfd, nfc] }, reader);
    expect(batch.status, batch.text).toBe(200);
    expect(batch.json.items).toEqual([expect.objectContaining({ name: nfc, data: { v: 'second' } })]);
    for (const keywords of ['caf\u00e9', 'cafe\u0301', 'CAFE\u0301']) {
      const found = await send('POST', '/search/secrets', { keywords }, reader);
      expect(found.json.items.map((item: { name: string }) => item.name)).toEqual([nfc]);
    }
  });

  it.each([
    ['a zero-width space', 'look/pass\u200bword'],
    ['a zero-width joiner', 'look/a\u200db'],
    ['a right-to-left override', 'look/\u202egpj.exe'],
    ['a bidi isolate', 'look/\u2066x\u2069'],
    ['a byte order mark', '\ufefflook/bom'],
    ['a soft hyphen', 'look/pass\u00adword'],
    ['a line separator', 'look/a\u2028b'],
    ['a paragraph separator', 'look/a\u2029b'],
    ['a trailing space', 'look/db '],
    ['a leading space', ' look/db'],
    ['a trailing no-break space', 'look/db\u00a0'],
  ])('refuses a name with %s (in the body and in the path)', async (_what, name) => {
    await expectRefused(
      () => send('POST', '/secrets', { name, data: { v: 1 }, read_roles: [{ id: 'app' }] }),
      'name',
      'VALUE_INCORRECT_FORMAT',
    );
    await expectRefused(
      () => send('GET', secretPath(name), undefined, reader),
      'name',
      'VALUE_INCORRECT_FORMAT',
    );
  });

  it.each([
    ['a zero-width space', 'ap\u200bp'],
    ['a right-to-left override', '\u202eppa'],
    ['a trailing space', 'app '],
    ['a decomposed (NFD) form', 'cafe\u0301'],
  ])('refuses a role id with %s', async (_what, id) => {
    await expectRefused(
      () => send('POST', '/secrets', { name: 'look/roles', data: { v: 1 }, read_roles: [{ id }] }),
      'read_roles[0].id',
      'VALUE_INCORRECT_FORMAT',
    );
  });

  it('refuses a user id with an invisible character in the path', async () => {
    await expectRefused(
      () => send('GET', `/user/${encodeURIComponent('ops\u200b')}/secrets`),
      'user_id',
      'VALUE_INCORRECT_FORMAT',
    );
  });
});

describe('rotation schedules are bounded (item 12)', () => {
  const name = 'sched/db';
  beforeAll(async () => {
    await send('POST', '/secrets', { name, data: { password: 'p' }, write_roles: [{ id: 'app' }] });
  });

  it.each([
    ['a rate whose next date is beyond any date (was a 500)', 'rate(9999999999999 days)'],
    ['a rate whose next date sorts before now as a string (rotated at once)', 'rate(50000000 days)'],
    ['more than 1000 days', 'rate(1001 days)'],
    ['less than 4 hours', 'rate(239 minutes)'],
    ['every minute', 'rate(1 minute)'],
    ['a cron firing every hour', 'cron(0 * * * ? *)'],
    ['a cron firing twice an hour', 'cron(0,30 3 * * ? *)'],
    ['a cron firing 3 hours apart', 'cron(0 0,3 * * ? *)'],
    ['a cron firing across midnight 2 hours apart', 'cron(0 1,12,23 * * ? *)'],
  ])('refuses %s with a 400 naming schedule', async (_what, schedule) => {
    await expectRefused(
      () => send('PUT', `/rotation${secretPath(name)}`, { rotator: { type: 'password' }, schedule }),
      'schedule',
      'VALUE_OUT_OF_BOUNDS',
    );
  });

  it.each([
    ['rate(4 hours)', 4 * 3600_000],
    ['rate(240 minutes)', 4 * 3600_000],
    ['rate(1000 days)', 1000 * 86400_000],
  ])('accepts %s and schedules the first run one interval ahead', async (schedule, interval) => {
    const started = Date.now();
    const reply = await send('PUT', `/rotation${secretPath(name)}`, {
      rotator: { type: 'password' },
      schedule,
    });
    expect(reply.status, reply.text).toBe(200);
    const next = Date.parse(reply.json.rotation.next_rotation);
    expect(next - started).toBeGreaterThanOrEqual(interval - 1000);
    expect(next - Date.now()).toBeLessThanOrEqual(interval);
    expect(reply.json.rotation.next_rotation).toMatch(/^\d{4}-/);
  });

  it.each(['cron(0 3 * * ? *)', 'cron(0 */4 * * ? *)', 'cron(15 0,12 ? * MON-FRI *)'])(
    'accepts %s',
    async (schedule) => {
      const reply = await send('PUT', `/rotation${secretPath(name)}`, {
        rotator: { type: 'password' },
        schedule,
      });
      expect(reply.status, reply.text).toBe(200);
    },
  );
});
