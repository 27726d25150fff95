/**
 * Issue 14: the vault as a drop-in for the real PrivX clients. For every client and every vault
 * operation that client performs, the exact HTTP request it sends (method, path with the client's
 * own escaping, query, headers, body bytes as `json.Marshal` writes them: see
 * test/support/privx-go.ts), replayed against the end-to-end vault, and the answer decoded into
 * the struct the client decodes it into, then put through the client's own logic (Terraform's
 * state and consistency check, the ESO provider's byte conversion and "not found" test).
 *
 * Sources read (github.com/SSHcom):
 * - privx-sdk-go v2.44.0 (0652e85): api/vault/{client,model}.go, restapi/{client,errors}.go,
 *   api/filters, api/response; v2.42.0 identical in api/vault and restapi's request building.
 * - privx-sdk-go v1.34.0 (and v1.26.0: same api/vault, no Content-Type): api/vault/{vault,model}.go.
 * - privx-cli 0f9bb9e (go.mod: privx-sdk-go v1.34.0): cmd/vault.go.
 * - terraform-provider-privx v1.44.0 (a71be71, privx-sdk-go/v2 v2.42.0):
 *   internal/provider/secret_{resource,data_source}.go, internal/utils/Utils.go.
 * - k8s-eso-privx 2f6921f: eso-patches/0001 (providers/v1/privx/client.go; privx-sdk-go/v2 as
 *   `go mod tidy` resolves it, v2.44.0).
 *
 * Matrix (client × operation → test, in this file unless named):
 *
 * | Client                    | Operation (SDK call / command)                 | Test                                       |
 * |---------------------------|------------------------------------------------|--------------------------------------------|
 * | Go SDK v2 (v2.44.0)       | Status                                         | v2 Status()                                |
 * |                           | GetSecrets (no options / Paging)               | v2 GetSecrets()                            |
 * |                           | CreateSecret                                   | v2 CreateSecret()                          |
 * |                           | GetSecret                                      | v2 GetSecret()                             |
 * |                           | UpdateSecret                                   | v2 UpdateSecret()                          |
 * |                           | GetSecretsMetadata                             | v2 GetSecretsMetadata()                    |
 * |                           | SearchSecrets (no options / Paging+Sort)       | v2 SearchSecrets()                         |
 * |                           | DeleteSecret                                   | v2 DeleteSecret()                          |
 * |                           | GetSchemas                                     | v2 GetSchemas()                            |
 * |                           | CreateUserSecret                               | v2 CreateUserSecret()                      |
 * |                           | GetUserSecrets                                 | v2 GetUserSecrets()                        |
 * |                           | GetUserSecret                                  | v2 GetUserSecret()                         |
 * |                           | UpdateUserSecret                               | v2 UpdateUserSecret()                      |
 * |                           | GetUsersSecretsMetadata                        | v2 GetUsersSecretsMetadata()               |
 * |                           | SearchSecrets (OwnerIDs, filter personal)      | v2 SearchSecrets() personal                |
 * |                           | DeleteUserSecret                               | v2 DeleteUserSecret()                      |
 * |                           | CreateSecret nil Data, UpdateSecret "name":""  | privx-clients.test.ts                      |
 * |                           | SearchSecrets body paging/sort/filter          | privx-search-and-roles.test.ts             |
 * | privx-cli (SDK v1.34.0)   | secrets                                        | cli secrets                                |
 * |                           | secrets show                                   | cli secrets show                           |
 * |                           | secrets create                                 | cli secrets create                         |
 * |                           | secrets update                                 | cli secrets update                         |
 * |                           | secrets update --allow-read-to                 | cli secrets update --allow-read-to         |
 * |                           | secrets metadata                               | cli secrets metadata                       |
 * |                           | secrets search                                 | cli secrets search                         |
 * |                           | secrets search --owner-ids --filter personal   | cli secrets search --owner-ids             |
 * |                           | secrets schemas                                | cli secrets schemas                        |
 * |                           | secrets delete                                 | cli secrets delete                         |
 * |                           | user-secrets                                   | cli user-secrets                           |
 * |                           | user-secrets create                            | cli user-secrets create                    |
 * |                           | user-secrets show                              | cli user-secrets show                      |
 * |                           | user-secrets update                            | cli user-secrets update                    |
 * |                           | user-secrets metadata                          | cli user-secrets metadata                  |
 * |                           | user-secrets delete                            | cli user-secrets delete                    |
 * | Go SDK v1.26.0            | CreateSecret/UpdateSecret/SearchSecrets, no CT | privx-clients.test.ts                      |
 * | Terraform privx_secret    | create                                         | terraform create                           |
 * | (v1.44.0, SDK v2.42.0)    | read (refresh)                                 | terraform read                             |
 * |                           | read after an out-of-band delete               | terraform read, secret gone                |
 * |                           | update (data configured)                       | terraform update                           |
 * |                           | update (data left computed)                    | terraform update without data              |
 * |                           | delete (and delete of a secret already gone)   | terraform delete                           |
 * |                           | destroy → apply (same name)                    | terraform destroy → apply                  |
 * |                           | import                                         | terraform import                           |
 * |                           | data source privx_secret                       | terraform data source                      |
 * |                           | create without data, owner_id refused          | privx-clients.test.ts                      |
 * |                           | role names kept, renamed                       | privx-search-and-roles.test.ts             |
 * | ESO provider (SDK v2.44)  | Validate                                       | eso Validate()                             |
 * |                           | GetSecret (whole secret)                       | eso GetSecret()                            |
 * |                           | GetSecret (property)                           | eso GetSecret() property                   |
 * |                           | GetSecretMap (all keys / nested property)      | eso GetSecretMap()                         |
 * |                           | GetAllSecrets (dataFrom.find name regexp)      | eso GetAllSecrets()                        |
 * |                           | PushSecret (new remote key)                    | eso PushSecret() new                       |
 * |                           | PushSecret (existing remote key)               | eso PushSecret() existing                  |
 * |                           | PushSecret after DeleteSecret (same key)       | eso PushSecret() after DeleteSecret()      |
 * |                           | SecretExists (present / missing)               | eso SecretExists()                         |
 * |                           | DeleteSecret (present / missing)               | eso DeleteSecret()                         |
 *
 * Deleting then creating the same name again: `terraform destroy → apply` and `eso PushSecret()
 * after DeleteSecret()` here; the rule behind them in test/adversarial/delete-then-create.test.ts.
 *
 * Client-side behaviour these replays pin down (the clients' own, not the vault's):
 * - privx-cli `secrets update --allow-read-to/--allow-write-to` sends no roles at all (it fills its
 *   role lists only when the flags are absent): the stored roles stay.
 * - The ESO provider's PushSecret only ever calls CreateSecret: pushing to an existing remote key
 *   fails with the vault's 409 VALUE_DUPLICATE, so a changed Kubernetes value is never pushed.
 * - The ESO provider's GetAllSecrets stops paging only when `count` is 0 or below 100, `count`
 *   being the total (PrivX's meaning too): a store that sees 100 or more secrets loops forever.
 * - Terraform and ESO tell "not found" from the error text only: `OBJECT_NOT_FOUND`/`404`
 *   (Terraform) and "secret not found" in the message (ESO), which the vault's 404 carries.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { token, uniqueName } from '../support/http.ts';
import {
  decode,
  GoRawMessage,
  goError,
  goJson,
  goPathEscape,
  goRawPath,
  goString,
  goVaultV1,
  goVaultV2,
  resultSet,
  succeeds,
  V1Secret,
  V2Secret,
  V2SecretCreate,
  V2ServiceStatus,
  v1VaultReq,
  v2RoleHandle,
  v2SecretRequest,
  v2SecretSearch,
} from '../support/privx-go.ts';

type V2SecretShape = z.output<typeof V2Secret>;
const ids = (roles: Array<{ id?: string | null | undefined }> | null | undefined) =>
  (roles ?? []).map((role) => role.id ?? '');

// ======================================================================================
describe('Go SDK v2: privx-sdk-go/v2 v2.44.0 api/vault.Vault, every method', () => {
  const readRole = `go2-read-${randomUUID()}`;
  const writeRole = `go2-write-${randomUUID()}`;
  const ownerId = `go2-owner-${randomUUID()}`;
  /** user + vaultAdd, holding both roles: an application's API client. */
  let app: ReturnType<typeof goVaultV2>;
  /** vaultManage: deletes (a role-holder may not). */
  let manager: ReturnType<typeof goVaultV2>;
  /** The owner of personal secrets. */
  let owner: ReturnType<typeof goVaultV2>;

  beforeAll(async () => {
    app = goVaultV2(
      await token({ sub: 'go2-app', scopes: ['user', 'vaultAdd'], roles: [readRole, writeRole] }),
    );
    manager = goVaultV2(await token({ sub: 'go2-admin', scopes: ['vaultManage'] }));
    owner = goVaultV2(await token({ sub: ownerId, scopes: ['user'] }));
  });

  /** `CreateSecret(&vault.SecretRequest{…})` with both roles, checked to succeed. */
  async function created(name: string, data: Record<string, unknown>) {
    const request = v2SecretRequest({
      Name: name,
      ReadRoles: [v2RoleHandle(readRole, 'Readers')],
      WriteRoles: [v2RoleHandle(writeRole, 'Writers')],
      Data: data,
    });
    expect(decode(V2SecretCreate, await app.CreateSecret(request)).name).toBe(name);
  }

  it('v2 Status(): GET /status decodes into response.ServiceStatus (start_time a time.Time)', async () => {
    const status = decode(V2ServiceStatus, await app.Status());
    expect(status.status).toBe('UP');
    expect(status.start_time).toEqual(expect.any(String));
  });

  it('v2 CreateSecret(&vault.SecretRequest{Name, ReadRoles, WriteRoles, Data}): POST /secrets → vault.SecretCreate', async () => {
    const name = uniqueName('go2/db (prod)+é');
    const request = v2SecretRequest({
      Name: name,
      ReadRoles: [v2RoleHandle(readRole, 'Readers')],
      WriteRoles: [v2RoleHandle(writeRole, 'Writers')],
      Data: { port: 5432, password: 'p<a>&ss-go2' },
    });
    // json.Marshal: struct order, map keys sorted, HTML characters escaped, OwnerID "" omitted.
    expect(request).toBe(
      `{"name":${goString(name)},"read_roles":[{"id":"${readRole}","name":"Readers"}],"write_roles":[{"id":"${writeRole}","name":"Writers"}],"data":{"password":"p\\u003ca\\u003e\\u0026ss-go2","port":5432}}`,
    );
    const reply = await app.CreateSecret(request);
    expect(reply.status).toBe(201);
    expect(decode(V2SecretCreate, reply)).toEqual({ name });
  });

  it('v2 GetSecret(name): GET /secrets/{url.PathEscape(name)} decodes into vault.Secret', async () => {
    const name = uniqueName("go2/a+b=c&d$e:f@g (h)!*',; é");
    await created(name, { password: 'get-secret-go2', n: 1, on: true, nested: { k: 'v' } });
    const target = `/secrets/${goPathEscape(name)}`;
    expect(target).toMatch(/^\/secrets\/go2%2Fa\+b=c&d\$e:f@g%20%28h%29%21%2A%27%2C%3B%20%C3%A9-/);
    const secret = decode(V2Secret, await app.GetSecret(name));
    expect(secret).toMatchObject({
      name,
      data: { password: 'get-secret-go2', n: 1, on: true, nested: { k: 'v' } },
      author: 'go2-app',
      updated_by: 'go2-app',
    });
    expect(secret.read_roles).toEqual([{ id: readRole, name: 'Readers', deleted: false }]);
    expect(secret.write_roles).toEqual([{ id: writeRole, name: 'Writers', deleted: false }]);
    expect(secret.owner_id ?? '').toBe('');
    expect(secret.created).toEqual(expect.any(String));
  });

  it('v2 UpdateSecret(name, &vault.SecretRequest{Name: name, …}): PUT /secrets/{escaped}; GetSecret sees it', async () => {
    const name = uniqueName('go2/update é');
    await created(name, { password: 'before-update-go2' });
    const request = v2SecretRequest({
      Name: name,
      ReadRoles: [v2RoleHandle(readRole, 'Readers')],
      WriteRoles: [v2RoleHandle(writeRole, 'Writers'), v2RoleHandle(readRole, 'Readers')],
      Data: { password: 'after-update-go2' },
    });
    succeeds(await app.UpdateSecret(name, request));
    const secret = decode(V2Secret, await app.GetSecret(name));
    expect(secret.data).toEqual({ password: 'after-update-go2' });
    expect(ids(secret.write_roles)).toEqual([writeRole, readRole]);
    expect(secret.updated! >= secret.created!).toBe(true);
  });

  it('v2 GetSecretsMetadata(name): GET /metadata/secrets/{escaped} decodes into vault.Secret, no data', async () => {
    const name = uniqueName('go2/meta:data@x');
    await created(name, { password: 'metadata-go2' });
    const metadata = decode(V2Secret, await app.GetSecretsMetadata(name));
    expect(metadata.name).toBe(name);
    expect(metadata.data ?? undefined).toBeUndefined();
    expect(ids(metadata.read_roles)).toEqual([readRole]);
  });

  it('v2 GetSecrets(): GET /secrets? (bare "?"), and GetSecrets(filters.Paging(1, 2)): ResultSet[vault.Secret]', async () => {
    const listRole = `go2-list-${randomUUID()}`;
    const lister = goVaultV2(
      await token({ sub: 'go2-lister', scopes: ['user', 'vaultAdd'], roles: [listRole] }),
    );
    const prefix = uniqueName('go2/list');
    const names = ['a', 'b', 'c'].map((letter) => `${prefix}/${letter}`);
    for (const name of names) {
      const request = v2SecretRequest({ Name: name, ReadRoles: [v2RoleHandle(listRole)], Data: { v: 1 } });
      expect((await lister.CreateSecret(request)).status).toBe(201);
    }
    const all = decode(resultSet(V2Secret), await lister.GetSecrets());
    expect(all.count).toBe(3);
    expect(all.items?.map((item) => item.name)).toEqual(names);
    // filters.Paging(offset, limit): url.Values encoded, keys sorted: ?limit=2&offset=1.
    const page = decode(resultSet(V2Secret), await lister.GetSecrets({ offset: 1, limit: 2 }));
    expect(page.count).toBe(3);
    expect(page.items?.map((item) => item.name)).toEqual(names.slice(1));
  });

  it('v2 SearchSecrets(vault.SecretSearch{Keywords}, filters.Paging, filters.SortDesc): POST /search/secrets?limit&offset&sortdir&sortkey', async () => {
    const prefix = uniqueName('go2/search');
    for (const letter of ['a', 'b', 'c']) await created(`${prefix}/${letter}`, { v: letter });
    const search = v2SecretSearch({ Keywords: prefix });
    expect(search).toBe(
      `{"keywords":${goString(prefix)},"sortdir":"","sortkey":"","filter":"","owner_id":null,"limit":0,"offset":0}`,
    );
    // No options: `POST /search/secrets?`.
    const all = decode(resultSet(V2Secret), await app.SearchSecrets(search));
    expect(all.count).toBe(3);
    expect(all.items?.map((item) => item.name)).toEqual([`${prefix}/a`, `${prefix}/b`, `${prefix}/c`]);
    const page = decode(
      resultSet(V2Secret),
      await app.SearchSecrets(search, { offset: 0, limit: 2, sortkey: 'name', sortdir: 'DESC' }),
    );
    expect(page.count).toBe(3);
    expect(page.items?.map((item) => item.name)).toEqual([`${prefix}/c`, `${prefix}/b`]);
  });

  it('v2 DeleteSecret(name): DELETE /secrets/{escaped} (status only); GetSecret then fails OBJECT_NOT_FOUND', async () => {
    const name = uniqueName('go2/delete me');
    await created(name, { password: 'delete-me-go2' });
    succeeds(await manager.DeleteSecret(name));
    const gone = await app.GetSecret(name);
    expect(gone.status).toBe(404);
    expect(goError(gone)).toBe('error: OBJECT_NOT_FOUND, message: Secret not found');
  });

  it('v2 GetSchemas(): GET /schemas decodes into json.RawMessage', async () => {
    const reply = await app.GetSchemas();
    decode(GoRawMessage, reply);
    expect(reply.json).not.toBeUndefined();
  });

  describe('personal secrets of one user', () => {
    const personal = uniqueName('go2/personal é');

    it('v2 CreateUserSecret(userID, &vault.SecretRequest{Name, Data, OwnerID}): POST /user/{id}/secrets → SecretCreate', async () => {
      const request = v2SecretRequest({
        Name: personal,
        Data: { token: 'personal-go2-one' },
        OwnerID: ownerId,
      });
      expect(request).toBe(
        `{"name":${goString(personal)},"read_roles":null,"write_roles":null,"data":{"token":"personal-go2-one"},"owner_id":"${ownerId}"}`,
      );
      const reply = await owner.CreateUserSecret(ownerId, request);
      expect(reply.status).toBe(201);
      expect(decode(V2SecretCreate, reply)).toEqual({ name: personal });
    });

    it('v2 GetUserSecrets(userID), GetUserSecrets(userID, filters.Limit(1)): GET /user/{id}/secrets?…', async () => {
      const second = `${personal}/second`;
      const request = v2SecretRequest({ Name: second, Data: { token: 'personal-go2-two' } });
      expect((await owner.CreateUserSecret(ownerId, request)).status).toBe(201);
      const all = decode(resultSet(V2Secret), await owner.GetUserSecrets(ownerId));
      expect(all.count).toBe(2);
      expect(all.items?.map((item) => [item.name, item.owner_id])).toEqual([
        [personal, ownerId],
        [second, ownerId],
      ]);
      const one = decode(resultSet(V2Secret), await owner.GetUserSecrets(ownerId, { limit: 1 }));
      expect(one.count).toBe(2);
      expect(one.items?.map((item) => item.name)).toEqual([personal]);
    });

    it('v2 GetUserSecret(userID, name): GET /user/{id}/secrets/{escaped} decodes into vault.Secret', async () => {
      const secret = decode(V2Secret, await owner.GetUserSecret(ownerId, personal));
      expect(secret).toMatchObject({
        name: personal,
        owner_id: ownerId,
        data: { token: 'personal-go2-one' },
      });
    });

    it('v2 UpdateUserSecret(userID, name, &vault.SecretRequest{Name: name, Data}): PUT; GetUserSecret sees it', async () => {
      const request = v2SecretRequest({ Name: personal, Data: { token: 'personal-go2-new' } });
      succeeds(await owner.UpdateUserSecret(ownerId, personal, request));
      const secret = decode(V2Secret, await owner.GetUserSecret(ownerId, personal));
      expect(secret.data).toEqual({ token: 'personal-go2-new' });
    });

    it('v2 GetUsersSecretsMetadata(userID, name): GET /user/{id}/metadata/secrets/{escaped}, no data', async () => {
      const metadata = decode(V2Secret, await owner.GetUsersSecretsMetadata(ownerId, personal));
      expect(metadata).toMatchObject({ name: personal, owner_id: ownerId });
      expect(metadata.data ?? undefined).toBeUndefined();
    });

    it('v2 SearchSecrets(vault.SecretSearch{Keywords, Filter: "personal", OwnerIDs: [userID]}): the owner’s personal secrets', async () => {
      const search = v2SecretSearch({ Keywords: personal, Filter: 'personal', OwnerIDs: [ownerId] });
      const found = decode(resultSet(V2Secret), await owner.SearchSecrets(search));
      expect(found.count).toBe(2);
      expect(found.items?.map((item) => [item.name, item.owner_id])).toEqual([
        [personal, ownerId],
        [`${personal}/second`, ownerId],
      ]);
    });

    it('v2 DeleteUserSecret(userID, name): DELETE /user/{id}/secrets/{escaped}; GetUserSecret then fails', async () => {
      succeeds(await owner.DeleteUserSecret(ownerId, `${personal}/second`));
      const gone = await owner.GetUserSecret(ownerId, `${personal}/second`);
      expect(goError(gone)).toContain('OBJECT_NOT_FOUND');
    });
  });
});

