/**
 * The `secrets` CLI as a user meets it on day one (issue 17, items 5-7): real processes against the
 * local vault, each user with a HOME and config directory of its own, running in an empty folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { COMMANDS } from '../../shared/client/cli/commands/index.ts';
import { EXIT } from '../../shared/client/cli/exit-codes.ts';
import { type CliUser, cliUser, closedPort, credentialsPath, oneLine, secrets } from '../support/cli.ts';
import { apiUrl, recordSent, token, uniqueName } from '../support/http.ts';

const apiClients = () => JSON.parse(readFileSync(join(inject('vaultStateDir'), 'api-clients.json'), 'utf8'));

/** What a user exports to log in as the local vault's first API client (api-clients.json). */
function apiClientEnv() {
  const {
    oauthClient,
    clients: [client],
  } = apiClients();
  return {
    VAULT_CLIENT_ID: client.id,
    VAULT_CLIENT_SECRET: client.secret,
    VAULT_OAUTH_CLIENT_ID: oauthClient.id,
    VAULT_OAUTH_CLIENT_SECRET: oauthClient.secret,
  };
}

const saved = (user: CliUser) => JSON.parse(readFileSync(credentialsPath(user), 'utf8'));
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Logs `user` in to the e2e vault with a token minted for the request; returns the token. */
async function loginWith(
  user: CliUser,
  request: Parameters<typeof token>[0],
  args: string[] = [],
): Promise<string> {
  const minted = await token(request);
  recordSent([minted]);
  const login = await secrets(user, ['login', '--token-stdin', '--url', apiUrl(''), ...args], {
    stdin: minted,
  });
  expect(login.err + login.out).not.toBe('');
  expect(login.code).toBe(EXIT.ok);
  return minted;
}

const ops = { sub: 'ops-cli', scopes: ['user', 'vaultAdd', 'vaultManage', 'admin'], roles: ['app'] };

