/** `completion [SHELL]`: prints the shell completion script for twelve's commands (docs/cli.md). */
import type { Command } from 'commander';
import type { AppView } from '../../api/types.js';
import { CliError } from '../cli-error.js';
import { completionScript, SHELLS, type CompletionCommand, type Shell } from '../completion-script.js';
import { createClient, print } from '../context.js';

/** Every command of the program (it was built with all of them: see main.ts) with its flags. */
function commandsOf(program: Command): CompletionCommand[] {
  return program.commands.map((command) => ({
    names: [command.name(), ...command.aliases()],
    flags: command.options.flatMap((option) => [option.short, option.long].filter((flag): flag is string => flag !== undefined)).concat('--help'),
  }));
}

export function registerCompletionCommand(program: Command): void {
  program.command('completion')
    .argument('[shell]', `${SHELLS.join(' or ')}`, 'bash')
    .description('print shell completion for twelve: add `source <(twelve completion)` to ~/.bashrc, or `source <(twelve completion zsh)` to ~/.zshrc')
    .option('--app-names', 'print the names of the apps, one a line (what completion asks after -a)')
    .action(async (shell: string, options: { appNames?: boolean }) => {
      if (options.appNames) {
        const apps = await createClient().request<AppView[]>('GET', '/v1/apps');
        print(apps.map((app) => app.name).join('\n'));
        return;
      }
      if (!(SHELLS as readonly string[]).includes(shell)) {
        throw new CliError('INVALID_ARGUMENT', `twelve completes in ${SHELLS.join(' and ')}, not ${shell}`, 'Run `twelve completion bash` or `twelve completion zsh`.');
      }
      process.stdout.write(completionScript(shell as Shell, commandsOf(program)));
    });
}
