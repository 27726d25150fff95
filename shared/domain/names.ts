import type { Problem } from './errors.ts';

export const MAX_NAME_LENGTH = 256;
export const MAX_ID_LENGTH = 128;

// C0 and C1 control characters, DEL included: they break logs, terminals and path handling.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

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
  if (name.startsWith('/') || name.endsWith('/')) return format('Secret name must not start or end with "/"');
  if (name.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return format('Secret name must not contain empty, "." or ".." segments');
  }
  return [];
}

/** User and role ids: opaque strings, but bounded and printable. */
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
  if (!id.isWellFormed() || CONTROL.test(id)) {
    return [{ code: 'VALUE_INCORRECT_FORMAT', message: `${property} contains invalid characters`, property }];
  }
  return [];
}
