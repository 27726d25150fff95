/**
 * The shape of one `secrets` command: its arguments, its options (each with the words `--help`
 * shows) and what it does. The command table (commands/index.ts) drives parsing, help and dispatch.
 */
import type { VaultClient } from '../vault-client.ts';
import type { Format } from './output.ts';
import type { TokenClaims } from './token-claims.ts';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  stdin: () => Promise<string>;
  env: Record<string, string | undefined>;
  /** For tests: the fetch the client and the login use. */
  fetch?: typeof fetch;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** How the value is written in the help: `--version <N>`. */
  value?: string;
  help: string;
}

export type Values = Record<string, string | boolean | string[] | undefined>;

/** Who is calling, with which token, at which URL: resolved once per run (session.ts). */
export interface Session {
  url: string;
  token: string;
  /** Where the token came from: a saved login is the one a 401 asks to renew. */
  source: 'option' | 'env' | 'login';
  /**
   * A saved IAM login: renewed by logging in again with AWS credentials, by `client` once it has
   * expired (`token` is then the old one), and by the agent from the start.
   */
  iam?: true;
  claims: TokenClaims | undefined;
  client: VaultClient;
}

export interface Context {
  io: CliIo;
  command: CommandSpec;
  /** Every command, in help order (the completion script lists them). */
  commands: readonly CommandSpec[];
  /** The --output format. */
  output: Format;
  /**
   * Output for programs (json, yaml, env): notes stay off stdout, and results carry what a note
   * would have said.
   */
  machine: boolean;
  positionals: string[];
  string(option: string): string | undefined;
  strings(option: string): string[] | undefined;
  flag(option: string): boolean;
  /** The command's one `<name>` argument. */
  name(): string;
  /** A whole number option (`--limit 10`), refused as usage otherwise. */
  integer(option: string): number | undefined;
  session(): Promise<Session>;
  /** The result on stdout in the --output format (a table: of these columns). */
  print(value: unknown, columns: string[]): void;
  /** One record in the --output format (a table: `key  value` lines). */
  show(record: Record<string, unknown>): void;
  /** A note for the person at the terminal, on stderr (stdout stays the result). */
  say(text: string): void;
}

export interface CommandSpec {
  name: string;
  /** The arguments as the usage line shows them, e.g. `<name>`. */
  args?: string;
  /** How many positional arguments it takes. */
  positionals: { min: number; max: number };
  /** One line for `secrets --help`. */
  summary: string;
  /** Paragraphs for `secrets <command> --help`. */
  description: string;
  options: Record<string, OptionSpec>;
  /** Takes `--output env` (KEY=value lines of a secret's data). */
  envOutput?: true;
  run(ctx: Context): Promise<number>;
}
