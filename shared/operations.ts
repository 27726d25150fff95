/**
 * The one table of operations. The local server routes by it, the CDK app makes one Lambda,
 * one route and one least-privilege role per row, the tests loop over it, and the OpenAPI
 * document is generated from it. Adding an operation: a row here and `lambdas/<id>/handler.ts`.
 * (Longer than most files on purpose: it is one table, a row per operation, and the rows read best
 * side by side; the schemas, defaults and rules they name live elsewhere.)
 */
import type { z } from 'zod';
import type { Scope } from './domain/model.ts';
import * as s from './schemas.ts';

export const API_BASE = '/vault/api/v1';

/**
 * An API version a client may name in the `Vault-Version` header (seed 004: dated, as the Scale
 * API's). Within one path version (`/vault/api/v1`), a version changes shapes, never the paths.
 */
export interface ApiVersion {
  /** What clients send in `Vault-Version` and the vault answers with. */
  name: string;
  /** RFC 3339: from then on the version answers `Deprecation` (RFC 9745) and `Sunset` (RFC 8594). */
  deprecated?: string;
  /** RFC 3339: from then on the version is refused (400 DEPRECATED_VERSION); needs `deprecated`. */
  sunset?: string;
}

/**
 * Every version the vault serves, oldest first. Adding one is a row here; an operation that does
 * not serve every version says which it does in its `versions`.
 */
export const API_VERSIONS: readonly ApiVersion[] = [{ name: '2026-12-01' }];
/** Served when a request names none, so PrivX clients (which send no Vault-Version) need nothing. */
export const DEFAULT_API_VERSION = '2026-12-01';

/**
 * DynamoDB and KMS actions an operation's function may call, and nothing else. Transactions are
 * authorized per contained action, so writers list the item actions their transactions use.
 */
export type TableAction = 'GetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem';
export type KeyAction = 'Decrypt' | 'GenerateDataKey';

/** zod/mini or classic schemas alike (the vault's own are zod/mini: see shared/schemas/fields.ts). */
export interface RequestSchemas {
  path?: z.core.$ZodType;
  query?: z.core.$ZodType;
  /** Header names in lower case. */
  headers?: z.core.$ZodType;
  body?: z.core.$ZodType;
}

/** Headers a success response carries beside its body (`ETag` on writes only when a version was written). */
export type SuccessHeader = 'ETag' | 'Location';

export interface Operation {
  /** Also the handler folder: `lambdas/<id>/handler.ts`. */
  id: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below API_BASE; `{name+}` is greedy so secret names keep their `/`. */
  path: string;
  summary: string;
  /** Any one of these scopes admits the caller; empty: served without a token. */
  scopes: readonly Scope[];
  successStatus: 200 | 201;
  /** Documented in OpenAPI and checked against every response of the end-to-end tests. */
  successHeaders?: readonly SuccessHeader[];
  request: RequestSchemas;
  response: z.core.$ZodType;
  table: readonly TableAction[];
  keys: readonly KeyAction[];
  /**
   * The audit trail: `append` for operations that record reads, writes and denials (they may add
   * entries, and only entries: Query and PutItem on audit keys); `read` for the audit query.
   */
  audit?: 'append' | 'read';
  /** Keeps idempotency records (Idempotency-Key): only under their own keys. */
  idempotency?: true;
  /**
   * Adds secrets to listings or removes them, or changes a shared secret's listing entry (its
   * bucket and group move their change counters, which the warm search index reloads by): reads a
   * listing's directory and entries to find and split buckets (GetItem and Query on listing keys
   * only; see store/listing-index.ts).
   */
  movesListings?: true;
  /** Runs rotations: may invoke rotator Lambdas (only those tagged for the vault). */
  invokesRotators?: true;
  /** The API versions (names in API_VERSIONS) this operation serves; absent: every one. */
  versions?: readonly string[];
  /**
   * `iam`: API Gateway admits only SigV4-signed requests (AWS_IAM) and hands the function the
   * verified caller (`requestContext.identity`); no bearer token, so `scopes` is empty.
   */
  authorization?: 'iam';
  /**
   * The vault's token-signing key (IAM login): `sign` mints tokens (kms:Sign, and GetPublicKey for
   * the key id), `public-key` serves the JWKS (kms:GetPublicKey). Every function that verifies
   * tokens (any scopes) may read the public key too, to accept the vault's own tokens.
   */
  tokenKey?: 'sign' | 'public-key';
}

