/**
 * End-to-end tier: runs the real `npm start` entry point (in memory, any free port, a throwaway
 * state folder) as a child process, exactly as a developer would, and hands its URL to the tests.
 * The server's output is kept in a file so tests can inspect the logs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    vaultUrl: string;
    vaultStateDir: string;
    vaultLogFile: string;
  }
}

export default async function setup(project: TestProject) {
  const stateDir = mkdtempSync(join(tmpdir(), 'vault-e2e-'));
  const logFile = join(stateDir, 'server.log');
  const log = createWriteStream(logFile);
  await once(log, 'open');
  const child = spawn(
    process.execPath,
    ['infra/local/start.ts', '--in-memory', '--port', '0', '--state-dir', stateDir, '--sweep-seconds', '1'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const url = await waitForUrl(child, logFile);
  project.provide('vaultUrl', url);
  project.provide('vaultStateDir', stateDir);
  project.provide('vaultLogFile', logFile);
  return async () => {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    log.end();
  };
}

async function waitForUrl(child: ChildProcess, logFile: string): Promise<string> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`local vault exited:\n${readFileSync(logFile, 'utf8')}`);
    const match = /listening on (http:\/\/\S+)\/vault\/api\/v1/.exec(readFileSync(logFile, 'utf8'));
    if (match?.[1]) return match[1];
    await new Promise((done) => setTimeout(done, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`local vault did not start:\n${readFileSync(logFile, 'utf8')}`);
}
