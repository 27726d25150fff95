import type { MiddlewareObj } from '@middy/core';
import * as z from 'zod/mini';
import { type ErrorCode, InvalidRequestError, type Problem } from '../domain/errors.ts';
import { normalizeName } from '../domain/names.ts';
import type { RequestSchemas } from '../operations.ts';
import type { ApiEvent, ApiResult, StackRequest, VaultContext } from './types.ts';

/** `read_roles[2].id` style paths, as ERRORS.md asks for `property`. */
export function propertyPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (out, key) =>
      typeof key === 'number' ? `${out}[${key}]` : out === '' ? String(key) : `${out}.${String(key)}`,
    '',
  );
}

function codeOf(issue: z.core.$ZodIssue): ErrorCode {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'REQUIRED_VALUE_MISSING' : 'VALUE_INCORRECT_TYPE';
    case 'too_big':
    case 'too_small':
      return 'VALUE_OUT_OF_BOUNDS';
    case 'invalid_format':
    case 'invalid_value':
      return 'VALUE_INCORRECT_FORMAT';
    case 'custom':
      return (issue.params?.code as ErrorCode | undefined) ?? 'VALUE_INCORRECT_FORMAT';
    default:
      return 'INVALID_REQUEST_DATA';
  }
}

/** Issues must come from a parse with `reportInput: true`, so a missing value is told from a wrong one. */
export const problemsOf = (error: z.core.$ZodError): Problem[] =>
  error.issues.map((issue) => {
    const property = propertyPath(issue.path);
    const code = codeOf(issue);
    const message =
      code === 'REQUIRED_VALUE_MISSING' && property !== '' ? `${property} is required` : issue.message;
    return { code, message, ...(property !== '' && { property }) };
  });

/**
 * API Gateway REST APIs hand path parameters over still percent-encoded: they are decoded here,
 * exactly once (HTTP APIs decode them themselves), so `a%2Fb` and `a/b` name the same secret and `a%252F` keeps its `%2F`. A secret
 * name is also put in NFC here, so everything that reads the path (the scope check's audit of a
 * refusal included) sees the one spelling the vault stores.
 */
export function decodedPathParameters(event: ApiEvent): {
  values: Record<string, string>;
  problems: Problem[];
} {
  const values: Record<string, string> = {};
  const problems: Problem[] = [];
  // HTTP APIs (their payload 1.0 says `version: "1.0"`; REST events carry no version) hand path
  // parameters over already decoded: decoding again would read a name `a%41` as `aA`.
  const decoded = (event as { version?: unknown }).version === '1.0';
  for (const [key, raw] of Object.entries(event.pathParameters ?? {})) {
    try {
      const value = decoded ? (raw ?? '') : decodeURIComponent(raw ?? '');
      values[key] = key === 'name' ? normalizeName(value) : value;
    } catch {
      problems.push({
        code: 'VALUE_INCORRECT_FORMAT',
        message: `${key} is not validly percent-encoded`,
        property: key,
      });
    }
  }
  return { values, problems };
}

/** Validates path, query and body together, so one response lists every problem at once. */
export function validateRequest(
  schemas: RequestSchemas,
): MiddlewareObj<ApiEvent, ApiResult, Error, VaultContext> {
  const parts = (['path', 'query', 'headers', 'body'] as const).filter((part) => schemas[part] !== undefined);
  const validateRequestBefore = (request: StackRequest): void => {
    const { event } = request;
    const path = decodedPathParameters(event);
    const inputs = {
      path: path.values,
      query: event.queryStringParameters ?? {},
      headers: event.headers ?? {},
      body: event.body,
    };
    const problems: Problem[] = [...path.problems];
    // A parameter that could not be decoded is reported once, not again as missing.
    const undecodable = new Set(path.problems.map((problem) => problem.property));
    for (const part of parts) {
      const result = z.safeParse(schemas[part]!, inputs[part], { reportInput: true });
      if (result.success) request.context.vault[part] = result.data as never;
      else
        problems.push(
          ...problemsOf(result.error).filter(
            (problem) => part !== 'path' || !undecodable.has(problem.property),
          ),
        );
    }
    if (problems.length > 0) throw InvalidRequestError.fromProblems(problems);
  };
  return { before: validateRequestBefore };
}
