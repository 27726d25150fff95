import type { MiddlewareObj } from '@middy/core';
import { InvalidRequestError, type Problem } from '../domain/errors.ts';
import { MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from './http-errors.ts';
import type { ApiEvent, ApiResult, StackRequest, VaultContext } from './types.ts';
import { propertyPath } from './validate.ts';

/** Far above the largest valid body (64 KiB of data plus roles), far below API Gateway's 10 MB. */
export const MAX_BODY_BYTES = 256 * 1024;
/** Refusals listed in one response: enough to fix a body, not a body-sized error. */
const MAX_LISTED = 20;

/** `application/json` and `application/<anything>+json`, parameters allowed (as middy's parser). */
const JSON_MEDIA_TYPE = /^application\/([a-z0-9.+-]+\+)?json(;|$)/i;
// Fatal: bytes that are not UTF-8 are refused, never replaced with U+FFFD (a stored value must
// come back as it was sent).
const UTF8 = new TextDecoder('utf-8', { fatal: true });

type Defect = 'unsafe-integer' | 'not-finite' | 'inexact' | 'lone-surrogate' | 'key-surrogate';

/** Stands where JSON.parse would have produced a changed value; reported with its path after. */
class Unkeepable {
  readonly defect: Defect;
  constructor(defect: Defect) {
    this.defect = defect;
  }
}

const NUMBER_TOKEN = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * A decimal number as `<sign><digits>e<exponent>` without spare zeros: one spelling per number.
 * Linear in the token's length (a `/0+$/` would be quadratic on a 256 KiB run of zeros).
 */
function canonicalDecimal(text: string): string {
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = NUMBER_TOKEN.exec(text) ?? [];
  const digits = whole + fraction;
  let first = 0;
  while (first < digits.length && digits[first] === '0') first++;
  if (first === digits.length) return '0';
  let end = digits.length;
  while (digits[end - 1] === '0') end--;
  return `${sign}${digits.slice(first, end)}e${Number(exponent) - fraction.length + digits.length - end}`;
}

const INTEGER_TOKEN = /^-?\d+$/;

/**
 * The number a JSON token becomes must be the number it denotes, or the vault would hand back
 * something else. A token written as an integer must lie within ±(2^53 − 1), where every integer
 * has its own double (so 2^53 + 2 is not kept while 2^53 + 1 is refused: ids and counters stay
 * predictable). Any other token (fraction or exponent) must be finite and exactly the decimal that
 * the double it parsed to prints as (`String(value)`): 0.1 and 6.02e23 are kept, 1e400, 1e-400
 * and 0.1000000000000000000001 are not.
 */
function numberDefect(value: number, source: string): Defect | undefined {
  if (Number.isSafeInteger(value) && INTEGER_TOKEN.test(source)) return undefined;
  if (!Number.isFinite(value)) return 'not-finite';
  if (INTEGER_TOKEN.test(source)) return 'unsafe-integer';
  const printed = String(value);
  return source === printed || canonicalDecimal(source) === canonicalDecimal(printed) ? undefined : 'inexact';
}

const MESSAGES: Record<Defect, [Problem['code'], (where: string) => string]> = {
  'unsafe-integer': [
    'VALUE_OUT_OF_BOUNDS',
    (where) =>
      `${where} is an integer beyond ±(2^53 − 1), which a JSON number does not keep exactly: send it as a string`,
  ],
  'not-finite': [
    'VALUE_OUT_OF_BOUNDS',
    (where) => `${where} is too large for a JSON number: send it as a string`,
  ],
  inexact: [
    'VALUE_INCORRECT_FORMAT',
    (where) => `${where} is not kept exactly by a JSON number (a double): send it as a string`,
  ],
  'lone-surrogate': [
    'VALUE_INCORRECT_FORMAT',
    (where) => `${where} contains a lone UTF-16 surrogate, which is not Unicode text`,
  ],
  'key-surrogate': [
    'VALUE_INCORRECT_FORMAT',
    (where) => `${where} has a key with a lone UTF-16 surrogate, which is not Unicode text`,
  ],
};

/** Where each marker sits, without recursion (a hostile body must not blow the stack). */
function problemsOf(root: unknown): Problem[] {
  const problems: Problem[] = [];
  const report = (marker: Unkeepable, path: PropertyKey[]) => {
    const property = propertyPath(path);
    const [code, message] = MESSAGES[marker.defect];
    problems.push({ code, message: message(property || 'Request body'), ...(property && { property }) });
  };
  const stack: Array<[unknown, PropertyKey[]]> = [[root, []]];
  while (stack.length > 0 && problems.length < MAX_LISTED) {
    const [node, path] = stack.pop()!;
    if (node instanceof Unkeepable) {
      // A bad key is named by the object holding it: the key itself is not printable.
      report(node, node.defect === 'key-surrogate' ? path.slice(0, -1) : path);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const entries = Array.isArray(node)
      ? node.map((child, index) => [index, child] as const)
      : Object.entries(node);
    for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], [...path, entries[i]![0]]]);
  }
  return problems;
}

