/**
 * Request and response schemas of the API, in zod: they validate requests in the Lambdas and
 * (later) feed the OpenAPI document, so the contract is written once.
 */
import * as z from 'zod';
import { AUDIT_ACTIONS } from './domain/audit.ts';
import { ERROR_CODES, type ErrorCode, type Problem } from './domain/errors.ts';
import { idProblems, normalizeName, secretNameProblems } from './domain/names.ts';
import { ScheduleError, validateSchedule } from './domain/schedule.ts';
import { SEARCH_FILTERS } from './domain/search-secrets.ts';

/**
 * Builds a schema where it is declared, marked pure so that a bundle which never uses the schema
 * drops it: each function builds only the schemas of its own operation at cold start.
 */
const droppable = <T>(build: () => T): T => build();

/** A secret's data, serialized, may not exceed this (AWS Secrets Manager's limit too). */
export const MAX_DATA_BYTES = 64 * 1024;
/** Nesting deeper than this is refused before anything recurses over it. */
export const MAX_DATA_DEPTH = 32;
export const MAX_ROLES = 20;

/** Turns a domain `Problem` list into zod issues that keep their PrivX code. */
const withProblems =
  (check: (value: string) => Problem[]) =>
  (value: string, ctx: z.RefinementCtx): void => {
    for (const problem of check(value)) {
      ctx.addIssue({ code: 'custom', message: problem.message, params: { code: problem.code } });
    }
  };

/** Names are stored and compared in NFC: the check runs on the normalized name. */
export const SecretName = /* @__PURE__ */ droppable(() =>
  z
    .string({ error: 'name must be a string' })
    .overwrite(normalizeName)
    .superRefine(withProblems((v) => secretNameProblems(v))),
);
export const UserId = /* @__PURE__ */ droppable(() =>
  z.string({ error: 'user id must be a string' }).superRefine(withProblems((v) => idProblems(v, 'user id'))),
);
const RoleId = /* @__PURE__ */ droppable(() =>
  z.string({ error: 'role id must be a string' }).superRefine(withProblems((v) => idProblems(v, 'role id'))),
);

/**
 * A role's display name, kept beside its id (Terraform stores it in state and compares it after
 * apply); `""` or absent means none given. Access is decided by id only.
 */
export const MAX_ROLE_NAME = 256;
const RoleName = /* @__PURE__ */ droppable(() =>
  z
    .string({ error: 'role name must be a string' })
    .max(MAX_ROLE_NAME, { error: `role name is longer than ${MAX_ROLE_NAME} characters` })
    // As names and ids: nothing invisible or misleading (format characters such as bidi overrides,
    // line separators, edge whitespace), and one form (NFC) of what it shows.
    .regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u, {
      error: 'role name may not contain control or invisible characters',
    })
    .regex(/^(?!\s).*(?<!\s)$|^$/su, { error: 'role name may not start or end with whitespace' })
    .refine((name) => name === name.normalize('NFC'), { error: 'role name is not in Unicode NFC' }),
);
/** Role handles: `id` decides access, `name` is stored for display; `deleted` is ignored on input. */
const RoleRef = /* @__PURE__ */ droppable(() =>
  z.object({ id: RoleId, name: RoleName.nullish() }, { error: 'a role must be an object with an id' }),
);
const Roles = /* @__PURE__ */ droppable(() =>
  z
    .array(RoleRef, { error: 'roles must be an array' })
    .max(MAX_ROLES, { error: `at most ${MAX_ROLES} roles` })
    .nullish(),
);

/** Depth of a parsed JSON value, without recursion (a hostile body must not blow the stack). */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DATA_DEPTH) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export const SecretData = /* @__PURE__ */ droppable(() =>
  z.record(z.string(), z.unknown(), { error: 'data must be a JSON object' }).superRefine((data, ctx) => {
    if (jsonDepth(data) > MAX_DATA_DEPTH) {
      ctx.addIssue({
        code: 'custom',
        message: `data is nested deeper than ${MAX_DATA_DEPTH} levels`,
        params: { code: 'VALUE_OUT_OF_BOUNDS' },
      });
    } else if (Buffer.byteLength(JSON.stringify(data)) > MAX_DATA_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message: `data is larger than ${MAX_DATA_BYTES} bytes`,
        params: { code: 'VALUE_OUT_OF_BOUNDS' },
      });
    }
  }),
);

