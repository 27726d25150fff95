/**
 * `secrets exec`: runs a command with secrets in its environment (what `envconsul` and `vault agent`
 * give their users). The values go into the child's environment only: never onto its command line
 * (where `ps` shows them) nor into the shell's history. Every secret is read before the child
 * starts, so a missing secret or field fails with one line and the child never runs.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { CommandSpec, Session } from '../command.ts';
import { Refusal, UsageError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { explaining, notFoundHint } from './hints.ts';

/** `name#field`: the field after the last `#` (names may hold `/`, fields may not hold `#`). */
export interface SecretRef {
  name: string;
  field: string;
}

export function parseRef(ref: string, where: string): SecretRef {
  const at = ref.lastIndexOf('#');
  const name = ref.slice(0, at);
  const field = ref.slice(at + 1);
  if (at <= 0 || field === '')
    throw new UsageError(`${where}: "${ref}" is not <secret name>#<field> (e.g. prod/db#password)`);
  return { name, field };
}

/**
 * Reads each named secret once (so every field of one secret comes from the same version) and
 * returns the value of each reference, in order. A field holding a non-string is given as JSON.
 */
export async function resolveRefs(session: Session, refs: readonly SecretRef[]): Promise<string[]> {
  const names = [...new Set(refs.map((ref) => ref.name))];
  const secrets = new Map(
    await Promise.all(
      names.map(
        async (name) => [name, await explaining(session.client.getSecret(name), notFoundHint(name))] as const,
      ),
    ),
  );
  return refs.map(({ name, field }) => {
    const value = secrets.get(name)?.data?.[field];
    if (value === undefined)
      throw new Refusal(EXIT.notFound, {
        error_code: 'FIELD_NOT_FOUND',
        error_message: `the secret "${name}" has no field "${field}" you may read`,
      });
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

export const exec: CommandSpec = {
  name: 'exec',
  args: '-- <command> [args…]',
  positionals: { min: 1, max: Number.POSITIVE_INFINITY },
  summary: 'run a command with secrets in its environment',
  description: `Reads every --env secret first, then runs <command> with those variables added to the
environment it inherits; stdin, stdout and stderr are the command's own, signals (INT, TERM, HUP,
QUIT, USR1, USR2) are passed on to it, and secrets exits with its exit code (128+N if signal N ended
it; 127 if there is no such command, 126 if it cannot run). The values are never on a command
line, so neither \`ps\` nor your shell history shows them.
A secret or field that is missing or not yours to read stops here, before the command starts.
  secrets exec --env DB_PASSWORD=prod/db#password --env API_KEY=prod/api#key -- ./app --port 8080
Put -- before the command so that its own options are not taken for secrets' options.`,
  options: {
    env: {
      type: 'string',
      multiple: true,
      value: '<VAR=name#field>',
      help: 'set VAR to the field of the secret (repeatable)',
    },
  },
  async run(ctx) {
    const [command, ...args] = ctx.positionals as [string, ...string[]];
    const wanted = (ctx.strings('env') ?? []).map((pair) => {
      const eq = pair.indexOf('=');
      const variable = pair.slice(0, eq);
      if (eq < 0 || !ENV_NAME.test(variable))
        throw new UsageError(`--env takes VAR=<secret name>#<field>, not "${pair}"`);
      return { variable, ref: parseRef(pair.slice(eq + 1), `--env ${variable}`) };
    });
    if (wanted.length === 0) throw new UsageError('secrets exec needs at least one --env VAR=name#field');
    const values = await resolveRefs(
      await ctx.session(),
      wanted.map((w) => w.ref),
    );
    const env: Record<string, string | undefined> = { ...ctx.io.env };
    wanted.forEach(({ variable }, i) => {
      env[variable] = values[i];
    });
    return new Promise<number>((resolve, reject) => {
      const child = spawn(command, args, { stdio: 'inherit', env });
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      for (const signal of FORWARDED) process.on(signal, forward);
      const done = () => {
        for (const signal of FORWARDED) process.off(signal, forward);
      };
      child.on('error', (error: NodeJS.ErrnoException) => {
        done();
        // What a shell exits with: 127 no such command, 126 not executable.
        const [exit, code, says] =
          error.code === 'ENOENT'
            ? [127, 'COMMAND_NOT_FOUND', `no command "${command}" found`]
            : [126, 'COMMAND_NOT_RUNNABLE', `cannot run "${command}": ${error.message}`];
        reject(new Refusal(exit, { error_code: code, error_message: says }));
      });
      child.on('exit', (code, signal) => {
        done();
        if (signal) resolve(128 + (constants.signals[signal] ?? 0));
        else resolve(code ?? EXIT.other);
      });
    });
  },
};
