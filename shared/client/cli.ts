#!/usr/bin/env node
/**
 * `secrets`: the vault from a shell, on the typed client. `secrets --help` prints USAGE below.
 *
 * `put` never writes a value into a secret it did not create without saying so: whoever created a
 * secret chose its roles, and its readers receive every value written into it. So a plain `put`
 * only creates, and a taken name is refused (exit 5); `put --update` only updates (exit 3 when
 * there is nothing to update: creating there would hide a mistyped name and give the new secret
 * roles nobody looked at), and first prints the readers, writers and owner the value goes to.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { type AuditPage, type Secret, VaultApiError, VaultClient } from './vault-client.ts';

const USAGE = `usage: secrets <command> [name] [options]

  login [--sub alice --scopes user,vaultAdd --roles ops]   mint a local dev token and keep it
  ls [--search <keywords>] [--owner <user id>]            secrets you may list (--owner: personal ones)
  get <name> [--version N] [--stage previous|pending] [--reveal | --field <key>]
  put <name> (--data <json> | --data-stdin) [--read-role r]... [--write-role w]... [--owner <user id>]
      creates the secret; if the name is taken nothing is written (exit 5)
  put <name> --update (--data <json> | --data-stdin) [--read-role r]... [--write-role w]... [--owner <user id>]
      writes into an existing secret (exit 3 if there is none), after printing to stderr who
      receives the value: its read and write roles (and owner); --output json adds them to the result
  rm <name> [--recovery-days N] [--force]
  restore <name> | rotate <name> | history <name>
  audit [--secret <name>] [--actor <id>] [--since <RFC 3339>] [--limit N (default 100)]

Options: --url (or VAULT_URL), --token (or VAULT_TOKEN, or the token \`login\` saved), --output json|table.
Secret values are printed only with --reveal or --field: a plain \`get\` reads only the metadata, so
the value never leaves the vault. Errors go to stderr (as JSON with --output json). Exit codes:
0 ok, 2 usage, 3 not found, 4 not allowed (401/403), 5 conflict (409/412, or a taken name),
6 invalid input (400/410/413/415/422), 7 unavailable (429/5xx, network), 1 anything else.`;

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

/** The CLI declines on the caller's behalf: `body` is what `--output json` prints to stderr. */
class Refusal extends Error {
  readonly exit: number;
  readonly body: { error_code: string; error_message: string } & Record<string, unknown>;
  constructor(exit: number, body: Refusal['body']) {
    super(body.error_message);
    this.exit = exit;
    this.body = body;
  }
}

/** A role as sent (an id, maybe a name) or as answered (`{id, name, deleted}`). */
type Role = { id: string; name?: string | null | undefined };
type Owner = { owner?: string };
interface PutInput {
  data: Record<string, unknown>;
  read_roles: Role[] | undefined;
  write_roles: Role[] | undefined;
}
/** Who receives a value written into a secret: its readers, its writers and, if personal, its owner. */
type Audience = { read_roles: Role[]; write_roles: Role[]; owner_id?: string | undefined };

function audienceOf(secret: Audience): Audience {
  return {
    read_roles: secret.read_roles,
    write_roles: secret.write_roles,
    ...(secret.owner_id !== undefined && { owner_id: secret.owner_id }),
  };
}

function describeAudience(audience: Audience): string {
  const roles = (list: Role[]) =>
    list.length === 0
      ? 'none'
      : list
          .map((role) => (role.name && role.name !== role.id ? `${role.name} (${role.id})` : role.id))
          .join(', ');
  return `read roles: ${roles(audience.read_roles)}; write roles: ${roles(audience.write_roles)}${
    audience.owner_id === undefined ? '' : `; owner: ${audience.owner_id}`
  }`;
}

/** The secret's metadata if the caller may see it; undefined if the vault says it does not exist. */
async function visible(client: VaultClient, name: string, owner: Owner): Promise<Secret | undefined> {
  try {
    return await client.getMetadata(name, owner);
  } catch (error) {
    if (error instanceof VaultApiError && error.status === 404) return undefined;
    throw error;
  }
}

