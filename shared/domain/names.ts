import type { Problem } from './errors.ts';

export const MAX_NAME_LENGTH = 256;
export const MAX_ID_LENGTH = 128;

// C0 and C1 control characters, DEL included: they break logs, terminals and path handling.
const CONTROL = /\p{Cc}/u;
// Invisible format characters (zero-width, bidi overrides and isolates, BOM, soft hyphen, tags) and
// line/paragraph separators: they make two names that render alike, or one that renders reversed.
const INVISIBLE = /[\p{Cf}\p{Zl}\p{Zp}]/u;
// Leading or trailing whitespace of any kind (spaces, no-break spaces, tabs): invisible in a listing.
const EDGE_SPACE = /^\s|\s$/u;

/**
 * The one spelling of a secret name the vault stores and compares: Unicode NFC, so a name typed
 * with a decomposed accent (NFD, as macOS file names come) addresses the same secret. Applied
 * wherever a name enters (path, body, batch, search keywords) before any rule is checked.
 */
export const normalizeName = (name: string): string => (name.isWellFormed() ? name.normalize('NFC') : name);

/**
 * Secret names may contain `/` and spaces (clients use path-like names), but nothing that makes
 * a path ambiguous: no empty, `.` or `..` segment, no leading or trailing `/`.
 */
export function secretNameProblems(name: string, property = 'name'): Problem[] {
  if (name.length === 0)
    return [{ code: 'REQUIRED_VALUE_MISSING', message: 'Secret name is empty', property }];
  if (name.length > MAX_NAME_LENGTH) {
    return [
      {
        code: 'VALUE_OUT_OF_BOUNDS',
        message: `Secret name is longer than ${MAX_NAME_LENGTH} characters`,
        property,
      },
    ];
  }
  const format = (message: string): Problem[] => [{ code: 'VALUE_INCORRECT_FORMAT', message, property }];
  if (!name.isWellFormed()) return format('Secret name is not valid Unicode');
  if (CONTROL.test(name)) return format('Secret name contains a control character');
  if (INVISIBLE.test(name))
    return format('Secret name contains an invisible format character or a line separator');
  if (EDGE_SPACE.test(name)) return format('Secret name must not start or end with whitespace');
  if (name !== name.normalize('NFC')) return format('Secret name is not in Unicode NFC');
  if (name.startsWith('/') || name.endsWith('/')) return format('Secret name must not start or end with "/"');
  if (name.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return format('Secret name must not contain empty, "." or ".." segments');
  }
  return [];
}

/**
 * User and role ids: opaque strings, but bounded and printable. They are compared as they are with
 * the identity provider's claims, so they are never rewritten: an id not in NFC is refused rather
 * than normalized, and so are invisible characters and edge whitespace.
 */
export function idProblems(id: string, property: string): Problem[] {
  if (id.length === 0) return [{ code: 'REQUIRED_VALUE_MISSING', message: `${property} is empty`, property }];
  if (id.length > MAX_ID_LENGTH) {
    return [
      {
        code: 'VALUE_OUT_OF_BOUNDS',
        message: `${property} is longer than ${MAX_ID_LENGTH} characters`,
        property,
      },
    ];
  }
  if (!id.isWellFormed() || CONTROL.test(id) || INVISIBLE.test(id)) {
    return [{ code: 'VALUE_INCORRECT_FORMAT', message: `${property} contains invalid characters`, property }];
  }
  if (EDGE_SPACE.test(id))
    return [
      { code: 'VALUE_INCORRECT_FORMAT', message: `${property} starts or ends with whitespace`, property },
    ];
  if (id !== id.normalize('NFC'))
    return [{ code: 'VALUE_INCORRECT_FORMAT', message: `${property} is not in Unicode NFC`, property }];
  return [];
}
