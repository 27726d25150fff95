/** Rotation settings: built-in generators or a rotator Lambda, and a schedule. */
import * as z from 'zod';
import { ScheduleError, validateSchedule } from '../domain/schedule.ts';
import { droppable } from './fields.ts';

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
