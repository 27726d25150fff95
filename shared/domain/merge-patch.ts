/**
 * JSON Merge Patch (RFC 7396): a patch that is an object changes the target member by member (a
 * `null` member removes it, an object member patches it the same way, anything else replaces it);
 * any other patch replaces the target whole. Pure; written here rather than taken from npm
 * because it is a dozen lines and must be safe with member names such as `__proto__`, which a
 * request body may carry as an own member.
 */

/** A JSON object: not null, not an array (RFC 7396 treats arrays as plain values). */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `target` with `patch` applied (RFC 7396 §2), neither argument changed. Recursion follows the
 * patch's nesting: callers bound its depth first (request schemas refuse deeper than 32 levels).
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return patch;
  // Entries, never `result[key] = …`: assigning `__proto__` would set the prototype instead.
  const result = new Map<string, unknown>(isJsonObject(target) ? Object.entries(target) : []);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) result.delete(key);
    else result.set(key, mergePatch(result.get(key), value));
  }
  return Object.fromEntries(result);
}
