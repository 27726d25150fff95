/**
 * Requests exactly as the real PrivX clients send them (read from their sources), and their
 * responses decoded into the clients' shapes:
 *
 * - Search: privx-sdk-go v2.44.0 (module github.com/SSHcom/privx-sdk-go/v2, unchanged in the vault
 *   package since v2.0), `vault.SecretSearch` marshalled by `(*Vault).SearchSecrets`: every field
 *   without `omitempty`, so `{"keywords","sortdir","sortkey","filter","owner_id","limit","offset"}`
 *   always, zero values included, `owner_id` null for a nil slice; optional `filters.Option`s
 *   (`filters.Paging`, `filters.Sort`, `filters.Filter`) go to the query string.
 * - Role names: terraform-provider-privx v1.44.0 (on privx-sdk-go v2.42.0), resource
 *   `privx_secret`: Create sends `vault.SecretRequest` (`read_roles`/`write_roles` as
 *   `[]rolestore.RoleHandle{ID, Name}`, `Deleted` omitted by `omitempty`), then reads the secret
 *   back with GetSecret and stores `{id, name}` of every role handle in state; Terraform compares
 *   that state with the plan, so a name set in configuration must come back exactly as sent.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { SecretListResponse, SecretResponse } from '../../shared/schemas.ts';
import { expectShapedError } from '../support/error-shape.ts';
import { call, token, uniqueName } from '../support/http.ts';

/** Go's url.PathEscape, as the SDK's `URL("/vault/api/v1/secrets/%s", name)` applies it. */
const pathEscape = (name: string) => encodeURIComponent(name);

/** `vault.SecretSearch` as encoding/json writes it: declaration order, zero values kept. */
const goSecretSearch = (fields: {
  Keywords?: string;
  SortDir?: string;
  SortKey?: string;
  Filter?: string;
  OwnerIDs?: string[] | null;
  Limit?: number;
  Offset?: number;
}) => ({
  keywords: fields.Keywords ?? '',
  sortdir: fields.SortDir ?? '',
  sortkey: fields.SortKey ?? '',
  filter: fields.Filter ?? '',
  owner_id: fields.OwnerIDs ?? null,
  limit: fields.Limit ?? 0,
  offset: fields.Offset ?? 0,
});

/** `rolestore.RoleHandle` as the provider builds it: `{ID, Name}` from state; `deleted` omitted when false. */
const goRoleHandle = (id: string, name = '') => ({ id, name });

/** `response.ResultSet[vault.Secret]`: the SDK decodes `count` and `items` only. */
const resultNames = (json: any): string[] => SecretListResponse.parse(json).items.map((item) => item.name);

