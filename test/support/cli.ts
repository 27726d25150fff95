/**
 * The `secrets` CLI as a user runs it: a real process, in a folder of its own, with a HOME and a
 * config directory of its own (never the developer's), and nothing of the test's environment but
 * PATH and what the test passes.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleClient } from '../../infra/tools/build-client.ts';

/**
 * The CLI as the package ships it (dist/cli.js): what users run, and a third of the start-up time
 * of the sources, which matters over the many runs tests make. Built once for a given state of the
 * sources it is built from, and shared by every file and run that asks while they stay the same
 * (each file used to build its own; a run id alone would let watch mode test a stale build).
 */
let built: Promise<string> | undefined;
export const builtCli = (): Promise<string> =>
  (built ??= (async () => {
    const shared = join(tmpdir(), `secrets-dist-${sourcesHash()}`);
    if (existsSync(join(shared, 'cli.js'))) return join(shared, 'cli.js');
    const out = mkdtempSync(join(tmpdir(), 'secrets-dist-'));
    await bundleClient(out);
    try {
      // Whole or not at all: a file building it at the same moment finds one complete copy.
      renameSync(out, shared);
    } catch {
      rmSync(out, { recursive: true, force: true });
    }
    return join(shared, 'cli.js');
  })());

/** What the built CLI depends on: everything under shared/ (the client imports parts of it), the build, the lock file. */
function sourcesHash(): string {
  const root = join(import.meta.dirname, '..', '..');
  const hash = createHash('sha256');
  const files = [
    ...readdirSync(join(root, 'shared'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') || file.endsWith('.json'))
      .map((file) => join('shared', file)),
    'infra/tools/build-client.ts',
    'package-lock.json',
  ].sort();
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

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