/**
 * A plain `put` only creates. A taken name is refused, never turned into an update: the existing
 * secret's roles were chosen by whoever created it, and its readers would receive the value.
 */
async function createOnly(client: VaultClient, name: string, input: PutInput, owner: Owner) {
  try {
    return await client.createSecret(name, input, owner);
  } catch (error) {
    if (!(error instanceof VaultApiError)) throw error;
    // Taken (409), or a caller who may not create secrets (403) naming one it may write.
    const taken = error.code === 'VALUE_DUPLICATE';
    if (!taken && error.status !== 403) throw error;
    const existing = await visible(client, name, owner).catch(() => undefined);
    if (!existing) {
      if (!taken) throw error;
      // Deleted and still restorable, or someone else's: the vault's message says which it can.
      throw new Refusal(EXIT.conflict, {
        error_code: error.code,
        error_message: `${error.message}: nothing was written`,
        ...(error.traceId !== undefined && { trace_id: error.traceId }),
      });
    }
    throw new Refusal(EXIT.conflict, {
      error_code: 'VALUE_DUPLICATE',
      error_message: `A secret named "${name}" already exists (${describeAudience(existing)}): nothing was written. \`put --update\` writes into it, and then its readers receive the value`,
      name,
      version: existing.version,
      ...audienceOf(existing),
    });
  }
}

/**
 * `put --update` writes only into an existing secret, and says first who will receive the value.
 * The write is conditional on the version whose roles were shown, so the value lands under exactly
 * those roles; if they change in between, nothing is written.
 */
async function updateExisting(
  client: VaultClient,
  name: string,
  patch: PutInput,
  owner: Owner,
  say: (text: string) => void,
) {
  let shown: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const current = await visible(client, name, owner);
    if (!current)
      throw new Refusal(EXIT.notFound, {
        error_code: 'OBJECT_NOT_FOUND',
        error_message: `No secret named "${name}" that you may see: put --update writes only into an existing secret (put without --update creates one)`,
      });
    const after = audienceOf({
      read_roles: patch.read_roles ?? current.read_roles,
      write_roles: patch.write_roles ?? current.write_roles,
      owner_id: current.owner_id,
    });
    const audience = describeAudience(after);
    if (shown !== undefined && shown !== audience)
      throw new Refusal(EXIT.conflict, {
        error_code: 'PRECONDITION_FAILED',
        error_message: `The roles of "${name}" changed while it was being updated (now ${audience}): nothing was written`,
      });
    if (shown === undefined)
      say(`updating the existing secret "${name}" (version ${current.version}): ${audience}`);
    shown = audience;
    try {
      return {
        ...(await client.updateSecret(name, patch, { ...owner, ifMatch: current.version })),
        ...after,
      };
    } catch (error) {
      // Another write came in between: look again, and write only if the audience is the one shown.
      if (!(error instanceof VaultApiError) || error.status !== 412 || attempt === 3) throw error;
    }
  }
}

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

/** The options may not have parsed: read --output from the arguments themselves. */
function jsonOutput(argv: string[]): boolean {
  const at = argv.indexOf('--output');
  return argv.includes('--output=json') || (at >= 0 && argv[at + 1] === 'json');
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
        update: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
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
    if (values.help || command === 'help') {
      io.out(USAGE);
      return EXIT.ok;
    }
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
        const owner = values.owner === undefined ? {} : { owner: values.owner };
        if (values.update) {
          // The JSON output names who received the value, as the notice on stderr did.
          print(await updateExisting(client, needName(), input, owner, io.err), ['name', 'version']);
          return EXIT.ok;
        }
        print(await createOnly(client, needName(), input, owner), ['name']);
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
    if (error instanceof Refusal) {
      io.err(jsonOutput(argv) ? JSON.stringify(error.body) : error.message);
      return error.exit;
    }
    if (error instanceof SyntaxError) {
      io.err(`not valid JSON: ${error.message}`);
      return EXIT.usage;
    }
    const json = jsonOutput(argv);
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
