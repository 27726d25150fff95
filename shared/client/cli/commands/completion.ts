/**
 * `secrets completion bash|zsh`: a completion script, made from the command table, so it knows
 * every command and option there is. `source <(secrets completion bash)` in ~/.bashrc; zsh runs
 * the same script through bashcompinit.
 */
import type { CommandSpec } from '../command.ts';
import { UsageError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { GLOBAL_OPTIONS } from '../help.ts';

const flags = (options: Record<string, unknown>) => Object.keys(options).map((name) => `--${name}`);

export function bashCompletion(commands: readonly CommandSpec[]): string {
  const cases = commands.map(
    (command) =>
      `    ${command.name}) options="${[...flags(command.options), ...flags(GLOBAL_OPTIONS)].join(' ')}" ;;`,
  );
  return `# secrets completion (bash): source <(secrets completion bash)
_secrets() {
  local current="\${COMP_WORDS[COMP_CWORD]}" options
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${commands.map((command) => command.name).join(' ')} help" -- "$current"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases.join('\n')}
    *) options="" ;;
  esac
  case "$current" in
    -*) COMPREPLY=($(compgen -W "$options" -- "$current")) ;;
    *) COMPREPLY=() ;;
  esac
}
complete -o default -F _secrets secrets
`;
}

export const completion: CommandSpec = {
  name: 'completion',
  args: '<bash|zsh>',
  positionals: { min: 1, max: 1 },
  summary: 'print a shell completion script: source <(secrets completion bash)',
  description: `Prints a completion script for commands and their options. bash: add
\`source <(secrets completion bash)\` to ~/.bashrc; zsh: \`source <(secrets completion zsh)\` in ~/.zshrc.`,
  options: {},
  async run(ctx) {
    const shell = ctx.name();
    if (shell === 'bash') ctx.io.out(bashCompletion(ctx.commands));
    else if (shell === 'zsh')
      ctx.io.out(`autoload -U +X bashcompinit && bashcompinit\n${bashCompletion(ctx.commands)}`);
    else throw new UsageError(`completion is for bash or zsh, not "${shell}"`);
    return EXIT.ok;
  },
};
