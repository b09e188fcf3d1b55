/** `logs [-n N] [--tail] [--ps TYPE]`: an app's log lines, Heroku style. */
import { type Command, InvalidArgumentError } from 'commander';
import { type CommonOptions, createClient, requireApp, warn, withAppOptions } from '../context.js';
import { formatLogEvent } from '../log-lines.js';
import { streamLogs } from '../log-tail.js';

interface LogsOptions extends CommonOptions {
  num: number;
  tail?: boolean;
  ps?: string;
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isSafeInteger(count) || count < 0) throw new InvalidArgumentError('a whole number of lines is expected');
  return count;
}

export function registerLogsCommand(program: Command): void {
  withAppOptions(program.command('logs').description('show an app\'s recent log lines, or follow them with --tail'))
    .option('-n, --num <lines>', 'how many recent lines to show', parseCount, 100)
    .option('-t, --tail', 'keep the stream open and print new lines as they come')
    .option('-p, --ps <type>', 'only lines of this process type (web) or process (web.1)')
    .action(async (options: LogsOptions) => {
      const app = requireApp(options);
      const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
      await streamLogs(createClient(), app, {
        lines: options.num, ps: options.ps, tail: options.tail,
        onReconnecting: () => warn('lost the connection to twelve; reconnecting...'),
      }, (event) => {
        process.stdout.write(`${options.json ? JSON.stringify(event) : formatLogEvent(event, colour)}\n`);
      });
    });
}
