/**
 * `npm run dev`: `npm start` that restarts when the code it runs changes (shared/, lambdas/,
 * infra/local/). Node's own watch mode does it: on a change it sends the vault SIGTERM and waits
 * for it to exit (start.ts then stops DynamoDB Local and releases the state folder's lock) before
 * starting it again on the same state folder, so the data is still there. Its arguments are npm
 * start's: `npm run dev -- --port 8081`. Ctrl-C stops the vault, then this.
 *   VAULT_DEV_WATCH=<dir>[:<dir>…]  watch these folders instead (tests watch a folder of their own)
 */
import { spawn } from 'node:child_process';
import { delimiter, join, resolve } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const watched = process.env.VAULT_DEV_WATCH
  ? process.env.VAULT_DEV_WATCH.split(delimiter).filter(Boolean)
  : ['shared', 'lambdas', 'infra/local'].map((folder) => join(ROOT, folder));

const child = spawn(
  process.execPath,
  [
    ...watched.map((folder) => `--watch-path=${resolve(folder)}`),
    // The previous run's output stays: a failed start is still readable after the restart.
    '--watch-preserve-output',
    join(ROOT, 'infra/local/start.ts'),
    ...process.argv.slice(2),
  ],
  // A process group of its own: Ctrl-C reaches the vault once, through here and the watcher (a
  // second SIGINT makes start.ts exit at once, and npm forwards the terminal's too).
  { stdio: 'inherit', detached: true },
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    // The watcher passes it on and waits for the vault to stop.
    child.kill(signal);
  });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
