/** What the commands share: the -a/--app and --json options, the API client and Heroku-style printing. */
import { Option, type Command } from 'commander';
import { ApiClient, clientOptionsFromEnv } from './api-client.js';
import { CliError } from './cli-error.js';

export interface CommonOptions {
  app?: string;
  json?: boolean;
}

/** Adds `-a, --app APP` (also read from TWELVE_APP) and `--json`. */
export function withAppOptions(command: Command): Command {
  command.addOption(new Option('-a, --app <app>', 'the app to run the command against').env('TWELVE_APP'));
  return withJsonOption(command);
}

export function withJsonOption(command: Command): Command {
  return command.option('--json', 'print the API\'s JSON answer and nothing else');
}

export function requireApp(options: CommonOptions): string {
  if (!options.app) throw new CliError('MISSING_APP', 'Missing app: pass -a APP', 'Or set TWELVE_APP; `twelve apps` lists the apps.');
  return options.app;
}

export function createClient(): ApiClient {
  return new ApiClient(clientOptionsFromEnv());
}

/** The API path of an app, with the name escaped so a typo cannot reach another route. */
export function appPath(app: string, rest = ''): string {
  return `/v1/apps/${encodeURIComponent(app)}${rest}`;
}

export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function warn(text: string): void {
  process.stderr.write(` ▸    ${text}\n`);
}

/**
 * Heroku's `Doing something... done`: the action is shown before the wait and its outcome after it;
 * with --json only the answer is printed.
 */
export async function action<T>(text: string, json: boolean | undefined, work: () => Promise<T>,
  outcome: (result: T) => string = () => 'done'): Promise<T> {
  if (json) return work();
  process.stdout.write(`${text}... `);
  try {
    const result = await work();
    process.stdout.write(`${outcome(result)}\n`);
    return result;
  } catch (error) {
    process.stdout.write('!\n');
    throw error;
  }
}
