/**
 * The agent's per-start token: what stops a request the app was tricked into making (SSRF: a URL an
 * attacker chose, fetched by the app) from reading secrets, since such a request cannot carry a
 * header the attacker does not know. Generated at each start unless given, kept in a file only its
 * owner can read, and compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Its own header, not `Authorization`: an app that forwards its callers' Authorization header, or
 * a library that adds one, never hands it over by accident, it is never mistaken for (or sent on
 * as) the vault's bearer token, and a browser cannot add it cross-origin without a CORS preflight
 * the agent never grants.
 */
export const TOKEN_HEADER = 'X-Vault-Agent-Token';

/** Printable ASCII without spaces, long enough not to be guessed. */
const WELL_FORMED = /^[\x21-\x7e]{16,512}$/;

export class AgentTokenError extends Error {
  override name = 'AgentTokenError';
}

/**
 * The token given in VAULT_AGENT_TOKEN (its value, or `file://<path>` to read it from a file, as the
 * AWS agent takes AWS_TOKEN), else undefined.
 */
export function givenToken(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  let token = value;
  if (value.startsWith('file://')) {
    const path = value.slice('file://'.length);
    try {
      token = readFileSync(path, 'utf8').trim();
    } catch (error) {
      throw new AgentTokenError(
        `VAULT_AGENT_TOKEN names ${path}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  if (!WELL_FORMED.test(token))
    throw new AgentTokenError(
      'the agent token must be 16 to 512 printable ASCII characters without spaces (VAULT_AGENT_TOKEN)',
    );
  return token;
}

/** 256 random bits, base64url: header-safe as it stands. */
export const newToken = () => randomBytes(32).toString('base64url');

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Written whole under another name (0600 before the token is in it), then renamed into place. */
export function writeTokenFile(path: string, token: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  writeFileSync(temporary, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** Removed at stop, but only if it still holds this start's token (a newer agent may own it). */
export function removeTokenFile(path: string, token: string): void {
  try {
    if (readFileSync(path, 'utf8').trim() === token) rmSync(path, { force: true });
  } catch {
    // Already gone: nothing to remove.
  }
}