describe('login and whoami', () => {
  it('login through the PrivX token endpoint names its roles, keeps the token 0600 in the config directory (not the folder it ran in), remembers the URL, and reads back what it writes', async () => {
    const user = cliUser();
    const client = apiClients().clients[0];
    const login = await secrets(user, ['login'], { env: { VAULT_URL: apiUrl(''), ...apiClientEnv() } });
    expect(login.code).toBe(EXIT.ok);
    expect(login.out).toMatch(new RegExp(`^subject +${client.sub}$`, 'm'));
    expect(login.out).toMatch(new RegExp(`^roles +${client.roles.join(' ')}$`, 'm'));
    expect(login.out).toMatch(new RegExp(`^scopes +${client.scopes.join(' ')}$`, 'm'));
    const file = credentialsPath(user);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    expect(readdirSync(user.cwd)).toEqual([]);
    recordSent([saved(user).logins[apiUrl('')].token]);

    // A new shell: no VAULT_URL, no token, no client secrets; the login supplies URL and token.
    const name = uniqueName('cli-login/db');
    const value = uniqueName('login-value');
    recordSent([value]);
    const put = await secrets(user, ['put', name, '--data-stdin'], {
      stdin: JSON.stringify({ password: value }),
    });
    expect(put.code).toBe(EXIT.ok);
    expect(put.err).toContain(
      `created "${name}" readable and writable by your roles: ${client.roles.join(', ')}`,
    );
    expect(await secrets(user, ['get', name, '--field', 'password'])).toMatchObject({
      code: EXIT.ok,
      out: `${value}\n`,
    });
  });

  it('without XDG_CONFIG_HOME the login is kept in ~/.config/vault-secrets, 0600', async () => {
    const user = cliUser({ xdg: false });
    await loginWith(user, ops);
    const file = join(user.home, '.config', 'vault-secrets', 'credentials.json');
    expect(credentialsPath(user)).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(user.cwd)).toEqual([]);
  });

  it('whoami shows subject, scopes, roles and expiry, and where the token came from', async () => {
    const user = cliUser();
    const before = Date.now();
    await loginWith(user, {
      sub: 'wanda',
      scopes: ['user', 'vaultAdd'],
      roles: ['ops', 'dev'],
      ttlSeconds: 600,
    });
    const json = await secrets(user, ['whoami', '--output', 'json']);
    expect(json.code).toBe(EXIT.ok);
    const me = JSON.parse(json.out);
    expect(me).toMatchObject({
      url: apiUrl(''),
      subject: 'wanda',
      scopes: ['user', 'vaultAdd'],
      roles: ['ops', 'dev'],
      token_from: expect.stringMatching(/^login/),
    });
    const expires = Date.parse(me.expires);
    expect(expires).toBeGreaterThan(before + 590_000);
    expect(expires).toBeLessThan(Date.now() + 601_000);
    const table = await secrets(user, ['whoami']);
    expect(table.out).toMatch(/^subject +wanda$/m);
    expect(table.out).toMatch(/^scopes +user vaultAdd$/m);
    expect(table.out).toMatch(/^roles +ops dev$/m);
    expect(table.out).toContain(me.expires);
    // VAULT_TOKEN comes before the login, and whoami says so.
    const other = await token({ sub: 'otto', scopes: ['user'] });
    recordSent([other]);
    const fromEnv = JSON.parse(
      (await secrets(user, ['whoami', '--output', 'json'], { env: { VAULT_TOKEN: other } })).out,
    );
    expect(fromEnv).toMatchObject({ subject: 'otto', roles: [], token_from: 'VAULT_TOKEN' });
  });

  it('a login past its --ttl, or past its token expiry, says "log in again" in one line (exit 4)', async () => {
    const capped = cliUser();
    const shortToken = cliUser();
    const started = Date.now();
    await Promise.all([
      loginWith(capped, { ...ops, ttlSeconds: 3600 }, ['--ttl', '5']),
      loginWith(shortToken, { ...ops, ttlSeconds: 5 }),
    ]);
    const ends = [capped, shortToken].map((user) => Date.parse(saved(user).logins[apiUrl('')].expires_at));
    for (const end of ends) expect(end).toBeLessThanOrEqual(Date.now() + 5_000);
    expect(ends[0]).toBeGreaterThanOrEqual(started + 5_000);
    await sleep(Math.max(...ends) - Date.now() + 100);
    for (const user of [capped, shortToken]) {
      const ls = await secrets(user, ['ls']);
      expect(ls.code).toBe(EXIT.notAllowed);
      expect(ls.err).toMatch(/expired at .*: log in again/);
      expect(oneLine(ls.err)).toBe(true);
      expect(ls.out).toBe('');
    }
  });

  it('a saved login the vault no longer accepts says "log in again"', async () => {
    const user = cliUser();
    await loginWith(user, ops);
    // As after the local vault's signing key changed: same claims, a signature it cannot verify.
    const credentials = saved(user);
    const login = credentials.logins[apiUrl('')];
    const [header, payload] = login.token.split('.');
    login.token = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    writeFileSync(credentialsPath(user), JSON.stringify(credentials));
    const ls = await secrets(user, ['ls']);
    expect(ls.code).toBe(EXIT.notAllowed);
    expect(ls.err).toMatch(/^UNAUTHENTICATED: .*the vault refused your saved login: log in again/);
    expect(oneLine(ls.err)).toBe(true);
  });

  it('login saves nothing for a token without the roles asked for (naming those it has), an expired or refused token, or wrong API client secrets', async () => {
    const user = cliUser();
    const dev = await token({ sub: 'dora', scopes: ['user'], roles: ['dev'] });
    const expired = await token({ sub: 'dora', scopes: ['user'], roles: ['dev'], ttlSeconds: -60 });
    recordSent([dev, expired]);
    const url = apiUrl('');
    const attempts = [
      {
        args: ['login', '--token-stdin', '--roles', 'ops,dev'],
        stdin: dev,
        says: /roles dev, not ops: nothing was saved/,
      },
      { args: ['login', '--token-stdin'], stdin: expired, says: /expired at .*: nothing was saved/ },
      {
        args: ['login', '--token-stdin'],
        stdin: 'not-a-token',
        says: /refused this token .*: nothing was saved/,
      },
      {
        args: ['login'],
        env: { ...apiClientEnv(), VAULT_CLIENT_SECRET: 'wrong' },
        says: /token endpoint refused the API client/,
      },
      {
        args: ['login'],
        env: { ...apiClientEnv(), VAULT_OAUTH_CLIENT_SECRET: 'wrong' },
        says: /token endpoint refused the OAuth client/,
      },
    ];
    for (const attempt of attempts) {
      const login = await secrets(user, attempt.args, {
        env: { VAULT_URL: url, ...attempt.env },
        ...(attempt.stdin !== undefined && { stdin: attempt.stdin }),
      });
      expect(login.code, attempt.args.join(' ')).toBe(EXIT.notAllowed);
      expect(login.err).toMatch(attempt.says);
      expect(oneLine(login.err)).toBe(true);
      expect(existsSync(credentialsPath(user))).toBe(false);
    }
  });

  it('a saved token is sent only to the URL it was saved for', async () => {
    const user = cliUser();
    await loginWith(user, ops);
    const seen: string[] = [];
    const elsewhere = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"count":0,"items":[]}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const other = `http://127.0.0.1:${(elsewhere.address() as { port: number }).port}/vault/api/v1`;
    try {
      for (const how of [{ args: ['--url', other] }, { env: { VAULT_URL: other } }]) {
        const ls = await secrets(user, ['ls', ...(how.args ?? [])], { env: how.env ?? {} });
        expect(ls.code).toBe(EXIT.notAllowed);
        expect(ls.err).toContain(`Not logged in to ${other} (you are logged in to ${apiUrl('')})`);
      }
      expect(seen).toEqual([]);
    } finally {
      elsewhere.close();
    }
  });

  it('logout forgets the login', async () => {
    const user = cliUser();
    await loginWith(user, ops);
    expect((await secrets(user, ['ls'])).code).toBe(EXIT.ok);
    expect((await secrets(user, ['logout'])).code).toBe(EXIT.ok);
    expect(JSON.stringify(saved(user))).not.toContain('"token"');
    const ls = await secrets(user, ['ls', '--url', apiUrl('')]);
    expect(ls.code).toBe(EXIT.notAllowed);
    expect(ls.err).toContain('Not logged in');
  });
});