describe('PrivX Go SDK v2 search (vault.SecretSearch in the body)', () => {
  const role = `search-${randomUUID()}`;
  const prefix = uniqueName('gosdk-search');
  const names = ['a', 'b', 'c', 'd', 'e'].map((letter) => `${prefix}/${letter}`);
  let user: string;

  beforeAll(async () => {
    user = await token({ sub: 'gosdk-searcher', scopes: ['user', 'vaultAdd'], roles: [role] });
    for (const name of names) {
      const created = await call('POST', '/secrets', {
        token: user,
        body: { name, read_roles: [goRoleHandle(role)], write_roles: [goRoleHandle(role)], data: { n: 1 } },
      });
      expect(created.status, created.text).toBe(201);
    }
    // `b` becomes the most recently updated.
    const updated = await call('PUT', `/secrets/${pathEscape(names[1]!)}`, {
      token: user,
      body: {
        name: names[1],
        read_roles: [goRoleHandle(role)],
        write_roles: [goRoleHandle(role)],
        data: { n: 2 },
      },
    });
    expect(updated.status, updated.text).toBe(200);
  });

  it('honours limit, offset, sortkey and sortdir from the body (no query string)', async () => {
    const reply = await call('POST', '/search/secrets', {
      token: user,
      body: goSecretSearch({ Keywords: prefix, SortKey: 'name', SortDir: 'DESC', Limit: 2, Offset: 1 }),
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json.count).toBe(5);
    expect(resultNames(reply.json)).toEqual([names[3], names[2]]);
  });

  it('sorts by updated from the body, direction in any case', async () => {
    const reply = await call('POST', '/search/secrets', {
      token: user,
      body: goSecretSearch({ Keywords: prefix, SortKey: 'UPDATED', SortDir: 'desc', Limit: 1 }),
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json.count).toBe(5);
    expect(resultNames(reply.json)).toEqual([names[1]]);
  });

  it('the query string wins over the body (filters.Paging and filters.Sort options)', async () => {
    const reply = await call('POST', '/search/secrets?offset=0&limit=3&sortkey=name&sortdir=ASC', {
      token: user,
      body: goSecretSearch({ Keywords: prefix, SortKey: 'updated', SortDir: 'DESC', Limit: 1, Offset: 4 }),
    });
    expect(reply.status, reply.text).toBe(200);
    expect(resultNames(reply.json)).toEqual(names.slice(0, 3));
    // A query giving only some of them leaves the rest to the body.
    const mixed = await call('POST', '/search/secrets?limit=2', {
      token: user,
      body: goSecretSearch({ Keywords: prefix, SortDir: 'DESC', Limit: 4, Offset: 1 }),
    });
    expect(resultNames(mixed.json)).toEqual([names[3], names[2]]);
  });

  it('zero values (the struct left empty) mean "not given": every match, by name ascending', async () => {
    const reply = await call('POST', '/search/secrets', {
      token: user,
      body: goSecretSearch({ Keywords: prefix }),
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json.count).toBe(5);
    expect(resultNames(reply.json)).toEqual(names);
  });

  it('accepts filter in the body or the query (filters.Filter), in any case; the query wins', async () => {
    const inBody = await call('POST', '/search/secrets', {
      token: user,
      body: goSecretSearch({ Keywords: prefix, Filter: 'Readable', Limit: 2 }),
    });
    expect(inBody.status, inBody.text).toBe(200);
    expect(inBody.json.count).toBe(5);
    const inQuery = await call('POST', '/search/secrets?filter=PERSONAL', {
      token: user,
      body: goSecretSearch({ Keywords: prefix, Filter: 'shared' }),
    });
    expect(inQuery.status, inQuery.text).toBe(200);
    expect(inQuery.json).toEqual({ count: 0, items: [] });
  });

  it('refuses paging out of bounds in the body as in the query (400 naming the property)', async () => {
    const tooMany = await call('POST', '/search/secrets', {
      token: user,
      body: goSecretSearch({ Keywords: prefix, Limit: 101 }),
    });
    expectShapedError(tooMany, 400, 'VALUE_OUT_OF_BOUNDS');
    expect(tooMany.json.property).toBe('limit');
    const badKey = await call('POST', '/search/secrets', {
      token: user,
      body: goSecretSearch({ Keywords: prefix, SortKey: 'size' }),
    });
    expectShapedError(badKey, 400, 'VALUE_INCORRECT_FORMAT');
    expect(badKey.json.property).toBe('sortkey');
  });
});

describe('PrivX Terraform provider: role names survive create-then-read (privx_secret)', () => {
  const readRole = randomUUID();
  const writeRole = randomUUID();
  const unnamedRole = randomUUID();
  let client: string;

  beforeAll(async () => {
    // The provider's API client: may add secrets and holds the roles it grants.
    client = await token({ sub: 'terraform', scopes: ['user', 'vaultAdd'], roles: [readRole, writeRole] });
  });

  /** What the provider's populateSecretModel keeps of a role handle. */
  const stateOf = (handles: Array<{ id: string; name?: string }>) =>
    handles.map(({ id, name }) => ({ id, name: name ?? '' }));

  it('apply: the roles read back equal the configuration, as {id, name, deleted: false}', async () => {
    const name = uniqueName('tf/bar');
    const readRoles = [goRoleHandle(readRole, 'role_[Default]_[USER]')];
    const writeRoles = [goRoleHandle(writeRole, 'role_[Default]_[ADMIN]'), goRoleHandle(unnamedRole)];
    // vault.SecretRequest: name, read_roles, write_roles, data (`owner_id` "" omitted).
    const created = await call('POST', '/secrets', {
      token: client,
      body: { name, read_roles: readRoles, write_roles: writeRoles, data: { password: 's3cret-tf' } },
    });
    expect(created.status, created.text).toBe(201);

    const read = await call('GET', `/secrets/${pathEscape(name)}`, { token: client });
    expect(read.status, read.text).toBe(200);
    const secret = SecretResponse.parse(read.json);
    // The configured names exactly; a role configured without one (computed) gets its id.
    expect(stateOf(secret.read_roles)).toEqual(readRoles);
    expect(stateOf(secret.write_roles)).toEqual([writeRoles[0], { id: unnamedRole, name: unnamedRole }]);
    expect(secret.read_roles).toEqual([{ id: readRole, name: 'role_[Default]_[USER]', deleted: false }]);
    expect(secret.write_roles).toEqual([
      { id: writeRole, name: 'role_[Default]_[ADMIN]', deleted: false },
      { id: unnamedRole, name: unnamedRole, deleted: false },
    ]);

    // Reads of the secret carry the same handles. Listings keep ids only (names stay on the
    // secret, not on its up to 41 listing entries: see role-names.ts), so they answer id as name.
    const metadata = await call('GET', `/metadata/secrets/${pathEscape(name)}`, { token: client });
    expect(metadata.json.read_roles).toEqual(secret.read_roles);
    expect(metadata.json.write_roles).toEqual(secret.write_roles);
    const byId = (roles: Array<{ id: string }>) => roles.map(({ id }) => ({ id, name: id, deleted: false }));
    const listed = await call('GET', '/secrets?limit=100', { token: client });
    const inList = SecretListResponse.parse(listed.json).items.find((item) => item.name === name);
    expect(inList?.write_roles).toEqual(byId(secret.write_roles));
    const found = await call('POST', '/search/secrets', {
      token: client,
      body: goSecretSearch({ Keywords: name }),
    });
    expect(found.json.items[0].read_roles).toEqual(byId(secret.read_roles));
  });

  it('update: a renamed role comes back renamed; a role sent without a name keeps the last name given', async () => {
    const name = uniqueName('tf/renamed');
    const created = await call('POST', '/secrets', {
      token: client,
      body: {
        name,
        read_roles: [goRoleHandle(readRole, 'readers')],
        write_roles: [goRoleHandle(writeRole, 'writers')],
        data: { password: 's3cret-tf2' },
      },
    });
    expect(created.status, created.text).toBe(201);
    // The provider's Update: the whole SecretRequest again, names as now configured.
    const updated = await call('PUT', `/secrets/${pathEscape(name)}`, {
      token: client,
      body: {
        name,
        read_roles: [goRoleHandle(readRole, 'readers (renamed)')],
        write_roles: [goRoleHandle(writeRole)],
        data: { password: 's3cret-tf3' },
      },
    });
    expect(updated.status, updated.text).toBe(200);
    const read = SecretResponse.parse(
      (await call('GET', `/secrets/${pathEscape(name)}`, { token: client })).json,
    );
    expect(read.read_roles).toEqual([{ id: readRole, name: 'readers (renamed)', deleted: false }]);
    expect(read.write_roles).toEqual([{ id: writeRole, name: 'writers', deleted: false }]);
  });

  it('a role name that is not a string is refused, naming the property, and nothing is stored', async () => {
    const name = uniqueName('tf/badname');
    const reply = await call('POST', '/secrets', {
      token: client,
      body: { name, read_roles: [{ id: readRole, name: 7 }], data: {} },
    });
    expectShapedError(reply, 400, 'VALUE_INCORRECT_TYPE');
    expect(reply.json.property).toBe('read_roles[0].name');
    const missing = await call('GET', `/metadata/secrets/${pathEscape(name)}`, { token: client });
    expectShapedError(missing, 404, 'OBJECT_NOT_FOUND');
  });
});
