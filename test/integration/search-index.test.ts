/**
 * Search over the warm index (shared/store/search-index.ts) against DynamoDB Local, through the
 * store: for random names (mixed case, non-ASCII, separators), roles, tags, writes and queries, a
 * search returns exactly what a brute-force scan of the names the caller may see returns
 * (substring, case-insensitive, every word), on the instance that wrote and on another one, right
 * after each write. And it costs what changed: a warm manager search reads the counter and the
 * groups only; a user's search never touches the shared listing.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { deleteSecret } from '../../shared/domain/delete-secret.ts';
import type { Caller, SecretMetadata, Tag } from '../../shared/domain/model.ts';
import type { VaultDeps } from '../../shared/domain/ports.ts';
import { searchSecrets } from '../../shared/domain/search-secrets.ts';
import { updateSecret } from '../../shared/domain/update-secret.ts';
import { caller } from '../support/callers.ts';
import { tinyListingStore } from '../support/listing-check.ts';
import { type LocalParts, localParts } from '../support/local-parts.ts';

process.env.NOT_FOUND_MIN_MS = '0';

const ROLES = ['r1', 'r2', 'r3'];
const manager = caller('mona', ['vaultManage', 'admin', 'vaultAdd']);
const owner = caller('u1', ['user']);

let parts: LocalParts;

/** Items each Query returned, by partition, on the metered instance. */
const readPks: string[] = [];

interface Vault {
  /** Writes and searches. */
  a: VaultDeps;
  /** Another function instance on the same table: searches only. */
  b: VaultDeps;
  /** Yet another instance on the same table, which has read nothing yet. */
  fresh(): VaultDeps;
}

async function freshVault(): Promise<Vault> {
  const table = `search-${randomUUID()}`;
  await ensureTable(parts.dynamoEndpoint, table, { stream: false });
  const instance = (metered: boolean) => {
    const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: parts.dynamoEndpoint });
    if (metered)
      client.middlewareStack.add(
        (next) => async (args) => {
          const result = await next(args);
          const text = (value: unknown) =>
            typeof value === 'string' ? value : ((value as { S?: string })?.S ?? '');
          for (const item of (result.output as { Items?: Array<Record<string, unknown>> }).Items ?? [])
            readPks.push(`${text(item.pk)} ${text(item.sk)}`);
          return result;
        },
        { step: 'initialize', name: 'readPks' },
      );
    const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    // Tiny ranges: the index splits and merges buckets and groups under the warm copies.
    return { ...parts.deps, ...tinyListingStore(db, table) };
  };
  return { a: instance(false), b: instance(true), fresh: () => instance(false) };
}

beforeAll(async () => {
  parts = await localParts();
});

// ---- The model: what the vault holds, and the rule a search must follow, written out plainly.

interface Held {
  name: string;
  ownerId?: string;
  readRoles: string[];
  writeRoles: string[];
  tags: Tag[];
}

const wordsOf = (text: string) =>
  text
    .toLowerCase()
    .split(/[\s,]+/)
    .filter((word) => word.length > 0);

/** What a caller may see: a manager every shared secret, a user those naming a role it holds; its own personal ones. */
function bruteForce(held: Iterable<Held>, who: Caller, keywords: string, tag?: Tag): string[] {
  const words = wordsOf(keywords);
  return [...held]
    .filter((secret) =>
      secret.ownerId !== undefined
        ? secret.ownerId === who.userId
        : who.scopes.has('vaultManage') ||
          (who.scopes.has('user') &&
            [...secret.readRoles, ...secret.writeRoles].some((r) => who.roles.has(r))),
    )
    .filter((secret) => words.every((word) => secret.name.toLowerCase().includes(word)))
    .filter((secret) => !tag || secret.tags.some((own) => own.key === tag.key && own.value === tag.value))
    .map(described)
    .sort();
}