export const MAX_TAGS = 50;

const Description = /* @__PURE__ */ droppable(() =>
  z
    .string({ error: 'description must be a string' })
    .max(2048, { error: 'description is longer than 2048 characters' }),
);
const TagPair = /* @__PURE__ */ droppable(() =>
  z.object(
    {
      key: z
        .string({ error: 'tag key must be a string' })
        .min(1, { error: 'tag key is empty' })
        .max(128, { error: 'tag key is longer than 128 characters' }),
      value: z
        .string({ error: 'tag value must be a string' })
        .max(256, { error: 'tag value is longer than 256 characters' }),
    },
    { error: 'a tag must be an object with key and value' },
  ),
);
const Tags = /* @__PURE__ */ droppable(() =>
  z
    .array(TagPair, { error: 'tags must be an array' })
    .max(MAX_TAGS, { error: `at most ${MAX_TAGS} tags` })
    .superRefine((tags, ctx) => {
      if (new Set(tags.map((tag) => tag.key)).size !== tags.length) {
        ctx.addIssue({
          code: 'custom',
          message: 'tag keys must be unique',
          params: { code: 'VALUE_DUPLICATE' },
        });
      }
    }),
);
/** RFC 3339 with an offset, as Azure `exp` and GCP `expire_time`. */
const Expires = /* @__PURE__ */ droppable(() =>
  z.iso.datetime({
    offset: true,
    error: 'expires must be an RFC 3339 time, e.g. 2027-01-31T00:00:00Z',
  }),
);

/** PrivX requires only `name`: absent or `null` data is `{}` (the Go SDK omits nil `data`). */
export const CreateSecretBody = /* @__PURE__ */ droppable(() =>
  z.object(
    {
      name: SecretName,
      data: SecretData.nullish(),
      read_roles: Roles,
      write_roles: Roles,
      owner_id: z.string({ error: 'owner_id must be a string' }).nullish(),
      description: Description.nullish(),
      tags: Tags.nullish(),
      expires: Expires.nullish(),
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
      name: z.string({ error: 'name must be a string' }).overwrite(normalizeName).nullish(),
      data: SecretData.nullish(),
      read_roles: Roles,
      write_roles: Roles,
      owner_id: z.string({ error: 'owner_id must be a string' }).nullish(),
      description: Description.nullish(),
      tags: Tags.nullish(),
      /** `""` clears the expiry. */
      expires: z
        .union([Expires, z.literal('')], { error: 'expires must be an RFC 3339 time, or "" to clear it' })
        .nullish(),
    },
    { error: 'Request body must be a JSON object' },
  ),
);