// ======================================================================================
describe('privx-cli 0f9bb9e (privx-sdk-go v1.34.0 api/vault): every secrets and user-secrets command', () => {
  const cliRole = `cli-${randomUUID()}`;
  const otherRole = `cli-other-${randomUUID()}`;
  const ownerId = `cli-owner-${randomUUID()}`;
  /** The CLI logged in as a user holding the role (user, vaultAdd). */
  let cli: ReturnType<typeof goVaultV1>;
  /** The CLI logged in as an administrator (deletes). */
  let admin: ReturnType<typeof goVaultV1>;
  /** The CLI logged in as the owner of personal secrets. */
  let self: ReturnType<typeof goVaultV1>;

  beforeAll(async () => {
    cli = goVaultV1(
      await token({ sub: 'cli-user', scopes: ['user', 'vaultAdd'], roles: [cliRole, otherRole] }),
    );
    admin = goVaultV1(await token({ sub: 'cli-admin', scopes: ['admin', 'vaultManage'] }));
    self = goVaultV1(await token({ sub: ownerId, scopes: ['user'] }));
  });

  /** `privx-cli secrets create --name N --allow-read-to R --allow-write-to R secret.json`. */
  async function cliCreate(name: string, secret: unknown) {
    succeeds(await cli.CreateSecret(name, [cliRole], [cliRole], secret));
  }

  it('cli secrets create --name N --allow-read-to R --allow-write-to W secret.json: CreateSecret(tVaultReq)', async () => {
    const name = uniqueName('cli/db (prod)');
    // readJSON → interface{} (a map; numbers float64), marshalled again by CreateSecret.
    const secret = JSON.parse('{"user":"admin","port":5432,"password":"p<w>&d-cli"}');
    // tVaultReq in struct order: name, data (map keys sorted), roles as RoleRef{ID, Name: ""}.
    expect(v1VaultReq({ Name: name, Data: secret, AllowRead: [cliRole], AllowWrite: [otherRole] })).toBe(
      `{"name":${goString(name)},"data":{"password":"p\\u003cw\\u003e\\u0026d-cli","port":5432,"user":"admin"},"read_roles":[{"id":"${cliRole}","name":""}],"write_roles":[{"id":"${otherRole}","name":""}]}`,
    );
    const reply = await cli.CreateSecret(name, [cliRole], [otherRole], secret);
    expect(reply.status, reply.text).toBe(201);
    const stored = decode(V1Secret, await cli.Secret(name));
    expect(stored.data).toEqual({ user: 'admin', port: 5432, password: 'p<w>&d-cli' });
    expect(ids(stored.read_roles)).toEqual([cliRole]);
    expect(ids(stored.write_roles)).toEqual([otherRole]);
  });

  it('cli secrets (Secrets(0, 50)): GET /secrets?limit=50 decodes into []vault.Secret (v1)', async () => {
    const listRole = `cli-list-${randomUUID()}`;
    const lister = goVaultV1(
      await token({ sub: 'cli-lister', scopes: ['user', 'vaultAdd'], roles: [listRole] }),
    );
    const prefix = uniqueName('cli/list');
    for (const letter of ['a', 'b'])
      succeeds(await lister.CreateSecret(`${prefix}/${letter}`, [listRole], [], { v: 1 }));
    const listed = decode(resultSet(V1Secret), await lister.Secrets(0, 50));
    expect(listed.items?.map((item) => item.name)).toEqual([`${prefix}/a`, `${prefix}/b`]);
  });

  it('cli secrets show --name a,b (Secret ×2): GET /secrets/{url.PathEscape(name)} decodes into vault.Secret (v1)', async () => {
    const a = uniqueName('cli/show a');
    const b = uniqueName('cli/show(b)!');
    await cliCreate(a, { password: 'show-a-cli' });
    await cliCreate(b, { password: 'show-b-cli' });
    const shown = [];
    for (const name of `${a},${b}`.split(',')) shown.push(decode(V1Secret, await cli.Secret(name)));
    expect(shown.map((secret) => [secret.name, secret.data])).toEqual([
      [a, { password: 'show-a-cli' }],
      [b, { password: 'show-b-cli' }],
    ]);
    expect(shown[0]?.author).toBe('cli-user');
  });

  it('cli secrets update --name N secret.json (Secret, then UpdateSecret with the roles read back): PUT /secrets/<raw name>', async () => {
    const name = uniqueName('cli/update me');
    succeeds(await cli.CreateSecret(name, [cliRole], [otherRole], { password: 'cli-before-update' }));
    const bag = decode(V1Secret, await cli.Secret(name));
    // The name goes into the URL unescaped: Go sends the space as %20, the slash as is.
    expect(goRawPath(name)).toBe(name.replace(' ', '%20'));
    const updated = await cli.UpdateSecret(name, ids(bag.read_roles), ids(bag.write_roles), {
      password: 'cli-after-update',
    });
    expect(updated.status, updated.text).toBe(200);
    const after = decode(V1Secret, await cli.Secret(name));
    expect(after.data).toEqual({ password: 'cli-after-update' });
    expect(ids(after.read_roles)).toEqual([cliRole]);
    expect(ids(after.write_roles)).toEqual([otherRole]);
  });

  it('cli secrets update --allow-read-to R2 (the CLI then sends no roles at all): data applied, roles kept', async () => {
    // secretUpdate fills tmpVaultReadTo only when no --allow-read-to is given, so with the flag the
    // roles are nil → omitted (`omitempty`): a privx-cli bug. The vault keeps the stored roles.
    const name = uniqueName('cli/update-roles(x)');
    succeeds(await cli.CreateSecret(name, [cliRole], [cliRole], { password: 'cli-roles-before' }));
    decode(V1Secret, await cli.Secret(name));
    const updated = await cli.UpdateSecret(name, [], [], { password: 'cli-roles-after' });
    expect(updated.status, updated.text).toBe(200);
    const after = decode(V1Secret, await cli.Secret(name));
    expect(after.data).toEqual({ password: 'cli-roles-after' });
    expect(ids(after.read_roles)).toEqual([cliRole]);
  });

  it('cli secrets metadata --name a,b (SecretMetadata ×2): GET /metadata/secrets/{escaped}, no data', async () => {
    const a = uniqueName('cli/meta a');
    const b = uniqueName('cli/meta+b');
    await cliCreate(a, { password: 'meta-a-cli' });
    await cliCreate(b, { password: 'meta-b-cli' });
    for (const name of [a, b]) {
      const metadata = decode(V1Secret, await cli.SecretMetadata(name));
      expect(metadata.name).toBe(name);
      expect(metadata.data).toBeUndefined();
    }
  });

  it('cli secrets search --keywords K --sortkey name (SearchSecrets(0, 50, "name", "ASC", {K, "", []})): POST /search/secrets?limit=50&sortdir=ASC&sortkey=name', async () => {
    const prefix = uniqueName('cli/search');
    for (const letter of ['b', 'a']) await cliCreate(`${prefix}/${letter}`, { v: letter });
    // --owner-ids defaults to []string{} (not nil): "owner_id":[].
    const search = { Keywords: prefix, Filter: '', OwnerIDs: [] };
    const found = decode(resultSet(V1Secret), await cli.SearchSecrets(0, 50, 'name', 'ASC', search));
    expect(found.count).toBe(2);
    expect(found.items?.map((item) => item.name)).toEqual([`${prefix}/a`, `${prefix}/b`]);
    // --filter readable --sortdir desc: lowercased filter, upper-cased direction.
    const readable = decode(
      resultSet(V1Secret),
      await cli.SearchSecrets(0, 50, 'name', 'DESC', { ...search, Filter: 'readable' }),
    );
    expect(readable.items?.map((item) => item.name)).toEqual([`${prefix}/b`, `${prefix}/a`]);
  });

  it('cli secrets schemas (VaultSchemas): GET /schemas decodes into json.RawMessage', async () => {
    decode(GoRawMessage, await cli.VaultSchemas());
  });

  it('cli secrets delete --name a,b (DeleteSecret ×2): DELETE /secrets/<raw name>', async () => {
    const a = uniqueName('cli/delete a');
    const b = uniqueName("cli/delete(b)!*'");
    await cliCreate(a, { password: 'delete-a-cli' });
    await cliCreate(b, { password: 'delete-b-cli' });
    for (const name of `${a},${b}`.split(',')) succeeds(await admin.DeleteSecret(name));
    for (const name of [a, b]) expect(goError(await cli.Secret(name))).toContain('OBJECT_NOT_FOUND');
  });

  describe('user-secrets of one owner', () => {
    const first = uniqueName('cli/mine é');
    const second = uniqueName('cli/mine(2)');

    it('cli user-secrets create --owner-id O --name N secret.json (CreateUserSecret): POST /user/O/secrets', async () => {
      const reply = await self.CreateUserSecret({ OwnerID: ownerId, Name: first }, [], [], {
        token: 'cli-personal-one',
      });
      expect(reply.status, reply.text).toBe(201);
      succeeds(
        await self.CreateUserSecret({ OwnerID: ownerId, Name: second }, [], [], { token: 'cli-personal-2' }),
      );
    });

    it('cli user-secrets --owner-id O (UserSecrets(O, 0, 50)): GET /user/O/secrets?limit=50', async () => {
      const listed = decode(resultSet(V1Secret), await self.UserSecrets(ownerId, 0, 50));
      expect(listed.count).toBe(2);
      expect(listed.items?.map((item) => item.name).sort()).toEqual([first, second].sort());
    });

    it('cli user-secrets show --owner-id O --name a,b (UserSecret ×2): GET /user/O/secrets/{escaped}', async () => {
      const shown = [];
      for (const name of [first, second]) shown.push(decode(V1Secret, await self.UserSecret(ownerId, name)));
      expect(shown.map((secret) => secret.data)).toEqual([
        { token: 'cli-personal-one' },
        { token: 'cli-personal-2' },
      ]);
    });

    it('cli user-secrets update --owner-id O --name N secret.json (UserSecret, UpdateUserSecret: the name path-escaped in the body too)', async () => {
      // A name with a slash, a space and a decomposed é (NFD, as macOS types it).
      const name = `${uniqueName('cli/cafe\u0301')} x`;
      succeeds(await self.CreateUserSecret({ OwnerID: ownerId, Name: name }, [], [], { token: 't0k3n-one' }));
      const bag = decode(V1Secret, await self.UserSecret(ownerId, name));
      const updated = await self.UpdateUserSecret(
        { OwnerID: ownerId, Name: name },
        ids(bag.read_roles),
        ids(bag.write_roles),
        { token: 't0k3n-two' },
      );
      expect(updated.status, updated.text).toBe(200);
      const got = decode(V1Secret, await self.UserSecret(ownerId, name));
      expect(got).toMatchObject({ name: name.normalize('NFC'), data: { token: 't0k3n-two' } });
    });

    it('cli user-secrets metadata --owner-id O --name a,b (UserSecretMetadata ×2): GET /user/O/metadata/secrets/{escaped}', async () => {
      for (const name of [first, second]) {
        const metadata = decode(V1Secret, await self.UserSecretMetadata({ OwnerID: ownerId, Name: name }));
        expect(metadata.name).toBe(name);
        expect(metadata.data).toBeUndefined();
      }
    });

    it('cli secrets search --owner-ids O --filter personal --sortkey name (SearchSecrets(0, 50, "name", "ASC", {"", "personal", [O]}))', async () => {
      const search = { Keywords: '', Filter: 'personal', OwnerIDs: [ownerId] };
      const found = decode(resultSet(V1Secret), await self.SearchSecrets(0, 50, 'name', 'ASC', search));
      // first, second and the one the update test made.
      expect(found.count).toBe(3);
      expect(found.items?.map((item) => item.name)).toEqual(expect.arrayContaining([first, second]));
    });

    it('cli user-secrets delete --owner-id O --name a,b (DeleteUserSecret ×2): DELETE /user/O/secrets/{escaped}', async () => {
      for (const name of [first, second])
        succeeds(await self.DeleteUserSecret({ OwnerID: ownerId, Name: name }));
      for (const name of [first, second]) {
        expect(goError(await self.UserSecret(ownerId, name))).toContain('OBJECT_NOT_FOUND');
      }
    });
  });
});

