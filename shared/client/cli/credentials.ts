/**
 * Logins kept between runs: one token per vault URL, and the URL last logged in to, in the user's
 * config directory (`$XDG_CONFIG_HOME/vault-secrets/credentials.json`, else
 * `~/.config/vault-secrets/…`), never in the folder the command happens to run in. The file is the
 * user's alone (0600, in a 0700 folder): it holds bearer tokens.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { UsageError } from './errors.ts';

export interface Login {
  token: string;
  /** When the CLI stops using the token: its `exp`, or sooner with `login --ttl`. */
  expires_at?: string;
  subject?: string;
  saved_at: string;
  /** `iam`: made by `login --iam`, so an expired one is renewed by logging in again the same way. */
  method?: 'iam';
}

export interface Credentials {
  /** The URL the last login was for: commands without --url or VAULT_URL use it. */
  current?: string;
  logins: Record<string, Login>;
}

export function credentialsFile(env: Record<string, string | undefined>): string {
  // XDG Base Directory: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  const home = env.HOME || homedir();
  const base = xdg && isAbsolute(xdg) ? xdg : join(home, '.config');
  return join(base, 'vault-secrets', 'credentials.json');
}

export function readCredentials(file: string): Credentials {
  if (!existsSync(file)) return { logins: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Credentials>;
    return { ...parsed, logins: parsed.logins ?? {} };
  } catch {
    throw new UsageError(`${file} is not valid JSON: remove it and log in again`);
  }
}

export function writeCredentials(file: string, credentials: Credentials): void {
  const dir = join(file, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Written whole under another name, then renamed: a reader never sees half a file, and the
  // mode is set before any token is in it (writeFileSync's mode applies only to a new file).
  const temporary = `${file}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  writeFileSync(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}