const forbidden = (key: string, value: unknown): boolean =>
  key === '__proto__' ||
  (key === 'constructor' && typeof value === 'object' && value !== null && Object.hasOwn(value, 'prototype'));

/**
 * JSON.parse, refusing what it would change: the reviver sees each primitive's source text
 * (Node 24), so a number is compared with what was written and a string is checked for lone
 * surrogates (`"\ud800"` parses, but is no text any client can hand back).
 */
export function parseExactJson(text: string): unknown {
  let defects = 0;
  const mark = (defect: Defect) => {
    defects++;
    return new Unkeepable(defect);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value: unknown, context?: { source?: string }) => {
      // As middy's parser: a body may not even try prototype pollution.
      if (forbidden(key, value)) throw new ForbiddenKey();
      if (!key.isWellFormed()) return mark('key-surrogate');
      if (typeof value === 'number') {
        const defect = numberDefect(value, context?.source ?? '');
        return defect ? mark(defect) : value;
      }
      if (typeof value === 'string' && !value.isWellFormed()) return mark('lone-surrogate');
      return value;
    });
  } catch (error) {
    throw new MalformedBodyError(
      error instanceof ForbiddenKey
        ? 'Request body uses a forbidden key (__proto__ or constructor)'
        : error instanceof RangeError
          ? 'Request body is nested too deeply'
          : 'Request body is not valid JSON',
      error,
    );
  }
  if (defects > 0) throw InvalidRequestError.fromProblems(problemsOf(parsed));
  return parsed;
}

class ForbiddenKey extends Error {}

/** The body as text: base64 (API Gateway's binary media types) is decoded as strict UTF-8. */
function bodyText(body: string, isBase64Encoded: boolean): string {
  if (!isBase64Encoded) return body;
  try {
    return UTF8.decode(Buffer.from(body, 'base64'));
  } catch (error) {
    throw new MalformedBodyError('Request body is not valid UTF-8', error);
  }
}

/**
 * A JSON body behind a size limit, parsed so that what is stored is exactly what was sent (or the
 * request is refused with a 400 naming the property). An absent body is left undefined: the
 * schema decides whether the operation needs one.
 */
export function jsonBody(): MiddlewareObj<ApiEvent, ApiResult, Error, VaultContext> {
  // Checked at cold start: without source text numbers could not be compared with what was sent.
  if (JSON.parse('1', (_key, _value, context?: { source?: string }) => context?.source) !== '1')
    throw new Error('JSON.parse source text access is required (Node 24)');
  const jsonBodyBefore = async (request: StackRequest): Promise<void> => {
    const { body, isBase64Encoded, headers } = request.event;
    if (body === null || body === undefined || body === '') {
      (request.event as { body: unknown }).body = undefined;
      return;
    }
    const size = isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body);
    if (size > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
    const contentType = headers?.['content-type'] ?? headers?.['Content-Type'];
    if (!JSON_MEDIA_TYPE.test(contentType ?? '')) throw new UnsupportedMediaTypeError();
    (request.event as { body: unknown }).body = parseExactJson(bodyText(body, isBase64Encoded ?? false));
  };
  return { before: jsonBodyBefore };
}
