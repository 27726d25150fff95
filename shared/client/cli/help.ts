/** The words `--help` prints, built from the command table so no option goes unlisted. */
import type { CommandSpec, OptionSpec } from './command.ts';
import { EXIT_CODES_HELP } from './exit-codes.ts';

export const DEFAULT_URL = 'http://127.0.0.1:8080/vault/api/v1';

/** Options every command takes. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  url: {
    type: 'string',
    value: '<url>',
    help: `the vault's API base (else VAULT_URL, else the URL of your last login, else ${DEFAULT_URL})`,
  },
  token: {
    type: 'string',
    value: '<jwt>',
    help: 'a bearer token (else VAULT_TOKEN, else your saved login); a token on the command line lands in your shell history, so prefer VAULT_TOKEN or `secrets login`',
  },
  output: {
    type: 'string',
    value: 'json|table',
    help: 'results (and errors, on stderr) as JSON or a table (default)',
  },
  help: { type: 'boolean', short: 'h', help: 'this help' },
};

function optionLines(options: Record<string, OptionSpec>): string[] {
  const heads = Object.entries(options).map(
    ([name, spec]) => `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`,
  );
  const width = Math.max(...heads.map((head) => head.length));
  return Object.values(options).map((spec, i) => `  ${heads[i]!.padEnd(width)}  ${spec.help}`);
}

export const usageLine = (command: CommandSpec) =>
  `usage: secrets ${command.name}${command.args ? ` ${command.args}` : ''}${
    Object.keys(command.options).length > 0 ? ' [options]' : ''
  }`;

export function mainHelp(commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'usage: secrets <command> [arguments] [options]',
    '',
    'The vault from a shell. `secrets <command> --help` (or `secrets help <command>`) tells more.',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Options for every command:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Secret values are printed only with `get --reveal` or `get --field`: a plain `get` reads only the',
    'metadata, so the value never leaves the vault. Errors are one line on stderr (JSON with --output json).',
    EXIT_CODES_HELP,
  ].join('\n');
}

export function commandHelp(command: CommandSpec): string {
  return [
    usageLine(command),
    '',
    command.description,
    ...(Object.keys(command.options).length > 0 ? ['', 'Options:', ...optionLines(command.options)] : []),
    '',
    'Options for every command:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}
