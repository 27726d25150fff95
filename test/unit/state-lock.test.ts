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

/**
 * A starter: loads the lock module, says READY, and on the word from the test spins until the
 * instant the word names, tries the lock, says WON or LOST and holds what it got until the test
 * closes its stdin. Spinning to one instant (not waking on the word) makes the attempts overlap:
 * woken one after another, the starters raced too little to catch a broken takeover reliably.
 */
const STARTER = `
const { lockStateDir } = await import(${JSON.stringify(LOCK_MODULE)});
// With -e, the arguments start at argv[1].
const dir = process.argv[1];
console.log('READY');
process.stdin.once('data', (word) => {
  const at = Number(String(word).split(' ')[1]);
  while (Date.now() < at) {}
  let won = false;
  try { lockStateDir(dir); won = true; } catch {}
  console.log(won ? 'WON' : 'LOST');
  process.stdin.once('end', () => process.exit(0));
});
`;

/** A starter process, and a way to wait until its output says something. */
function starter(dir: string) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', STARTER, dir]);
  let out = '';
  let waiting: Array<() => void> = [];
  child.stdout.on('data', (chunk) => {
    out += chunk;
    for (const wake of waiting) wake();
  });
  const closed = new Promise<number | null>((done) => child.on('close', done));
  const until = (said: (output: string) => boolean) =>
    new Promise<void>((done, fail) => {
      const check = () => said(out) && done();
      waiting.push(check);
      closed.then(() => (said(out) ? done() : fail(new Error(`the starter exited, having said: ${out}`))));
      check();
    }).finally(() => {
      waiting = [];
    });
  return { child, until, closed, outcome: () => out.replace('READY', '').trim() };
}

async function race(dir: string, count: number): Promise<string[]> {
  const starters = Array.from({ length: count }, () => starter(dir));
  await Promise.all(starters.map(({ until }) => until((out) => out.includes('READY'))));
  const at = Date.now() + 100;
  for (const { child } of starters) child.stdin.write(`go ${at}\n`);
  // Each holds what it got until all have tried: a winner exiting early would free the folder.
  await Promise.all(starters.map(({ until }) => until((out) => /WON|LOST/.test(out))));
  for (const { child } of starters) child.stdin.end();
  await Promise.all(starters.map(({ closed }) => closed));
  return starters.map(({ outcome }) => outcome());
}

describe('state folder lock', () => {
  it('of starters racing over a stale lock, exactly one takes the folder', async () => {
    for (let trial = 0; trial < 8; trial++) {
      const dir = mkdtempSync(join(tmpdir(), 'vault-lock-'));
      // A PID that runs no process: the lock is stale.
      writeFileSync(join(dir, 'vault.lock'), '999999\n');
      const outcomes = await race(dir, 8);
      expect(
        outcomes.filter((outcome) => outcome === 'WON'),
        `trial ${trial}: ${outcomes}`,
      ).toHaveLength(1);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