/** The versions an operation serves, as declared by its row. */
export const versionsOf = (operation: Operation): readonly ApiVersion[] =>
  API_VERSIONS.filter((version) => operation.versions?.includes(version.name) ?? true);

const READ: readonly TableAction[] = ['GetItem'];
const LIST: readonly TableAction[] = ['GetItem', 'Query'];
// A create reads the name's head first (a deleted secret there is kept aside, its numbering goes
// on) and, with no head, the newest version kept under the name (numbering goes on from it too).
const CREATE: readonly TableAction[] = ['GetItem', 'Query', 'PutItem', 'UpdateItem'];
const UPDATE: readonly TableAction[] = ['GetItem', 'PutItem', 'DeleteItem'];
// A purge queries the name's partition for the deleted secrets kept aside under it.
const DELETE: readonly TableAction[] = ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'];
const RESTORE: readonly TableAction[] = ['GetItem', 'PutItem', 'UpdateItem'];
const VERSIONS: readonly TableAction[] = ['GetItem', 'Query'];
const ROTATION_SETTINGS: readonly TableAction[] = ['GetItem', 'PutItem', 'DeleteItem'];
// Updating a shared secret moves its listing bucket's and group's change counters (UpdateItem).
const UPDATE_SHARED: readonly TableAction[] = [...UPDATE, 'UpdateItem'];
const ROTATE: readonly TableAction[] = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];
const PERSONAL: readonly Scope[] = ['user', 'owner', 'vaultManage', 'admin'];

/** What a row may leave out: a 200, no table actions, no key actions. */
type OperationRow = Omit<Operation, 'successStatus' | 'table' | 'keys'> &
  Partial<Pick<Operation, 'successStatus' | 'table' | 'keys'>>;

/**
 * Types a row and sets its defaults once; marked pure where called, so a bundle that never reads
 * the row drops it.
 */
const ROW_DEFAULTS = { successStatus: 200, table: [], keys: [] } as const satisfies Partial<Operation>;
const op = <const T extends OperationRow>(row: T): Omit<typeof ROW_DEFAULTS, keyof T> & T => ({
  ...ROW_DEFAULTS,
  ...row,
});

// Each row is its own droppable constant: a function's bundle keeps its own row (and the schemas
// that row names), not the whole table. Handlers import the module as a namespace for this.
export const status = /* @__PURE__ */ op({
  id: 'status',
  method: 'GET',
  path: '/status',
  summary: 'Service status',
  scopes: [],
  request: {},
  response: s.ServiceStatusResponse,
});

export const listSecrets = /* @__PURE__ */ op({
  id: 'list-secrets',
  method: 'GET',
  path: '/secrets',
  summary: 'List shared secrets the caller has a role for (all for vaultManage)',
  scopes: ['user', 'vaultManage'],
  request: { query: s.PagingQuery },
  response: s.SecretListResponse,
  table: LIST,
});

export const createSecret = /* @__PURE__ */ op({
  id: 'create-secret',
  method: 'POST',
  path: '/secrets',
  summary: 'Create a shared secret',
  scopes: ['vaultAdd', 'vaultManage', 'admin', 'service'],
  successStatus: 201,
  successHeaders: ['Location', 'ETag'],
  request: { headers: s.CreateHeaders, body: s.CreateSecretBody },
  response: s.NameResponse,
  table: CREATE,
  movesListings: true,
  audit: 'append',
  idempotency: true,
  keys: ['GenerateDataKey'],
});

export const getSecret = /* @__PURE__ */ op({
  id: 'get-secret',
  method: 'GET',
  path: '/secrets/{name+}',
  summary: 'Get a shared secret (data only with a read role)',
  scopes: ['user', 'vaultManage'],
  successHeaders: ['ETag'],
  request: { path: s.SecretPath, query: s.GetSecretQuery },
  response: s.SecretResponse,
  table: READ,
  audit: 'append',
  keys: ['Decrypt'],
});

