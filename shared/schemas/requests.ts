/** What each operation accepts: bodies, queries, headers and path parameters (zod/mini: see fields.ts). */
import * as z from 'zod/mini';
import { normalizeName } from '../domain/names.ts';
import { SEARCH_FILTERS } from '../domain/search-secrets.ts';
import {
  blankToUndefined,
  booleanParam,
  caseInsensitive,
  Description,
  droppable,
  Expires,
  IfMatch,
  integerParam,
  jsonDepth,
  MAX_DATA_DEPTH,
  MAX_TAGS,
  optionalIntegerParam,
  preprocess,
  Roles,
  SecretData,
  SecretName,
  Tags,
  UserId,
} from './fields.ts';

/** PrivX requires only `name`: absent or `null` data is `{}` (the Go SDK omits nil `data`). */
export const CreateSecretBody = /* @__PURE__ */ droppable(() =>
  z.object(
    {
      name: SecretName,
      data: z.nullish(SecretData),
      read_roles: Roles,
      write_roles: Roles,
      owner_id: z.nullish(z.string({ error: 'owner_id must be a string' })),
      description: z.nullish(Description),
      tags: z.nullish(Tags),
      expires: z.nullish(Expires),
    },
    { error: 'Request body must be a JSON object' },
  ),
);

/**
 * On PUT an absent or null field keeps its stored value. PrivX's update body has no `name`: `""`
 * or the path's name (also path-escaped) counts as absent, any other is refused (assertBodyMatches).
 */
export const UpdateSecretBody = /* @__PURE__ */ droppable(() =>
  z.object(
    {
      name: z.nullish(z.string({ error: 'name must be a string' }).check(z.overwrite(normalizeName))),
      data: z.nullish(SecretData),
      read_roles: Roles,
      write_roles: Roles,
      owner_id: z.nullish(z.string({ error: 'owner_id must be a string' })),
      description: z.nullish(Description),
      tags: z.nullish(Tags),
      /** `""` clears the expiry. */
      expires: z.nullish(
        z.union([Expires, z.literal('')], { error: 'expires must be an RFC 3339 time, or "" to clear it' }),
      ),
    },
    { error: 'Request body must be a JSON object' },
  ),
);

/**
 * PATCH: a JSON merge patch (RFC 7396) of the document an update takes. `data` merges member by
 * member (a `null` member removes that field); any other member replaces its value whole and is
 * checked here as an update checks it; a `null` member clears it (roles and tags `[]`, description
 * and expiry none, data `{}`). The patched result is then checked as an update body. A member an
 * update does not know is refused: misspelt, it would change nothing and still write a version.
 */
export const PatchSecretBody = /* @__PURE__ */ droppable(() =>
  z.strictObject(
    {
      ...UpdateSecretBody.shape,
      // Bounded in depth before the patch is applied (which recurses over it); its size is the body's.
      data: z.nullish(
        z
          .record(z.string(), z.unknown(), {
            error: 'data must be a JSON object (fields to set, null to remove)',
          })
          .check(
            z.refine((data: Record<string, unknown>) => jsonDepth(data) <= MAX_DATA_DEPTH, {
              error: `data is nested deeper than ${MAX_DATA_DEPTH} levels`,
              params: { code: 'VALUE_OUT_OF_BOUNDS' },
            }),
          ),
      ),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `A patch may only name ${Object.keys(UpdateSecretBody.shape).join(', ')}`
          : 'Request body must be a JSON object (a JSON merge patch)',
    },
  ),
);

const SORT_KEYS = ['name', 'created', 'updated'] as const;

const SORT_DIRS = ['ASC', 'DESC'] as const;

/**
 * The Go SDK v2 sends paging and sorting here, always, zero values included: `0` and `""` mean
 * "not given" (never "zero items"); the query string wins over these.
 */
const bodyInteger = (name: string, min: number, max: number) =>
  preprocess(
    (value) => (value === 0 || value === null ? undefined : value),
    z.optional(
      z
        .number({ error: `${name} must be an integer` })
        .check(
          z.int({ error: `${name} must be an integer` }),
          z.minimum(min, { error: `${name} must be at least ${min}` }),
          z.maximum(max, { error: `${name} must be at most ${max}` }),
        ),
    ),
  );