describe('help, and mistakes without a stack trace', () => {
  it('--help for the CLI and for every command, listing each of its options', async () => {
    const user = cliUser();
    const main = await secrets(user, ['--help']);
    expect(main.code).toBe(EXIT.ok);
    for (const command of COMMANDS) expect(main.out).toMatch(new RegExp(`^  ${command.name} `, 'm'));
    expect(main.out).toMatch(/Exit codes: 0 ok/);
    await Promise.all(
      COMMANDS.map(async (command) => {
        const help = await secrets(user, [command.name, '--help']);
        expect(help.code).toBe(EXIT.ok);
        expect(help.out).toMatch(new RegExp(`^usage: secrets ${command.name}\\b`));
        for (const option of [...Object.keys(command.options), 'url', 'token', 'output'])
          expect(help.out, `${command.name} --${option}`).toContain(`--${option}`);
        expect((await secrets(user, ['help', command.name])).out).toBe(help.out);
      }),
    );
  }, 120_000);

  it('a wrong option, a missing or extra argument, a bad value, an unknown command: one line, exit 2', async () => {
    const user = cliUser();
    const env = { VAULT_URL: apiUrl(''), VAULT_TOKEN: 'unused' };
    const mistakes: Array<[string[], RegExp]> = [
      ...COMMANDS.map((command): [string[], RegExp] => [
        [command.name, '--no-such-option'],
        new RegExp(
          `secrets ${command.name} has no option --no-such-option: see secrets ${command.name} --help`,
        ),
      ]),
      [['frobnicate'], /secrets has no command "frobnicate": see secrets --help/],
      [['get'], /secrets get needs <name>/],
      [['get', 'a', 'b'], /secrets get takes <name> but was given "a" "b"/],
      [['get', 'x', '--reveal', '--version', 'two'], /--version must be a whole number/],
      [['get', 'x', '--field'], /argument missing: see secrets get --help/],
      [['put', 'x', '--data', '{not json'], /--data is not valid JSON/],
      [['ls', '--output', 'xml'], /--output must be one of table, json, yaml, env/],
      [['ls', '--output', 'env'], /--output env is for the data of `get --reveal`/],
      [['get', 'x', '--output', 'env'], /--output env prints the data: it needs --reveal/],
      [['put', 'x', '--update'], /put --update needs something to change/],
      [['put', 'x', '--data', '{}', '--tag', 'novalue'], /--tag takes key=value/],
      [['patch', 'x', '--value', 'v'], /patch needs --field/],
      [['rotation', 'frob', 'x'], /rotation takes show, set or off, not "frob"/],
      [['rotation', 'set', 'x'], /rotation set needs --schedule/],
      [['completion', 'fish'], /completion is for bash or zsh/],
      [['ls', '--url', 'ftp://vault'], /not an http\(s\) URL/],
    ];
    await Promise.all(
      mistakes.map(async ([args, says]) => {
        const run = await secrets(user, args, { env });
        expect(run.code, args.join(' ')).toBe(EXIT.usage);
        expect(run.err).toMatch(says);
        expect(oneLine(run.err), run.err).toBe(true);
        expect(run.out).toBe('');
      }),
    );
  }, 120_000);

  it('malformed JSON holding a secret is refused without echoing any of it (red team: the parser quoted the input)', async () => {
    const user = cliUser();
    const env = { VAULT_URL: apiUrl(''), VAULT_TOKEN: 'unused' };
    const secret = 'S3cr3tPa55w0rd-never-shown';
    const runs = await Promise.all([
      secrets(user, ['put', 'x', '--data-stdin'], { env, stdin: `{"user":"svc","password":${secret}}` }),
      secrets(user, ['patch', 'x', '--field', 'password', '--value-stdin', '--json'], { env, stdin: secret }),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(EXIT.usage);
      expect(run.err).toMatch(/not valid JSON/);
      expect(`${run.out}${run.err}`).not.toContain('S3cr3t');
    }
  });

  it('an unreachable vault: one line naming the URL and the cause, exit 7, from every command that calls it', async () => {
    const user = cliUser();
    const url = `http://127.0.0.1:${await closedPort()}/vault/api/v1`;
    const calls = [
      ['ls'],
      ['get', 'db'],
      ['get', 'db', '--reveal'],
      ['put', 'db', '--data', '{}'],
      ['put', 'db', '--update', '--data', '{}'],
      ['rm', 'db'],
      ['restore', 'db'],
      ['rotate', 'db'],
      ['history', 'db'],
      ['audit'],
      ['login', '--token-stdin'],
    ];
    await Promise.all(
      calls.map(async (args) => {
        const run = await secrets(user, [...args, '--url', url], {
          env: { VAULT_TOKEN: 'a.b.c' },
          stdin: 'a.b.c',
        });
        expect(run.code, args.join(' ')).toBe(EXIT.unavailable);
        expect(run.err).toContain(`could not be reached at ${url} (connection refused)`);
        expect(oneLine(run.err), run.err).toBe(true);
      }),
    );
    const login = await secrets(user, ['login', '--url', url], { env: apiClientEnv() });
    expect(login.code).toBe(EXIT.unavailable);
    expect(login.err).toContain('The token endpoint http://127.0.0.1:');
    expect(login.err).toContain('could not be reached (connection refused)');
    expect(oneLine(login.err)).toBe(true);
  }, 120_000);
});

describe('errors say the real cause', () => {
  it('put without the vaultAdd scope says which scopes it needs and which the token has, never "Secret not found"', async () => {
    const user = cliUser();
    const owner = cliUser();
    await loginWith(owner, ops);
    await loginWith(user, { sub: 'wes', scopes: ['user'], roles: ['team-w'] });
    const fresh = uniqueName('cli-scope/new');
    const put = await secrets(user, ['put', fresh, '--data', '{"v":"x"}']);
    expect(put.code).toBe(EXIT.notAllowed);
    expect(put.err).toMatch(/^PERMISSION_DENIED: .*vaultAdd/);
    expect(put.err).toContain('(your token: scopes user; roles team-w)');
    expect(put.err).not.toMatch(/not found/i);
    expect(oneLine(put.err)).toBe(true);
    // A name the writer may write: refused as taken, with the way to write into it.
    const shared = uniqueName('cli-scope/shared');
    const created = await secrets(owner, [
      'put',
      shared,
      '--data',
      '{"v":1}',
      '--read-role',
      'app',
      '--write-role',
      'team-w',
    ]);
    expect(created.code).toBe(EXIT.ok);
    const taken = await secrets(user, ['put', shared, '--data', '{"v":2}']);
    expect(taken.code).toBe(EXIT.conflict);
    expect(taken.err).toContain('`put --update` writes into it');
    const update = await secrets(user, ['put', shared, '--update', '--data', '{"v":2}']);
    expect(update.code).toBe(EXIT.ok);
    expect(update.err).toContain('read roles: app; write roles: team-w');
    expect((await secrets(owner, ['get', shared, '--field', 'v'])).out).toBe('2\n');
  });

  it('rm says until when the secret can be restored, and a get of the deleted name points at restore', async () => {
    const user = cliUser();
    await loginWith(user, ops);
    const name = uniqueName('cli-rm/db');
    expect((await secrets(user, ['put', name, '--data', '{"v":"first"}'])).code).toBe(EXIT.ok);
    const rm = await secrets(user, ['rm', name, '--recovery-days', '8']);
    expect(rm.code).toBe(EXIT.ok);
    const purgeAt = /\d{4}-\d\d-\d\dT[\d:.]+Z/.exec(rm.out)?.[0];
    expect(Date.parse(purgeAt!)).toBeGreaterThan(Date.now() + 7.9 * 86_400_000);
    expect(rm.err).toContain(`"${name}" can be restored until ${purgeAt} with \`secrets restore ${name}\``);
    const get = await secrets(user, ['get', name]);
    expect(get.code).toBe(EXIT.notFound);
    expect(get.err).toContain(`if "${name}" was deleted, \`secrets restore ${name}\``);
    expect(oneLine(get.err)).toBe(true);
    expect((await secrets(user, ['restore', name])).code).toBe(EXIT.ok);
    expect((await secrets(user, ['get', name, '--field', 'v'])).out).toBe('first\n');
  });

  it('a put of a deleted name says the deleted secret cannot be restored while the new one holds the name; restore says why, and works once the new one is deleted', async () => {
    const user = cliUser();
    await loginWith(user, ops);
    const name = uniqueName('cli-rm/reused');
    await secrets(user, ['put', name, '--data', '{"v":"old"}']);
    expect((await secrets(user, ['rm', name])).code).toBe(EXIT.ok);
    const again = await secrets(user, ['put', name, '--data', '{"v":"new"}']);
    expect(again.code).toBe(EXIT.ok);
    expect(again.err).toContain(`a deleted secret named "${name}" is kept until its purge date`);
    expect(again.err).toContain('it cannot be restored while this new one holds the name');
    const refused = await secrets(user, ['restore', name]);
    expect(refused.code).toBe(EXIT.invalid);
    expect(refused.err).toContain(`a secret holds the name "${name}"`);
    expect(refused.err).toContain(`\`secrets rm ${name}\` first`);
    expect(oneLine(refused.err)).toBe(true);
    // Its own readers still read the deleted secret's version by number.
    expect((await secrets(user, ['get', name, '--version', '1', '--field', 'v'])).out).toBe('old\n');
    // Free again: restore brings back the newest deleted secret, the one just deleted.
    expect((await secrets(user, ['rm', name])).code).toBe(EXIT.ok);
    expect((await secrets(user, ['restore', name])).code).toBe(EXIT.ok);
    expect((await secrets(user, ['get', name, '--field', 'v'])).out).toBe('new\n');
  });
});

describe('the rest of the commands', () => {
  it('put takes a description, tags and an expiry, and put --update changes one of them alone', async () => {
    const user = cliUser();
    await loginWith(user, ops);
    const name = uniqueName('cli-meta/db');
    const expires = new Date(Date.now() + 86_400_000).toISOString();
    const put = await secrets(user, [
      ...['put', name, '--data', '{"v":1}', '--description', 'the orders database'],
      ...['--tag', 'env=prod', '--tag', 'team=ops', '--expires', expires],
    ]);
    expect(put.code).toBe(EXIT.ok);
    const meta = JSON.parse((await secrets(user, ['get', name, '--output', 'json'])).out);
    expect(meta).toMatchObject({
      description: 'the orders database',
      tags: [
        { key: 'env', value: 'prod' },
        { key: 'team', value: 'ops' },
      ],
      expires,
      version: 1,
    });
    expect((await secrets(user, ['put', name, '--update', '--description', 'orders'])).code).toBe(EXIT.ok);
    const after = JSON.parse((await secrets(user, ['get', name, '--output', 'json'])).out);
    expect(after).toMatchObject({ description: 'orders', tags: meta.tags, expires });
    expect((await secrets(user, ['get', name, '--field', 'v'])).out).toBe('1\n');
  });

  it('patch sets one field, keeps the others, and says first who receives the value', async () => {
    const user = cliUser();
    await loginWith(user, ops);
    const name = uniqueName('cli-patch/db');
    await secrets(user, ['put', name, '--data', '{"user":"orders","password":"first"}']);
    const patched = await secrets(user, ['patch', name, '--field', 'password', '--value-stdin'], {
      stdin: 'second\n',
    });
    expect(patched.code).toBe(EXIT.ok);
    expect(patched.err).toContain(`updating "${name}" (version 1): read roles: app; write roles: app`);
    const data = JSON.parse((await secrets(user, ['get', name, '--reveal', '--output', 'json'])).out).data;
    expect(data).toEqual({ user: 'orders', password: 'second' });
    const number = await secrets(user, ['patch', name, '--field', 'port', '--value', '5432', '--json']);
    expect(number.code).toBe(EXIT.ok);
    expect((await secrets(user, ['get', name, '--field', 'port'])).out).toBe('5432\n');
  });

  it('output as YAML, and as KEY=value lines a shell can source whatever the value holds', async () => {
    const user = cliUser();
    await loginWith(user, ops);
    const name = uniqueName('cli-output/db');
    const tricky = `it's $HOME \`id\` "quoted"\nline two`;
    recordSent([tricky]);
    await secrets(user, ['put', name, '--data-stdin'], {
      stdin: JSON.stringify({ password: tricky, port: 5432 }),
    });
    const yaml = await secrets(user, ['get', name, '--reveal', '--output', 'yaml']);
    expect(yaml.code).toBe(EXIT.ok);
    expect(yaml.out).toContain(`name: ${JSON.stringify(name)}\n`);
    expect(yaml.out).toContain(`data:\n  password: ${JSON.stringify(tricky)}\n  port: 5432\n`);
    const env = await secrets(user, ['get', name, '--reveal', '--output', 'env']);
    expect(env.code).toBe(EXIT.ok);
    const sourced = spawnSync('sh', ['-c', 'eval "$(cat)"; printf %s "$password|$port"'], {
      input: env.out,
      encoding: 'utf8',
    });
    expect(sourced.stdout).toBe(`${tricky}|5432`);
  });

  it('rotation set, show and off', async () => {
    const user = cliUser();
    await loginWith(user, ops);
    const name = uniqueName('cli-rotation/db');
    await secrets(user, ['put', name, '--data', '{"password":"initial-value"}']);
    const set = await secrets(user, [
      ...['rotation', 'set', name, '--schedule', 'rate(30 days)', '--password', '--length', '40'],
      ...['--output', 'json'],
    ]);
    expect(set.code).toBe(EXIT.ok);
    const shown = JSON.parse((await secrets(user, ['rotation', 'show', name, '--output', 'json'])).out);
    expect(shown).toMatchObject({
      name,
      schedule: 'rate(30 days)',
      rotator: { type: 'password', length: 40 },
      next_rotation: expect.any(String),
    });
    expect((await secrets(user, ['rotate', name])).code).toBe(EXIT.ok);
    expect((await secrets(user, ['get', name, '--field', 'password'])).out).toMatch(/^.{40}\n$/);
    expect((await secrets(user, ['rotation', 'off', name])).code).toBe(EXIT.ok);
    const off = await secrets(user, ['rotation', 'show', name]);
    expect(off.out).toMatch(/^schedule +none \(not rotated\)$/m);
  });

  it("shell completion offers every command and each command's options", async () => {
    const user = cliUser();
    const script = join(user.home, 'secrets.bash');
    const bash = await secrets(user, ['completion', 'bash']);
    expect(bash.code).toBe(EXIT.ok);
    writeFileSync(script, bash.out);
    const complete = (...words: string[]) =>
      spawnSync(
        'bash',
        [
          '-c',
          `source "$0"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _secrets; printf '%s\\n' "\${COMPREPLY[@]}"`,
          script,
        ],
        { encoding: 'utf8' },
      )
        .stdout.trim()
        .split('\n')
        .sort();
    expect(complete('secrets', 'p')).toEqual(['patch', 'put']);
    expect(complete('secrets', '')).toEqual([...COMMANDS.map((command) => command.name), 'help'].sort());
    expect(complete('secrets', 'put', 'x', '--d')).toEqual(['--data', '--data-stdin', '--description']);
    expect(complete('secrets', 'rotation', 'set', 'x', '--r')).toEqual(['--random-bytes', '--rotator']);
    expect((await secrets(user, ['completion', 'zsh'])).out).toMatch(/^autoload -U \+X bashcompinit/);
  });
});
