/**
 * Secrets into processes (issue 17, item 9): `secrets exec` and `secrets render` as a user runs
 * them, real processes against the local vault. The child's own /proc/<pid>/cmdline proves the
 * value never reached a command line `ps` shows.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../shared/client/cli/exit-codes.ts';
import { builtCli, type CliUser, cliUser, oneLine, secrets } from '../support/cli.ts';
import { apiUrl, recordSent, token, uniqueName } from '../support/http.ts';

const ops = { sub: 'ops-exec', scopes: ['user', 'vaultAdd', 'vaultManage'], roles: ['app'] };

let user: CliUser;
const db = uniqueName('cli-exec/db');
const api = uniqueName('cli-exec/api');
const password = uniqueName('exec-password');
const apiKey = uniqueName('exec-api-key');

beforeAll(async () => {
  user = cliUser();
  const minted = await token(ops);
  recordSent([minted, password, apiKey]);
  const login = await secrets(user, ['login', '--token-stdin', '--url', apiUrl('')], { stdin: minted });
  expect(login.code).toBe(EXIT.ok);
  for (const [name, data] of [
    [db, { password, user: 'app', port: 5432 }],
    [api, { key: apiKey }],
  ] as const) {
    const put = await secrets(user, ['put', name, '--data-stdin'], { stdin: JSON.stringify(data) });
    expect(put.code, put.err).toBe(EXIT.ok);
  }
});

/** A child that records its environment and its own command line, then exits with $1. */
function childScript(): string {
  const script = join(user.cwd, 'child.sh');
  for (const file of ['env-password', 'env-key', 'cmdline']) rmSync(join(user.cwd, file), { force: true });
  writeFileSync(
    script,
    `#!/bin/sh
printf '%s' "$DB_PASSWORD" > "$PWD/env-password"
printf '%s' "$API_KEY" > "$PWD/env-key"
cat /proc/$$/cmdline > "$PWD/cmdline"
echo "child says hello"
exit "$1"
`,
    { mode: 0o755 },
  );
  return script;
}

