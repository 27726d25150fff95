/**
 * JSON text read so that the value is exactly what was written, or refused with a problem per
 * place it would change: numbers a double would alter (negative zero included), lone surrogates,
 * and member names given twice in one object (JSON.parse silently keeps the last). Pure: no middy,
 * so the rotation functions read rotator replies with it as the API reads request bodies.
 */
import { InvalidRequestError, type Problem } from '../domain/errors.ts';
import { MalformedBodyError } from './http-errors.ts';
import { propertyPath } from './validate.ts';

/** Refusals listed in one response: enough to fix a body, not a body-sized error. */
export const MAX_LISTED = 20;

type Defect =
  | 'unsafe-integer'
  | 'not-finite'
  | 'inexact'
  | 'negative-zero'
  | 'lone-surrogate'
  | 'key-surrogate'
  | 'duplicate-key';

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
 * and 0.1000000000000000000001 are not. Negative zero (`-0`, `-0.0`, `-0e3`) is refused too: it
 * parses to a double of its own, but JSON writes it back as `0`.
 */
function numberDefect(value: number, source: string): Defect | undefined {
  // A zero written with a minus; `-1e-400` also becomes -0, but by underflow: not kept exactly.
  if (Object.is(value, -0)) return canonicalDecimal(source) === '0' ? 'negative-zero' : 'inexact';
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
  'negative-zero': [
    'VALUE_INCORRECT_FORMAT',
    (where) => `${where} is negative zero, which a JSON number does not keep (it reads back as 0): send 0`,
  ],
  'lone-surrogate': [
    'VALUE_INCORRECT_FORMAT',
    (where) => `${where} contains a lone UTF-16 surrogate, which is not Unicode text`,
  ],
  'key-surrogate': [
    'VALUE_INCORRECT_FORMAT',
    (where) => `${where} has a key with a lone UTF-16 surrogate, which is not Unicode text`,
  ],
  // Not VALUE_DUPLICATE: that code answers 409 "name taken" and clients act on it.
  'duplicate-key': [
    'VALUE_INCORRECT_FORMAT',
    (where) => `${where} is given more than once in its object: send each member name once`,
  ],
};

const problem = (defect: Defect, path: readonly PropertyKey[], subject: string): Problem => {
  const property = propertyPath(path);
  const [code, message] = MESSAGES[defect];
  return { code, message: message(property || subject), ...(property && { property }) };
};

/** Where each marker sits, without recursion (a hostile body must not blow the stack). */
function markedProblems(root: unknown, subject: string, limit: number): Problem[] {
  const problems: Problem[] = [];
  const stack: Array<[unknown, PropertyKey[]]> = [[root, []]];
  while (stack.length > 0 && problems.length < limit) {
    const [node, path] = stack.pop()!;
    if (node instanceof Unkeepable) {
      // A bad key is named by the object holding it: the key itself is not printable.
      problems.push(
        problem(node.defect, node.defect === 'key-surrogate' ? path.slice(0, -1) : path, subject),
      );
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

/** An open object (with the member names seen so far) or array, and where in it the scan is. */
interface Frame {
  keys: Set<string> | undefined;
  reported: Set<string> | undefined;
  at: string | number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Paths of member names that occur more than once in their object, in document order, each once,
 * at most `limit`. JSON.parse keeps the last of them and its reviver sees only the result, so the
 * text itself is scanned: one pass, no recursion, names compared after unescaping (`"a"` and
 * `"\u0061"` are one name). The text must already have parsed as JSON.
 */
export function duplicateMembers(text: string, limit = MAX_LISTED): PropertyKey[][] {
  const found: PropertyKey[][] = [];
  const frames: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length && found.length < limit; i++) {
    switch (text.charCodeAt(i)) {
      case 0x7b: // {
        frames.push({ keys: new Set(), reported: undefined, at: '' });
        expectKey = true;
        break;
      case 0x5b: // [
        frames.push({ keys: undefined, reported: undefined, at: 0 });
        expectKey = false;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        frames.pop();
        expectKey = false;
        break;
      case 0x2c: {
        // ,
        const top = frames.at(-1)!;
        if (top.keys) expectKey = true;
        else top.at = (top.at as number) + 1;
        break;
      }
      case QUOTE: {
        // The closing quote is the first one not escaped: preceded by an even run of backslashes.
        // Each backslash run is walked once, before the quote that ends it: linear overall.
        let end = i;
        for (;;) {
          end = text.indexOf('"', end + 1);
          let backslashes = 0;
          while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
          if (backslashes % 2 === 0) break;
        }
        if (expectKey) {
          const top = frames.at(-1)!;
          const raw = text.slice(i + 1, end);
          const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
          top.at = key;
          if (!top.keys!.has(key)) top.keys!.add(key);
          else {
            top.reported ??= new Set();
            if (!top.reported.has(key)) {
              top.reported.add(key);
              const path = frames.map((frame) => frame.at);
              // A name that is not Unicode text is not printable: name the object holding it.
              const bad = path.findIndex((step) => typeof step === 'string' && !step.isWellFormed());
              found.push(bad === -1 ? path : path.slice(0, bad));
            }
          }
          expectKey = false;
        }
        i = end;
        break;
      }
    }
  }
  return found;
}

const forbidden = (key: string, value: unknown): boolean =>
  key === '__proto__' ||
  (key === 'constructor' && typeof value === 'object' && value !== null && Object.hasOwn(value, 'prototype'));

class ForbiddenKey extends Error {
  override name = 'ForbiddenKey';
}

/**
 * JSON.parse, refusing what it would change: the reviver sees each primitive's source text
 * (Node 24), so a number is compared with what was written and a string is checked for lone
 * surrogates (`"\ud800"` parses, but is no text any client can hand back); member names given
 * twice are refused rather than resolved to the last. Not JSON: MalformedBodyError; JSON the
 * value would not keep: InvalidRequestError with a problem per property (at most 20). `subject`
 * names the text in messages ("Request body").
 */
export function parseExactJson(text: string, subject = 'Request body'): unknown {
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
        ? `${subject} uses a forbidden key (__proto__ or constructor)`
        : error instanceof RangeError
          ? `${subject} is nested too deeply`
          : `${subject} is not valid JSON`,
      error,
    );
  }
  const problems = duplicateMembers(text).map((path) => problem('duplicate-key', path, subject));
  if (defects > 0) problems.push(...markedProblems(parsed, subject, MAX_LISTED - problems.length));
  if (problems.length > 0) throw InvalidRequestError.fromProblems(problems);
  return parsed;
}
