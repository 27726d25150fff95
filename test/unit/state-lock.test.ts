/**
 * One `npm start` per state folder, even when several start at once after a crash left a stale
 * lock: exactly one takes the folder over (red team: two could, when one removed the lock another
 * had just made). Real processes racing on a real folder, as starters would.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LOCK_MODULE = resolve(import.meta.dirname, '../../infra/local/state-lock.ts');

/** A starter: waits for the agreed instant, tries the lock, says WON or LOST, holds it a while. */
const STARTER = `
const { lockStateDir } = await import(${JSON.stringify(LOCK_MODULE)});
// With -e, the arguments start at argv[1].
const [dir, at] = [process.argv[1], Number(process.argv[2])];
while (Date.now() < at) {}
let won = false;
try { lockStateDir(dir); won = true; } catch {}
console.log(won ? 'WON' : 'LOST');
setTimeout(() => {}, 4000);
`;

function race(dir: string, starters: number, at: number): Promise<string[]> {
  return Promise.all(
    Array.from(
      { length: starters },
      () =>
        new Promise<string>((done, fail) => {
          const child = spawn(process.execPath, ['--input-type=module', '-e', STARTER, dir, String(at)]);
          let out = '';
          child.stdout.on('data', (chunk) => {
            out += chunk;
          });
          child.on('error', fail);
          child.on('close', () => done(out.trim()));
        }),
    ),
  );
}

describe('state folder lock', () => {
  it('of starters racing over a stale lock, exactly one takes the folder', async () => {
    for (let trial = 0; trial < 3; trial++) {
      const dir = mkdtempSync(join(tmpdir(), 'vault-lock-'));
      // A PID that runs no process: the lock is stale.
      writeFileSync(join(dir, 'vault.lock'), '999999\n');
      const outcomes = await race(dir, 8, Date.now() + 2500);
      expect(
        outcomes.filter((outcome) => outcome === 'WON'),
        `trial ${trial}: ${outcomes}`,
      ).toHaveLength(1);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
