/**
 * Property: identifiers at their maximum length in multi-byte characters (owner id, name, 40 roles,
 * 50 tags, description) make keys no longer than DynamoDB allows, so every operation on such a
 * secret answers exactly what it answers for a short-named twin, and never a 5xx (issue 13 item 6).
 * 3-byte characters (CJK) carry the most UTF-8 bytes per UTF-16 unit and triple when URI-encoded;
 * 4-byte ones (astral plane) are two units each. Runs through the local stack on DynamoDB Local,
 * which refuses keys over the limits as DynamoDB does; the table is scanned afterwards as well.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { MAX_ID_LENGTH, MAX_NAME_LENGTH } from '../../shared/domain/names.ts';
import { MAX_ROLES, MAX_TAGS } from '../../shared/schemas.ts';
import { AUDIT_INDEX } from '../../shared/store/table.ts';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';

const RUNS = Number(process.env.KEY_SIZE_RUNS ?? 1);
const SEED = Number(process.env.KEY_SIZE_SEED ?? 20261202);
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;
const MAX_DESCRIPTION = 2048;

let vault: InProcessVault;

beforeAll(async () => {
  vault = await startInProcessVault();
});

afterAll(async () => {
  await vault?.close();
});

/** Everything a secret is named by: the owner (the token's `sub`), its name, roles, tags. */
interface Ids {
  owner: string;
  name: string;
  roles: string[];
  tags: Array<{ key: string; value: string }>;
  description: string;
}

/** Code points of one UTF-8 width that pass the name rules (no format characters, NFC-stable). */
const WIDTHS = {
  3: [
    [0x4e00, 0x9fff], // CJK unified ideographs
    [0xac00, 0xd7a3], // Hangul syllables (precomposed: NFC keeps them)
  ],
  4: [
    [0x20000, 0x2a6df], // CJK extension B
    [0x1f600, 0x1f64f], // emoticons
  ],
} as const;

/** A string of exactly `units` UTF-16 units made of characters `width` UTF-8 bytes long. */
const textOf = (width: 3 | 4, units: number) =>
  fc
    .array(
      fc.oneof(...WIDTHS[width].map(([min, max]) => fc.integer({ min, max }))),
      width === 3 ? { minLength: units, maxLength: units } : { minLength: units / 2, maxLength: units / 2 },
    )
    .map((points) => String.fromCodePoint(...points));

const idsOf = (width: 3 | 4): fc.Arbitrary<Ids> =>
  fc.record({
    owner: textOf(width, MAX_ID_LENGTH),
    name: textOf(width, MAX_NAME_LENGTH),
    roles: fc.uniqueArray(textOf(width, MAX_ID_LENGTH), {
      minLength: 2 * MAX_ROLES,
      maxLength: 2 * MAX_ROLES,
    }),
    tags: fc
      .uniqueArray(textOf(width, MAX_TAG_KEY), { minLength: MAX_TAGS, maxLength: MAX_TAGS })
      .chain((keys) =>
        fc
          .array(textOf(width, MAX_TAG_VALUE), { minLength: keys.length, maxLength: keys.length })
          .map((values) => keys.map((key, i) => ({ key, value: values[i]! }))),
      ),
    description: textOf(width, MAX_DESCRIPTION),
  });

let twins = 0;
/** The same shape in short ASCII identifiers, unique to this case. */
function shortTwin(): Ids {
  const id = `${++twins}x${Math.random().toString(36).slice(2, 8)}`;
  return {
    owner: `owner${id}`,
    name: `name${id}`,
    roles: Array.from({ length: 2 * MAX_ROLES }, (_, i) => `role${id}r${i}`),
    tags: Array.from({ length: MAX_TAGS }, (_, i) => ({ key: `key${id}k${i}`, value: `value${id}v${i}` })),
    description: `description${id}`,
  };
}

/** Placeholders for the identifiers of a case, raw and URI-encoded, longest first. */
function placeholdersOf(ids: Ids): Array<[string, string]> {
  const pairs: Array<[string, string]> = [
    [ids.owner, '<owner>'],
    [ids.name, '<name>'],
    [ids.description, '<description>'],
    ...ids.roles.map((role, i): [string, string] => [role, `<role${i}>`]),
    ...ids.tags.flatMap(
      ({ key, value }, i): Array<[string, string]> => [
        [key, `<key${i}>`],
        [value, `<value${i}>`],
      ],
    ),
  ];
  return pairs
    .flatMap(
      ([text, holder]): Array<[string, string]> => [
        [encodeURIComponent(text), holder],
        [text, holder],
      ],
    )
    .sort((a, b) => b[0].length - a[0].length);
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/;
/** Values that differ from one run to the next whatever the names: times, trace ids, hashes, chain positions. */
const VOLATILE = new Set(['trace_id', 'hash', 'prev_hash', 'lane', 'seq', 'source_ip', 'token']);

function normalize(value: unknown, holders: Array<[string, string]>, key?: string): unknown {
  if (key !== undefined && VOLATILE.has(key)) return '*';
  // A rotated password is random: that it changed is asserted separately.
  if (key === 'password' && typeof value === 'string' && !value.startsWith('fixed-')) return '<rotated>';
  if (typeof value === 'string') {
    if (ISO_TIME.test(value)) return '<time>';
    let text = value;
    for (const [from, to] of holders) text = text.replaceAll(from, to);
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => normalize(item, holders));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [normalize(k, holders), normalize(v, holders, k)]),
    );
  return value;
}

