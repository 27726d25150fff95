/**
 * `npm start` as a user runs it, each run its own process on its own state folder: what it refuses
 * (a port in use, a missing Java, a state folder another vault holds, a kms.json that cannot read
 * the data) in one line, what it prints while starting and when ready, and that a signal at any
 * step leaves no process behind. Linux: processes are found in /proc by the run's state folder,
 * which both the node process (--state-dir) and DynamoDB Local (-dbPath) carry.
 *
 * Starting DynamoDB Local costs seconds, so runs that need it go concurrently, and the refusals
 * that need no Java stop before it (a PATH without java is the quickest way to stop early).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SEAL_INTERVAL_MS } from '../../infra/local/audit-sealer.ts';
import { LOCK_FILE } from '../../infra/local/state-lock.ts';
import { checkDigestChain, publicKeyFrom } from '../../shared/audit/verify-digests.ts';
import { FileDigestStore } from '../../shared/store/file-digest-store.ts';
import { processesNaming, QUICK_JVM, remainingProcesses } from '../support/processes.ts';

/** DynamoDB Local takes seconds to start; minutes on a machine busy with other work. */
const JAVA_TIMEOUT = 180_000;
/** A run that stops before Java, or before it is up. */
const QUICK_TIMEOUT = 60_000;
const START = join(import.meta.dirname, '../../infra/local/start.ts');
const NO_JAVA_PATH = dirname(process.execPath);
const folders: string[] = [];
const runs: Run[] = [];

/** A run a failed test left going: stopped as a user would, then whatever still names its folder. */
afterAll(async () => {
  const alive = runs.filter(({ child }) => child.exitCode === null && child.signalCode === null);
  for (const run of alive) run.child.kill('SIGTERM');
  await Promise.race([Promise.all(alive.map((run) => run.exit)), sleep(15_000)]);
  for (const folder of folders) {
    for (const line of processesNaming(folder)) process.kill(Number.parseInt(line, 10), 'SIGKILL');
    rmSync(folder, { recursive: true, force: true });
  }
}, 30_000);

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function stateFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'vault-start-'));
  folders.push(folder);
  return folder;
}

interface Run {
  child: ChildProcess;
  output(): string;
  stderr(): string;
  /** Resolves with the match once the output shows it; rejects if the process ends first. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(stateDir: string, options: { port?: number; env?: Record<string, string> } = {}): Run {
  const child = spawn(
    process.execPath,
    [START, '--port', String(options.port ?? 0), '--state-dir', stateDir, '--sweep-seconds', '3600'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, JAVA_TOOL_OPTIONS: QUICK_JVM, ...options.env },
    },
  );
  let output = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => {
    output += chunk;
    stderr += chunk;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const run: Run = {
    child,
    output: () => output,
    stderr: () => stderr,
    exit,
    async waitFor(pattern) {
      for (;;) {
        const match = pattern.exec(output);
        if (match) return match;
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`exited before ${pattern}:\n${output}`);
        await sleep(50);
      }
    },
  };
  runs.push(run);
  return run;
}

/** At most this many DynamoDB Locals starting at once: on two cores, more only slow each other down. */
const javaSlot = slots(3);

function slots(count: number) {
  let free = count;
  const waiting: Array<() => void> = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    }
  };
}

/** A run that has shown `pattern`; one of the few at a time if it must wait for DynamoDB Local. */
async function startUntil(
  pattern: RegExp,
  withJava: boolean,
  ...args: Parameters<typeof start>
): Promise<Run> {
  const until = async () => {
    const run = start(...args);
    await run.waitFor(pattern);
    return run;
  };
  return withJava ? javaSlot(until) : until();
}

const isJava = (line: string) => line.includes('DynamoDBLocal.jar');

/** A stderr that is one line of explanation: no stack trace, no Node error dump. */
function expectOneLine(stderr: string): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at |Error:|node:internal/m);
}

