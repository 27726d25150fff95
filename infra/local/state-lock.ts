/**
 * One `npm start` per state folder: two DynamoDB Locals on one database file, or two KMS endpoints
 * rewriting one kms.json, corrupt each other silently. The lock is a file holding the owner's PID,
 * created exclusively; a lock whose PID is no longer running is stale and taken over.
 */
import { linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalStartError } from './start-error.ts';

export const LOCK_FILE = 'vault.lock';

export interface StateLock {
  file: string;
  /** Removes the lock if it is still this process's; synchronous, so an exit handler can call it. */
  release(): void;
}

function isRunning(pid: number): boolean {
  // Our own PID in the file is a previous holder's (PIDs restart low in a container).
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Written aside and hard-linked into place (which fails if the name is taken): never seen empty. */
function create(file: string): boolean {
  const aside = `${file}.${process.pid}`;
  writeFileSync(aside, `${process.pid}\n`);
  try {
    linkSync(aside, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(aside, { force: true });
  }
}

/**
 * Replaces the stale lock (owned by `stale`) with ours; false if another starter won. Takeovers
 * are serialized by a directory made exclusively beside the lock: only its maker may remove a
 * stale lock, and only if the lock still names the stale owner it saw (removing a lock another
 * starter just made would let two vaults share the folder). A takeover directory left by a
 * starter that died within its few microseconds is cleared after a few seconds.
 */
function takeOver(file: string, stale: number | undefined): boolean {
  const mutex = `${file}.takeover`;
  try {
    mkdirSync(mutex);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (Date.now() - statSync(mutex).mtimeMs < ABANDONED_TAKEOVER_MS) return false;
    rmSync(mutex, { recursive: true, force: true });
    return false;
  }
  try {
    if (ownerOf(file) !== stale) return false;
    rmSync(file, { force: true });
    return create(file);
  } finally {
    rmSync(mutex, { recursive: true, force: true });
  }
}

const ABANDONED_TAKEOVER_MS = 5_000;

export function lockStateDir(stateDir: string): StateLock {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, LOCK_FILE);
  if (!create(file)) {
    const owner = ownerOf(file);
    if (owner !== undefined && isRunning(owner))
      throw new LocalStartError(
        `State folder ${stateDir} is in use by another local vault (pid ${owner}): stop it first, or start this one with another --state-dir. (If pid ${owner} is no vault, delete ${file}.)`,
      );
    // Stale: its owner is gone. Of several starters racing here, one takes it over.
    if (!takeOver(file, owner))
      throw new LocalStartError(
        `State folder ${stateDir} was just locked by another local vault (pid ${ownerOf(file) ?? 'unknown'}).`,
      );
  }
  return {
    file,
    release: () => {
      if (ownerOf(file) === process.pid) rmSync(file, { force: true });
    },
  };
}
