/**
 * `secrets`: the vault from a shell, on the typed client. Parses the command line against the
 * command table, runs the command, and turns whatever went wrong into one line and an exit code.
 */
import { parseArgs } from 'node:util';
import { VaultApiError } from '../vault-client.ts';
import type { CliIo, CommandSpec, Context, Session, Values } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { describeError, ExplainedError, networkCause, Refusal, UsageError } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import { commandHelp, GLOBAL_OPTIONS, mainHelp } from './help.ts';
import { FORMATS, type Format, fields, render } from './output.ts';
import { logInAgain, openSession } from './session.ts';
import { listed } from './token-claims.ts';

export type { CliIo } from './command.ts';
export { EXIT, exitCodeOf } from './exit-codes.ts';

/** Every option of every command, to find the command wherever the global options stand. */
const ANY_OPTION = Object.assign({}, GLOBAL_OPTIONS, ...COMMANDS.map((command) => command.options));

const find = (name: string | undefined) => COMMANDS.find((command) => command.name === name);

/** The options may not have parsed: read --output from the arguments themselves. */
function jsonOutput(argv: string[]): boolean {
  const at = argv.indexOf('--output');
  return argv.includes('--output=json') || (at >= 0 && argv[at + 1] === 'json');
}

/** Node's parseArgs errors, said in one line that points at the command's help. */
function usageOf(error: unknown, command: CommandSpec): UsageError | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) return undefined;
  const message = (error as Error).message;
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  const help = `see secrets ${command.name} --help`;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return new UsageError(`secrets ${command.name} has no option ${option ?? message}: ${help}`);
  return new UsageError(`${message.split('. ')[0]!.replace(/\.$/, '')}: ${help}`);
}

/** Splits off the command (the first argument that is not an option or an option's value). */
function commandOf(argv: string[]): { command: string | undefined; rest: string[] } {
  const { tokens } = parseArgs({
    args: argv,
    options: ANY_OPTION,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const first = tokens.find((token) => token.kind === 'positional');
  if (!first) return { command: undefined, rest: argv };
  return { command: first.value, rest: argv.filter((_, i) => i !== first.index) };
}

function parseCommand(command: CommandSpec, args: string[]): { values: Values; positionals: string[] } {
  try {
    const options = Object.fromEntries(
      Object.entries({ ...GLOBAL_OPTIONS, ...command.options }).map(([name, spec]) => [
        name,
        {
          type: spec.type,
          ...(spec.multiple && { multiple: true }),
          ...(spec.short && { short: spec.short }),
        },
      ]),
    );
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    return { values: values as Values, positionals };
  } catch (error) {
    throw usageOf(error, command) ?? error;
  }
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const json = jsonOutput(argv);
  let session: Session | undefined;
  try {
    const { command: name, rest } = commandOf(argv);
    if (name === undefined) {
      if (rest.includes('--help') || rest.includes('-h')) {
        io.out(mainHelp(COMMANDS));
        return EXIT.ok;
      }
      io.err(mainHelp(COMMANDS));
      return EXIT.usage;
    }
    if (name === 'help') {
      const about = rest.find((arg) => !arg.startsWith('-'));
      if (about !== undefined && !find(about))
        throw new UsageError(`secrets has no command "${about}": see secrets --help`);
      io.out(about === undefined ? mainHelp(COMMANDS) : commandHelp(find(about)!));
      return EXIT.ok;
    }
    const command = find(name);
    if (!command) throw new UsageError(`secrets has no command "${name}": see secrets --help`);
    const { values, positionals } = parseCommand(command, rest);
    if (values.help) {
      io.out(commandHelp(command));
      return EXIT.ok;
    }
    const { min, max } = command.positionals;
    if (positionals.length < min)
      throw new UsageError(
        `secrets ${command.name} needs ${command.args}: see secrets ${command.name} --help`,
      );
    if (positionals.length > max)
      throw new UsageError(
        `secrets ${command.name} takes ${max === 0 ? 'no arguments' : command.args} but was given ${positionals
          .map((p) => `"${p}"`)
          .join(' ')}: see secrets ${command.name} --help`,
      );
    const output = (values.output ?? 'table') as Format;
    if (!FORMATS.includes(output)) throw new UsageError(`--output must be one of ${FORMATS.join(', ')}`);
    if (output === 'env' && !command.envOutput)
      throw new UsageError('--output env is for the data of `get --reveal`');
    const string = (option: string) => values[option] as string | undefined;
    const ctx: Context = {
      io,
      commands: COMMANDS,
      command,
      output,
      machine: output !== 'table',
      positionals,
      string,
      strings: (option) => values[option] as string[] | undefined,
      flag: (option) => values[option] === true,
      name: () => positionals[0]!,
      integer: (option) => {
        const value = string(option);
        if (value === undefined) return undefined;
        if (!/^\d+$/.test(value)) throw new UsageError(`--${option} must be a whole number, not "${value}"`);
        return Number(value);
      },
      session: async () => (session ??= openSession(io, { url: string('url'), token: string('token') })),
      print: (value, columns) => io.out(render(value, columns, output)),
      show: (record) => io.out(output === 'table' ? fields(record) : render(record, [], output)),
      say: io.err,
    };
    return await command.run(ctx);
  } catch (error) {
    const { exit, line } = describeError(explain(error, session), json);
    io.err(line);
    return exit;
  }
}

/** What the vault's answer means here: whose login to renew, which URL could not be reached. */
function explain(error: unknown, session: Session | undefined): unknown {
  // An expired IAM login is renewed with AWS credentials: none found is a login problem (exit 4).
  if (session?.iam && error instanceof Error && error.name === 'CredentialsProviderError')
    return new Refusal(EXIT.notAllowed, {
      error_code: 'AWS_CREDENTIALS_MISSING',
      error_message: `Your IAM login to ${session.url} expired and no AWS credentials were found to renew it: ${logInAgain(session.url)}`,
    });
  if (!(error instanceof VaultApiError) || !session) return error;
  if (error.code === 'NETWORK_ERROR' || error.code === 'TIMEOUT') {
    const cause = networkCause(error);
    return new ExplainedError(error, ` at ${session.url}${cause ? ` (${cause})` : ''}`);
  }
  // Which scopes and roles were missing is the vault's to say; which ones the token has, ours.
  if (error.status === 403 && session.claims)
    return new ExplainedError(
      error,
      ` (your token: scopes ${listed(session.claims.scopes)}; roles ${listed(session.claims.roles)})`,
    );
  if (error.status !== 401) return error;
  if (session.source === 'login')
    return new ExplainedError(error, `; the vault refused your saved login: ${logInAgain(session.url)}`);
  const expires = session.claims?.expires;
  if (expires && expires.getTime() <= Date.now())
    return new ExplainedError(
      error,
      ` (the token from ${session.source === 'env' ? 'VAULT_TOKEN' : '--token'} expired at ${expires.toISOString()})`,
    );
  return error;
}
