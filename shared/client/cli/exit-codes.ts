import { VaultApiError } from '../vault-client.ts';

/** What `secrets` exits with; the help's last lines say the same (scripts rely on them). */
export const EXIT = {
  ok: 0,
  other: 1,
  usage: 2,
  notFound: 3,
  notAllowed: 4,
  conflict: 5,
  invalid: 6,
  unavailable: 7,
} as const;

export const EXIT_CODES_HELP = `Exit codes: 0 ok, 1 anything else (a Node.js older than 24 too), 2 usage (a wrong command,
option or value), 3 not found, 4 not allowed (401/403, not logged in, login expired), 5 conflict
(409/412, or a taken name), 6 invalid input (400/410/413/415/422), 7 unavailable (429/5xx, the vault
or its token endpoint unreachable).`;

export function exitCodeOf(error: unknown): number {
  if (!(error instanceof VaultApiError)) return EXIT.other;
  if (error.status === 404) return EXIT.notFound;
  if (error.status === 401 || error.status === 403) return EXIT.notAllowed;
  if (error.status === 409 || error.status === 412) return EXIT.conflict;
  if ([400, 410, 413, 415, 422].includes(error.status)) return EXIT.invalid;
  if (error.retryable || error.status >= 500) return EXIT.unavailable;
  return EXIT.other;
}
