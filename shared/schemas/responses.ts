/**
 * What the API answers (documentation and tests; the handlers build answers through shared/http/wire.ts).
 * zod/mini as the requests (fields.ts): each operation's row names its response schema.
 */
import * as z from 'zod/mini';
import { AUDIT_ACTIONS } from '../domain/audit.ts';
import { ERROR_CODES, type ErrorCode } from '../domain/errors.ts';
import { documented, droppable, Timestamp } from './fields.ts';

/** PrivX's role handle: the name last given for the id (else the id); roles are never marked deleted. */
const RoleHandle = /* @__PURE__ */ droppable(() =>
  z.object({ id: z.string(), name: z.string(), deleted: z.boolean() }),
);

export const SecretResponse = /* @__PURE__ */ documented(() =>
  z.object({
    name: z.string(),
    data: z.optional(z.record(z.string(), z.unknown())),
    read_roles: z.array(RoleHandle),
    write_roles: z.array(RoleHandle),
    owner_id: z.optional(z.string()),
    author: z.string(),
    updated_by: z.string(),
    path: z.string(),
    created: Timestamp,
    updated: Timestamp,
    version: z.int(),
    description: z.optional(z.string()),
    tags: z.optional(z.array(z.object({ key: z.string(), value: z.string() }))),
    expires: z.optional(z.string()),
    rotation: z.optional(z.record(z.string(), z.unknown())),
  }),
);

export const SecretListResponse = /* @__PURE__ */ documented(() =>
  z.object({ count: z.int(), items: z.array(SecretResponse) }),
);

export const NameResponse = /* @__PURE__ */ documented(() =>
  z.object({
    name: z.string(),
    version: z.optional(z.int()),
    purge_at: z.optional(z.string()),
  }),
);

export const VersionListResponse = /* @__PURE__ */ documented(() =>
  z.object({
    count: z.int(),
    items: z.array(
      z.object({
        version: z.int(),
        created: Timestamp,
        author: z.string(),
        data_version: z.int(),
      }),
    ),
  }),
);

export const SchemasResponse = /* @__PURE__ */ documented(() => z.array(z.unknown()));

export const ServiceStatusResponse = /* @__PURE__ */ documented(() =>
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

export const ErrorResponse: z.ZodMiniType<ErrorShape> = /* @__PURE__ */ droppable(() =>
  z.lazy(() =>
    z.object({
      error_code: ErrorCodeSchema,
      error_message: z.string(),
      property: z.optional(z.string()),
      details: z.optional(z.array(ErrorResponse)),
      trace_id: z.optional(z.string()),
    }),
  ),
);

export const AuditListResponse = /* @__PURE__ */ documented(() =>
  z.object({
    count: z.int(),
    items: z.array(
      z.object({
        /** The secret's trail is several hash chains: `seq` and `prev_hash` count within the lane. */
        lane: z.int(),
        seq: z.int(),
        at: Timestamp,
        action: z.enum(AUDIT_ACTIONS),
        outcome: z.enum(['success', 'denied', 'failed']),
        secret: z.string(),
        owner_id: z.optional(z.string()),
        actor: z.string(),
        version: z.optional(z.int()),
        reason: z.optional(z.string()),
        trace_id: z.string(),
        source_ip: z.string(),
        prev_hash: z.string(),
        hash: z.string(),
      }),
    ),
  }),
);

export const BatchGetResponse = /* @__PURE__ */ documented(() =>
  z.object({
    items: z.array(SecretResponse),
    errors: z.array(z.object({ name: z.string(), error_code: z.string(), error_message: z.string() })),
  }),
);

/** RFC 9457 problem details, for clients that send `Accept: application/problem+json`. */
export const ProblemResponse = /* @__PURE__ */ documented(() =>
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.string(),
    error_code: ErrorCodeSchema,
    property: z.optional(z.string()),
    details: z.optional(z.array(ErrorResponse)),
    trace_id: z.optional(z.string()),
  }),
);

export const OpenApiResponse = /* @__PURE__ */ documented(() => z.record(z.string(), z.unknown()));
