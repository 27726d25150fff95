#!/usr/bin/env node
/**
 * `secrets`: the vault from a shell, on the typed client.
 *
 *   secrets login [--sub alice --scopes user,vaultAdd --roles ops]   mint a local dev token and keep it
 *   secrets ls [--search <keywords>] [--owner <user id>]   secrets you may list (--owner: personal ones)
 *   secrets get <name> [--version N] [--stage previous|pending] [--reveal | --field <key>]
 *   secrets put <name> (--data <json> | --data-stdin) [--read-role r]... [--write-role w]...
 *   secrets rm <name> [--recovery-days N] [--force]
 *   secrets restore <name> | rotate <name> | history <name>
 *   secrets audit [--secret <name>] [--actor <id>] [--since <RFC 3339>] [--limit N (default 100)]
 *
 * Options: --url (or VAULT_URL), --token (or VAULT_TOKEN, or the token `login` saved), --output json|table.
 * Secret values are printed only with --reveal or --field: a plain `get` reads only the metadata, so
 * the value never leaves the vault. Errors go to stderr (as JSON with --output json). Exit codes:
 * 0 ok, 2 usage, 3 not found, 4 not allowed (401/403), 5 conflict (409/412), 6 invalid input
 * (400/410/413/415/422), 7 unavailable (429/5xx, network), 1 anything else.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { type AuditPage, type Secret, VaultApiError, VaultClient } from './vault-client.ts';

const USAGE =
  'usage: secrets <login|ls|get|put|rm|restore|rotate|history|audit> [name] [options] (see the header of shared/client/cli.ts)';

export const EXIT = {
  ok: 0,
  other: 1,
  usage: 2,
  notFound: 3,
  notAllowed: 4,
  conflict: 5,
  invalid: 6,
  unavailable: 7,
} as const;

export function exitCodeOf(error: unknown): number {
  if (!(error instanceof VaultApiError)) return EXIT.other;
  if (error.status === 404) return EXIT.notFound;
  if (error.status === 401 || error.status === 403) return EXIT.notAllowed;
  if (error.status === 409 || error.status === 412) return EXIT.conflict;
  if ([400, 410, 413, 415, 422].includes(error.status)) return EXIT.invalid;
  if (error.retryable || error.status >= 500) return EXIT.unavailable;
  return EXIT.other;
}

class UsageError extends Error {}

/**
 * Local development: the dev issuer `npm start` trusts, found beside the vault's source. A packaged
 * CLI has no such thing (the specifier is computed so bundlers leave it out): pass --token there.
 */
async function localIssuer(stateDir: string) {
  const source = new URL('../../infra/local/dev-issuer.ts', import.meta.url).href;
  try {
    const { devIssuer } = (await import(source)) as typeof import('../../infra/local/dev-issuer.ts');
    return await devIssuer(stateDir);
  } catch {
    throw new UsageError('login mints local dev tokens only inside the vault repo: pass --token <jwt>');
  }
}