/** Query parameters arrive as strings; an empty one counts as absent. */
const blankToUndefined = (value: unknown): unknown => (value === '' ? undefined : value);
const boundedInteger = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be an integer` })
    .int({ error: `${name} must be an integer` })
    .min(min, { error: `${name} must be at least ${min}` })
    .max(max, { error: `${name} must be at most ${max}` });
const integerParam = (name: string, min: number, max: number, fallback: number) =>
  z.preprocess(blankToUndefined, boundedInteger(name, min, max).default(fallback));
/** Left absent when not given, so the caller can tell (search: the body may fill it in). */
const optionalIntegerParam = (name: string, min: number, max: number) =>
  z.preprocess(blankToUndefined, boundedInteger(name, min, max).optional());
/** One of `values` in any case; `""` and `null` count as absent, anything else not listed is refused. */
const caseInsensitive = <T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.preprocess(
    (value) =>
      value === '' || value === null
        ? undefined
        : typeof value === 'string'
          ? (values.find((v) => v.toLowerCase() === value.toLowerCase()) ?? value)
          : value,
    z.enum(values, { error: `${name} must be one of: ${values.join(', ')}` }).optional(),
  );
const SORT_KEYS = ['name', 'created', 'updated'] as const;
const SORT_DIRS = ['ASC', 'DESC'] as const;

/**
 * The Go SDK v2 sends paging and sorting here, always, zero values included: `0` and `""` mean
 * "not given" (never "zero items"); the query string wins over these.
 */
const bodyInteger = (name: string, min: number, max: number) =>
  z.preprocess(
    (value) => (value === 0 || value === null ? undefined : value),
    z
      .number({ error: `${name} must be an integer` })
      .int({ error: `${name} must be an integer` })
      .min(min, { error: `${name} must be at least ${min}` })
      .max(max, { error: `${name} must be at most ${max}` })
      .optional(),
  );
export const SearchSecretsBody = /* @__PURE__ */ droppable(() =>
  z
    .object(
      {
        /** In NFC, as names are: a decomposed keyword finds the name it looks like. */
        keywords: z
          .string({ error: 'keywords must be a string' })
          .max(1024)
          .overwrite(normalizeName)
          .nullish(),
        owner_id: z.array(UserId, { error: 'owner_id must be an array of user ids' }).max(50).nullish(),
        filter: caseInsensitive('filter', SEARCH_FILTERS),
        /** Every tag given must be on the secret; a tag without value matches any value. */
        tags: z
          .array(z.object({ key: z.string().min(1).max(128), value: z.string().max(256).nullish() }), {
            error: 'tags must be an array of {key, value?}',
          })
          .max(MAX_TAGS)
          .nullish(),
        offset: bodyInteger('offset', 0, Number.MAX_SAFE_INTEGER),
        limit: bodyInteger('limit', 1, 100),
        sortkey: caseInsensitive('sortkey', SORT_KEYS),
        sortdir: caseInsensitive('sortdir', SORT_DIRS),
      },
      { error: 'Request body must be a JSON object' },
    )
    .nullish(),
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

const booleanParam = (name: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false'], { error: `${name} must be true or false` })
      .transform((v) => v === 'true')
      .optional(),
  );

export const GetSecretQuery = /* @__PURE__ */ droppable(() =>
  z.object({
    /** During a rotation's cut-over: `previous` (the version before the last rotation) or `pending`. */
    stage: z.preprocess(
      (value) => (typeof value === 'string' && value !== '' ? value.toLowerCase() : undefined),
      z
        .enum(['current', 'previous', 'pending'], { error: 'stage must be current, previous or pending' })
        .optional(),
    ),
    version: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({ error: 'version must be an integer' })
        .int({ error: 'version must be an integer' })
        .min(1, { error: 'version must be at least 1' })
        .optional(),
    ),
  }),
);

export const DeleteSecretQuery = /* @__PURE__ */ droppable(() =>
  z.object({
    recovery_window_days: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({ error: 'recovery_window_days must be an integer' })
        .int({ error: 'recovery_window_days must be an integer' })
        .min(7, { error: 'recovery_window_days must be at least 7' })
        .max(30, { error: 'recovery_window_days must be at most 30' })
        .optional(),
    ),
    force: booleanParam('force'),
  }),
);

/** `If-Match: "3"` (or W/"3"); `*` means any existing version. Parsed to the version number. */
const IfMatch = /* @__PURE__ */ droppable(() =>
  z
    .string()
    .regex(/^(\*|(W\/)?"\d{1,15}")$/, { error: 'If-Match must be an ETag such as "3"' })
    .transform((value) =>
      value === '*' ? undefined : Number(value.replace(/^W\//, '').replaceAll('"', '')),
    ),
);

export const WriteHeaders = /* @__PURE__ */ droppable(() => z.object({ 'if-match': IfMatch.optional() }));
export const CreateHeaders = /* @__PURE__ */ droppable(() =>
  z.object({
    'if-none-match': z.literal('*', { error: 'If-None-Match on create must be *' }).optional(),
    'idempotency-key': z
      .string()
      .min(1)
      .max(255, { error: 'Idempotency-Key is longer than 255 characters' })
      .optional(),
  }),
);

export const SecretPath = /* @__PURE__ */ droppable(() => z.object({ name: SecretName }));
export const UserPath = /* @__PURE__ */ droppable(() => z.object({ user_id: UserId }));
export const UserSecretPath = /* @__PURE__ */ droppable(() =>
  z.object({ user_id: UserId, name: SecretName }),
);

// ---- Responses (documentation and tests; the handlers build them through shared/http/wire.ts) ----

/** PrivX's role handle: the name last given for the id (else the id); roles are never marked deleted. */
const RoleHandle = /* @__PURE__ */ droppable(() =>
  z.object({ id: z.string(), name: z.string(), deleted: z.boolean() }),
);
const Timestamp = /* @__PURE__ */ droppable(() => z.iso.datetime());

export const SecretResponse = /* @__PURE__ */ droppable(() =>
  z.object({
    name: z.string(),
    data: z.record(z.string(), z.unknown()).optional(),
    read_roles: z.array(RoleHandle),
    write_roles: z.array(RoleHandle),
    owner_id: z.string().optional(),
    author: z.string(),
    updated_by: z.string(),
    path: z.string(),
    created: Timestamp,
    updated: Timestamp,
    version: z.number().int(),
    description: z.string().optional(),
    tags: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
    expires: z.string().optional(),
    rotation: z.record(z.string(), z.unknown()).optional(),
  }),
);

export const SecretListResponse = /* @__PURE__ */ droppable(() =>
  z.object({ count: z.number().int(), items: z.array(SecretResponse) }),
);
export const NameResponse = /* @__PURE__ */ droppable(() =>
  z.object({
    name: z.string(),
    version: z.number().int().optional(),
    purge_at: z.string().optional(),
  }),
);
export const VersionListResponse = /* @__PURE__ */ droppable(() =>
  z.object({
    count: z.number().int(),
    items: z.array(
      z.object({
        version: z.number().int(),
        created: Timestamp,
        author: z.string(),
        data_version: z.number().int(),
      }),
    ),
  }),
);
export const SchemasResponse = /* @__PURE__ */ droppable(() => z.array(z.unknown()));
export const ServiceStatusResponse = /* @__PURE__ */ droppable(() =>
  z.object({
    variant: z.string(),
    version: z.string(),
    api_version: z.string(),
    status: z.string(),
    status_message: z.string(),
    app_id: z.string(),
    'server-mode': z.string(),
    status_details: z.array(z.object({ k: z.string(), v: z.string() })),
    start_time: Timestamp,
  }),
);

interface ErrorShape {
  error_code: ErrorCode;
  error_message: string;
  property?: string;
  details?: ErrorShape[];
  trace_id?: string;
}
/** The PrivX error codes (ERRORS.md). */
export const ErrorCodeSchema = /* @__PURE__ */ droppable(() => z.enum(ERROR_CODES));

export const ErrorResponse: z.ZodType<ErrorShape> = /* @__PURE__ */ droppable(() =>
  z.lazy(() =>
    z.object({
      error_code: ErrorCodeSchema,
      error_message: z.string(),
      property: z.string().optional(),
      details: z.array(ErrorResponse).optional(),
      trace_id: z.string().optional(),
    }),
  ),
);

/** GET /audit: one secret's chain, or everything in a time range (at most 31 days), optionally by actor. */
export const AuditQuery = /* @__PURE__ */ droppable(() =>
  PagingQuery.extend({
    secret: z.preprocess(blankToUndefined, SecretName.optional()),
    owner: z.preprocess(blankToUndefined, UserId.optional()),
    actor: z.preprocess(blankToUndefined, z.string().max(256).optional()),
    since: z.preprocess(
      blankToUndefined,
      z.iso.datetime({ offset: true, error: 'since must be an RFC 3339 time' }).optional(),
    ),
    until: z.preprocess(
      blankToUndefined,
      z.iso.datetime({ offset: true, error: 'until must be an RFC 3339 time' }).optional(),
    ),
  }),
);

export const AuditListResponse = /* @__PURE__ */ droppable(() =>
  z.object({
    count: z.number().int(),
    items: z.array(
      z.object({
        /** The secret's trail is several hash chains: `seq` and `prev_hash` count within the lane. */
        lane: z.number().int(),
        seq: z.number().int(),
        at: Timestamp,
        action: z.enum(AUDIT_ACTIONS),
        outcome: z.enum(['success', 'denied', 'failed']),
        secret: z.string(),
        owner_id: z.string().optional(),
        actor: z.string(),
        version: z.number().int().optional(),
        reason: z.string().optional(),
        trace_id: z.string(),
        source_ip: z.string(),
        prev_hash: z.string(),
        hash: z.string(),
      }),
    ),
  }),
);

/** POST /batch/secrets: up to 20 shared secrets by name (duplicates are read once). */
export const BatchGetBody = /* @__PURE__ */ droppable(() =>
  z.object(
    {
      names: z
        .array(SecretName, { error: 'names must be an array of secret names' })
        .min(1, { error: 'names is empty' })
        .max(20, { error: 'at most 20 names' }),
    },
    { error: 'Request body must be a JSON object' },
  ),
);

export const BatchGetResponse = /* @__PURE__ */ droppable(() =>
  z.object({
    items: z.array(SecretResponse),
    errors: z.array(z.object({ name: z.string(), error_code: z.string(), error_message: z.string() })),
  }),
);

/** Built-in generators (a password policy, random bytes) or a rotator Lambda running the four steps. */
const FieldName = /* @__PURE__ */ droppable(() =>
  z.string({ error: 'field must be a string' }).min(1).max(128),
);
export const RotatorSpecSchema = /* @__PURE__ */ droppable(() =>
  z.discriminatedUnion(
    'type',
    [
      z.object({
        type: z.literal('password'),
        field: FieldName.default('password'),
        length: z.number().int().min(12, { error: 'length must be at least 12' }).max(256).default(32),
        lowercase: z.boolean().default(true),
        uppercase: z.boolean().default(true),
        digits: z.boolean().default(true),
        symbols: z.boolean().default(true),
        exclude: z.string().max(100).default(''),
      }),
      z.object({
        type: z.literal('random-bytes'),
        field: FieldName.default('key'),
        bytes: z.number().int().min(16, { error: 'bytes must be at least 16' }).max(1024).default(32),
        encoding: z.enum(['base64', 'hex']).default('base64'),
      }),
      z.object({
        type: z.literal('lambda'),
        arn: z
          .string()
          .regex(
            /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?|local:[a-z0-9-]+)$/,
            {
              error: 'arn must be a Lambda function ARN (or local:<module> locally)',
            },
          ),
      }),
    ],
    { error: 'rotator.type must be password, random-bytes or lambda' },
  ),
);

export const RotationBody = /* @__PURE__ */ droppable(() =>
  z.object(
    {
      rotator: RotatorSpecSchema,
      schedule: z
        .string({ error: 'schedule must be rate(…) or cron(…)' })
        .max(256)
        .superRefine((value, ctx) => {
          try {
            validateSchedule(value);
          } catch (error) {
            if (!(error instanceof ScheduleError)) throw error;
            ctx.addIssue({ code: 'custom', message: error.message, params: { code: error.code } });
          }
        }),
    },
    { error: 'Request body must be a JSON object' },
  ),
);

export const RotationResponse = /* @__PURE__ */ droppable(() =>
  z.object({
    name: z.string(),
    rotation: z
      .object({
        schedule: z.string(),
        rotator: z.record(z.string(), z.unknown()),
        next_rotation: z.string().optional(),
        last_rotated: z.string().optional(),
        last_status: z.string().optional(),
        last_error: z.string().optional(),
      })
      .optional(),
    in_progress: z.object({ step: z.string(), started: z.string(), trigger: z.string() }).optional(),
  }),
);

/** RFC 9457 problem details, for clients that send `Accept: application/problem+json`. */
export const ProblemResponse = /* @__PURE__ */ droppable(() =>
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    error_code: ErrorCodeSchema,
    property: z.string().optional(),
    details: z.array(ErrorResponse).optional(),
    trace_id: z.string().optional(),
  }),
);

export const OpenApiResponse = /* @__PURE__ */ droppable(() => z.record(z.string(), z.unknown()));