/** A secret as a search answers it: who owns it, its name, and what the last write gave it. */
const described = (secret: {
  ownerId?: string | undefined;
  name: string;
  readRoles: readonly string[];
  writeRoles: readonly string[];
  tags: ReadonlyArray<{ key: string; value?: string | null | undefined }>;
}) =>
  `${secret.ownerId ?? ''}:${secret.name} read=${[...secret.readRoles].sort()} write=${[...secret.writeRoles].sort()} tags=${secret.tags.map((tag) => `${tag.key}=${tag.value}`)}`;

const found = (items: readonly SecretMetadata[]) => items.map(described).sort();
const names = (items: readonly SecretMetadata[]) =>
  items.map((item) => `${item.ownerId ?? ''}:${item.name}`).sort();

// ---- Generators. Names: words of letters that change length or shape when lower-cased (İ, ẞ, Ä)
// or sort differently by UTF-8 bytes and UTF-16 units (😀, ～), joined by the separators names may
// hold (never leading or trailing whitespace).
const letter = fc.constantFrom('a', 'b', 'A', 'B', 'ä', 'Ä', 'ß', 'ẞ', 'İ', 'i', 'x', '1', '😀', '\uFF5E');
const word = fc.array(letter, { minLength: 1, maxLength: 4 }).map((chars) => chars.join(''));
const name = fc
  .tuple(word, fc.constantFrom('-', '/', ' ', '_', '', '.'), word)
  .map(([first, sep, second]) => `${first}${sep}${second}`);
const roles = fc.subarray(ROLES);
const tags = fc.constantFrom<Tag[]>([], [{ key: 'env', value: 'prod' }], [{ key: 'env', value: 'dev' }]);

type Op =
  | { kind: 'create'; name: string; personal: boolean; readRoles: string[]; writeRoles: string[] }
  | { kind: 'delete'; pick: number }
  | { kind: 'update'; pick: number; readRoles: string[]; writeRoles: string[]; tags: Tag[] }
  | {
      kind: 'search';
      on: 'a' | 'b';
      who: { manager: true } | { manager: false; userId: 'u1' | 'u2'; roles: string[] };
      /**
       * Fragments of one held name (the last one written when `recent`, else by pick; each by start,
       * length, case), and maybe a free word.
       */
      recent: boolean;
      pick: number;
      fragments: Array<{ start: number; length: number; upper: boolean }>;
      free?: string;
      joiner: ' ' | ',' | ' , ';
      tag?: Tag;
    };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      name,
      personal: fc.constantFrom(false, false, false, true),
      readRoles: roles,
      writeRoles: roles,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      pick: fc.nat(),
      readRoles: roles,
      writeRoles: roles,
      tags,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        kind: fc.constant('search' as const),
        on: fc.constantFrom('a' as const, 'b' as const),
        who: fc.oneof(
          { weight: 2, arbitrary: fc.constant({ manager: true as const }) },
          fc.record({
            manager: fc.constant(false as const),
            userId: fc.constantFrom('u1' as const, 'u2' as const),
            roles,
          }),
        ),
        recent: fc.boolean(),
        pick: fc.nat(),
        fragments: fc.array(
          fc.record({
            start: fc.nat(8),
            length: fc.integer({ min: 1, max: 4 }),
            upper: fc.constantFrom(false, false, true),
          }),
          { maxLength: 2 },
        ),
        // A word that may be in no name, now and then.
        free: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: word }),
        joiner: fc.constantFrom(' ' as const, ',' as const, ' , ' as const),
        // A tag filter now and then: updates set tags, and the warm copy must follow them.
        tag: fc.oneof(
          { weight: 3, arbitrary: fc.constant(undefined) },
          {
            weight: 1,
            arbitrary: fc.constantFrom({ key: 'env', value: 'prod' }, { key: 'env', value: 'dev' }),
          },
        ),
      },
      { requiredKeys: ['kind', 'on', 'who', 'recent', 'pick', 'fragments', 'joiner'] },
    ),
  },
);

const keyOf = (secret: { name: string; ownerId?: string | undefined }) =>
  `${secret.ownerId ?? ''}:${secret.name}`;

