/** A command as completion sees it: its name, its options, and whether its argument is a scenario. */
export interface CompletionCommand {
  name: string;
  options: string[];
  /** What its first argument completes to: bundled scenario names (and YAML files), directories, or fixed words. */
  argument?: 'scenario' | 'dir' | readonly string[];
}

const SHELLS = ['bash', 'zsh'] as const;

/**
 * A completion script for `l2bench`: commands, each command's options, bundled scenario names (and
 * *.yaml files) for `run`/`plan`, directories for results. zsh loads the same function through
 * bashcompinit, so both shells complete alike.
 * @throws Error for a shell other than bash or zsh.
 */
export function completionScript(
  shell: string,
  commands: readonly CompletionCommand[],
  scenarios: readonly string[],
  globalOptions: readonly string[],
): string {
  if (!SHELLS.includes(shell as (typeof SHELLS)[number]))
    throw new Error(`completion ${shell}: use one of ${SHELLS.join(', ')}`);
  const cases = commands
    .map((c) => {
      const arg =
        c.argument === 'scenario'
          ? `COMPREPLY=($(compgen -W "${scenarios.join(' ')}" -- "$cur") $(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur"))`
          : c.argument === 'dir'
            ? 'COMPREPLY=($(compgen -d -- "$cur"))'
            : c.argument
              ? `COMPREPLY=($(compgen -W "${c.argument.join(' ')}" -- "$cur"))`
              : 'COMPREPLY=()';
      return `    ${c.name})\n      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${c.options.join(' ')}" -- "$cur")); else ${arg}; fi ;;`;
    })
    .join('\n');
  const body = `# l2bench ${shell} completion: source <(l2bench completion ${shell})
_l2bench() {
  local cur cmd i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [[ "\${COMP_WORDS[i]}" != -* ]]; then cmd="\${COMP_WORDS[i]}"; break; fi
  done
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(' ')} ${globalOptions.join(' ')}" -- "$cur"))
    return
  fi
  case "$cmd" in
${cases}
  esac
}
complete -o filenames -F _l2bench l2bench
`;
  return shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${body}` : body;
}
