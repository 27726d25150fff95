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
import { expectShapedError } from '../support/error-shape.ts';
import { call, token, uniqueName } from '../support/http.ts';
import {
  decode,
  type GoReply,
  goVaultV2,
  resultSet,
  V2Secret,
  v2RoleHandle,
  v2SecretRequest,
  v2SecretSearch,
} from '../support/privx-go.ts';

/** `response.ResultSet[vault.Secret]` as the SDK decodes it: the names of its items. */
const resultNames = (reply: GoReply): string[] =>
  (decode(resultSet(V2Secret), reply).items ?? []).map((item) => item.name ?? '');

describe('PrivX Go SDK v2 search (vault.SecretSearch in the body)', () => {
  const role = `search-${randomUUID()}`;
  const prefix = uniqueName('gosdk-search');
  const names = ['a', 'b', 'c', 'd', 'e'].map((letter) => `${prefix}/${letter}`);
  let sdk: ReturnType<typeof goVaultV2>;

  beforeAll(async () => {
    sdk = goVaultV2(await token({ sub: 'gosdk-searcher', scopes: ['user', 'vaultAdd'], roles: [role] }));
    const request = (name: string, n: number) =>
      v2SecretRequest({
        Name: name,
        ReadRoles: [v2RoleHandle(role)],
        WriteRoles: [v2RoleHandle(role)],
        Data: { n },
      });
    for (const name of names) {
      const created = await sdk.CreateSecret(request(name, 1));
      expect(created.status, created.text).toBe(201);
    }
    // `b` becomes the most recently updated.
    const updated = await sdk.UpdateSecret(names[1]!, request(names[1]!, 2));
    expect(updated.status, updated.text).toBe(200);
  });

  it('honours limit, offset, sortkey and sortdir from the body (no options: a bare "?")', async () => {
    const reply = await sdk.SearchSecrets(
      v2SecretSearch({ Keywords: prefix, SortKey: 'name', SortDir: 'DESC', Limit: 2, Offset: 1 }),
    );
    expect(reply.json.count).toBe(5);
    expect(resultNames(reply)).toEqual([names[3], names[2]]);
  });

  it('sorts by updated from the body, direction in any case', async () => {
    const reply = await sdk.SearchSecrets(
      v2SecretSearch({ Keywords: prefix, SortKey: 'UPDATED', SortDir: 'desc', Limit: 1 }),
    );
    expect(reply.json.count).toBe(5);
    expect(resultNames(reply)).toEqual([names[1]]);
  });

  it('the query string wins over the body (filters.Paging and filters.Sort options)', async () => {
    const reply = await sdk.SearchSecrets(
      v2SecretSearch({ Keywords: prefix, SortKey: 'updated', SortDir: 'DESC', Limit: 1, Offset: 4 }),
      { offset: 0, limit: 3, sortkey: 'name', sortdir: 'ASC' },
    );
    expect(resultNames(reply)).toEqual(names.slice(0, 3));
    // A query giving only some of them leaves the rest to the body.
    const mixed = await sdk.SearchSecrets(
      v2SecretSearch({ Keywords: prefix, SortDir: 'DESC', Limit: 4, Offset: 1 }),
      {
        limit: 2,
      },
    );
    expect(resultNames(mixed)).toEqual([names[3], names[2]]);
  });

  it('zero values (the struct left empty) mean "not given": every match, by name ascending', async () => {
    const reply = await sdk.SearchSecrets(v2SecretSearch({ Keywords: prefix }));
    expect(reply.json.count).toBe(5);
    expect(resultNames(reply)).toEqual(names);
  });

  it('accepts filter in the body or the query (filters.Filter), in any case; the query wins', async () => {
    const inBody = await sdk.SearchSecrets(
      v2SecretSearch({ Keywords: prefix, Filter: 'Readable', Limit: 2 }),
    );
    expect(resultNames(inBody)).toHaveLength(2);
    expect(inBody.json.count).toBe(5);
    const inQuery = await sdk.SearchSecrets(v2SecretSearch({ Keywords: prefix, Filter: 'shared' }), {
      filter: 'PERSONAL',
    });
    expect(decode(resultSet(V2Secret), inQuery)).toEqual({ count: 0, items: [] });
  });

  it('refuses paging out of bounds in the body as in the query (400 naming the property)', async () => {
    const tooMany = await sdk.SearchSecrets(v2SecretSearch({ Keywords: prefix, Limit: 101 }));
    expectShapedError(tooMany, 400, 'VALUE_OUT_OF_BOUNDS');
    expect(tooMany.json.property).toBe('limit');
    const badKey = await sdk.SearchSecrets(v2SecretSearch({ Keywords: prefix, SortKey: 'size' }));
    expectShapedError(badKey, 400, 'VALUE_INCORRECT_FORMAT');
    expect(badKey.json.property).toBe('sortkey');
  });
});

