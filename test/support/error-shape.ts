import { expect } from 'vitest';
import { ErrorResponse } from '../../shared/schemas.ts';
import type { Reply } from './http.ts';

/** Every error: the ERRORS.md shape, the expected status and code, a trace id in body and header, no internals. */
export function expectShapedError(reply: Reply, status: number, code: string) {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(ErrorResponse.safeParse(reply.json).success, reply.text).toBe(true);
  expect(reply.json.error_code).toBe(code);
  expect(reply.json.trace_id).toEqual(expect.any(String));
  expect(reply.headers.get('x-request-id')).toBe(reply.json.trace_id);
  expect(reply.text).not.toMatch(
    /\n\s*at |\.[cm]?[jt]s:\d+:\d+|Exception|node_modules|pk =|ConditionExpression/,
  );
}