// ======================================================================================
// terraform-provider-privx v1.44.0, resource and data source `privx_secret`.

interface TfRole {
  id: string;
  /** Optional + Computed: absent means not configured (sent as ""). */
  name?: string;
}
/** The configuration (= the plan for configured attributes). */
interface TfConfig {
  name: string;
  read_roles?: TfRole[];
  write_roles?: TfRole[];
  data?: Record<string, string>;
  /** Optional + Computed, default "". */
  owner_id?: string;
}
interface TfState {
  id: string;
  name: string;
  read_roles: Array<{ id: string; name: string }>;
  write_roles: Array<{ id: string; name: string }>;
  data: Record<string, string> | null;
  owner_id: string;
  created: string;
  updated: string;
  updated_by: string;
  author: string;
  path: string;
}

/** Create()/Update(): `vault.SecretRequest` from the plan; unset or empty role lists stay nil. */
function tfSecretRequest(plan: TfConfig, data: Record<string, unknown> | undefined = plan.data): string {
  const handles = (roles?: TfRole[]) =>
    roles?.length ? roles.map((role) => v2RoleHandle(role.id, role.name ?? '')) : null;
  return v2SecretRequest({
    Name: plan.name,
    ReadRoles: handles(plan.read_roles),
    WriteRoles: handles(plan.write_roles),
    Data: data,
    OwnerID: plan.owner_id ?? '',
  });
}