async function run(vault: Vault, ops: Op[]) {
  const held = new Map<string, Held>();
  const pick = (n: number) => [...held.values()][n % held.size];
  /** The secret the last create or update wrote: a search right after should see that write. */
  let written: Held | undefined;
  for (const step of ops) {
    if (step.kind === 'create') {
      const ref = { name: step.name, ...(step.personal && { ownerId: 'u1' }) };
      if (held.has(keyOf(ref))) continue;
      await createSecret(vault.a, step.personal ? owner : manager, {
        ref,
        data: { v: 1 },
        readRoles: step.personal ? [] : step.readRoles,
        writeRoles: step.personal ? [] : step.writeRoles,
      });
      written = {
        ...ref,
        readRoles: step.personal ? [] : step.readRoles,
        writeRoles: step.personal ? [] : step.writeRoles,
        tags: [],
      };
      held.set(keyOf(ref), written);
    } else if (step.kind === 'delete' && held.size > 0) {
      const secret = pick(step.pick) as Held;
      await deleteSecret(vault.a, manager, {
        name: secret.name,
        ...(secret.ownerId && { ownerId: secret.ownerId }),
      });
      held.delete(keyOf(secret));
    } else if (step.kind === 'update' && held.size > 0) {
      const secret = pick(step.pick) as Held;
      const shared = secret.ownerId === undefined;
      await updateSecret(
        vault.a,
        manager,
        { name: secret.name, ...(secret.ownerId && { ownerId: secret.ownerId }) },
        {
          ...(shared && { readRoles: step.readRoles, writeRoles: step.writeRoles }),
          tags: step.tags,
        },
      );
      written = {
        ...secret,
        ...(shared && { readRoles: step.readRoles, writeRoles: step.writeRoles }),
        tags: step.tags,
      };
      held.set(keyOf(secret), written);
    } else if (step.kind === 'search') {
      const chosen = step.recent && written && held.has(keyOf(written)) ? written : pick(step.pick);
      const source = chosen?.name ?? 'none';
      const keywords = [
        ...step.fragments.map(({ start, length, upper }) => {
          const cut = source.slice(start % source.length, (start % source.length) + length);
          return upper ? cut.toUpperCase() : cut;
        }),
        ...(step.free === undefined ? [] : [step.free]),
      ].join(step.joiner);
      const who = step.who.manager ? manager : caller(step.who.userId, ['user'], step.who.roles);
      const page = await searchSecrets(
        vault[step.on],
        who,
        { keywords, ...(step.tag && { tags: [step.tag] }) },
        { offset: 0, limit: 1000 },
      );
      const expected = bruteForce(held.values(), who, keywords, step.tag);
      expect({ keywords, who: who.userId, count: page.count, found: found(page.items) }).toEqual({
        keywords,
        who: who.userId,
        count: expected.length,
        found: expected,
      });
    }
  }
}