describe('secrets exec', () => {
  it('gives the child the values in its environment, never on its command line, inherits stdio, and passes its exit code through', async () => {
    const script = childScript();
    const run = await secrets(user, [
      'exec',
      '--env',
      `DB_PASSWORD=${db}#password`,
      '--env',
      `API_KEY=${api}#key`,
      '--',
      script,
      '7',
    ]);
    expect(run.err).toBe('');
    expect(run.out).toBe('child says hello\n');
    expect(run.code).toBe(7);
    expect(readFileSync(join(user.cwd, 'env-password'), 'utf8')).toBe(password);
    expect(readFileSync(join(user.cwd, 'env-key'), 'utf8')).toBe(apiKey);
    const cmdline = readFileSync(join(user.cwd, 'cmdline'), 'utf8');
    expect(cmdline).toContain(script);
    expect(cmdline).not.toContain(password);
    expect(cmdline).not.toContain(apiKey);
    expect(
      (await secrets(user, ['exec', '--env', `DB_PASSWORD=${db}#password`, '--', script, '0'])).code,
    ).toBe(0);
  });

  it('a missing secret, a missing field or a malformed --env fails with one line before the child starts', async () => {
    const script = childScript();
    const cases: Array<[string, number, RegExp]> = [
      [`DB_PASSWORD=${db}-missing#password`, EXIT.notFound, /not found/i],
      [`DB_PASSWORD=${db}#nope`, EXIT.notFound, new RegExp(`the secret "${db}" has no field "nope"`)],
      [`DB_PASSWORD=${db}`, EXIT.usage, /is not <secret name>#<field>/],
      [`1BAD=${db}#password`, EXIT.usage, /--env takes VAR=<secret name>#<field>/],
    ];
    for (const [env, code, says] of cases) {
      // The good one first: a bad one later still stops everything.
      const run = await secrets(user, [
        'exec',
        '--env',
        `API_KEY=${api}#key`,
        '--env',
        env,
        '--',
        script,
        '0',
      ]);
      expect(run.code, env).toBe(code);
      expect(run.err).toMatch(says);
      expect(oneLine(run.err), run.err).toBe(true);
      expect(run.out).toBe('');
      expect(existsSync(join(user.cwd, 'cmdline')), env).toBe(false);
    }
    const none = await secrets(user, [
      'exec',
      '--env',
      `API_KEY=${api}#key`,
      '--',
      join(user.cwd, 'nothing-here'),
    ]);
    expect(none.code).toBe(127);
    expect(oneLine(none.err)).toBe(true);
  });

  it('forwards a signal to the child and exits as the child did', async () => {
    const ready = join(user.cwd, 'ready');
    const child = spawn(
      process.execPath,
      [
        await builtCli(),
        'exec',
        '--env',
        `DB_PASSWORD=${db}#password`,
        '--',
        'sh',
        '-c',
        `trap 'exit 42' TERM; touch ${ready}; while :; do sleep 0.05; done`,
      ],
      { cwd: user.cwd, env: { PATH: process.env.PATH ?? '', ...user.env }, stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 200 && !existsSync(ready); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(ready)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(42);
  });
});

describe('secrets render', () => {
  it('writes the file with mode 0600 and exactly the template with the values in its placeholders', async () => {
    const template = join(user.cwd, 'app.tmpl');
    writeFileSync(
      template,
      `[db]\npassword = {{ secret "${db}#password" }}\nuser={{secret "${db}#user"}} port={{ secret "${db}#port" }}\nkey: {{ secret "${api}#key" }}\nliteral: {{ "{{" }} and }}\n`,
    );
    const out = join(user.cwd, 'app.ini');
    const run = await secrets(user, ['render', template, '--out', out]);
    expect(run.err).toBe('');
    expect(run.code).toBe(EXIT.ok);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toBe(
      `[db]\npassword = ${password}\nuser=app port=5432\nkey: ${apiKey}\nliteral: {{ and }}\n`,
    );
    // Without --out, stdout: the same bytes.
    expect((await secrets(user, ['render', template])).out).toBe(readFileSync(out, 'utf8'));
  });

  it('refuses to overwrite a file others may read unless --force, and then leaves it 0600', async () => {
    const template = join(user.cwd, 'one.tmpl');
    writeFileSync(template, `{{ secret "${api}#key" }}`);
    const out = join(user.cwd, 'shared.txt');
    writeFileSync(out, 'old');
    chmodSync(out, 0o644);
    const refused = await secrets(user, ['render', template, '--out', out]);
    expect(refused.code).toBe(EXIT.conflict);
    expect(refused.err).toMatch(/mode 0644.*--force/);
    expect(oneLine(refused.err)).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe('old');
    const forced = await secrets(user, ['render', template, '--out', out, '--force']);
    expect(forced.code).toBe(EXIT.ok);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toBe(apiKey);
  });

  it('a bad placeholder or a missing field fails with one line and writes nothing', async () => {
    const out = join(user.cwd, 'never.txt');
    for (const [body, says] of [
      ['a\n{{ secrt "x#y" }}', /bad\.tmpl:2: "\{\{" starts neither/],
      ['{{ secret "no-field" }}', /is not <secret name>#<field>/],
      ['{{ secret "unclosed', /bad\.tmpl:1:/],
      [`{{ secret "${db}#nope" }}`, /has no field "nope"/],
    ] as const) {
      const template = join(user.cwd, 'bad.tmpl');
      writeFileSync(template, body);
      const run = await secrets(user, ['render', template, '--out', out]);
      expect(run.code, body).not.toBe(EXIT.ok);
      expect(run.err).toMatch(says);
      expect(oneLine(run.err)).toBe(true);
      expect(existsSync(out)).toBe(false);
    }
  });
});
