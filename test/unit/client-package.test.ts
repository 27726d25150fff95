/**
 * The client package works outside this repo: built as `npm run client:build` builds it, packed
 * with `npm pack` and installed with `npm install` into a folder that has nothing else, its
 * declarations type-check a consumer, its code runs on plain Node (no TypeScript, no repo files),
 * and its `secrets` command runs on the Node its engines name and refuses an older one out loud.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientTypes } from '../../infra/tools/client-types.ts';
import { MIN_NODE_MAJOR } from '../../shared/client/cli/node-version.ts';

const root = join(import.meta.dirname, '..', '..');
let consumer: string;
let pkg: string;

/** PATH without the repo's node_modules/.bin folders: what a shell outside npm sees. */
const outsidePath = () =>
  (process.env.PATH ?? '').split(delimiter).filter((dir) => dir && !dir.split(sep).includes('node_modules'));

/**
 * The system's Node: the first `node` on the PATH outside npm's additions (npm and npx put this
 * repo's Node 24 first), else the usual places.
 */
function systemNode(): string {
  for (const dir of [...outsidePath(), '/usr/local/bin', '/usr/bin']) {
    const candidate = join(dir, 'node');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  throw new Error('no node on the PATH outside node_modules, nor in /usr/local/bin or /usr/bin');
}

const versionOf = (node: string) =>
  execFileSync(node, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'vault-client-'));
  pkg = join(dir, 'package');
  consumer = join(dir, 'consumer');
  mkdirSync(pkg);
  mkdirSync(consumer);
  cpSync(join(root, 'shared', 'client', 'package.json'), join(pkg, 'package.json'));
  execFileSync(process.execPath, ['infra/tools/build-client.ts', '--out', join(pkg, 'dist')], { cwd: root });
  const npm = {
    cwd: dir,
    env: { ...process.env, npm_config_update_notifier: 'false' },
    encoding: 'utf8' as const,
  };
  const tarball = execFileSync('npm', ['pack', pkg, '--pack-destination', dir, '--silent'], npm).trim();
  writeFileSync(join(consumer, 'package.json'), '{"type":"module","private":true}');
  execFileSync(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', '--silent', join(dir, tarball)],
    { ...npm, cwd: consumer },
  );
}, 120_000);

describe('the client package, installed elsewhere', () => {
  it('type-checks a consumer with its own declarations only', () => {
    writeFileSync(
      join(consumer, 'use.ts'),
      `import { VaultClient, VaultApiError, type Secret, type NewSecret } from '@vault/client';
const client = new VaultClient({ baseUrl: 'https://vault.example/v1/vault/api/v1', token: 't' });
const input: NewSecret = { data: { password: 'x' }, read_roles: [{ id: 'ops' }] };
export async function main(): Promise<string | undefined> {
  await client.createSecret('db', input);
  const secret: Secret = await client.getSecret('db');
  try { await client.getSecret('gone'); } catch (e) { if (e instanceof VaultApiError && e.code === 'OBJECT_NOT_FOUND') return; }
  return secret.updated;
}
// @ts-expect-error: data must be an object
const wrong: NewSecret = { data: 'text' };
`,
    );
    const tsc = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
        ...['--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2024', '--types', 'node'],
        ...['--typeRoots', join(root, 'node_modules', '@types')],
        'use.ts',
      ],
      { cwd: consumer, encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 60_000);

  it('runs on plain Node: typed errors from the library', () => {
    writeFileSync(
      join(consumer, 'run.mjs'),
      `import { VaultClient } from '@vault/client';
const fetch = async () => new Response(JSON.stringify({ error_code: 'OBJECT_NOT_FOUND', error_message: 'Secret not found', trace_id: 't1' }), { status: 404, headers: { 'content-type': 'application/json' } });
const client = new VaultClient({ baseUrl: 'http://vault.invalid/vault/api/v1', token: 't', fetch });
try { await client.getSecret('db'); } catch (e) { console.log(JSON.stringify({ code: e.code, status: e.status, trace: e.traceId })); }
`,
    );
    const run = spawnSync(process.execPath, ['run.mjs'], { cwd: consumer, encoding: 'utf8' });
    expect(JSON.parse(run.stdout)).toEqual({ code: 'OBJECT_NOT_FOUND', status: 404, trace: 't1' });
  });

  describe('the installed `secrets` command', () => {
    /** Runs node_modules/.bin/secrets as a shell would, with `node` the first Node on the PATH. */
    const secrets = (node: string, args: string[]) =>
      spawnSync(join(consumer, 'node_modules', '.bin', 'secrets'), args, {
        cwd: consumer,
        env: { PATH: [dirname(node), ...outsidePath()].join(delimiter), HOME: consumer },
        encoding: 'utf8',
      });

    it(`needs the Node its engines name (>=${MIN_NODE_MAJOR}), and the CLI checks for that one`, () => {
      const { engines } = JSON.parse(readFileSync(join(root, 'shared', 'client', 'package.json'), 'utf8'));
      expect(engines).toEqual({ node: `>=${MIN_NODE_MAJOR}` });
    });

    it('on the system Node: refused in one line naming the Node it needs if older, else it runs', () => {
      const node = systemNode();
      const version = versionOf(node);
      const help = secrets(node, ['--help']);
      if (Number.parseInt(version, 10) < MIN_NODE_MAJOR) {
        expect(help.stderr).toBe(
          `secrets needs Node.js ${MIN_NODE_MAJOR} or later; this is Node.js ${version} (${realpathSync(node)})\n`,
        );
        expect(help.status).toBe(1);
        expect(help.stdout).toBe('');
      } else {
        expect(help.status).toBe(0);
        expect(help.stdout).toMatch(/^usage: secrets/);
      }
    });

    it('on Node 24: help, and one line with its exit code for a wrong option, no login, an unreachable vault', async () => {
      const node = process.execPath;
      expect(Number.parseInt(process.versions.node, 10)).toBeGreaterThanOrEqual(MIN_NODE_MAJOR);
      const help = secrets(node, ['--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/^usage: secrets <command>/);
      expect(secrets(node, ['put', '--help']).stdout).toMatch(/^usage: secrets put <name>/);
      const url = `http://127.0.0.1:${await closedPort()}/vault/api/v1`;
      const cases: Array<[string[], number, RegExp]> = [
        [['get', 'db', '--frob'], 2, /^secrets get has no option --frob: see secrets get --help\n$/],
        [['get', 'db', '--url', url], 4, /^Not logged in to .*: run secrets login/],
        [
          ['get', 'db', '--token', 't', '--url', url],
          7,
          /could not be reached at .* \(connection refused\)\n$/,
        ],
        // Outside the repo there is nothing to mint with: it says where a token comes from.
        [['login', '--url', url], 2, /--token-stdin/],
      ];
      for (const [args, status, stderr] of cases) {
        const run = secrets(node, args);
        expect(run.status, args.join(' ')).toBe(status);
        expect(run.stderr).toMatch(stderr);
        expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(run.stdout).toBe('');
      }
    });
  });

  it('carries types generated from the current schemas (npm run client:types)', async () => {
    expect(readFileSync(join(root, 'shared', 'client', 'types.ts'), 'utf8')).toBe(await clientTypes());
  });
});
