/**
 * The real PrivX clients are Go programs built on github.com/SSHcom/privx-sdk-go (privx-cli on
 * v1.34.0, Terraform's provider on v2.42.0, the External Secrets provider and the SDK itself on
 * v2.44.0). This module replays what they put on the wire and decodes what they read back:
 *
 * - `goRequest` writes the request as Go's `net/http` does, byte for byte, on a raw socket: the
 *   request target exactly as given (the SDK's own escaping, a bare trailing `?` when `Query` gets
 *   no values), then `Host`, `User-Agent: privx-sdk-go`, `Content-Length` (POST and PUT only),
 *   `Authorization`, `Content-Type: application/json` (bodies, from v1.32 on), and
 *   `Accept-Encoding: gzip`, in Go's order, and nothing else (no `Connection`).
 * - `goPathEscape`, `goRawPath`, `goQuery`: `url.PathEscape`, what `url.Parse` + `EscapedPath`
 *   make of a name put in a URL unescaped (v1 `UpdateSecret`/`DeleteSecret`), and
 *   `url.Values.Encode`.
 * - `goJson` and the struct marshallers (`v2SecretRequest`, `v1VaultReq`, …): `json.Marshal`,
 *   fields in struct order, `omitempty` as each tag says, nil slices as `null`, map keys sorted,
 *   `<`, `>`, `&` escaped, `[]byte` as base64.
 * - The zod structs and `decode`: what Go's `encoding/json` accepts for each struct the clients
 *   decode into (a type mismatch, or a `time.Time` that is not RFC 3339, fails the call).
 * - `goError`: `restapi.ErrorFromResponse`, the error text every client matches "not found" on.
 */
import { connect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import * as z from 'zod';
import { apiUrl, type Reply, recordSent } from './http.ts';
import { openApiMismatch } from './openapi-check.ts';

/** A reply as Go's client sees it; `statusLine` is `http.Response.Status` ("404 Not Found"). */
export interface GoReply extends Reply {
  statusLine: string;
}

/** String values of secret data in a body: the suite's leak check proves none reached a log. */
function dataStrings(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string' && value.length >= 8) found.push(value);
  else if (value && typeof value === 'object')
    for (const child of Object.values(value)) dataStrings(child, found);
  return found;
}

/** Reads one HTTP/1.1 response (Content-Length, chunked, or until close) off a socket. */
function readResponse(buffer: Buffer, ended: boolean) {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine = '', ...lines] = buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const rest = buffer.subarray(headEnd + 4);
  const length = headers.get('content-length');
  let body: Buffer | undefined;
  if (length !== null) {
    if (rest.length >= Number(length)) body = rest.subarray(0, Number(length));
  } else if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) {
    const chunks: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n', at);
      if (lineEnd < 0) break;
      const size = Number.parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16);
      if (size === 0) {
        body = Buffer.concat(chunks);
        break;
      }
      if (rest.length < lineEnd + 2 + size + 2) break;
      chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  } else if (ended) body = rest;
  if (body === undefined) return undefined;
  return { statusLine: statusLine.replace(/^HTTP\/1\.[01] /, ''), headers, body };
}

/**
 * One request as privx-sdk-go's restapi client makes it through Go's `net/http`. `target` is the
 * part after `/vault/api/v1`, already escaped as the client escapes it; `body` the exact bytes
 * `json.Marshal` produced; `contentType: false` for SDKs before v1.32 (no `Content-Type` at all).
 * The answer must match the OpenAPI document, and an error must not echo secret data it was sent.
 */
