/**
 * The fields requests are made of (names, ids, roles, data, tags, expiry) and the parameter
 * builders queries and headers use: one definition each, with its bounds and its PrivX codes.
 *
 * Written with zod/mini, whose functions a bundle keeps only when it calls them: classic zod's
 * methods hang off every schema, so each function carried (and started) all of it, some 100 KB
 * (test/bench/REPORT.md, section 3). Same checks, same issues, same messages.
 */

import { en } from 'zod/locales';
import * as z from 'zod/mini';
import type { Problem } from '../domain/errors.ts';
import { idProblems, normalizeName, secretNameProblems } from '../domain/names.ts';

/**
 * Builds a schema where it is declared, marked pure so that a bundle which never uses the schema
 * drops it: each function builds only the schemas of its own operation at cold start.
 */
export const droppable = <T>(build: () => T): T => build();

/**
 * A schema no function checks anything against (the responses: they document the API, and the
 * handlers build answers through shared/http/wire.ts), built on first use. Each operation's row
 * names its response, so eagerly built it was part of every function's cold start.
 */
export const documented = <T extends z.core.SomeType>(build: () => T) => z.lazy(build);

// zod/mini starts without messages: the default English ones, for the few checks without their own.
z.config(en());

/** A secret's data, serialized, may not exceed this (AWS Secrets Manager's limit too). */
export const MAX_DATA_BYTES = 64 * 1024;

/** Nesting deeper than this is refused before anything recurses over it. */
export const MAX_DATA_DEPTH = 32;

export const MAX_ROLES = 20;

/** Turns a domain `Problem` list into zod issues that keep their PrivX code. */
const withProblems =
  (check: (value: string) => Problem[]) =>
  (value: string, ctx: z.core.$RefinementCtx<string>): void => {
    for (const problem of check(value)) {
      ctx.addIssue({ code: 'custom', message: problem.message, params: { code: problem.code } });
    }
  };

/** Names are stored and compared in NFC: the check runs on the normalized name. */
export const SecretName = /* @__PURE__ */ droppable(() =>
  z
    .string({ error: 'name must be a string' })
    .check(z.overwrite(normalizeName), z.superRefine(withProblems((v) => secretNameProblems(v)))),
);

export const UserId = /* @__PURE__ */ droppable(() =>
  z
    .string({ error: 'user id must be a string' })
    .check(z.superRefine(withProblems((v) => idProblems(v, 'user id')))),
);

const RoleId = /* @__PURE__ */ droppable(() =>
  z
    .string({ error: 'role id must be a string' })
    .check(z.superRefine(withProblems((v) => idProblems(v, 'role id')))),
);

/**
 * A role's display name, kept beside its id (Terraform stores it in state and compares it after
 * apply); `""` or absent means none given. Access is decided by id only.
 */
export const MAX_ROLE_NAME = 256;

const RoleName = /* @__PURE__ */ droppable(() =>
  z.string({ error: 'role name must be a string' }).check(
    z.maxLength(MAX_ROLE_NAME, { error: `role name is longer than ${MAX_ROLE_NAME} characters` }),
    // As names and ids: nothing invisible or misleading (format characters such as bidi overrides,
    // line separators, edge whitespace), and one form (NFC) of what it shows.
    z.regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u, {
      error: 'role name may not contain control or invisible characters',
    }),
    z.regex(/^(?!\s).*(?<!\s)$|^$/su, { error: 'role name may not start or end with whitespace' }),
    z.refine((name: string) => name === name.normalize('NFC'), { error: 'role name is not in Unicode NFC' }),
  ),
);

/** Role handles: `id` decides access, `name` is stored for display; `deleted` is ignored on input. */
const RoleRef = /* @__PURE__ */ droppable(() =>
  z.object({ id: RoleId, name: z.nullish(RoleName) }, { error: 'a role must be an object with an id' }),
);