describe.concurrent('a persistent local vault, from start to restart', () => {
  it(
    'shows its progress and the lines to paste, which work; holds its state folder against a second start; SIGTERM stops it and Java, sealing the audit trail; without its kms.json it refuses to start',
    async () => {
      const stateDir = stateFolder();
      const run = await startUntil(/Stop with Ctrl-C/, true, stateDir);
      const output = run.output();
      const order = [
        /KMS endpoint ready on http/,
        /Starting DynamoDB Local \(Java, pid (\d+)\)/,
        /DynamoDB Local ready on http/,
        /Table vault-local ready/,
        /Vault API listening on (http:\/\/\S+)\/vault\/api\/v1/,
        /^export VAULT_URL=(\S+)$/m,
        /^export VAULT_TOKEN=(\S+)$/m,
      ].map((pattern) => pattern.exec(output));
      expect(order.every(Boolean), output).toBe(true);
      const at = order.map((match) => match!.index);
      expect(at).toEqual([...at].sort((a, b) => a - b));
      const javaPid = order[1]![1]!;
      const url = order[5]![1]!;
      const token = order[6]![1]!;
      expect(url).toBe(`${order[4]![1]}/vault/api/v1`);
      expect(processesNaming(stateDir).filter(isJava)[0]).toMatch(new RegExp(`^${javaPid} `));

      // What a user pastes is enough to write and read a secret.
      const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
      const created = await fetch(`${url}/secrets`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'pasted/works', data: { a: 1 }, read_roles: [{ id: 'dev' }] }),
      });
      expect(created.status, await created.text()).toBe(201);
      const read = await fetch(`${url}/secrets/pasted%2Fworks`, { headers });
      expect(read.status).toBe(200);
      expect(((await read.json()) as { data: unknown }).data).toEqual({ a: 1 });

      const second = start(stateDir, { env: { PATH: NO_JAVA_PATH } });
      expect((await second.exit).code).toBe(1);
      expectOneLine(second.stderr());
      expect(second.stderr()).toMatch(`is in use by another local vault (pid ${run.child.pid})`);
      expect((await fetch(`${url}/secrets/pasted%2Fworks`, { headers })).status).toBe(200);

      run.child.kill('SIGTERM');
      expect((await run.exit).code).toBe(0);
      expect(await remainingProcesses(stateDir)).toEqual([]);
      expect(existsSync(join(stateDir, LOCK_FILE))).toBe(false);

      // Sealed at start and at stop, signed by the key whose public half is pinned for audit:verify.
      const digests = await new FileDigestStore(join(stateDir, 'audit-digests')).list();
      expect(digests.map(({ digest }) => digest.seq)).toEqual([1, 2]);
      const key = publicKeyFrom(readFileSync(join(stateDir, 'audit-digest-key.pem'), 'utf8'));
      expect(
        checkDigestChain(digests, key, { now: new Date(), intervalMs: SEAL_INTERVAL_MS }).problems,
      ).toEqual([]);
      expect(digests[1]!.digest.lanes.map((lane) => lane.pk)).toContainEqual(
        expect.stringMatching(/#pasted\/works$/),
      );

      rmSync(join(stateDir, 'kms.json'));
      const restart = start(stateDir);
      expect((await restart.exit).code).toBe(1);
      expectOneLine(restart.stderr());
      expect(restart.stderr()).toMatch(
        /^The data in \S+dynamodb was encrypted under key \S+, which \S+kms\.json does not hold .*500 DATA_INTEGRITY_ERROR.*Put back the kms\.json/,
      );
      // Refused before DynamoDB Local was started.
      expect(restart.output()).not.toMatch(/DynamoDB Local/);
      expect(await remainingProcesses(stateDir)).toEqual([]);
    },
    JAVA_TIMEOUT,
  );
});