export const updateSecret = /* @__PURE__ */ op({
  id: 'update-secret',
  method: 'PUT',
  path: '/secrets/{name+}',
  summary: 'Update a shared secret (write role or vaultManage)',
  scopes: ['user', 'vaultManage'],
  successHeaders: ['ETag'],
  request: { path: s.SecretPath, headers: s.WriteHeaders, body: s.UpdateSecretBody },
  response: s.NameResponse,
  table: UPDATE_SHARED,
  movesListings: true,
  audit: 'append',
  keys: ['GenerateDataKey'],
});

// A merge patch applies to the current data, so its function may decrypt it (the data never leaves).
export const patchSecret = /* @__PURE__ */ op({
  id: 'patch-secret',
  method: 'PATCH',
  path: '/secrets/{name+}',
  summary: 'Change some fields of a shared secret with a JSON merge patch (RFC 7396); as an update',
  scopes: ['user', 'vaultManage'],
  successHeaders: ['ETag'],
  request: { path: s.SecretPath, headers: s.WriteHeaders, body: s.PatchSecretBody },
  response: s.NameResponse,
  table: UPDATE_SHARED,
  movesListings: true,
  audit: 'append',
  keys: ['Decrypt', 'GenerateDataKey'],
});

export const deleteSecret = /* @__PURE__ */ op({
  id: 'delete-secret',
  method: 'DELETE',
  path: '/secrets/{name+}',
  summary: 'Delete a shared secret',
  scopes: ['admin', 'vaultManage'],
  successHeaders: ['ETag'],
  request: { path: s.SecretPath, query: s.DeleteSecretQuery, headers: s.WriteHeaders },
  response: s.NameResponse,
  table: DELETE,
  movesListings: true,
  audit: 'append',
});

export const getSecretMetadata = /* @__PURE__ */ op({
  id: 'get-secret-metadata',
  method: 'GET',
  path: '/metadata/secrets/{name+}',
  summary: "A shared secret's metadata, never its data",
  scopes: ['user', 'vaultManage'],
  successHeaders: ['ETag'],
  request: { path: s.SecretPath },
  response: s.SecretResponse,
  table: READ,
  audit: 'append',
});

export const searchSecrets = /* @__PURE__ */ op({
  id: 'search-secrets',
  method: 'POST',
  path: '/search/secrets',
  summary: 'Search secrets by name keywords, owner and access filter',
  scopes: ['user', 'vaultManage'],
  request: { query: s.SearchQuery, body: s.SearchSecretsBody },
  response: s.SecretListResponse,
  table: LIST,
});

export const getSchemas = /* @__PURE__ */ op({
  id: 'get-schemas',
  method: 'GET',
  path: '/schemas',
  summary: 'Secret schemas for user interfaces',
  scopes: ['user'],
  request: {},
  response: s.SchemasResponse,
});

export const listUserSecrets = /* @__PURE__ */ op({
  id: 'list-user-secrets',
  method: 'GET',
  path: '/user/{user_id}/secrets',
  summary: "List a user's personal secrets",
  scopes: PERSONAL,
  request: { path: s.UserPath, query: s.PagingQuery },
  response: s.SecretListResponse,
  table: LIST,
});

export const createUserSecret = /* @__PURE__ */ op({
  id: 'create-user-secret',
  method: 'POST',
  path: '/user/{user_id}/secrets',
  summary: 'Create a personal secret',
  scopes: PERSONAL,
  successStatus: 201,
  successHeaders: ['Location', 'ETag'],
  request: { path: s.UserPath, headers: s.CreateHeaders, body: s.CreateSecretBody },
  response: s.NameResponse,
  table: CREATE,
  movesListings: true,
  audit: 'append',
  idempotency: true,
  keys: ['GenerateDataKey'],
});

export const getUserSecret = /* @__PURE__ */ op({
  id: 'get-user-secret',
  method: 'GET',
  path: '/user/{user_id}/secrets/{name+}',
  summary: 'Get a personal secret (data for its owner only)',
  scopes: PERSONAL,
  successHeaders: ['ETag'],
  request: { path: s.UserSecretPath, query: s.GetSecretQuery },
  response: s.SecretResponse,
  table: READ,
  audit: 'append',
  keys: ['Decrypt'],
});