/** Go's `fmt.Sprintf("%v", v)` of a JSON value decoded into interface{}. */
const goSprintV = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : goJson(value);

/** Go's `Format("2006-01-02T15:04:05Z")` (the clock as received, a literal Z), zero time if absent. */
const goSecondsZ = (time: string | null | undefined) =>
  time ? `${time.slice(0, 19)}Z` : '0001-01-01T00:00:00Z';

/** populateSecretModel (resource) / populateSecretDataSourceModel (data source). */
function tfPopulate(secret: V2SecretShape): TfState {
  const roles = (handles: V2SecretShape['read_roles']) =>
    (handles ?? []).map((role) => ({ id: role.id ?? '', name: role.name ?? '' }));
  return {
    id: secret.name ?? '',
    name: secret.name ?? '',
    owner_id: secret.owner_id ?? '',
    created: goSecondsZ(secret.created),
    updated: goSecondsZ(secret.updated),
    updated_by: secret.updated_by ?? '',
    author: secret.author ?? '',
    path: secret.path ?? '',
    read_roles: roles(secret.read_roles),
    write_roles: roles(secret.write_roles),
    data: secret.data
      ? Object.fromEntries(Object.entries(secret.data).map(([key, value]) => [key, goSprintV(value)]))
      : null,
  };
}

