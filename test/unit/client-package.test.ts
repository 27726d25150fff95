/**
 * The client package works outside this repo: built as `npm run client:build` builds it, installed
 * into a folder that has nothing else, its declarations type-check a consumer and its code runs
 * on plain Node (no TypeScript, no repo files).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientTypes } from '../../infra/tools/client-types.ts';

const root = join(import.meta.dirname, '..', '..');
let consumer: string;
let pkg: string;

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'vault-client-'));
  pkg = join(dir, 'package');
  consumer = join(dir, 'consumer');
  mkdirSync(pkg);
  cpSync(join(root, 'shared', 'client', 'package.json'), join(pkg, 'package.json'));
  execFileSync(process.execPath, ['infra/tools/build-client.ts', '--out', join(pkg, 'dist')], { cwd: root });
  mkdirSync(join(consumer, 'node_modules', '@vault'), { recursive: true });
  symlinkSync(pkg, join(consumer, 'node_modules', '@vault', 'client'));
  writeFileSync(join(consumer, 'package.json'), '{"type":"module"}');
}, 60_000);

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

  it('runs on plain Node: typed errors from the library, exit codes from the CLI', () => {
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

    const cli = join(consumer, 'node_modules', '@vault', 'client', 'dist', 'cli.js');
    const unreachable = spawnSync(
      process.execPath,
      [cli, 'get', 'db', '--token', 't', '--url', 'http://127.0.0.1:9/vault/api/v1'],
      { cwd: consumer, encoding: 'utf8' },
    );
    expect(unreachable.status).toBe(7);
    // Outside the repo there is no dev issuer to mint with: a usage error that says what to do.
    const login = spawnSync(process.execPath, [cli, 'login', '--state-dir', consumer], {
      cwd: consumer,
      encoding: 'utf8',
    });
    expect(login.status).toBe(2);
    expect(login.stderr).toMatch(/--token/);
  });

  it('carries types generated from the current schemas (npm run client:types)', async () => {
    expect(readFileSync(join(root, 'shared', 'client', 'types.ts'), 'utf8')).toBe(await clientTypes());
  });
});
