/**
 * The fields requests are made of (names, ids, roles, data, tags, expiry) and the parameter
 * builders queries and headers use: one definition each, with its bounds and its PrivX codes.
 */
import * as z from 'zod';
import type { Problem } from '../domain/errors.ts';
import { idProblems, normalizeName, secretNameProblems } from '../domain/names.ts';

/**
 * Builds a schema where it is declared, marked pure so that a bundle which never uses the schema
 * drops it: each function builds only the schemas of its own operation at cold start.
 */
export const droppable = <T>(build: () => T): T => build();

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

export const Roles = /* @__PURE__ */ droppable(() =>
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

export const Description = /* @__PURE__ */ droppable(() =>
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

export const Tags = /* @__PURE__ */ droppable(() =>
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
export const Expires = /* @__PURE__ */ droppable(() =>
  z.iso.datetime({
    offset: true,
    error: 'expires must be an RFC 3339 time, e.g. 2027-01-31T00:00:00Z',
  }),
);

/** Query parameters arrive as strings; an empty one counts as absent. */
export const blankToUndefined = (value: unknown): unknown => (value === '' ? undefined : value);

const boundedInteger = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be an integer` })
    .int({ error: `${name} must be an integer` })
    .min(min, { error: `${name} must be at least ${min}` })
    .max(max, { error: `${name} must be at most ${max}` });

export const integerParam = (name: string, min: number, max: number, fallback: number) =>
  z.preprocess(blankToUndefined, boundedInteger(name, min, max).default(fallback));

/** Left absent when not given, so the caller can tell (search: the body may fill it in). */
export const optionalIntegerParam = (name: string, min: number, max: number) =>
  z.preprocess(blankToUndefined, boundedInteger(name, min, max).optional());

/** One of `values` in any case; `""` and `null` count as absent, anything else not listed is refused. */
export const caseInsensitive = <T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.preprocess(
    (value) =>
      value === '' || value === null
        ? undefined
        : typeof value === 'string'
          ? (values.find((v) => v.toLowerCase() === value.toLowerCase()) ?? value)
          : value,
    z.enum(values, { error: `${name} must be one of: ${values.join(', ')}` }).optional(),
  );

export const booleanParam = (name: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false'], { error: `${name} must be true or false` })
      .transform((v) => v === 'true')
      .optional(),
  );

/** `If-Match: "3"` (or W/"3"); `*` means any existing version. Parsed to the version number. */
export const IfMatch = /* @__PURE__ */ droppable(() =>
  z
    .string()
    .regex(/^(\*|(W\/)?"\d{1,15}")$/, { error: 'If-Match must be an ETag such as "3"' })
    .transform((value) =>
      value === '*' ? undefined : Number(value.replace(/^W\//, '').replaceAll('"', '')),
    ),
);

export const Timestamp = /* @__PURE__ */ droppable(() => z.iso.datetime());