/** The largest keys (UTF-8 bytes) of the items of one width's cases. */
let largest = { pk: 0, sk: 0, [AUDIT_INDEX.sortKey]: 0 };
const figures: string[] = [];

/**
 * Scans the whole table and checks every key against DynamoDB's limits (DynamoDB Local enforces
 * them too: this names the key that would break), and measures how close the items of `ids` came.
 */
async function checkKeySizes(ids: Ids): Promise<void> {
  const marks = [ids.name, ids.owner, encodeURIComponent(ids.owner)];
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...LOCAL_AWS, endpoint: vault.runtime.dynamoEndpoint }),
  );
  const over: string[] = [];
  try {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new ScanCommand({
          TableName: vault.runtime.tableName,
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) {
        const text = JSON.stringify(item);
        const ours = marks.some((mark) => text.includes(mark));
        for (const [key, limit] of [
          ['pk', 2048],
          ['sk', 1024],
          [AUDIT_INDEX.sortKey, 1024],
        ] as const) {
          if (item[key] === undefined) continue;
          const bytes = Buffer.byteLength(String(item[key]));
          if (ours) largest[key] = Math.max(largest[key], bytes);
          if (bytes > limit) over.push(`${key} of ${bytes} B in ${String(item.pk).slice(0, 40)}…`);
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    db.destroy();
  }
  expect(over).toEqual([]);
}

interface Answer {
  step: string;
  status: number;
  body: unknown;
}

const enc = encodeURIComponent;

/**
 * Every operation the issue names, on a shared and a personal secret named by `ids`; the
 * transcript is normalized so that a long-named case and its short twin can be compared.
 */
async function transcript(ids: Ids): Promise<{ answers: Answer[]; rotated: boolean }> {
  const { issuer, runtime } = vault;
  const token = await issuer.mint({
    sub: ids.owner,
    scopes: ['user', 'owner', 'vaultAdd', 'vaultManage', 'admin'],
    roles: [ids.roles[0]!],
  });
  const holders = placeholdersOf(ids);
  const answers: Answer[] = [];
  const call = async (
    step: string,
    method: string,
    path: string,
    body?: unknown,
    pick?: (json: any) => unknown,
  ) => {
    const response = await fetch(`${runtime.apiUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : undefined;
    const location = response.headers.get('location');
    const seen = {
      ...(location !== null && { location }),
      json: pick && response.ok ? pick(json) : json,
    };
    answers.push({ step, status: response.status, body: normalize(seen, holders) });
    return json;
  };

  const roles = (from: number) => ids.roles.slice(from, from + MAX_ROLES).map((id) => ({ id }));
  // An expiry puts the secret on the due-date index (near-expiry and expired items).
  const expires = '2099-01-01T00:00:00Z';
  const definition = { description: ids.description, tags: ids.tags };
  const shared = `/secrets/${enc(ids.name)}`;
  const personal = `/user/${enc(ids.owner)}/secrets/${enc(ids.name)}`;
  const ownName = (json: { items: Array<{ name: string }> }) =>
    json.items.filter((item) => item.name === ids.name);
  const auditTrail = (json: { count: number; items: unknown[] }) => ({
    count: json.count,
    // Lanes are picked at random: compare the entries as a set.
    items: json.items.map((item) => JSON.stringify(normalize(item, holders))).sort(),
  });

  // Shared: read roles 0..19 (the caller holds role 0), write roles 20..39.
  await call('create shared', 'POST', '/secrets', {
    name: ids.name,
    data: { user: 'app', password: 'fixed-1' },
    read_roles: roles(0),
    write_roles: roles(MAX_ROLES),
    ...definition,
    expires,
  });
  await call('get shared', 'GET', shared);
  await call('update shared', 'PUT', shared, {
    data: { user: 'app', password: 'fixed-2' },
    write_roles: roles(MAX_ROLES).reverse(),
    tags: [...ids.tags].reverse(),
  });
  await call('get shared version 1', 'GET', `${shared}?version=1`);
  await call('metadata shared', 'GET', `/metadata/secrets/${enc(ids.name)}`);
  await call('list shared', 'GET', '/secrets?offset=0&limit=100', undefined, ownName);
  await call('search shared by name', 'POST', '/search/secrets', { keywords: ids.name }, ownName);
  await call(
    'search shared by tag',
    'POST',
    '/search/secrets',
    { tags: [ids.tags[MAX_TAGS - 1]], filter: 'readable' },
    ownName,
  );
  await call('batch read shared', 'POST', '/batch/secrets', { names: [ids.name] });
  await call('configure rotation', 'PUT', `/rotation/secrets/${enc(ids.name)}`, {
    rotator: { type: 'password', field: 'password' },
    schedule: 'rate(30 days)',
  });
  await call('get rotation', 'GET', `/rotation/secrets/${enc(ids.name)}`);
  await call('rotate', 'POST', `/rotate/secrets/${enc(ids.name)}`);
  const afterRotation = await call('get shared after rotation', 'GET', shared);
  await call('versions shared', 'GET', `/versions/secrets/${enc(ids.name)}`);
  await call('previous stage', 'GET', `${shared}?stage=previous`);
  await call('delete shared', 'DELETE', shared);
  await call('get deleted shared', 'GET', shared);
  await call('restore shared', 'POST', `/restore/secrets/${enc(ids.name)}`);
  await call('get restored shared', 'GET', shared);
  await call('audit shared', 'GET', `/audit?secret=${enc(ids.name)}`, undefined, auditTrail);

  // Personal: the owner is the caller, whose id is as long as ids get. Created without an expiry
  // (its audit entry alone once made the create a 500 and every later read too), then given one.
  await call('create personal', 'POST', `/user/${enc(ids.owner)}/secrets`, {
    name: ids.name,
    data: { password: 'fixed-3' },
    ...definition,
  });
  await call('get personal', 'GET', personal);
  await call('update personal', 'PUT', personal, {
    data: { password: 'fixed-4' },
    tags: ids.tags.slice(1),
    expires,
  });
  await call('get personal version 1', 'GET', `${personal}?version=1`);
  await call('metadata personal', 'GET', `/user/${enc(ids.owner)}/metadata/secrets/${enc(ids.name)}`);
  await call('list personal', 'GET', `/user/${enc(ids.owner)}/secrets?offset=0&limit=100`);
  await call('search personal', 'POST', '/search/secrets', { keywords: ids.name, owner_id: [ids.owner] });
  await call('versions personal', 'GET', `/user/${enc(ids.owner)}/versions/secrets/${enc(ids.name)}`);
  await call('delete personal', 'DELETE', personal);
  await call('get deleted personal', 'GET', personal);
  await call('restore personal', 'POST', `/user/${enc(ids.owner)}/restore/secrets/${enc(ids.name)}`);
  await call('get restored personal', 'GET', personal);
  await call(
    'audit personal',
    'GET',
    `/audit?secret=${enc(ids.name)}&owner=${enc(ids.owner)}`,
    undefined,
    auditTrail,
  );
  // Everything the two secrets wrote is in the table now (head, versions, listings, counters, due
  // items, audit entries): measure it before the purge removes most of it.
  await checkKeySizes(ids);
  await call('purge personal', 'DELETE', `${personal}?force=true`);
  await call('purge shared', 'DELETE', `${shared}?force=true`);
  await call('get purged personal', 'GET', personal);

  const password = afterRotation?.data?.password;
  return { answers, rotated: typeof password === 'string' && password !== 'fixed-2' };
}

describe('identifiers at their maximum length in multi-byte characters', () => {
  afterAll(() => {
    console.log(
      `key sizes: ${RUNS} cases per width (seed ${SEED}); largest keys written:\n${figures.join('\n')}`,
    );
  });

  it.each([3, 4] as const)(
    'in %i-byte characters every operation answers as for a short-named secret, never a 5xx',
    async (width) => {
      const short = await transcript(shortTwin());
      largest = { pk: 0, sk: 0, [AUDIT_INDEX.sortKey]: 0 };
      expect(short.answers.filter((answer) => answer.status >= 500)).toEqual([]);
      expect(short.rotated).toBe(true);
      await fc.assert(
        fc.asyncProperty(idsOf(width), async (ids) => {
          expect(Buffer.byteLength(ids.name)).toBe(width === 3 ? 3 * MAX_NAME_LENGTH : 2 * MAX_NAME_LENGTH);
          const long = await transcript(ids);
          expect(long.answers.filter((answer) => answer.status >= 500)).toEqual([]);
          expect(long.answers).toEqual(short.answers);
          expect(long.rotated).toBe(true);
        }),
        { seed: SEED + width, numRuns: RUNS, endOnFailure: true },
      );
      figures.push(
        `  ${width}-byte: pk ${largest.pk} B (limit 2048), sk ${largest.sk} B (limit 1024), ${AUDIT_INDEX.sortKey} ${largest[AUDIT_INDEX.sortKey]} B (limit 1024)`,
      );
      // The cases reached the sizes that broke the old keys: a personal secret's pk embeds both ids.
      expect(largest.pk).toBeGreaterThan(width === 3 ? 1900 : 1200);
    },
    240_000,
  );
});
