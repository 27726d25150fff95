/** What the API answers (documentation and tests; the handlers build answers through shared/http/wire.ts). */
import * as z from 'zod';
import { AUDIT_ACTIONS } from '../domain/audit.ts';
import { ERROR_CODES, type ErrorCode } from '../domain/errors.ts';
import { droppable, Timestamp } from './fields.ts';

/** PrivX's role handle: the name last given for the id (else the id); roles are never marked deleted. */
const RoleHandle = /* @__PURE__ */ droppable(() =>
  z.object({ id: z.string(), name: z.string(), deleted: z.boolean() }),
);

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

export const BatchGetResponse = /* @__PURE__ */ droppable(() =>
  z.object({
    items: z.array(SecretResponse),
    errors: z.array(z.object({ name: z.string(), error_code: z.string(), error_message: z.string() })),
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
