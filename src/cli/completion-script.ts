/**
 * Shell completion for `twelve`: the commands and each one's options, written into a bash function when
 * the user runs `twelve completion`, so a TAB costs no node start. App names are the one live part: after
 * `-a`/`--app` the function asks twelve (`twelve completion --app-names`).
 */

export type Shell = 'bash' | 'zsh';
export const SHELLS: readonly Shell[] = ['bash', 'zsh'];

export interface CompletionCommand {
  /** The name and its aliases: `apps:create`, `create`. */
  names: string[];
  /** Every long and short flag it takes: `--app`, `-a`, `--json`. */
  flags: string[];
}

/** A word safe inside the script's single-quoted strings: command names and flags never carry quotes. */
function shellWord(word: string): string {
  if (!/^[A-Za-z0-9:_-]+$/.test(word)) throw new Error(`cannot complete ${JSON.stringify(word)}`);
  return word;
}

/** The script for `shell`: a bash function (`_twelve`), or a zsh one registered with compdef. */
export function completionScript(shell: Shell, commands: CompletionCommand[]): string {
  const names = [...new Set(commands.flatMap((command) => command.names))].map(shellWord).sort();
  const flagCases = (indent: string, quote: (flags: string[]) => string) => commands.map((command) =>
    `${indent}${command.names.map(shellWord).join('|')}) flags=${quote(command.flags.map(shellWord))} ;;`);
  const header = `# twelve's ${shell} completion, written by \`twelve completion ${shell}\` (docs/cli.md).`;
  return [header, ...(shell === 'bash' ? bash(names, flagCases) : zsh(names, flagCases)), ''].join('\n');
}

type FlagCases = (indent: string, quote: (flags: string[]) => string) => string[];

/**
 * bash splits words at colons (COMP_WORDBREAKS), so the function reads the line itself to see
 * `apps:cre` as one word, and gives back only the part after the last colon of each match.
 */
function bash(names: string[], flagCases: FlagCases): string[] {
  return [
    '_twelve() {',
    '  local line="${COMP_LINE:0:COMP_POINT}" words cword cur prev flags=\'\'',
    '  read -r -a words <<< "$line"',
    '  [[ "$line" == *" " ]] && words+=("")',
    '  cword=$(( ${#words[@]} - 1 ))',
    '  cur="${words[cword]}"',
    '  prev="${words[cword-1]}"',
    '  if [[ "$prev" == "-a" || "$prev" == "--app" ]]; then',
    '    COMPREPLY=($(compgen -W "$(twelve completion --app-names 2>/dev/null)" -- "$cur"))',
    '  elif (( cword == 1 )); then',
    `    COMPREPLY=($(compgen -W '${names.join(' ')}' -- "$cur"))`,
    '  else',
    '    case "${words[1]}" in',
    ...flagCases('      ', (flags) => `'${flags.join(' ')}'`),
    '    esac',
    '    COMPREPLY=($(compgen -W "$flags" -- "$cur"))',
    '  fi',
    '  if [[ "$cur" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then',
    '    local prefix="${cur%"${cur##*:}"}"',
    '    COMPREPLY=("${COMPREPLY[@]#"$prefix"}")',
    '  fi',
    '}',
    'complete -o default -F _twelve twelve',
  ];
}

function zsh(names: string[], flagCases: FlagCases): string[] {
  return [
    '_twelve() {',
    '  local -a flags',
    '  if (( CURRENT == 2 )); then',
    `    compadd -- ${names.join(' ')}`,
    '  elif [[ "${words[CURRENT-1]}" == (-a|--app) ]]; then',
    '    compadd -- ${(f)"$(twelve completion --app-names 2>/dev/null)"}',
    '  else',
    '    case "${words[2]}" in',
    ...flagCases('      ', (flags) => `(${flags.join(' ')})`),
    '    esac',
    '    compadd -- $flags',
    '    _files',
    '  fi',
    '}',
    'compdef _twelve twelve',
  ];
}
