/** Rotation settings: built-in generators or a rotator Lambda, and a schedule (zod/mini: see fields.ts). */
import * as z from 'zod/mini';
import { ScheduleError, validateSchedule } from '../domain/schedule.ts';
import { documented, droppable } from './fields.ts';

/** Built-in generators (a password policy, random bytes) or a rotator Lambda running the four steps. */
const FieldName = /* @__PURE__ */ droppable(() =>
  z.string({ error: 'field must be a string' }).check(z.minLength(1), z.maxLength(128)),
);

export const RotatorSpecSchema = /* @__PURE__ */ droppable(() =>
  z.discriminatedUnion(
    'type',
    [
      z.object({
        type: z.literal('password'),
        field: z._default(FieldName, 'password'),
        length: z._default(
          z.int().check(z.minimum(12, { error: 'length must be at least 12' }), z.maximum(256)),
          32,
        ),
        lowercase: z._default(z.boolean(), true),
        uppercase: z._default(z.boolean(), true),
        digits: z._default(z.boolean(), true),
        symbols: z._default(z.boolean(), true),
        exclude: z._default(z.string().check(z.maxLength(100)), ''),
      }),
      z.object({
        type: z.literal('random-bytes'),
        field: z._default(FieldName, 'key'),
        bytes: z._default(
          z.int().check(z.minimum(16, { error: 'bytes must be at least 16' }), z.maximum(1024)),
          32,
        ),
        encoding: z._default(z.enum(['base64', 'hex']), 'base64'),
      }),
      z.object({
        type: z.literal('lambda'),
        arn: z
          .string()
          .check(
            z.regex(
              /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?|local:[a-z0-9-]+)$/,
              { error: 'arn must be a Lambda function ARN (or local:<module> locally)' },
            ),
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
      schedule: z.string({ error: 'schedule must be rate(…) or cron(…)' }).check(
        z.maxLength(256),
        z.superRefine((value: string, ctx) => {
          try {
            validateSchedule(value);
          } catch (error) {
            if (!(error instanceof ScheduleError)) throw error;
            ctx.addIssue({ code: 'custom', message: error.message, params: { code: error.code } });
          }
        }),
      ),
    },
    { error: 'Request body must be a JSON object' },
  ),
);

export const RotationResponse = /* @__PURE__ */ documented(() =>
  z.object({
    name: z.string(),
    rotation: z.optional(
      z.object({
        schedule: z.string(),
        rotator: z.record(z.string(), z.unknown()),
        next_rotation: z.optional(z.string()),
        last_rotated: z.optional(z.string()),
        last_status: z.optional(z.string()),
        last_error: z.optional(z.string()),
      }),
    ),
    in_progress: z.optional(z.object({ step: z.string(), started: z.string(), trigger: z.string() })),
  }),
);
