/**
 * What every part of the local KMS endpoint shares about the AWS KMS JSON protocol: the error a
 * request fails with (its `__type` and HTTP status) and the checks on request fields, with the
 * messages KMS itself gives for them.
 */

export class KmsError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

/** KMS answers these with a 5xx; everything else it refuses with a 400 (throttling included). */
export const SERVER_ERRORS = new Set([
  'KMSInternalException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
]);

export const validation = (message: string) => new KmsError('ValidationException', message);

/** Node's base64 decoder skips junk silently; KMS would refuse it, so check the alphabet first. */
export function strictBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || value.length % 4 !== 0) return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined;
  return Buffer.from(value, 'base64');
}

/** A required enum member, refused in KMS's (Coral's) words when missing or not in the set. */
export function enumMember<T extends string>(
  value: unknown,
  field: string,
  members: readonly T[],
  fallback?: T,
): T {
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw validation(
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (typeof value !== 'string' || !(members as readonly string[]).includes(value))
    throw validation(
      `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ` +
        `Member must satisfy enum value set: [${members.join(', ')}]`,
    );
  return value as T;
}

/** A required base64 blob field of `min..max` bytes, refused as KMS refuses an out-of-range one. */
export function blobField(value: unknown, field: string, max: number, min = 1): Buffer {
  if (value === undefined || value === null)
    throw validation(
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  const bytes = strictBase64(value);
  if (!bytes) throw validation(`${field} must be base64`);
  if (bytes.length < min)
    throw validation(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: ` +
        `Member must have length greater than or equal to ${min}`,
    );
  if (bytes.length > max)
    throw validation(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: ` +
        `Member must have length less than or equal to ${max}`,
    );
  return bytes;
}
