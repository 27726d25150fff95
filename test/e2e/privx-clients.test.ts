/**
 * Real PrivX clients, replayed byte for byte (issue 14, items 2, 5 and 6). Each request is what the
 * client's source serializes: Go's `json.Marshal` of the SDK's struct (fields in struct order,
 * `omitempty` honoured, nil slices as `null`, `<`, `>` and `&` escaped as `\u003c`…), its path
 * built with the SDK's own escaping, and its headers as Go's `net/http` sends them (no
 * `Content-Type` at all before privx-sdk-go v1.32). Each answer must decode into the struct the
 * client decodes it into (Go's `encoding/json`: a type mismatch, or a time that is not RFC 3339,
 * fails the call).
 *
 * Sources read: github.com/SSHcom/privx-sdk-go (api/vault/model.go and client.go at v2.44.0,
 * api/vault/vault.go and model.go at v1.26.0/v1.34.0, restapi/client.go before and after d75696d
 * "add content-type header json", first released in v1.32.0), github.com/SSHcom/privx-cli (go.mod
 * pins privx-sdk-go v1.34.0; cmd/vault.go) and github.com/SSHcom/terraform-provider-privx
 * (privx-sdk-go/v2 v2.42.0; internal/provider/secret_resource.go).
 *
 * The request building and Go decoding live in test/support/privx-go.ts; every client × operation
 * is replayed in privx-client-matrix.test.ts. This file keeps the edge cases around them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectShapedError } from '../support/error-shape.ts';
import { apiUrl, recordSent, token, uniqueName } from '../support/http.ts';
import {
  decode,
  goPathEscape,
  goRawPath,
  goRequest,
  goString,
  resultSet,
  V1Secret,
  V2Secret,
  V2SecretCreate,
} from '../support/privx-go.ts';
import { USERS } from '../support/users.ts';

let adder: string;
let reader: string;
let writer: string;

beforeAll(async () => {
  adder = await token({ sub: 'tf-runner', scopes: ['vaultAdd'], roles: ['writers'] });
  reader = await token(USERS.reader);
  writer = await token(USERS.writer);
});

describe('privx-sdk-go v2 (v2.44.0, also Terraform’s v2.42.0: vault.SecretRequest unchanged)', () => {
  it('CreateSecret with nil Data (`data,omitempty`: omitted) creates the secret with data {}', async () => {
    const name = uniqueName('go2/no-data');
    // json.Marshal(&vault.SecretRequest{Name: name, ReadRoles: []RoleHandle{{ID: "readers", Name: "Readers"}}})
    const body = `{"name":${goString(name)},"read_roles":[{"id":"readers","name":"Readers"}],"write_roles":null}`;
    const created = decode(V2SecretCreate, await goRequest('POST', '/secrets', { token: adder, body }));
    expect(created.name).toBe(name);
    const got = decode(V2Secret, await goRequest('GET', `/secrets/${goPathEscape(name)}`, { token: reader }));
    expect(got).toMatchObject({ name, data: {} });
  });

  it('UpdateSecret sends `"name":""` (SecretRequest.Name has no omitempty): the update applies', async () => {
    const name = uniqueName('go2/app db');
    const create = `{"name":${goString(name)},"read_roles":[{"id":"readers","name":"Readers"}],"write_roles":[{"id":"writers","name":"Writers"}],"data":{"password":"hunter2"}}`;
    expect((await goRequest('POST', '/secrets', { token: adder, body: create })).status).toBe(201);
    // json.Marshal(&vault.SecretRequest{Data: &map[string]interface{}{"password": "r<o>t&"}}): nil
    // roles are null (kept as stored), OwnerID "" omitted; the path is url.PathEscape(name).
    const update =
      '{"name":"","read_roles":null,"write_roles":null,"data":{"password":"r\\u003co\\u003et\\u0026"}}';
    recordSent(['r<o>t&']);
    const path = `/secrets/${goPathEscape(name)}`;
    const updated = await goRequest('PUT', path, { token: writer, body: update });
    expect(updated.status, updated.text).toBe(200);
    const got = decode(V2Secret, await goRequest('GET', path, { token: reader }));
    expect(got).toMatchObject({ name, data: { password: 'r<o>t&' } });
    expect(got.read_roles?.map((role) => role.id)).toEqual(['readers']);
    expect(got.write_roles?.map((role) => role.id)).toEqual(['writers']);
  });

  it('UpdateSecret with a different name is still refused (422 naming name), and nothing changes', async () => {
    const name = uniqueName('go2/rename');
    const create = `{"name":${goString(name)},"read_roles":[{"id":"readers","name":""}],"write_roles":[{"id":"writers","name":""}],"data":{"v":1}}`;
    expect((await goRequest('POST', '/secrets', { token: adder, body: create })).status).toBe(201);
    const path = `/secrets/${goPathEscape(name)}`;
    const reply = await goRequest('PUT', path, {
      token: writer,
      body: '{"name":"other","read_roles":null,"write_roles":null,"data":{"v":2}}',
    });
    expectShapedError(reply, 422, 'RULE_VIOLATION');
    expect(reply.json.property).toBe('name');
    expect(decode(V2Secret, await goRequest('GET', path, { token: reader })).data).toEqual({ v: 1 });
  });
});

describe('Terraform provider privx (terraform-provider-privx, privx-sdk-go/v2 v2.42.0)', () => {
  it('privx_secret without `data`, then with `owner_id` on a shared secret: created, then a clear 422', async () => {
    const name = uniqueName('tf/bar');
    // Create(): vault.SecretRequest{Name, ReadRoles, WriteRoles, Data: nil, OwnerID: ""} (default "").
    const body = `{"name":${goString(name)},"read_roles":[{"id":"readers","name":"role_[Default]_[USER]"}],"write_roles":[{"id":"writers","name":"role_[Default]_[ADMIN]"}]}`;
    const created = decode(V2SecretCreate, await goRequest('POST', '/secrets', { token: adder, body }));
    expect(created.name).toBe(name);
    // Create() then reads it back with GetSecret and formats Created/Updated: they must be times.
    const got = decode(V2Secret, await goRequest('GET', `/secrets/${goPathEscape(name)}`, { token: reader }));
    expect(got).toMatchObject({ name, data: {} });
    expect(got.owner_id ?? '').toBe('');
    expect(got.created).toEqual(expect.any(String));

    // Update(): Name is the resource's own name (equal to the path), data read back from GetSecret.
    const update = `{"name":${goString(name)},"read_roles":[{"id":"readers","name":"role_[Default]_[USER]"}],"write_roles":[{"id":"writers","name":"role_[Default]_[ADMIN]"}],"data":{"k":"v"}}`;
    const path = `/secrets/${goPathEscape(name)}`;
    expect((await goRequest('PUT', path, { token: writer, body: update })).status).toBe(200);

    // owner_id set in the configuration of a shared secret: refused, pointing at the personal API.
    const owned = await goRequest('POST', '/secrets', {
      token: adder,
      body: `{"name":${goString(uniqueName('tf/owned'))},"read_roles":null,"write_roles":null,"owner_id":"alice"}`,
    });
    expectShapedError(owned, 422, 'RULE_VIOLATION');
    expect(owned.json).toMatchObject({ property: 'owner_id' });
    expect(owned.json.error_message).toContain('/user/{user_id}/secrets');
  });
});

describe('privx-sdk-go v1.26.0 (before v1.32: JSON bodies without a Content-Type)', () => {
  it('CreateSecret, UpdateSecret and SearchSecrets all work without a Content-Type header', async () => {
    const name = uniqueName('go1/legacy');
    // CreateSecret(name, ["readers"], ["writers"], map{"password": "p<&>-legacy"}): tVaultReq in
    // struct order, RoleRef.Name "" sent, OwnerID "" omitted.
    const create = `{"name":${goString(name)},"data":{"password":"p\\u003c\\u0026\\u003e-legacy"},"read_roles":[{"id":"readers","name":""}],"write_roles":[{"id":"writers","name":""}]}`;
    recordSent(['p<&>-legacy', 'p<&>-rotated']);
    const created = await goRequest('POST', '/secrets', { token: adder, body: create, contentType: false });
    expect(created.status, created.text).toBe(201);

    // UpdateSecret(name, ["readers"], ["writers"], …): the name is not sent; the path is the raw name.
    const update =
      '{"data":{"password":"p\\u003c\\u0026\\u003e-rotated"},"read_roles":[{"id":"readers","name":""}],"write_roles":[{"id":"writers","name":""}]}';
    const updated = await goRequest('PUT', `/secrets/${goRawPath(name)}`, {
      token: writer,
      body: update,
      contentType: false,
    });
    expect(updated.status, updated.text).toBe(200);

    // SearchSecrets(0, 10, "name", "asc", SecretSearchRequest{Keywords: name}): paging in the
    // query (Params, omitempty, keys sorted by url.Values.Encode), OwnerIDs nil → null.
    const search = `{"keywords":${goString(name)},"filter":"","owner_id":null}`;
    const found = decode(
      resultSet(V1Secret),
      await goRequest('POST', '/search/secrets?limit=10&sortdir=asc&sortkey=name', {
        token: reader,
        body: search,
        contentType: false,
      }),
    );
    expect(found.count).toBe(1);
    expect(found.items?.map((item) => item.name)).toEqual([name]);

    // Secret(name) decodes into the v1 vault.Secret with the rotated value.
    const got = decode(V1Secret, await goRequest('GET', `/secrets/${goPathEscape(name)}`, { token: reader }));
    expect(got.data).toEqual({ password: 'p<&>-rotated' });
  });

  it('a malformed body without a Content-Type is the usual 400; an explicit non-JSON type stays 415', async () => {
    const name = uniqueName('go1/bad');
    const malformed = await goRequest('POST', '/secrets', {
      token: adder,
      body: `{"name":${goString(name)},`,
      contentType: false,
    });
    expectShapedError(malformed, 400, 'BAD_REQUEST');
    const form = await fetch(apiUrl('/secrets'), {
      method: 'POST',
      headers: { Authorization: `Bearer ${adder}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(`name=${name}`),
    });
    expect(form.status).toBe(415);
    expect(((await form.json()) as { error_code: string }).error_code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await goRequest('GET', `/secrets/${goPathEscape(name)}`, { token: reader })).status).toBe(404);
  });
});