export const SearchSecretsBody = /* @__PURE__ */ droppable(() =>
  z.nullish(
    z.object(
      {
        /** In NFC, as names are: a decomposed keyword finds the name it looks like. */
        keywords: z.nullish(
          z
            .string({ error: 'keywords must be a string' })
            .check(z.maxLength(1024), z.overwrite(normalizeName)),
        ),
        owner_id: z.nullish(
          z.array(UserId, { error: 'owner_id must be an array of user ids' }).check(z.maxLength(50)),
        ),
        filter: caseInsensitive('filter', SEARCH_FILTERS),
        /** Every tag given must be on the secret; a tag without value matches any value. */
        tags: z.nullish(
          z
            .array(
              z.object({
                key: z.string().check(z.minLength(1), z.maxLength(128)),
                value: z.nullish(z.string().check(z.maxLength(256))),
              }),
              { error: 'tags must be an array of {key, value?}' },
            )
            .check(z.maxLength(MAX_TAGS)),
        ),
        offset: bodyInteger('offset', 0, Number.MAX_SAFE_INTEGER),
        limit: bodyInteger('limit', 1, 100),
        sortkey: caseInsensitive('sortkey', SORT_KEYS),
        sortdir: caseInsensitive('sortdir', SORT_DIRS),
      },
      { error: 'Request body must be a JSON object' },
    ),
  ),
);

export const PagingQuery = /* @__PURE__ */ droppable(() =>
  z.object({
    offset: integerParam('offset', 0, Number.MAX_SAFE_INTEGER, 0),
    limit: integerParam('limit', 1, 100, 100),
  }),
);

/**
 * Paging left absent when not given, so the body's may fill in (the query wins); `filter` also
 * here, as older PrivX clients send it (`filters.Filter`).
 */
export const SearchQuery = /* @__PURE__ */ droppable(() =>
  z.object({
    offset: optionalIntegerParam('offset', 0, Number.MAX_SAFE_INTEGER),
    limit: optionalIntegerParam('limit', 1, 100),
    sortkey: caseInsensitive('sortkey', SORT_KEYS),
    sortdir: caseInsensitive('sortdir', SORT_DIRS),
    filter: caseInsensitive('filter', SEARCH_FILTERS),
  }),
);

export const GetSecretQuery = /* @__PURE__ */ droppable(() =>
  z.object({
    /** During a rotation's cut-over: `previous` (the version before the last rotation) or `pending`. */
    stage: preprocess(
      (value) => (typeof value === 'string' && value !== '' ? value.toLowerCase() : undefined),
      z.optional(
        z.enum(['current', 'previous', 'pending'], { error: 'stage must be current, previous or pending' }),
      ),
    ),
    version: preprocess(
      blankToUndefined,
      z.optional(
        z.coerce
          .number({ error: 'version must be an integer' })
          .check(
            z.int({ error: 'version must be an integer' }),
            z.minimum(1, { error: 'version must be at least 1' }),
          ),
      ),
    ),
  }),
);

export const DeleteSecretQuery = /* @__PURE__ */ droppable(() =>
  z.object({
    recovery_window_days: optionalIntegerParam('recovery_window_days', 7, 30),
    force: booleanParam('force'),
  }),
);

export const WriteHeaders = /* @__PURE__ */ droppable(() => z.object({ 'if-match': z.optional(IfMatch) }));

export const CreateHeaders = /* @__PURE__ */ droppable(() =>
  z.object({
    'if-none-match': z.optional(z.literal('*', { error: 'If-None-Match on create must be *' })),
    'idempotency-key': z.optional(
      z
        .string()
        .check(z.minLength(1), z.maxLength(255, { error: 'Idempotency-Key is longer than 255 characters' })),
    ),
  }),
);

export const SecretPath = /* @__PURE__ */ droppable(() => z.object({ name: SecretName }));

export const UserPath = /* @__PURE__ */ droppable(() => z.object({ user_id: UserId }));

export const UserSecretPath = /* @__PURE__ */ droppable(() =>
  z.object({ user_id: UserId, name: SecretName }),
);

/** GET /audit: one secret's chain, or everything in a time range (at most 31 days), optionally by actor. */
export const AuditQuery = /* @__PURE__ */ droppable(() =>
  z.extend(PagingQuery, {
    secret: preprocess(blankToUndefined, z.optional(SecretName)),
    owner: preprocess(blankToUndefined, z.optional(UserId)),
    actor: preprocess(blankToUndefined, z.optional(z.string().check(z.maxLength(256)))),
    since: preprocess(
      blankToUndefined,
      z.optional(z.iso.datetime({ offset: true, error: 'since must be an RFC 3339 time' })),
    ),
    until: preprocess(
      blankToUndefined,
      z.optional(z.iso.datetime({ offset: true, error: 'until must be an RFC 3339 time' })),
    ),
  }),
);

/** POST /batch/secrets: up to 20 shared secrets by name (duplicates are read once). */
export const BatchGetBody = /* @__PURE__ */ droppable(() =>
  z.object(
    {
      names: z
        .array(SecretName, { error: 'names must be an array of secret names' })
        .check(z.minLength(1, { error: 'names is empty' }), z.maxLength(20, { error: 'at most 20 names' })),
    },
    { error: 'Request body must be a JSON object' },
  ),
);
