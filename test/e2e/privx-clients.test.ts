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
 */
import { request } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { expectShapedError } from '../support/error-shape.ts';
import { apiUrl, recordSent, token, uniqueName } from '../support/http.ts';
import { openApiMismatch } from '../support/openapi-check.ts';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/**
 * One request as privx-sdk-go's restapi client makes it: `User-Agent: privx-sdk-go`, the token in
 * `Authorization`, `Content-Type: application/json` only from v1.32 on (`contentType: false`
 * before), and Go's `Accept-Encoding: gzip`. The body is sent as the exact bytes given.
 */
function goRequest(
  method: string,
  path: string,
  options: { token: string; body?: string; contentType?: false },
): Promise<Reply> {
  const url = new URL(apiUrl(path));
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers: Record<string, string> = {
    'User-Agent': 'privx-sdk-go',
    Authorization: `Bearer ${options.token}`,
    'Accept-Encoding': 'gzip',
  };
  if (body !== undefined) {
    headers['Content-Length'] = String(body.length);
    if (options.contentType !== false) headers['Content-Type'] = 'application/json';
  }
  recordSent([options.token]);
  return new Promise((resolve, reject) => {
    // The path as written (Go sends `%2F` as it is): node would not re-encode it either.
    const req = request(
      { method, host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const replyHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) replyHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          const status = res.statusCode ?? 0;
          const mismatch = openApiMismatch({ method, url: url.href, status, headers: replyHeaders, text });
          if (mismatch) {
            reject(new Error(`response does not match the OpenAPI document: ${mismatch}`));
            return;
          }
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status, headers: replyHeaders, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Go's `url.PathEscape`: unreserved and `$&+:=@` stay, everything else is `%XX` (upper case) per UTF-8 byte. */
const goPathEscape = (segment: string): string =>
  [...Buffer.from(segment, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9\-_.~$&+:=@]/.test(char)
        ? char
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');

/** Go's `json.Marshal` of a string: JSON, with the HTML-safe escapes Go adds. */
const goString = (value: string): string =>
  JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');

// ---- What each client decodes an answer into, as Go's encoding/json would accept it ----

/** A Go `string` field: absent or `null` leaves it empty; anything but a string fails the decode. */
const GoString = z.string().nullish();
/** A Go `time.Time` field: `null` leaves it zero; otherwise only RFC 3339 parses (`""` fails). */
const GoTime = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/)
  .nullish();
/** A Go slice: `null` or an array. */
const goSlice = <T extends z.ZodType>(item: T) => z.array(item).nullish();

/** privx-sdk-go v2 `rolestore.RoleHandle` {ID, Name, Deleted}. */
const V2RoleHandle = z.object({ id: GoString, name: GoString, deleted: z.boolean().nullish() });
/** privx-sdk-go v2 `vault.Secret` (embeds `SecretRequest`). */
const V2Secret = z.object({
  name: GoString,
  read_roles: goSlice(V2RoleHandle),
  write_roles: goSlice(V2RoleHandle),
  data: z.record(z.string(), z.unknown()).nullish(),
  owner_id: GoString,
  created: GoTime,
  updated: GoTime,
  updated_by: GoString,
  author: GoString,
  path: GoString,
});
/** privx-sdk-go v2 `vault.SecretCreate`. */
const V2SecretCreate = z.object({ name: GoString });
/** privx-sdk-go v1 `rolestore.RoleRef` {ID, Name}. */
const V1RoleRef = z.object({ id: GoString, name: GoString });
/** privx-sdk-go v1 `vault.Secret`: times are plain strings, data a `json.RawMessage`. */
const V1Secret = z.object({
  name: GoString,
  author: GoString,
  updated_by: GoString,
  created: GoString,
  updated: GoString,
  read_roles: goSlice(V1RoleRef),
  write_roles: goSlice(V1RoleRef),
  data: z.unknown().optional(),
});
/** privx-sdk-go v1 `secretResult` (and v2 `response.ResultSet[T]`). */
const resultSet = <T extends z.ZodType>(item: T) =>
  z.object({ count: z.number().int(), items: goSlice(item) });

/** Decodes like Go: the call fails (the test too) if the answer does not fit the struct. */
function decode<T extends z.ZodType>(struct: T, reply: Reply): z.output<T> {
  expect(reply.status, reply.text).toBeLessThan(400);
  const decoded = struct.safeParse(reply.json);
  expect(decoded.success, `${reply.text}\n${decoded.error?.message}`).toBe(true);
  return decoded.data as z.output<T>;
}

let adder: string;
let reader: string;
let writer: string;
let owner: string;
const OWNER = 'pat';

beforeAll(async () => {
  adder = await token({ sub: 'tf-runner', scopes: ['vaultAdd'], roles: ['writers'] });
  reader = await token({ sub: 'rita', scopes: ['user'], roles: ['readers'] });
  writer = await token({ sub: 'walt', scopes: ['user'], roles: ['writers'] });
  owner = await token({ sub: OWNER, scopes: ['user'] });
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

describe('privx-cli (go.mod pins privx-sdk-go v1.34.0: vault.tVaultReq)', () => {
  it('user-secrets update sends the name path-escaped in the body (UpdateUserSecret): the update applies', async () => {
    // A name with a slash, a space and a decomposed é (NFD, as macOS types it).
    const name = `${uniqueName('cli/cafe\u0301')} x`;
    const nfc = name.normalize('NFC');
    // CreateUserSecret: tVaultReq{Name: name, Data, OwnerID: url.PathEscape(owner)}; empty role
    // slices are omitted (`omitempty`).
    const create = `{"name":${goString(name)},"data":{"token":"t0k3n-one"},"owner_id":"${OWNER}"}`;
    recordSent(['t0k3n-one', 't0k3n-two']);
    const created = await goRequest('POST', `/user/${OWNER}/secrets`, { token: owner, body: create });
    expect(created.status, created.text).toBe(201);

    // UpdateUserSecret: req.Name = url.PathEscape(name), used for both the path and the body.
    const escaped = goPathEscape(name);
    const update = `{"name":"${escaped}","data":{"token":"t0k3n-two"},"owner_id":"${OWNER}"}`;
    const path = `/user/${OWNER}/secrets/${escaped}`;
    const updated = await goRequest('PUT', path, { token: owner, body: update });
    expect(updated.status, updated.text).toBe(200);
    // UserSecret decodes into the v1 vault.Secret.
    const got = decode(V1Secret, await goRequest('GET', path, { token: owner }));
    expect(got).toMatchObject({ name: nfc, data: { token: 't0k3n-two' } });
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
    const updated = await goRequest('PUT', `/secrets/${name}`, {
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