export const Roles = /* @__PURE__ */ droppable(() =>
  z.nullish(
    z
      .array(RoleRef, { error: 'roles must be an array' })
      .check(z.maxLength(MAX_ROLES, { error: `at most ${MAX_ROLES} roles` })),
  ),
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
  z.record(z.string(), z.unknown(), { error: 'data must be a JSON object' }).check(
    z.superRefine((data: Record<string, unknown>, ctx) => {
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
  ),
);

export const MAX_TAGS = 50;

export const Description = /* @__PURE__ */ droppable(() =>
  z
    .string({ error: 'description must be a string' })
    .check(z.maxLength(2048, { error: 'description is longer than 2048 characters' })),
);

const TagPair = /* @__PURE__ */ droppable(() =>
  z.object(
    {
      key: z
        .string({ error: 'tag key must be a string' })
        .check(
          z.minLength(1, { error: 'tag key is empty' }),
          z.maxLength(128, { error: 'tag key is longer than 128 characters' }),
        ),
      value: z
        .string({ error: 'tag value must be a string' })
        .check(z.maxLength(256, { error: 'tag value is longer than 256 characters' })),
    },
    { error: 'a tag must be an object with key and value' },
  ),
);

export const Tags = /* @__PURE__ */ droppable(() =>
  z.array(TagPair, { error: 'tags must be an array' }).check(
    z.maxLength(MAX_TAGS, { error: `at most ${MAX_TAGS} tags` }),
    z.superRefine((tags: Array<{ key: string }>, ctx) => {
      if (new Set(tags.map((tag) => tag.key)).size !== tags.length) {
        ctx.addIssue({
          code: 'custom',
          message: 'tag keys must be unique',
          params: { code: 'VALUE_DUPLICATE' },
        });
      }
    }),
  ),
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

/** zod's `preprocess`: `prepare` runs first, its result is what `schema` checks. */
export const preprocess = <T extends z.core.$ZodType>(prepare: (value: unknown) => unknown, schema: T) =>
  z.pipe<z.ZodMiniTransform<unknown, unknown>, T>(z.transform(prepare), schema);

export const boundedInteger = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be an integer` })
    .check(
      z.int({ error: `${name} must be an integer` }),
      z.minimum(min, { error: `${name} must be at least ${min}` }),
      z.maximum(max, { error: `${name} must be at most ${max}` }),
    );

export const integerParam = (name: string, min: number, max: number, fallback: number) =>
  preprocess(blankToUndefined, z._default(boundedInteger(name, min, max), fallback));

/** Left absent when not given, so the caller can tell (search: the body may fill it in). */
export const optionalIntegerParam = (name: string, min: number, max: number) =>
  preprocess(blankToUndefined, z.optional(boundedInteger(name, min, max)));

/** One of `values` in any case; `""` and `null` count as absent, anything else not listed is refused. */
export const caseInsensitive = <T extends readonly [string, ...string[]]>(name: string, values: T) =>
  preprocess(
    (value) =>
      value === '' || value === null
        ? undefined
        : typeof value === 'string'
          ? (values.find((v) => v.toLowerCase() === value.toLowerCase()) ?? value)
          : value,
    z.optional(z.enum(values, { error: `${name} must be one of: ${values.join(', ')}` })),
  );

export const booleanParam = (name: string) =>
  preprocess(
    blankToUndefined,
    z.optional(
      z.pipe(
        z.enum(['true', 'false'], { error: `${name} must be true or false` }),
        z.transform((v: 'true' | 'false') => v === 'true'),
      ),
    ),
  );

/** `If-Match: "3"` (or W/"3"); `*` means any existing version. Parsed to the version number. */
export const IfMatch = /* @__PURE__ */ droppable(() =>
  z.pipe(
    z.string().check(z.regex(/^(\*|(W\/)?"\d{1,15}")$/, { error: 'If-Match must be an ETag such as "3"' })),
    z.transform((value: string) =>
      value === '*' ? undefined : Number(value.replace(/^W\//, '').replaceAll('"', '')),
    ),
  ),
);

export const Timestamp = /* @__PURE__ */ droppable(() => z.iso.datetime());