describe('PrivX Terraform provider: role names survive create-then-read (privx_secret)', () => {
  const readRole = randomUUID();
  const writeRole = randomUUID();
  const unnamedRole = randomUUID();
  let providerToken: string;
  let provider: ReturnType<typeof goVaultV2>;

  beforeAll(async () => {
    // The provider's API client: may add secrets and holds the roles it grants.
    providerToken = await token({
      sub: 'terraform',
      scopes: ['user', 'vaultAdd'],
      roles: [readRole, writeRole],
    });
    provider = goVaultV2(providerToken);
  });

  /** What the provider's populateSecretModel keeps of a role handle. */
  const stateOf = (handles: Array<{ id?: string | null; name?: string | null }> | null | undefined) =>
    (handles ?? []).map(({ id, name }) => ({ id: id ?? '', name: name ?? '' }));

  it('apply: the roles read back equal the configuration, as {id, name, deleted: false}', async () => {
    const name = uniqueName('tf/bar');
    // vault.SecretRequest: name, read_roles, write_roles, data (`owner_id` "" omitted).
    const created = await provider.CreateSecret(
      v2SecretRequest({
        Name: name,
        ReadRoles: [v2RoleHandle(readRole, 'role_[Default]_[USER]')],
        WriteRoles: [v2RoleHandle(writeRole, 'role_[Default]_[ADMIN]'), v2RoleHandle(unnamedRole)],
        Data: { password: 's3cret-tf' },
      }),
    );
    expect(created.status, created.text).toBe(201);

    const secret = decode(V2Secret, await provider.GetSecret(name));
    // The configured names exactly; a role configured without one (computed) gets its id.
    expect(stateOf(secret.read_roles)).toEqual([{ id: readRole, name: 'role_[Default]_[USER]' }]);
    expect(stateOf(secret.write_roles)).toEqual([
      { id: writeRole, name: 'role_[Default]_[ADMIN]' },
      { id: unnamedRole, name: unnamedRole },
    ]);
    expect(secret.read_roles).toEqual([{ id: readRole, name: 'role_[Default]_[USER]', deleted: false }]);
    expect(secret.write_roles).toEqual([
      { id: writeRole, name: 'role_[Default]_[ADMIN]', deleted: false },
      { id: unnamedRole, name: unnamedRole, deleted: false },
    ]);

    // Reads of the secret carry the same handles. Listings keep ids only (names stay on the
    // secret, not on its up to 41 listing entries: see role-names.ts), so they answer id as name.
    const metadata = decode(V2Secret, await provider.GetSecretsMetadata(name));
    expect(metadata.read_roles).toEqual(secret.read_roles);
    expect(metadata.write_roles).toEqual(secret.write_roles);
    const byId = (roles: Array<{ id?: string | null }> | null | undefined) =>
      (roles ?? []).map(({ id }) => ({ id, name: id, deleted: false }));
    const listed = decode(resultSet(V2Secret), await provider.GetSecrets({ limit: 100 }));
    const inList = listed.items?.find((item) => item.name === name);
    expect(inList?.write_roles).toEqual(byId(secret.write_roles));
    const found = decode(
      resultSet(V2Secret),
      await provider.SearchSecrets(v2SecretSearch({ Keywords: name })),
    );
    expect(found.items?.[0]?.read_roles).toEqual(byId(secret.read_roles));
  });

  it('update: a renamed role comes back renamed; a role sent without a name keeps the last name given', async () => {
    const name = uniqueName('tf/renamed');
    const created = await provider.CreateSecret(
      v2SecretRequest({
        Name: name,
        ReadRoles: [v2RoleHandle(readRole, 'readers')],
        WriteRoles: [v2RoleHandle(writeRole, 'writers')],
        Data: { password: 's3cret-tf2' },
      }),
    );
    expect(created.status, created.text).toBe(201);
    // The provider's Update: the whole SecretRequest again, names as now configured.
    const updated = await provider.UpdateSecret(
      name,
      v2SecretRequest({
        Name: name,
        ReadRoles: [v2RoleHandle(readRole, 'readers (renamed)')],
        WriteRoles: [v2RoleHandle(writeRole)],
        Data: { password: 's3cret-tf3' },
      }),
    );
    expect(updated.status, updated.text).toBe(200);
    const read = decode(V2Secret, await provider.GetSecret(name));
    expect(read.read_roles).toEqual([{ id: readRole, name: 'readers (renamed)', deleted: false }]);
    expect(read.write_roles).toEqual([{ id: writeRole, name: 'writers', deleted: false }]);
  });

  it('a role name that is not a string is refused, naming the property, and nothing is stored', async () => {
    const name = uniqueName('tf/badname');
    // Not something Go can marshal from RoleHandle (Name is a string): a hand-written body.
    const reply = await call('POST', '/secrets', {
      token: providerToken,
      body: { name, read_roles: [{ id: readRole, name: 7 }], data: {} },
    });
    expectShapedError(reply, 400, 'VALUE_INCORRECT_TYPE');
    expect(reply.json.property).toBe('read_roles[0].name');
    const missing = await provider.GetSecretsMetadata(name);
    expectShapedError(missing, 404, 'OBJECT_NOT_FOUND');
  });
});