export async function goRequest(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  target: string,
  options: { token: string; body?: string; contentType?: false },
): Promise<GoReply> {
  const url = new URL(apiUrl('/'));
  const requestTarget = `${url.pathname.replace(/\/$/, '')}${target}`;
  const body = options.body === undefined ? Buffer.alloc(0) : Buffer.from(options.body, 'utf8');
  let sent: string[] = [];
  try {
    sent =
      options.body === undefined ? [] : dataStrings((JSON.parse(options.body) as { data?: unknown }).data);
  } catch {
    // Not JSON: nothing of it is secret data.
  }
  recordSent([...sent, options.token]);
  // Request.write: Host, User-Agent, transferWriter (Content-Length), Header sorted, extraHeaders.
  const lines = [`${method} ${requestTarget} HTTP/1.1`, `Host: ${url.host}`, 'User-Agent: privx-sdk-go'];
  if (method === 'POST' || method === 'PUT' || body.length > 0) lines.push(`Content-Length: ${body.length}`);
  lines.push(`Authorization: Bearer ${options.token}`);
  if (options.body !== undefined && options.contentType !== false)
    lines.push('Content-Type: application/json');
  lines.push('Accept-Encoding: gzip');
  const wire = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), body]);

  const response = await new Promise<NonNullable<ReturnType<typeof readResponse>>>((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    let received = Buffer.alloc(0);
    const settle = (ended: boolean) => {
      const parsed = readResponse(received, ended);
      if (parsed) {
        socket.destroy();
        resolve(parsed);
      } else if (ended) reject(new Error(`connection closed mid-response: ${received.toString('latin1')}`));
    };
    socket.on('connect', () => socket.write(wire));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      settle(false);
    });
    socket.on('end', () => settle(true));
    socket.on('error', reject);
  });

  // Go's transport asked for gzip itself, so it also undoes it transparently.
  const decoded = /gzip/i.test(response.headers.get('content-encoding') ?? '')
    ? gunzipSync(response.body)
    : response.body;
  const text = decoded.toString('utf8');
  const status = Number(response.statusLine.slice(0, 3));
  if (status >= 400 && sent.some((value) => text.includes(value))) {
    throw new Error(`error response ${status} echoed secret data: ${method} ${target}`);
  }
  const mismatch = openApiMismatch({
    method,
    url: `${url.origin}${requestTarget}`,
    status,
    headers: response.headers,
    text,
  });
  if (mismatch) throw new Error(`response does not match the OpenAPI document: ${mismatch}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, statusLine: response.statusLine, headers: response.headers, text, json };
}

// ---- Paths and queries as Go builds them ----

const hex = (byte: number) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
const escapeBytes = (value: string, keep: RegExp) =>
  [...Buffer.from(value, 'utf8')]
    .map((byte) => (keep.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : hex(byte)))
    .join('');

/** Go's `url.PathEscape` (v2's `URL(…, name)` applies it to every string argument). */
export const goPathEscape = (segment: string): string => escapeBytes(segment, /[A-Za-z0-9\-_.~$&+:=@]/);

/**
 * A name put into a URL unescaped (privx-sdk-go v1 `UpdateSecret` and `DeleteSecret` do), as Go
 * sends it: `url.Parse` keeps the text as `RawPath` when every byte may appear in a path (`/`,
 * sub-delims, `:`, `@`…); otherwise `EscapedPath` re-escapes the whole path in `encodePath` mode
 * (`/`, `,`, `;` stay, a space becomes `%20`). Names with `%`, `?` or `#` would change meaning.
 */
export function goRawPath(name: string): string {
  expect(name, 'a raw Go path cannot carry % ? #').not.toMatch(/[%?#]/);
  if (/^[A-Za-z0-9\-_.~!$&'()*+,;=:@[\]/]*$/.test(name)) return name;
  return escapeBytes(name, /[A-Za-z0-9\-_.~$&+,/:;=@]/);
}

/** Go's `url.QueryEscape`: as PathEscape, but a space is `+` and `$&+:=@` are escaped. */
const goQueryEscape = (value: string) => escapeBytes(value, /[A-Za-z0-9\-_.~ ]/).replaceAll(' ', '+');

/**
 * `"?" + url.Values.Encode()` as restapi's `Query` appends it: keys sorted, always a `?`, even
 * with no values at all (`GET /secrets?`).
 */
export const goQuery = (values: Record<string, string | number> = {}): string =>
  `?${Object.keys(values)
    .sort()
    .map((key) => `${goQueryEscape(key)}=${goQueryEscape(String(values[key]))}`)
    .join('&')}`;

// ---- Bodies as Go's json.Marshal writes them ----

/** Go's `json.Marshal` of a string: JSON, with the HTML-safe escapes Go adds. */
export const goString = (value: string): string =>
  JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');

/** Bytes already marshalled (a nested struct), placed as they are. */
export class GoRaw {
  readonly json: string;
  constructor(json: string) {
    this.json = json;
  }
}

/**
 * `json.Marshal` of Go dynamic values: objects are `map[string]interface{}` (keys sorted bytewise),
 * arrays slices, `null` nil, a Buffer `[]byte` (base64), numbers float64 (`1e-07`, not `1e-7`).
 */
export function goJson(value: unknown): string {
  if (value instanceof GoRaw) return value.json;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return JSON.stringify(value).replace(/e([+-])(\d)$/, 'e$10$2');
  if (Buffer.isBuffer(value)) return goString(value.toString('base64'));
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    Buffer.compare(Buffer.from(a), Buffer.from(b)),
  );
  return `{${entries.map(([key, child]) => `${goString(key)}:${goJson(child)}`).join(',')}}`;
}

/** A Go struct: `[json name, value, omitted?]` in declaration order. */
const goStruct = (fields: Array<[string, unknown, boolean?]>): GoRaw =>
  new GoRaw(
    `{${fields
      .filter(([, , omitted]) => !omitted)
      .map(([key, value]) => `${goString(key)}:${goJson(value)}`)
      .join(',')}}`,
  );

/** v2 `rolestore.RoleHandle{ID, Name, Deleted bool "deleted,omitempty"}`. */
export const v2RoleHandle = (id: string, name = '') =>
  goStruct([
    ['id', id],
    ['name', name],
    ['deleted', false, true],
  ]);

/**
 * v2 `vault.SecretRequest`: `name`, `read_roles`, `write_roles` always (nil slices `null`),
 * `data,omitempty` (a nil `*map` is omitted, a pointer to an empty map is `{}`), `owner_id,omitempty`.
 */
export function v2SecretRequest(request: {
  Name?: string;
  ReadRoles?: GoRaw[] | null;
  WriteRoles?: GoRaw[] | null;
  Data?: Record<string, unknown> | null;
  OwnerID?: string;
}): string {
  return goStruct([
    ['name', request.Name ?? ''],
    ['read_roles', request.ReadRoles ?? null],
    ['write_roles', request.WriteRoles ?? null],
    ['data', request.Data, request.Data == null],
    ['owner_id', request.OwnerID ?? '', !request.OwnerID],
  ]).json;
}

/** v2 `vault.SecretSearch`: no `omitempty` anywhere, so zero values and `"owner_id":null` are sent. */
export function v2SecretSearch(search: {
  Keywords?: string;
  SortDir?: string;
  SortKey?: string;
  Filter?: string;
  OwnerIDs?: string[] | null;
  Limit?: number;
  Offset?: number;
}): string {
  return goStruct([
    ['keywords', search.Keywords ?? ''],
    ['sortdir', search.SortDir ?? ''],
    ['sortkey', search.SortKey ?? ''],
    ['filter', search.Filter ?? ''],
    ['owner_id', search.OwnerIDs ?? null],
    ['limit', search.Limit ?? 0],
    ['offset', search.Offset ?? 0],
  ]).json;
}

/**
 * v1 `vault.tVaultReq` as `mkVaultReq` fills it: `name,omitempty`, `data` (always), role ids as
 * `rolestore.RoleRef{ID, Name: ""}` in `read_roles,omitempty`/`write_roles,omitempty` (an empty
 * list is omitted), `owner_id,omitempty`.
 */
export function v1VaultReq(request: {
  Name?: string;
  Data: unknown;
  AllowRead?: string[];
  AllowWrite?: string[];
  OwnerID?: string;
}): string {
  const refs = (ids: string[] = []) =>
    ids.map((id) =>
      goStruct([
        ['id', id],
        ['name', ''],
      ]),
    );
  return goStruct([
    ['name', request.Name ?? '', !request.Name],
    ['data', request.Data],
    ['read_roles', refs(request.AllowRead), !request.AllowRead?.length],
    ['write_roles', refs(request.AllowWrite), !request.AllowWrite?.length],
    ['owner_id', request.OwnerID ?? '', !request.OwnerID],
  ]).json;
}

/** v1 `vault.SecretSearchRequest{Keywords, Filter, OwnerIDs}`: no `omitempty`. */
export const v1SecretSearchRequest = (search: {
  Keywords: string;
  Filter: string;
  OwnerIDs: string[] | null;
}) =>
  goStruct([
    ['keywords', search.Keywords],
    ['filter', search.Filter],
    ['owner_id', search.OwnerIDs],
  ]).json;

/** v1 `vault.Params{Offset, Limit, Sortkey, Sortdir}` (all `omitempty`) as `Query` encodes them. */
export const v1Params = (params: { Offset?: number; Limit?: number; Sortkey?: string; Sortdir?: string }) =>
  goQuery(
    Object.fromEntries(
      Object.entries({
        offset: params.Offset,
        limit: params.Limit,
        sortkey: params.Sortkey,
        sortdir: params.Sortdir,
      }).filter(([, value]) => value !== undefined && value !== 0 && value !== ''),
    ) as Record<string, string | number>,
  );

// ---- What each client decodes an answer into, as Go's encoding/json would accept it ----

/** A Go `string` field: absent or `null` leaves it empty; anything but a string fails the decode. */
export const GoString = z.string().nullish();
/** A Go `time.Time` field: `null` leaves it zero; otherwise only RFC 3339 parses (`""` fails). */
export const GoTime = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/)
  .nullish();
/** A Go `int` field. */
export const GoInt = z.number().int().nullish();
/** A Go slice: `null` or an array. */
export const goSlice = <T extends z.ZodType>(item: T) => z.array(item).nullish();
/** A `json.RawMessage`: any JSON at all. */
export const GoRawMessage = z.unknown();

/** privx-sdk-go v2 `rolestore.RoleHandle` {ID, Name, Deleted}. */
export const V2RoleHandle = z.object({ id: GoString, name: GoString, deleted: z.boolean().nullish() });
/** privx-sdk-go v2 `vault.Secret` (embeds `SecretRequest`; `Data *map[string]interface{}`). */
export const V2Secret = z.object({
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
export const V2SecretCreate = z.object({ name: GoString });
/** privx-sdk-go v2 `response.ServiceStatus`. */
export const V2ServiceStatus = z.object({
  variant: GoString,
  version: GoString,
  api_version: GoString,
  status: GoString,
  status_message: GoString,
  app_id: GoString,
  'server-mode': GoString,
  status_details: goSlice(z.object({ k: GoString, v: GoString })),
  start_time: GoTime,
});
/** privx-sdk-go v1 `rolestore.RoleRef` {ID, Name}. */
export const V1RoleRef = z.object({ id: GoString, name: GoString });
/** privx-sdk-go v1 `vault.Secret`: times are plain strings, data a `json.RawMessage`. */
export const V1Secret = z.object({
  name: GoString,
  author: GoString,
  updated_by: GoString,
  created: GoString,
  updated: GoString,
  read_roles: goSlice(V1RoleRef),
  write_roles: goSlice(V1RoleRef),
  data: z.unknown().optional(),
});
/** privx-sdk-go v1 `secretResult` and v2 `response.ResultSet[T]` {Count int, Items []T}. */
export const resultSet = <T extends z.ZodType>(item: T) => z.object({ count: GoInt, items: goSlice(item) });
/** privx-sdk-go `restapi.ErrorResponse` (v1.34.0 and v2 alike). */
const GoErrorDetail = z.object({ error_code: GoString, error_message: GoString, property: GoString });
export const GoErrorResponse = GoErrorDetail.extend({ details: goSlice(GoErrorDetail) });

/** Decodes like Go: the call fails (the test too) if the status is an error or the answer does not fit. */
export function decode<T extends z.ZodType>(struct: T, reply: Reply): z.output<T> {
  expect(reply.status, reply.text).toBeLessThan(400);
  const decoded = struct.safeParse(reply.json);
  expect(decoded.success, `${reply.text}\n${decoded.error?.message}`).toBe(true);
  return decoded.data as z.output<T>;
}

/** A call that only checks the status (restapi `Put`, `Delete`, and `Post` without output): < 400. */
export function succeeds(reply: Reply): void {
  expect(reply.status, reply.text).toBeLessThan(400);
}

/**
 * `restapi.ErrorFromResponse`: the error text a failed call returns, which is all the clients see
 * (Terraform and the ESO provider test it for "not found"). The body must decode as ErrorResponse.
 */
export function goError(reply: GoReply): string {
  expect(reply.status, reply.text).toBeGreaterThanOrEqual(400);
  if (reply.text.length === 0) return `HTTP error: ${reply.statusLine}`;
  const decoded = GoErrorResponse.safeParse(reply.json);
  expect(decoded.success, `error body does not decode as restapi.ErrorResponse: ${reply.text}`).toBe(true);
  const response = decoded.data!;
  let message = `error: ${response.error_code ?? ''}`;
  if (response.error_message) message += `, message: ${response.error_message}`;
  if (response.property) message += `, property: ${response.property}`;
  for (const detail of response.details ?? []) {
    message += `, {error: ${detail.error_code ?? ''}`;
    if (detail.error_message) message += `, message: ${detail.error_message}`;
    if (detail.property) message += `, property: ${detail.property}`;
    message += '}';
  }
  return message;
}

// ---- The SDKs' vault clients, method by method (what each sends; decoding is the caller's) ----

type Send = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', target: string, body?: string) => Promise<GoReply>;

/**
 * privx-sdk-go/v2 (v2.42.0 … v2.44.0, unchanged) `api/vault.Vault`: `URL` path-escapes every
 * string argument; `Query(params)` always appends `?` + `params.Encode()`; bodies are
 * `json.Marshal` of the struct given (`vault.SecretRequest`, `vault.SecretSearch`).
 */
export function goVaultV2(token: string) {
  const send: Send = (method, target, body) => goRequest(method, target, { token, body });
  const secret = (name: string) => `/secrets/${goPathEscape(name)}`;
  const user = (userId: string) => `/user/${goPathEscape(userId)}`;
  return {
    Status: () => send('GET', '/status'),
    GetSecrets: (query: Record<string, string | number> = {}) => send('GET', `/secrets${goQuery(query)}`),
    CreateSecret: (request: string) => send('POST', '/secrets', request),
    GetSecret: (name: string) => send('GET', secret(name)),
    UpdateSecret: (name: string, request: string) => send('PUT', secret(name), request),
    DeleteSecret: (name: string) => send('DELETE', secret(name)),
    GetSecretsMetadata: (name: string) => send('GET', `/metadata/secrets/${goPathEscape(name)}`),
    SearchSecrets: (search: string, query: Record<string, string | number> = {}) =>
      send('POST', `/search/secrets${goQuery(query)}`, search),
    GetSchemas: () => send('GET', '/schemas'),
    GetUserSecrets: (userId: string, query: Record<string, string | number> = {}) =>
      send('GET', `${user(userId)}/secrets${goQuery(query)}`),
    CreateUserSecret: (userId: string, request: string) => send('POST', `${user(userId)}/secrets`, request),
    GetUserSecret: (userId: string, name: string) =>
      send('GET', `${user(userId)}/secrets/${goPathEscape(name)}`),
    UpdateUserSecret: (userId: string, name: string, request: string) =>
      send('PUT', `${user(userId)}/secrets/${goPathEscape(name)}`, request),
    DeleteUserSecret: (userId: string, name: string) =>
      send('DELETE', `${user(userId)}/secrets/${goPathEscape(name)}`),
    GetUsersSecretsMetadata: (userId: string, name: string) =>
      send('GET', `${user(userId)}/metadata/secrets/${goPathEscape(name)}`),
  };
}

/**
 * privx-sdk-go v1 (v1.26.0 … v1.34.0, `api/vault` unchanged; `contentType: false` before v1.32)
 * `api/vault.Vault`: `URL` escapes nothing, so each method escapes (or not) itself: `Secret`,
 * `SecretMetadata` and every user-secret call `url.PathEscape` the name, `UpdateSecret` and
 * `DeleteSecret` put it in raw; `UpdateUserSecret` also sends the escaped name (and owner) in the body.
 */
export function goVaultV1(token: string, options: { contentType?: false } = {}) {
  const send: Send = (method, target, body) =>
    goRequest(method, target, {
      token,
      body,
      ...(options.contentType === false ? { contentType: false as const } : {}),
    });
  const owner = (ownerId: string) => `/user/${goPathEscape(ownerId)}`;
  return {
    Secrets: (offset: number, limit: number) =>
      send('GET', `/secrets${v1Params({ Offset: offset, Limit: limit })}`),
    UserSecrets: (ownerId: string, offset: number, limit: number) =>
      send('GET', `${owner(ownerId)}/secrets${v1Params({ Offset: offset, Limit: limit })}`),
    Secret: (name: string) => send('GET', `/secrets/${goPathEscape(name)}`),
    UserSecret: (ownerId: string, name: string) =>
      send('GET', `${owner(ownerId)}/secrets/${goPathEscape(name)}`),
    CreateSecret: (name: string, allowReadBy: string[], allowWriteBy: string[], secret: unknown) =>
      send(
        'POST',
        '/secrets',
        v1VaultReq({ Name: name, Data: secret, AllowRead: allowReadBy, AllowWrite: allowWriteBy }),
      ),
    CreateUserSecret: (
      id: { OwnerID: string; Name: string },
      allowReadBy: string[],
      allowWriteBy: string[],
      secret: unknown,
    ) =>
      send(
        'POST',
        `${owner(id.OwnerID)}/secrets`,
        v1VaultReq({
          Name: id.Name,
          Data: secret,
          AllowRead: allowReadBy,
          AllowWrite: allowWriteBy,
          OwnerID: goPathEscape(id.OwnerID),
        }),
      ),
    UpdateSecret: (name: string, allowReadTo: string[], allowWriteTo: string[], secret: unknown) =>
      send(
        'PUT',
        `/secrets/${goRawPath(name)}`,
        v1VaultReq({ Data: secret, AllowRead: allowReadTo, AllowWrite: allowWriteTo }),
      ),
    UpdateUserSecret: (
      id: { OwnerID: string; Name: string },
      allowReadTo: string[],
      allowWriteTo: string[],
      secret: unknown,
    ) =>
      send(
        'PUT',
        `${owner(id.OwnerID)}/secrets/${goPathEscape(id.Name)}`,
        v1VaultReq({
          Name: goPathEscape(id.Name),
          Data: secret,
          AllowRead: allowReadTo,
          AllowWrite: allowWriteTo,
          OwnerID: goPathEscape(id.OwnerID),
        }),
      ),
    DeleteSecret: (name: string) => send('DELETE', `/secrets/${goRawPath(name)}`),
    DeleteUserSecret: (id: { OwnerID: string; Name: string }) =>
      send('DELETE', `${owner(id.OwnerID)}/secrets/${goPathEscape(id.Name)}`),
    SecretMetadata: (name: string) => send('GET', `/metadata/secrets/${goPathEscape(name)}`),
    UserSecretMetadata: (id: { OwnerID: string; Name: string }) =>
      send('GET', `${owner(id.OwnerID)}/metadata/secrets/${goPathEscape(id.Name)}`),
    SearchSecrets: (
      offset: number,
      limit: number,
      sortkey: string,
      sortdir: string,
      search: { Keywords: string; Filter: string; OwnerIDs: string[] | null },
    ) =>
      send(
        'POST',
        `/search/secrets${v1Params({ Offset: offset, Limit: limit, Sortkey: sortkey, Sortdir: sortdir })}`,
        v1SecretSearchRequest(search),
      ),
    VaultSchemas: () => send('GET', '/schemas'),
  };
}