export const updateUserSecret = /* @__PURE__ */ op({
  id: 'update-user-secret',
  method: 'PUT',
  path: '/user/{user_id}/secrets/{name+}',
  summary: 'Update a personal secret',
  scopes: PERSONAL,
  successHeaders: ['ETag'],
  request: { path: s.UserSecretPath, headers: s.WriteHeaders, body: s.UpdateSecretBody },
  response: s.NameResponse,
  table: UPDATE,
  audit: 'append',
  keys: ['GenerateDataKey'],
});

export const patchUserSecret = /* @__PURE__ */ op({
  id: 'patch-user-secret',
  method: 'PATCH',
  path: '/user/{user_id}/secrets/{name+}',
  summary: 'Change some fields of a personal secret with a JSON merge patch (RFC 7396); as an update',
  scopes: PERSONAL,
  successHeaders: ['ETag'],
  request: { path: s.UserSecretPath, headers: s.WriteHeaders, body: s.PatchSecretBody },
  response: s.NameResponse,
  table: UPDATE,
  audit: 'append',
  keys: ['Decrypt', 'GenerateDataKey'],
});

export const deleteUserSecret = /* @__PURE__ */ op({
  id: 'delete-user-secret',
  method: 'DELETE',
  path: '/user/{user_id}/secrets/{name+}',
  summary: 'Delete a personal secret',
  scopes: PERSONAL,
  successHeaders: ['ETag'],
  request: { path: s.UserSecretPath, query: s.DeleteSecretQuery, headers: s.WriteHeaders },
  response: s.NameResponse,
  table: DELETE,
  movesListings: true,
  audit: 'append',
});

export const getUserSecretMetadata = /* @__PURE__ */ op({
  id: 'get-user-secret-metadata',
  method: 'GET',
  path: '/user/{user_id}/metadata/secrets/{name+}',
  summary: "A personal secret's metadata",
  scopes: PERSONAL,
  successHeaders: ['ETag'],
  request: { path: s.UserSecretPath },
  response: s.SecretResponse,
  table: READ,
  audit: 'append',
});

export const listSecretVersions = /* @__PURE__ */ op({
  id: 'list-secret-versions',
  method: 'GET',
  path: '/versions/secrets/{name+}',
  summary: "A shared secret's kept versions, newest first (metadata only)",
  scopes: ['user', 'vaultManage'],
  request: { path: s.SecretPath, query: s.PagingQuery },
  response: s.VersionListResponse,
  table: VERSIONS,
  audit: 'append',
});

export const listUserSecretVersions = /* @__PURE__ */ op({
  id: 'list-user-secret-versions',
  method: 'GET',
  path: '/user/{user_id}/versions/secrets/{name+}',
  summary: "A personal secret's kept versions, newest first (metadata only)",
  scopes: PERSONAL,
  request: { path: s.UserSecretPath, query: s.PagingQuery },
  response: s.VersionListResponse,
  table: VERSIONS,
  audit: 'append',
});

export const restoreSecret = /* @__PURE__ */ op({
  id: 'restore-secret',
  method: 'POST',
  path: '/restore/secrets/{name+}',
  summary: 'Restore a soft-deleted shared secret within its recovery window',
  scopes: ['admin', 'vaultManage'],
  successHeaders: ['ETag'],
  request: { path: s.SecretPath },
  response: s.NameResponse,
  table: RESTORE,
  movesListings: true,
  audit: 'append',
});

export const restoreUserSecret = /* @__PURE__ */ op({
  id: 'restore-user-secret',
  method: 'POST',
  path: '/user/{user_id}/restore/secrets/{name+}',
  summary: 'Restore a soft-deleted personal secret within its recovery window',
  scopes: PERSONAL,
  successHeaders: ['ETag'],
  request: { path: s.UserSecretPath },
  response: s.NameResponse,
  table: RESTORE,
  movesListings: true,
  audit: 'append',
});

export const batchGetSecrets = /* @__PURE__ */ op({
  id: 'batch-get-secrets',
  method: 'POST',
  path: '/batch/secrets',
  summary: 'Read up to 20 shared secrets at once; a per-name error for each one the caller may not read',
  scopes: ['user', 'vaultManage'],
  request: { body: s.BatchGetBody },
  response: s.BatchGetResponse,
  table: READ,
  keys: ['Decrypt'],
  audit: 'append',
});

