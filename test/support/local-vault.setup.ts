/**
 * End-to-end tier: runs the real `npm start` entry point (in memory, any free port, a throwaway
 * state folder) as a child process, exactly as a developer would, and hands its URL to the tests.
 * The server's output is kept in a file so tests can inspect the logs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdtempSync, readFileSync } from 'node:fs';
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
      // Tiny listing buckets, so that the suite's writes split and merge them as they go.
      env: { ...process.env, LISTING_BUCKET_SPLIT_AT: '4' },
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
    assertNothingLeaked(stateDir, logFile);
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

/**
 * After the whole suite: no secret value any test sent, and no bearer token, appears in the
 * server's log or in the change events. Fails the run otherwise.
 */
function assertNothingLeaked(stateDir: string, logFile: string): void {
  const sentFile = join(stateDir, 'sent-values.jsonl');
  const sent = existsSync(sentFile)
    ? [
        ...new Set(
          readFileSync(sentFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as string),
        ),
      ]
    : [];
  const eventsFile = join(stateDir, 'events.jsonl');
  const outputs = [
    readFileSync(logFile, 'utf8'),
    existsSync(eventsFile) ? readFileSync(eventsFile, 'utf8') : '',
  ];
  const leaks = sent.filter((value) => outputs.some((output) => output.includes(value)));
  const tokens = outputs.flatMap((output) => output.match(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]+/g) ?? []);
  // The ready token `npm start` prints for the developer is the one token allowed in its output.
  const printed = /\nexport VAULT_TOKEN=(eyJ[\w.-]+)\n/.exec(outputs[0]!)?.[1];
  const unexpected = tokens.filter((found) => found !== printed);
  console.log(
    `leak check: ${sent.length} secret values and tokens sent, ${leaks.length + unexpected.length} found in logs or events`,
  );
  if (leaks.length > 0 || unexpected.length > 0) {
    throw new Error(
      `secrets leaked into logs or events: ${JSON.stringify(leaks.map((v) => v.slice(0, 40)))}, ${unexpected.length} tokens`,
    );
  }
}