describe.concurrent('a signal at any step of the start leaves no process of that run behind', () => {
  // The step after which the signal comes, and the line that shows the start got there. The
  // local KMS starts first (milliseconds), then DynamoDB Local, the table, the API server.
  // `javaUp`: DynamoDB Local answers by then, so the run waits seconds for it.
  const steps = [
    { step: 'kms', shown: /KMS endpoint ready/, hold: true, javaUp: false },
    {
      step: 'dynamodb-spawned',
      shown: /Starting DynamoDB Local \(Java, pid \d+\)/,
      hold: false,
      javaUp: false,
    },
    { step: 'dynamodb', shown: /DynamoDB Local ready/, hold: true, javaUp: true },
    { step: 'table', shown: /Table vault-local ready/, hold: true, javaUp: true },
    { step: 'ready', shown: /listening on http/, hold: false, javaUp: true },
  ] as const;
  // Both signals go through one handler (start.ts). Each is sent at a step where DynamoDB Local is
  // up, and both at the quick steps; a JVM start is seconds of CPU, so not both everywhere. SIGTERM
  // when ready: the journey above ends that way.
  const signalsAt: Record<(typeof steps)[number]['step'], readonly ('SIGTERM' | 'SIGINT')[]> = {
    kms: ['SIGTERM', 'SIGINT'],
    'dynamodb-spawned': ['SIGTERM', 'SIGINT'],
    dynamodb: ['SIGTERM'],
    table: ['SIGINT'],
    ready: ['SIGINT'],
  };
  const cases = steps
    .flatMap((step) => signalsAt[step.step].map((signal) => ({ ...step, signal })))
    // The long runs first, the quick ones alongside.
    .sort((a, b) => Number(b.javaUp) - Number(a.javaUp));

  it.each(cases)(
    '$signal after $step',
    async ({ step, shown, hold, javaUp, signal }) => {
      const stateDir = stateFolder();
      const run = await startUntil(shown, javaUp, stateDir, {
        env: hold ? { VAULT_START_HOLD_AFTER: step } : {},
      });
      const running = processesNaming(stateDir);
      // Java runs from its spawn on (proof that the check below would see one left behind).
      if (step !== 'kms') expect(running.filter(isJava), running.join('\n')).toHaveLength(1);
      run.child.kill(signal);
      const { code } = await run.exit;
      expect(code, run.output()).toBe(step === 'ready' ? 0 : signal === 'SIGINT' ? 130 : 143);
      expect(await remainingProcesses(stateDir)).toEqual([]);
      expect(existsSync(join(stateDir, LOCK_FILE))).toBe(false);
    },
    JAVA_TIMEOUT,
  );
});

describe.concurrent('npm start refuses, in one line and before starting anything', () => {
  it(
    'a port in use, naming the port and how to choose another',
    async () => {
      const blocker = createServer();
      await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
      const { port } = blocker.address() as AddressInfo;
      try {
        const stateDir = stateFolder();
        const run = start(stateDir, { port });
        expect((await run.exit).code).toBe(1);
        expectOneLine(run.stderr());
        expect(run.stderr()).toMatch(new RegExp(`^Port ${port} is in use .*--port <n>`));
        // Nothing was started: no database folder, no key file, no process, and the lock let go.
        expect(readdirSync(stateDir)).toEqual([]);
        expect(await remainingProcesses(stateDir)).toEqual([]);
      } finally {
        blocker.close();
      }
    },
    QUICK_TIMEOUT,
  );

  it(
    'a missing Java, saying what to install',
    async () => {
      const stateDir = stateFolder();
      const run = start(stateDir, { env: { PATH: NO_JAVA_PATH } });
      expect((await run.exit).code).toBe(1);
      expectOneLine(run.stderr());
      expect(run.stderr()).toMatch(/no `java` is on PATH: install a Java runtime, version 17 or later/);
      expect(existsSync(join(stateDir, LOCK_FILE))).toBe(false);
      expect(await remainingProcesses(stateDir)).toEqual([]);
    },
    QUICK_TIMEOUT,
  );

  it(
    'a state folder whose lock names a running process, with its PID',
    async () => {
      const stateDir = stateFolder();
      // The test runner itself: a process that is certainly alive.
      writeFileSync(join(stateDir, LOCK_FILE), `${process.pid}\n`);
      const run = start(stateDir, { env: { PATH: NO_JAVA_PATH } });
      expect((await run.exit).code).toBe(1);
      expectOneLine(run.stderr());
      expect(run.stderr()).toMatch(
        new RegExp(`^State folder ${stateDir} is in use by another local vault \\(pid ${process.pid}\\)`),
      );
      expect(readFileSync(join(stateDir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    },
    QUICK_TIMEOUT,
  );

  it(
    'nothing for a stale lock, whose process is gone: it takes the folder over',
    async () => {
      const stateDir = stateFolder();
      const { pid: gone } = spawnSync(process.execPath, ['-e', '']);
      writeFileSync(join(stateDir, LOCK_FILE), `${gone}\n`);
      // Without java it stops at DynamoDB Local: past the lock, which it then releases.
      const run = start(stateDir, { env: { PATH: NO_JAVA_PATH } });
      expect((await run.exit).code).toBe(1);
      expect(run.stderr()).toMatch(/no `java` is on PATH/);
      expect(run.output()).toMatch(/KMS endpoint ready/);
      expect(existsSync(join(stateDir, LOCK_FILE))).toBe(false);
    },
    QUICK_TIMEOUT,
  );
});
