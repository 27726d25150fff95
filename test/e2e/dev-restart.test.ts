/**
 * `npm run dev` (infra/local/dev.ts) as a developer runs it: the vault starts on a state folder,
 * a change under a watched folder restarts it (here a folder of the test's own, through
 * VAULT_DEV_WATCH, so no source file is touched), the restarted vault serves the data written
 * before, and a stop leaves no process (node or DynamoDB Local) and no lock behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { LOCK_FILE } from '../../infra/local/state-lock.ts';
import { processesNaming, QUICK_JVM, remainingProcesses } from '../support/processes.ts';

const DEV = join(import.meta.dirname, '../../infra/local/dev.ts');
const stateDir = mkdtempSync(join(tmpdir(), 'vault-dev-'));
const watched = mkdtempSync(join(tmpdir(), 'vault-dev-watch-'));
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  for (const line of processesNaming(stateDir)) process.kill(Number.parseInt(line, 10), 'SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(watched, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** DynamoDB Local takes seconds to start; minutes on a machine busy with other work. */
const START_TIMEOUT = 150_000;

/** The nth "listening on <url>" line's API URL, once the output shows it. */
async function nthUrl(output: () => string, n: number): Promise<string> {
  const deadline = Date.now() + START_TIMEOUT;
  for (;;) {
    const urls = [...output().matchAll(/listening on (http:\/\/\S+\/vault\/api\/v1)/g)].map((m) => m[1]!);
    if (urls.length >= n) return urls[n - 1]!;
    if (child?.exitCode !== null) throw new Error(`npm run dev exited:\n${output()}`);
    if (Date.now() > deadline)
      throw new Error(`no start number ${n} within ${START_TIMEOUT} ms:\n${output()}`);
    await sleep(100);
  }
}

it('restarts the vault on a change under a watched folder, keeps its data, and stops leaving nothing running', {
  timeout: 2 * START_TIMEOUT + 60_000,
}, async () => {
  writeFileSync(join(watched, 'handler.ts'), 'export {};\n');
  child = spawn(process.execPath, [DEV, '--port', '0', '--state-dir', stateDir, '--sweep-seconds', '3600'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VAULT_DEV_WATCH: watched, JAVA_TOOL_OPTIONS: QUICK_JVM },
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

  const first = await nthUrl(() => output, 1);
  const token = /\nexport VAULT_TOKEN=(\S+)\n/.exec(output)![1]!;
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const created = await fetch(`${first}/secrets`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: 'kept-across-restarts',
      data: { v: 'before the edit' },
      read_roles: [{ id: 'dev' }],
    }),
  });
  expect(created.status, await created.text()).toBe(201);

  writeFileSync(join(watched, 'handler.ts'), 'export const edited = true;\n');
  const second = await nthUrl(() => output, 2);
  // The first vault stopped before the second started: its port no longer answers.
  await expect(fetch(`${first}/secrets`, { headers })).rejects.toThrow();
  const read = await fetch(`${second}/secrets/kept-across-restarts`, { headers });
  const text = await read.text();
  expect(read.status, text).toBe(200);
  expect(JSON.parse(text).data, text).toEqual({ v: 'before the edit' });
  // One DynamoDB Local at a time on the state folder: the first one's JVM is gone.
  expect(processesNaming(stateDir).filter((line) => line.includes('DynamoDBLocal.jar'))).toHaveLength(1);

  child.kill('SIGTERM');
  const stopped = await Promise.race([exit, sleep(30_000).then(() => 'still running')]);
  expect(stopped, output).toBe(0);
  expect(await remainingProcesses(stateDir)).toEqual([]);
  expect(existsSync(join(stateDir, LOCK_FILE))).toBe(false);
});
