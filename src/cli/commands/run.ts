/** `run` and `run:detached`: a one-off process in the app's release, attached to this terminal or in the background. */
import { Option, type Command } from '../commander.js';
import type { RunView } from '../../api/types.js';
import { parseReleaseVersion } from '../arguments.js';
import { appPath, type CommonOptions, createClient, print, printJson, requireApp, withAppOptions } from '../context.js';

interface RunOptions extends CommonOptions { release?: string }

function withRunOptions(command: Command): Command {
  return withAppOptions(command.argument('<command...>', 'the command and its arguments (put -- before them)'))
    .addOption(new Option('--release <release>', 'run in this release (v3 or 3) instead of the current one'))
    // Everything after the command's first word belongs to the command: `twelve run -a shop ls -la`.
    .passThroughOptions();
}

async function startRun(words: string[], options: RunOptions, attach: boolean): Promise<{ app: string; answer: RunView }> {
  const app = requireApp(options);
  const body: Record<string, unknown> = { command: words.length === 1 ? words[0] : words, attach };
  if (options.release !== undefined) body.release = parseReleaseVersion(options.release);
  const answer = await createClient().request<RunView>('POST', appPath(app, '/runs'), body);
  return { app, answer };
}

export function registerRunCommands(program: Command): void {
  program.enablePositionalOptions();

  withRunOptions(program.command('run').description('run a one-off process in the app\'s release: stdin, output and exit status pass through'))
    .action(async (words: string[], options: RunOptions) => {
      const { app, answer } = await startRun(words, options, true);
      process.stderr.write(`Running \`${answer.command}\` on ${app}... up, ${answer.name} (v${answer.release})\n`);
      const client = createClient();
      const { runSession } = await import('../run-session.js');
      let interrupt: (() => void) | undefined;
      const onSigint = () => interrupt?.();
      process.on('SIGINT', onSigint);
      try {
        const status = await runSession({
          url: new URL(answer.attachUrl!.replace(/^\/+/, ''), `${client.url}/`),
          stdin: process.stdin, stdout: process.stdout, stderr: process.stderr,
          onInterruptible: (stop) => { interrupt = stop; },
        });
        // The command's own exit status is the CLI's, as with `heroku run --exit-code`.
        process.exitCode = status;
      } finally {
        process.off('SIGINT', onSigint);
        process.stdin.pause();
        process.stdin.destroy();
      }
    });

  withRunOptions(program.command('run:detached').description('run a one-off process in the background; its output goes to the logs'))
    .action(async (words: string[], options: RunOptions) => {
      const { app, answer } = await startRun(words, options, false);
      if (options.json) {
        printJson(answer);
        return;
      }
      print(`Running \`${answer.command}\` on ${app}... up, ${answer.name} (v${answer.release})`);
      print(`Run \`twelve logs -a ${app} --ps ${answer.name} --tail\` to see its output.`);
    });
}
