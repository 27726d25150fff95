/**
 * The `secrets` CLI as a user runs it: a real process, in a folder of its own, with a HOME and a
 * config directory of its own (never the developer's), and nothing of the test's environment but
 * PATH and what the test passes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleClient } from '../../infra/tools/build-client.ts';

/**
 * The CLI as the package ships it (dist/cli.js): what users run, and a third of the start-up time
 * of the sources, which matters over the many runs tests make. Built once per test run (the run's
 * id comes from vitest.config.ts) and shared by the files that use it, each of which built its own.
 */
let built: Promise<string> | undefined;
export const builtCli = (): Promise<string> =>
  (built ??= (async () => {
    const run = process.env.VAULT_TEST_RUN;
    const shared = run && join(tmpdir(), `secrets-dist-${run}`);
    if (shared && existsSync(join(shared, 'cli.js'))) return join(shared, 'cli.js');
    const out = mkdtempSync(join(tmpdir(), 'secrets-dist-'));
    await bundleClient(out);
    if (!shared) return join(out, 'cli.js');
    try {
      // Whole or not at all: a file building it at the same moment finds one complete copy.
      renameSync(out, shared);
    } catch {
      rmSync(out, { recursive: true, force: true });
    }
    return join(shared, 'cli.js');
  })());

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/** A user's machine: a home, a config directory inside it, and a project folder to run in. */
export interface CliUser {
  home: string;
  config: string;
  cwd: string;
  env: Record<string, string>;
}

export function cliUser(options: { xdg?: boolean } = {}): CliUser {
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'secrets-home-')));
  const config = options.xdg === false ? join(home, '.config') : join(home, 'xdg-config');
  const cwd = join(home, 'project');
  mkdirSync(cwd);
  return {
    home,
    config,
    cwd,
    env: { HOME: home, ...(options.xdg !== false && { XDG_CONFIG_HOME: config }) },
  };
}

export const credentialsPath = (user: CliUser) => join(user.config, 'vault-secrets', 'credentials.json');

/** Runs `secrets <args>` with `node` (default: this Node) and the entry (default: the built CLI). */
export async function secrets(
  user: CliUser,
  args: string[],
  options: { env?: Record<string, string>; stdin?: string; node?: string; cli?: string } = {},
): Promise<CliResult> {
  const cli = options.cli ?? (await builtCli());
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, [cli, ...args], {
      cwd: user.cwd,
      env: { PATH: process.env.PATH ?? '', ...user.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** One line on stderr and no stack trace: what every failure must look like. */
export function oneLine(err: string): boolean {
  return err.endsWith('\n') && err.trimEnd().split('\n').length === 1 && !/\n\s+at /.test(err);
}

/** A TCP port nothing listens on (bound, then closed): connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