function integer(option: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${option} must be a whole number`);
  return Number(value);
}

const list = (values: string[] | undefined) =>
  (values ?? []).flatMap((value) => value.split(',')).filter(Boolean);

function table(rows: Array<Record<string, unknown>>, columns: string[]): string {
  const cell = (value: unknown) =>
    value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => cell(row[column]).length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.toUpperCase())),
    ...rows.map((row) => line(columns.map((column) => cell(row[column])))),
  ].join('\n');
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  stdin: () => Promise<string>;
  env: Record<string, string | undefined>;
  cwd: string;
  /** For tests: the fetch the client uses. */
  fetch?: typeof fetch;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        output: { type: 'string', default: 'table' },
        search: { type: 'string' },
        version: { type: 'string' },
        stage: { type: 'string' },
        reveal: { type: 'boolean', default: false },
        field: { type: 'string' },
        data: { type: 'string' },
        'data-stdin': { type: 'boolean', default: false },
        'read-role': { type: 'string', multiple: true },
        'write-role': { type: 'string', multiple: true },
        'recovery-days': { type: 'string' },
        force: { type: 'boolean', default: false },
        secret: { type: 'string' },
        actor: { type: 'string' },
        since: { type: 'string' },
        owner: { type: 'string' },
        limit: { type: 'string' },
        sub: { type: 'string', default: 'cli' },
        scopes: { type: 'string', default: 'user,vaultAdd,vaultManage,admin' },
        roles: { type: 'string', default: '' },
        'state-dir': { type: 'string' },
      },
    });
    const [command, name] = positionals;
    const stateDir = values['state-dir'] ?? io.env.VAULT_STATE_DIR ?? join(io.cwd, '.local');
    const tokenFile = join(stateDir, 'cli-token');
    if (values.output !== 'json' && values.output !== 'table')
      throw new UsageError('--output must be json or table');
    const print = (value: unknown, columns: string[]) => {
      const rows = Array.isArray(value)
        ? (value as Array<Record<string, unknown>>)
        : [value as Record<string, unknown>];
      io.out(values.output === 'json' ? JSON.stringify(value, null, 2) : table(rows, columns));
    };
    const needName = () => {
      if (!name) throw new UsageError(`${command} needs a secret name`);
      return name;
    };

    if (command === 'login') {
      const token =
        values.token ??
        (await (
          await localIssuer(stateDir)
        ).mint({ sub: values.sub, scopes: list([values.scopes]), roles: list([values.roles]) }));
      mkdirSync(dirname(tokenFile), { recursive: true });
      writeFileSync(tokenFile, token, { mode: 0o600 });
      io.err(`token saved to ${tokenFile}`);
      return EXIT.ok;
    }

    const token =
      values.token ??
      io.env.VAULT_TOKEN ??
      (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
    if (!token) throw new UsageError('no token: run `secrets login`, or set VAULT_TOKEN');
    const client = new VaultClient({
      baseUrl: values.url ?? io.env.VAULT_URL ?? 'http://127.0.0.1:8080/vault/api/v1',
      token,
      ...(io.fetch && { fetch: io.fetch }),
    });
    const columns = ['name', 'version', 'updated', 'updated_by'];

    switch (command) {
      case 'ls': {
        const items: Secret[] = [];
        const owner = values.owner;
        const source = values.search
          ? client.searchSecrets({
              keywords: values.search,
              ...(owner !== undefined && { owner_id: [owner], filter: 'personal' }),
            })
          : client.listSecrets(owner === undefined ? {} : { owner });
        for await (const secret of source) items.push(secret);
        print(items, columns);
        return EXIT.ok;
      }
      case 'get': {
        const owner = values.owner === undefined ? {} : { owner: values.owner };
        // Without --reveal or --field nothing needs the value: read the metadata only.
        if (!values.reveal && values.field === undefined) {
          if (values.version !== undefined || values.stage !== undefined)
            throw new UsageError('--version and --stage need --reveal or --field');
          print(await client.getMetadata(needName(), owner), columns);
          return EXIT.ok;
        }
        const secret = await client.getSecret(needName(), {
          ...owner,
          ...(values.version !== undefined && { version: integer('--version', values.version) }),
          ...(values.stage !== undefined && { stage: values.stage as 'previous' | 'pending' }),
        });
        if (values.field !== undefined) {
          const value = secret.data?.[values.field];
          if (value === undefined)
            throw new UsageError(`the secret has no field ${values.field} you may read`);
          io.out(typeof value === 'string' ? value : JSON.stringify(value));
          return EXIT.ok;
        }
        print(secret, [...columns, 'data']);
        return EXIT.ok;
      }
      case 'put': {
        const raw = values['data-stdin'] ? await io.stdin() : values.data;
        if (raw === undefined) throw new UsageError('put needs --data <json> or --data-stdin');
        const data = JSON.parse(raw) as Record<string, unknown>;
        const roles = (ids: string[] | undefined) =>
          ids === undefined ? undefined : list(ids).map((id) => ({ id }));
        const input = {
          data,
          read_roles: roles(values['read-role']),
          write_roles: roles(values['write-role']),
        };
        try {
          const created = await client.createSecret(needName(), input, { onlyIfAbsent: true });
          print(created, ['name']);
        } catch (error) {
          // Taken (412), or a caller who may write this secret but not create secrets (403): update.
          if (!(error instanceof VaultApiError) || (error.status !== 412 && error.status !== 403))
            throw error;
          print(await client.updateSecret(needName(), input), ['name', 'version']);
        }
        return EXIT.ok;
      }
      case 'rm':
        print(
          await client.deleteSecret(needName(), {
            force: values.force,
            ...(values['recovery-days'] !== undefined && {
              recoveryWindowDays: Number(values['recovery-days']),
            }),
          }),
          ['name', 'purge_at'],
        );
        return EXIT.ok;
      case 'restore':
        print(await client.restoreSecret(needName()), ['name', 'version']);
        return EXIT.ok;
      case 'rotate':
        print(await client.rotateSecret(needName()), ['name', 'version']);
        return EXIT.ok;
      case 'history':
        // A secret keeps at most 50 versions (MAX_VERSIONS): one page holds them all.
        print((await client.versions(needName(), { limit: 100 })).items, [
          'version',
          'created',
          'author',
          'data_version',
        ]);
        return EXIT.ok;
      case 'audit': {
        const limit = values.limit === undefined ? 100 : integer('--limit', values.limit);
        const records: AuditPage['items'] = [];
        const filter = {
          secret: values.secret,
          actor: values.actor,
          since: values.since,
          owner: values.owner,
        };
        for await (const record of client.auditRecords(filter, { pageSize: Math.min(limit, 100) })) {
          if (records.length === limit) {
            io.err(
              `more records than --limit ${limit}: narrow with --since, --secret or --actor, or raise --limit`,
            );
            break;
          }
          records.push(record);
        }
        print(records, ['seq', 'at', 'action', 'outcome', 'secret', 'actor', 'version']);
        return EXIT.ok;
      }
      default:
        throw new UsageError(USAGE);
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.err(error.message);
      return EXIT.usage;
    }
    if (error instanceof SyntaxError) {
      io.err(`not valid JSON: ${error.message}`);
      return EXIT.usage;
    }
    // The options may not have parsed: read --output from the arguments themselves.
    const at = argv.indexOf('--output');
    const json = argv.includes('--output=json') || (at >= 0 && argv[at + 1] === 'json');
    if (error instanceof VaultApiError)
      io.err(
        json
          ? JSON.stringify({
              status: error.status,
              error_code: error.code,
              error_message: error.message,
              ...(error.property !== undefined && { property: error.property }),
              ...(error.details.length > 0 && { details: error.details }),
              ...(error.traceId !== undefined && { trace_id: error.traceId }),
            })
          : `${error.code}: ${error.message}${error.traceId ? ` (trace ${error.traceId})` : ''}`,
      );
    else io.err(String(error));
    return exitCodeOf(error);
  }
}

if (import.meta.main) {
  const stdin = async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const code = await runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    stdin,
    env: process.env,
    cwd: process.cwd(),
  });
  process.exit(code);
}