export const getRotation = /* @__PURE__ */ op({
  id: 'get-rotation',
  method: 'GET',
  path: '/rotation/secrets/{name+}',
  summary: "A shared secret's rotation settings, last result and any rotation in progress",
  scopes: ['user', 'vaultManage'],
  request: { path: s.SecretPath },
  response: s.RotationResponse,
  table: READ,
  audit: 'append',
});

export const putRotation = /* @__PURE__ */ op({
  id: 'put-rotation',
  method: 'PUT',
  path: '/rotation/secrets/{name+}',
  summary: 'Set how and when a shared secret rotates',
  scopes: ['user', 'vaultManage'],
  request: { path: s.SecretPath, body: s.RotationBody },
  response: s.RotationResponse,
  table: ROTATION_SETTINGS,
  audit: 'append',
});

export const deleteRotation = /* @__PURE__ */ op({
  id: 'delete-rotation',
  method: 'DELETE',
  path: '/rotation/secrets/{name+}',
  summary: 'Stop rotating a shared secret',
  scopes: ['user', 'vaultManage'],
  request: { path: s.SecretPath },
  response: s.RotationResponse,
  table: ROTATION_SETTINGS,
  audit: 'append',
});

export const rotateSecret = /* @__PURE__ */ op({
  id: 'rotate-secret',
  method: 'POST',
  path: '/rotate/secrets/{name+}',
  summary: 'Rotate a shared secret now (create, set, test, finish)',
  scopes: ['user', 'vaultManage'],
  successHeaders: ['ETag'],
  request: { path: s.SecretPath },
  response: s.NameResponse,
  table: ROTATE,
  movesListings: true,
  keys: ['Decrypt', 'GenerateDataKey'],
  audit: 'append',
  invokesRotators: true,
});

export const getOpenApi = /* @__PURE__ */ op({
  id: 'get-openapi',
  method: 'GET',
  path: '/openapi.json',
  summary: 'This API as an OpenAPI 3.1 document, generated from the operation table',
  scopes: [],
  request: {},
  response: s.OpenApiResponse,
});

export const getAudit = /* @__PURE__ */ op({
  id: 'get-audit',
  method: 'GET',
  path: '/audit',
  summary: 'The audit trail: by secret, actor and time, newest first',
  scopes: ['admin'],
  request: { query: s.AuditQuery },
  response: s.AuditListResponse,
  audit: 'read',
});

export const iamLogin = /* @__PURE__ */ op({
  id: 'iam-login',
  method: 'POST',
  path: '/auth/iam',
  summary: 'Exchange a SigV4-signed IAM identity for a short-lived vault token (mapped principals only)',
  scopes: [],
  authorization: 'iam',
  request: { body: s.IamLoginBody },
  response: s.IamLoginResponse,
  // Every login, granted or refused, is recorded (refusals within the principal's denial budget).
  audit: 'append',
  tokenKey: 'sign',
});

export const getJwks = /* @__PURE__ */ op({
  id: 'get-jwks',
  method: 'GET',
  path: '/auth/jwks.json',
  summary: "The public keys of the vault's own tokens (JWKS)",
  scopes: [],
  request: {},
  response: s.JwksResponse,
  tokenKey: 'public-key',
});

/** The table itself: every row, by name. */
export const operations = {
  status,
  listSecrets,
  createSecret,
  getSecret,
  updateSecret,
  patchSecret,
  deleteSecret,
  getSecretMetadata,
  searchSecrets,
  getSchemas,
  listUserSecrets,
  createUserSecret,
  getUserSecret,
  updateUserSecret,
  patchUserSecret,
  deleteUserSecret,
  getUserSecretMetadata,
  listSecretVersions,
  listUserSecretVersions,
  restoreSecret,
  restoreUserSecret,
  batchGetSecrets,
  getRotation,
  putRotation,
  deleteRotation,
  rotateSecret,
  getOpenApi,
  getAudit,
  iamLogin,
  getJwks,
} as const satisfies Record<string, Operation>;

export type OperationName = keyof typeof operations;
export const allOperations: readonly Operation[] = /* @__PURE__ */ Object.values(operations);