describe('search over the warm index', () => {
  it('returns exactly what a scan of the visible names returns, on either instance, after every write', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 20, maxLength: 60 }), async (ops) => {
        await run(await freshVault(), ops);
      }),
      { numRuns: Number(process.env.SEARCH_RUNS ?? 10), endOnFailure: true },
    );
  }, 600_000);

  it('finds a secret created on another instance at once, and no longer one deleted there', async () => {
    const vault = await freshVault();
    const search = (keywords: string) =>
      searchSecrets(vault.b, manager, { keywords }, { offset: 0, limit: 50 }).then((page) =>
        names(page.items),
      );
    for (const n of ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'])
      await createSecret(vault.a, manager, {
        ref: { name: `db/${n}` },
        data: { v: 1 },
        readRoles: [],
        writeRoles: [],
      });
    expect(await search('DB/')).toHaveLength(6);
    await createSecret(vault.a, manager, {
      ref: { name: 'db/Omega' },
      data: { v: 1 },
      readRoles: [],
      writeRoles: [],
    });
    expect(await search('omega')).toEqual([':db/Omega']);
    await deleteSecret(vault.a, manager, { name: 'db/Omega' });
    expect(await search('omega')).toEqual([]);
    await updateSecret(vault.a, manager, { name: 'db/beta' }, { tags: [{ key: 'env', value: 'prod' }] });
    const tagged = await searchSecrets(
      vault.b,
      manager,
      { keywords: 'db', tags: [{ key: 'env', value: 'prod' }] },
      { offset: 0, limit: 50 },
    );
    expect(names(tagged.items)).toEqual([':db/beta']);
  }, 120_000);

  it('loads names that UTF-8 and UTF-16 order differently into the right ranges', async () => {
    const vault = await freshVault();
    // In DynamoDB's order (UTF-8 bytes) "～" (U+FF5E) sorts before "😀"; in JavaScript's (UTF-16
    // units) after: ranges bounded by one kind of name must still hold the other kind rightly.
    const all = ['～', '😀'].flatMap((mark) =>
      Array.from({ length: 12 }, (_, i) => `k-${mark}-${String(i).padStart(2, '0')}`),
    );
    for (const name of all)
      await createSecret(vault.a, manager, { ref: { name }, data: { v: 1 }, readRoles: [], writeRoles: [] });
    // A fresh instance loads each group in one query and cuts it at the bucket bounds.
    for (const on of [vault.b, vault.fresh()]) {
      const page = await searchSecrets(on, manager, { keywords: 'K-' }, { offset: 0, limit: 100 });
      expect(names(page.items)).toEqual(all.map((name) => `:${name}`).sort());
    }
    await createSecret(vault.a, manager, {
      ref: { name: 'k-～-05a' },
      data: { v: 1 },
      readRoles: [],
      writeRoles: [],
    });
    const page = await searchSecrets(vault.b, manager, { keywords: 'k-～' }, { offset: 0, limit: 100 });
    expect(page.count).toBe(13);
  }, 120_000);

  it('reads, when warm, the counter and the change stamps only, and after a write what it changed', async () => {
    const vault = await freshVault();
    for (let i = 0; i < 24; i++)
      await createSecret(vault.a, manager, {
        ref: { name: `app-${String(i).padStart(2, '0')}` },
        data: { v: 1 },
        readRoles: ['r1'],
        writeRoles: [],
      });
    const search = () => searchSecrets(vault.b, manager, { keywords: 'app-1' }, { offset: 0, limit: 50 });
    expect((await search()).count).toBe(10);
    readPks.length = 0;
    expect((await search()).count).toBe(10);
    // The counter and the stamps (and the manager's own, empty, personal listing), whatever the size.
    expect(readPks.filter((key) => key.startsWith('C#shared') || key.startsWith('L#shared')).sort()).toEqual(
      ['C#shared count', ...readPks.filter((key) => key.startsWith('C#shared change#'))].sort(),
    );
    await updateSecret(vault.a, manager, { name: 'app-13' }, { description: 'changed' });
    readPks.length = 0;
    const page = await search();
    expect(page.items.find((item) => item.name === 'app-13')?.description).toBe('changed');
    // One group's buckets (at most 3) and one bucket's entries (at most 4).
    expect(readPks.filter((key) => key.startsWith('C#shared b#')).length).toBeLessThanOrEqual(4);
    expect(readPks.filter((key) => key.startsWith('L#shared')).length).toBeLessThanOrEqual(4);
  }, 120_000);

  it("reads for a user's search only the listings of its own roles and its own personal secrets", async () => {
    const vault = await freshVault();
    await createSecret(vault.a, manager, {
      ref: { name: 'team/x' },
      data: { v: 1 },
      readRoles: ['r1'],
      writeRoles: [],
    });
    await createSecret(vault.a, manager, {
      ref: { name: 'other/x' },
      data: { v: 1 },
      readRoles: ['r2'],
      writeRoles: [],
    });
    readPks.length = 0;
    const page = await searchSecrets(
      vault.b,
      caller('u2', ['user'], ['r1']),
      { keywords: 'x' },
      { offset: 0, limit: 50 },
    );
    expect(names(page.items)).toEqual([':team/x']);
    expect(new Set(readPks.map((key) => key.split(' ')[0]))).toEqual(new Set(['L#r:r1']));
  }, 60_000);
});