/**
 * Terraform core after apply (and the next plan): every configured value must come back as
 * configured, or apply fails with "Provider produced inconsistent result after apply".
 */
function expectConsistent(plan: TfConfig, state: TfState) {
  expect(state.name).toBe(plan.name);
  expect(state.id).toBe(plan.name);
  expect(state.owner_id).toBe(plan.owner_id ?? '');
  for (const key of ['read_roles', 'write_roles'] as const) {
    const configured = plan[key];
    if (!configured) continue;
    expect(state[key].map((role) => role.id)).toEqual(configured.map((role) => role.id));
    configured.forEach((role, index) => {
      if (role.name !== undefined) expect(state[key][index]?.name).toBe(role.name);
    });
  }
  if (plan.data) expect(state.data).toEqual(plan.data);
}

/** `utils.IsPrivxNotFound`. */
const isPrivxNotFound = (error: string) => /OBJECT_NOT_FOUND|NOT_FOUND|404/.test(error.toUpperCase());

describe('Terraform: terraform-provider-privx v1.44.0 (privx-sdk-go/v2 v2.42.0), privx_secret', () => {
  const tfRead = `tf-read-${randomUUID()}`;
  const tfWrite = `tf-write-${randomUUID()}`;
  /** The provider's API client: adds, reads (holds the roles it grants) and deletes. */
  let provider: ReturnType<typeof goVaultV2>;
  let outsider: ReturnType<typeof goVaultV2>;

  beforeAll(async () => {
    provider = goVaultV2(
      await token({
        sub: 'terraform',
        scopes: ['user', 'vaultAdd', 'vaultManage'],
        roles: [tfRead, tfWrite],
      }),
    );
    outsider = goVaultV2(
      await token({ sub: 'someone-else', scopes: ['user', 'vaultAdd', 'vaultManage'], roles: [tfRead] }),
    );
  });

  /** Resource Create(): CreateSecret, then GetSecret into the state. */
  async function apply(plan: TfConfig): Promise<TfState> {
    const created = decode(V2SecretCreate, await provider.CreateSecret(tfSecretRequest(plan)));
    expect(created.name).toBe(plan.name);
    const state = tfPopulate(decode(V2Secret, await provider.GetSecret(plan.name)));
    expectConsistent(plan, state);
    return state;
  }

  /** Resource Read(): GetSecret; a not-found error removes the resource from the state. */
  async function refresh(state: TfState): Promise<TfState | 'removed'> {
    const reply = await provider.GetSecret(state.name);
    if (reply.status >= 400) {
      expect(isPrivxNotFound(goError(reply)), reply.text).toBe(true);
      return 'removed';
    }
    return tfPopulate(decode(V2Secret, reply));
  }

  /** Resource Update(): unset data is read back first and sent again; then GetSecret. */
  async function update(plan: TfConfig): Promise<TfState> {
    let data: Record<string, unknown> | undefined = plan.data;
    if (!data) {
      const current = await provider.GetSecret(plan.name);
      if (current.status < 400) data = decode(V2Secret, current).data ?? undefined;
    }
    succeeds(await provider.UpdateSecret(plan.name, tfSecretRequest(plan, data)));
    const state = tfPopulate(decode(V2Secret, await provider.GetSecret(plan.name)));
    expectConsistent(plan, state);
    return state;
  }

  /** Resource Delete(): DeleteSecret; not found counts as deleted. */
  async function destroy(state: TfState): Promise<void> {
    const reply = await provider.DeleteSecret(state.name);
    if (reply.status >= 400) expect(isPrivxNotFound(goError(reply)), reply.text).toBe(true);
  }

  const config = (name: string): TfConfig => ({
    name,
    read_roles: [{ id: tfRead, name: 'role_[Default]_[USER]' }],
    write_roles: [{ id: tfWrite, name: 'role_[Default]_[ADMIN]' }, { id: tfRead }],
    data: { username: 'svc-app', password: 'tf-p<a>ss&1' },
  });

  it('terraform create: CreateSecret(&SecretRequest{…}) then GetSecret; the state equals the plan', async () => {
    const plan = config(uniqueName('tf/app db'));
    expect(tfSecretRequest(plan)).toBe(
      `{"name":${goString(plan.name)},"read_roles":[{"id":"${tfRead}","name":"role_[Default]_[USER]"}],"write_roles":[{"id":"${tfWrite}","name":"role_[Default]_[ADMIN]"},{"id":"${tfRead}","name":""}],"data":{"password":"tf-p\\u003ca\\u003ess\\u00261","username":"svc-app"}}`,
    );
    const state = await apply(plan);
    expect(state).toMatchObject({ owner_id: '', author: 'terraform', updated_by: 'terraform' });
    expect(state.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(state.path).toContain(goPathEscape(plan.name));
  });

  it('terraform read: GetSecret(name) on refresh; nothing drifts (the next plan is empty)', async () => {
    const plan = config(uniqueName('tf/refresh'));
    const applied = await apply(plan);
    const refreshed = await refresh(applied);
    expect(refreshed).toEqual(applied);
  });

  it('terraform read, secret gone: deleted outside Terraform, GetSecret 404 → IsPrivxNotFound → removed from state', async () => {
    const plan = config(uniqueName('tf/drift'));
    const applied = await apply(plan);
    succeeds(await outsider.DeleteSecret(plan.name));
    expect(await refresh(applied)).toBe('removed');
  });

  it('terraform update: UpdateSecret(name, &SecretRequest{Name: name, …}) then GetSecret; state equals the plan', async () => {
    const plan = config(uniqueName('tf/update'));
    await apply(plan);
    const changed: TfConfig = {
      ...plan,
      read_roles: [
        { id: tfRead, name: 'role_[Default]_[USER] (renamed)' },
        { id: tfWrite, name: 'Writers' },
      ],
      write_roles: [{ id: tfWrite }],
      data: { username: 'svc-app', password: 'tf-rotated-2' },
    };
    const state = await update(changed);
    expect(state.data).toEqual(changed.data);
    expect(state.write_roles).toEqual([{ id: tfWrite, name: 'Writers' }]);
  });

  it('terraform update without data (computed): GetSecret, UpdateSecret re-sending the data read, GetSecret', async () => {
    const plan = config(uniqueName('tf/keep-data'));
    await apply(plan);
    const rolesOnly: TfConfig = { name: plan.name, read_roles: [{ id: tfRead, name: 'Readers only' }] };
    const state = await update(rolesOnly);
    expect(state.data).toEqual(plan.data);
    expect(state.read_roles).toEqual([{ id: tfRead, name: 'Readers only' }]);
    // write_roles unset (computed, unknown → nil → null): the stored ones are kept.
    expect(state.write_roles.map((role) => role.id)).toEqual([tfWrite, tfRead]);
  });

  it('terraform delete: DeleteSecret(name); deleting it again (already gone) is a 404 the provider ignores', async () => {
    const plan = config(uniqueName('tf/destroy'));
    const state = await apply(plan);
    await destroy(state);
    expect(await refresh(state)).toBe('removed');
    const again = await provider.DeleteSecret(plan.name);
    expect(again.status).toBe(404);
    expect(isPrivxNotFound(goError(again))).toBe(true);
  });

  it('terraform destroy → apply: DeleteSecret, then CreateSecret of the same name at once; the new state equals the plan', async () => {
    const plan = config(uniqueName('tf/destroy apply'));
    const first = await apply(plan);
    await destroy(first);
    expect(await refresh(first)).toBe('removed');
    const again = await apply({ ...plan, data: { username: 'svc-app', password: 'tf-second-life' } });
    expect(again.data).toEqual({ username: 'svc-app', password: 'tf-second-life' });
    expect(await refresh(again)).toEqual(again);
    // And again: a second destroy → apply cycle on the same name.
    await destroy(again);
    expect((await apply(plan)).data).toEqual(plan.data);
  });

  it('terraform import: ImportState(id) sets id and name, Read does GetSecret(id); the configuration then plans no change', async () => {
    const name = uniqueName('tf/imported (legacy)');
    // Created outside Terraform (by another API client, with the Go SDK).
    const request = v2SecretRequest({
      Name: name,
      ReadRoles: [v2RoleHandle(tfRead, 'Readers')],
      WriteRoles: [v2RoleHandle(tfWrite, 'Writers')],
      Data: { api_key: 'imported-key-1', retries: 3 },
    });
    expect((await outsider.CreateSecret(request)).status).toBe(201);
    const imported = await refresh({ id: name, name } as TfState);
    expect(imported).not.toBe('removed');
    // The configuration written for it: values as strings (the provider formats numbers with %v).
    expectConsistent(
      {
        name,
        read_roles: [{ id: tfRead, name: 'Readers' }],
        write_roles: [{ id: tfWrite, name: 'Writers' }],
        data: { api_key: 'imported-key-1', retries: '3' },
      },
      imported as TfState,
    );
  });

  it('terraform data source: GetSecret(name) into the data source model (times UTC RFC 3339)', async () => {
    const plan = config(uniqueName('tf/data source'));
    await apply(plan);
    const model = tfPopulate(decode(V2Secret, await provider.GetSecret(plan.name)));
    // populateSecretDataSourceModel: Created.UTC().Format(time.RFC3339), whole seconds.
    expect(model.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(model.updated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(model).toMatchObject({ name: plan.name, data: plan.data, owner_id: '' });
    expect(model.read_roles).toEqual([{ id: tfRead, name: 'role_[Default]_[USER]' }]);
  });
});

// ======================================================================================
// External Secrets Operator, PrivX provider (k8s-eso-privx patch 0001, providers/v1/privx).

/** ESO's `isNotFound`: "PrivX loses the HTTP code so we need to test the error message". */
const esoIsNotFound = (error: string) => error.toLowerCase().includes('secret not found');

/** ESO's `anyToBytes` of a JSON value decoded into interface{}. */
function anyToBytes(value: unknown): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (typeof value === 'boolean') return Buffer.from(String(value));
  // strconv.FormatFloat(t, 'f', -1, 64): shortest, never an exponent.
  if (typeof value === 'number')
    return Buffer.from(Number.isInteger(value) ? BigInt(value).toString() : String(value));
  return Buffer.from(goJson(value), 'utf8');
}

class EsoError extends Error {}

/** The ESO SecretsClient over privx-sdk-go/v2, as client.go implements it. */
function esoClient(vault: ReturnType<typeof goVaultV2>, defaults: { read: string[]; write: string[] }) {
  const getData = async (key: string) => {
    const reply = await vault.GetSecret(key);
    if (reply.status >= 400) throw new EsoError(goError(reply));
    const secret = decode(V2Secret, reply);
    if (!secret.data) throw new EsoError(`secret data missing: ${key}`);
    return secret.data;
  };
  const client = {
    async GetSecret(ref: { key: string; property?: string }): Promise<Buffer> {
      const data = await getData(ref.key);
      if (!ref.property) return Buffer.from(goJson(data), 'utf8');
      const value = data[ref.property];
      if (value == null) throw new EsoError(`property not found in secret: ${ref.key}/${ref.property}`);
      return anyToBytes(value);
    },
    async GetSecretMap(ref: { key: string; property?: string }): Promise<Record<string, Buffer>> {
      const data = await getData(ref.key);
      const all = (object: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(object).map(([key, value]) => [key, anyToBytes(value)]));
      if (!ref.property) return all(data);
      const value = data[ref.property];
      if (value == null) throw new EsoError('property not found in secret');
      if (typeof value === 'object' && !Array.isArray(value)) return all(value as Record<string, unknown>);
      return { [ref.property]: anyToBytes(value) };
    },
    /** dataFrom.find.name.regexp: pages of 100 through GetSecrets, then GetSecret of each match. */
    async GetAllSecrets(regexp: string): Promise<Record<string, Buffer>> {
      const results: Record<string, Buffer> = {};
      const pattern = new RegExp(regexp);
      const limit = 100;
      for (let offset = 0; ; offset += limit) {
        // ESO stops only on Count == 0 or Count < 100, Count being the total: past 100 visible
        // secrets it would never stop. The fixture stays well below that.
        expect(offset, 'ESO GetAllSecrets would loop forever').toBeLessThan(1000);
        const page = decode(resultSet(V2Secret), await vault.GetSecrets({ limit, offset }));
        if (page.count === 0) break;
        for (const item of page.items ?? []) {
          if (!pattern.test(item.name ?? '')) continue;
          results[item.name ?? ''] = Buffer.from(goJson(await getData(item.name ?? '')), 'utf8');
        }
        if ((page.count ?? 0) < limit) break;
      }
      return results;
    },
    /** Always CreateSecret: `{secretKey: []byte}` marshals the bytes as base64. */
    async PushSecret(
      secret: { name: string; data: Record<string, Buffer> },
      push: { remoteKey?: string; secretKey: string },
    ) {
      const name = push.remoteKey || secret.name;
      const handles = (roles: string[]) => roles.map((id) => v2RoleHandle(id, ''));
      const request = v2SecretRequest({
        Name: name,
        ReadRoles: handles(defaults.read),
        WriteRoles: handles(defaults.write),
        Data: { [push.secretKey]: secret.data[push.secretKey] ?? null },
      });
      const reply = await vault.CreateSecret(request);
      if (reply.status >= 400) throw new EsoError(goError(reply));
      decode(V2SecretCreate, reply);
    },
    async DeleteSecret(remoteKey: string): Promise<void> {
      const reply = await vault.DeleteSecret(remoteKey);
      if (reply.status < 400) return;
      const error = goError(reply);
      if (!esoIsNotFound(error)) throw new EsoError(error);
    },
    async SecretExists(remoteKey: string): Promise<boolean> {
      try {
        await client.GetSecret({ key: remoteKey });
        return true;
      } catch (error) {
        if (error instanceof EsoError && esoIsNotFound(error.message)) return false;
        throw error;
      }
    },
    async Validate(): Promise<'Ready' | 'Error'> {
      try {
        await client.GetSecret({ key: '2F0vZqCe0Z3XU5' });
      } catch (error) {
        if (error instanceof EsoError && esoIsNotFound(error.message)) return 'Ready';
      }
      return 'Error';
    },
  };
  return client;
}

describe('ESO provider: k8s-eso-privx 0001 providers/v1/privx (privx-sdk-go/v2 v2.44.0) SecretsClient', () => {
  const esoRole = `eso-${randomUUID()}`;
  let eso: ReturnType<typeof esoClient>;
  let readOnly: ReturnType<typeof esoClient>;
  let raw: ReturnType<typeof goVaultV2>;

  beforeAll(async () => {
    // A read-write SecretStore: its API client adds, reads through its role, and deletes.
    raw = goVaultV2(
      await token({ sub: 'eso-store', scopes: ['user', 'vaultAdd', 'vaultManage'], roles: [esoRole] }),
    );
    eso = esoClient(raw, { read: [esoRole], write: [esoRole] });
    // A read-only SecretStore (what dataFrom.find lists: only the secrets its role may see).
    readOnly = esoClient(goVaultV2(await token({ sub: 'eso-reader', scopes: ['user'], roles: [esoRole] })), {
      read: [],
      write: [],
    });
  });

  /** A secret some other client stored in PrivX, as ESO reads it. */
  async function stored(name: string, data: Record<string, unknown>) {
    const request = v2SecretRequest({
      Name: name,
      ReadRoles: [v2RoleHandle(esoRole)],
      WriteRoles: [v2RoleHandle(esoRole)],
      Data: data,
    });
    expect((await raw.CreateSecret(request)).status).toBe(201);
  }

  it('eso Validate(): GetSecret("2F0vZqCe0Z3XU5") is a 404 whose message contains "secret not found": store Ready', async () => {
    expect(await eso.Validate()).toBe('Ready');
    expect(await readOnly.Validate()).toBe('Ready');
  });

  it('eso GetSecret(ref{Key}): GET /secrets/{url.PathEscape(key)}, the whole data as json.Marshal(*Data)', async () => {
    const key = uniqueName('eso/app/db creds');
    await stored(key, { username: 'app', password: 'eso-p<w>&1', port: 5432 });
    const bytes = await readOnly.GetSecret({ key });
    expect(bytes.toString()).toBe('{"password":"eso-p\\u003cw\\u003e\\u00261","port":5432,"username":"app"}');
  });

  it('eso GetSecret() property: ref{Key, Property} gives that value as bytes (string, number, bool, object)', async () => {
    const key = uniqueName('eso/props');
    await stored(key, { password: 'eso-prop-secret', port: 5432, tls: true, extra: { b: 2, a: 'x' } });
    expect((await readOnly.GetSecret({ key, property: 'password' })).toString()).toBe('eso-prop-secret');
    expect((await readOnly.GetSecret({ key, property: 'port' })).toString()).toBe('5432');
    expect((await readOnly.GetSecret({ key, property: 'tls' })).toString()).toBe('true');
    expect((await readOnly.GetSecret({ key, property: 'extra' })).toString()).toBe('{"a":"x","b":2}');
    await expect(readOnly.GetSecret({ key, property: 'missing' })).rejects.toThrow('property not found');
  });

  it('eso GetSecretMap(ref{Key}) and ref{Key, Property: nested}: every top-level key, or the nested object’s fields', async () => {
    const key = uniqueName('eso/map');
    await stored(key, { user: 'svc', password: 'eso-map-secret', conn: { host: 'db.internal', port: 5432 } });
    const all = await readOnly.GetSecretMap({ key });
    expect(Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v.toString()]))).toEqual({
      user: 'svc',
      password: 'eso-map-secret',
      conn: '{"host":"db.internal","port":5432}',
    });
    const nested = await readOnly.GetSecretMap({ key, property: 'conn' });
    expect(Object.fromEntries(Object.entries(nested).map(([k, v]) => [k, v.toString()]))).toEqual({
      host: 'db.internal',
      port: '5432',
    });
  });

  it('eso GetAllSecrets(find.name.regexp): GetSecrets(filters.Limit(100), filters.Offset(0)) → GET /secrets?limit=100&offset=0, then GetSecret of each match', async () => {
    const prefix = uniqueName('eso/find');
    await stored(`${prefix}/one`, { v: 'eso-find-one' });
    await stored(`${prefix}/two`, { v: 'eso-find-two' });
    await stored(`${uniqueName('eso/other')}`, { v: 'eso-not-matched' });
    const found = await readOnly.GetAllSecrets(`^${prefix.replaceAll('/', '\\/')}/`);
    expect(Object.fromEntries(Object.entries(found).map(([k, v]) => [k, v.toString()]))).toEqual({
      [`${prefix}/one`]: '{"v":"eso-find-one"}',
      [`${prefix}/two`]: '{"v":"eso-find-two"}',
    });
  });

  it('eso PushSecret() new: CreateSecret with the store’s default roles and data {secretKey: base64 of the bytes}', async () => {
    const remoteKey = uniqueName('eso/pushed');
    const value = Buffer.from('eso-pushed-s3cret\n', 'utf8');
    await eso.PushSecret(
      { name: 'k8s-secret', data: { password: value } },
      { remoteKey, secretKey: 'password' },
    );
    // What landed in PrivX: the base64 text of the bytes (json.Marshal of []byte).
    const back = await readOnly.GetSecret({ key: remoteKey, property: 'password' });
    expect(back.toString()).toBe(value.toString('base64'));
    expect(await eso.SecretExists(remoteKey)).toBe(true);
    const secret = decode(V2Secret, await raw.GetSecret(remoteKey));
    expect(ids(secret.read_roles)).toEqual([esoRole]);
    expect(ids(secret.write_roles)).toEqual([esoRole]);
  });

  it('eso PushSecret() existing: the provider only ever creates, so CreateSecret is refused 409 VALUE_DUPLICATE and the value stays', async () => {
    const remoteKey = uniqueName('eso/pushed-twice');
    const first = Buffer.from('eso-first-value', 'utf8');
    await eso.PushSecret({ name: 'k8s', data: { token: first } }, { remoteKey, secretKey: 'token' });
    const second = Buffer.from('eso-second-value', 'utf8');
    const push = eso.PushSecret({ name: 'k8s', data: { token: second } }, { remoteKey, secretKey: 'token' });
    await expect(push).rejects.toThrow(
      `error: VALUE_DUPLICATE, message: A secret named ${JSON.stringify(remoteKey)} already exists, property: name`,
    );
    expect((await readOnly.GetSecret({ key: remoteKey, property: 'token' })).toString()).toBe(
      first.toString('base64'),
    );
  });

  it('eso PushSecret() after DeleteSecret(): the remote key is created again at once with the new value', async () => {
    const remoteKey = uniqueName('eso/push again');
    const first = Buffer.from('eso-before-delete', 'utf8');
    await eso.PushSecret({ name: 'k8s', data: { token: first } }, { remoteKey, secretKey: 'token' });
    await eso.DeleteSecret(remoteKey);
    expect(await eso.SecretExists(remoteKey)).toBe(false);
    const second = Buffer.from('eso-after-delete', 'utf8');
    await eso.PushSecret({ name: 'k8s', data: { token: second } }, { remoteKey, secretKey: 'token' });
    expect((await readOnly.GetSecret({ key: remoteKey, property: 'token' })).toString()).toBe(
      second.toString('base64'),
    );
  });

  it('eso SecretExists(): true for a stored key, false for a missing one (404 "Secret not found")', async () => {
    const key = uniqueName('eso/exists');
    await stored(key, { v: 'eso-exists-1' });
    expect(await eso.SecretExists(key)).toBe(true);
    expect(await eso.SecretExists(uniqueName('eso/never stored'))).toBe(false);
  });

  it('eso DeleteSecret() (deletionPolicy: Delete): DeleteSecret(remoteKey); a missing key’s 404 counts as deleted', async () => {
    const remoteKey = uniqueName('eso/delete me');
    await eso.PushSecret(
      { name: 'k8s', data: { password: Buffer.from('eso-delete-me', 'utf8') } },
      { remoteKey, secretKey: 'password' },
    );
    await eso.DeleteSecret(remoteKey);
    expect(await eso.SecretExists(remoteKey)).toBe(false);
    // Deleting again, or a key never pushed: "secret not found" → nil.
    await eso.DeleteSecret(remoteKey);
    await eso.DeleteSecret(uniqueName('eso/never pushed'));
  });
});
