/** `logs [-n N] [--tail] [--ps TYPE] [--source S] [--since 10m] [--grep TEXT]` and `logs:retention`. */
import { type Command, InvalidArgumentError } from '../commander.js';
import type { LogRetentionView } from '../../api/types.js';
import { formatSize, parseDuration, parseSince } from '../../logs/durations.js';
import { appPath, type CommonOptions, createClient, print, printJson, requireApp, warn, withAppOptions } from '../context.js';
import { formatLogEvent } from '../log-lines.js';
import { streamLogs } from '../log-tail.js';

interface LogsOptions extends CommonOptions {
  num?: number;
  tail?: boolean;
  ps?: string;
  source?: string;
  since?: string;
  grep?: string;
}

interface RetentionOptions extends CommonOptions { size?: string; age?: string }

/** The most lines `-n` asks for (the API's limit); `--since` has none. */
const MAX_LINES = 10_000;

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isSafeInteger(count) || count < 0) throw new InvalidArgumentError('a whole number of lines is expected');
  if (count > MAX_LINES) throw new InvalidArgumentError(`at most ${MAX_LINES} lines; for more, --since 1h (or 1d, or an ISO time) shows every line since then`);
  return count;
}

function parseSource(value: string): string {
  if (!['app', 'router', 'twelve'].includes(value)) throw new InvalidArgumentError('the source is app, router or twelve');
  return value;
}

function checkSince(value: string): string {
  // A bare number is a duration without its unit far more often than the epoch milliseconds the API takes.
  if (/^\d+(\.\d+)?$/.test(value.trim())) throw new InvalidArgumentError(`a duration needs its unit: ${value.trim()}s, ${value.trim()}m, ${value.trim()}h or ${value.trim()}d`);
  if (parseSince(value) === undefined) throw new InvalidArgumentError('a duration like 10m, 2h, 1d or a time like 2026-01-01T10:00:00Z is expected');
  return value;
}

function checkAge(value: string): string {
  if (value !== 'default' && parseDuration(value) === undefined) throw new InvalidArgumentError('an age like 7d, 12h or 30m (or default) is expected');
  return value;
}

export function registerLogsCommand(program: Command): void {
  withAppOptions(program.command('logs').description('show an app\'s recent log lines, or follow them with --tail'))
    .option('-n, --num <lines>', `how many recent lines to show (default 100, or every line with --since; at most ${MAX_LINES})`, parseCount)
    .option('-t, --tail', 'keep the stream open and print new lines as they come')
    .option('-p, --ps <type>', 'only lines of this process type (web) or process (web.1)')
    .option('-s, --source <source>', 'only lines from app, router or twelve', parseSource)
    .option('--since <when>', 'every line from then on (with -n, the last N of them): 10m, 2h, 1d or an ISO time', checkSince)
    .option('-g, --grep <text>', 'only lines containing this text')
    .action(async (options: LogsOptions) => {
      const app = requireApp(options);
      const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
      await streamLogs(createClient(), app, {
        lines: options.num, ps: options.ps, source: options.source, since: options.since, grep: options.grep, tail: options.tail,
        onReconnecting: () => warn('lost the connection to twelve; reconnecting...'),
      }, (event) => {
        process.stdout.write(`${options.json ? JSON.stringify(event) : formatLogEvent(event, colour)}\n`);
      });
    });

  withAppOptions(program.command('logs:retention').description('show or set how much of the app\'s log is kept (by size and age)'))
    .option('--size <size>', 'keep at most this much: 100MB, 1GB (at least 1MB), or default')
    .option('--age <age>', 'keep lines at most this long: 7d, 12h (at least 1m), or default', checkAge)
    .action(async (options: RetentionOptions) => {
      const app = requireApp(options);
      const client = createClient();
      const path = appPath(app, '/logs/retention');
      const view = options.size === undefined && options.age === undefined
        ? await client.request<LogRetentionView>('GET', path)
        : await client.request<LogRetentionView>('PUT', path, { size: options.size, age: options.age });
      if (options.json) return printJson(view);
      print(`${app} keeps its log up to ${view.size} or ${view.age}, whichever comes first (${formatSize(view.usedBytes)} used)`);
    });
}
