/** What the commands share: the -a/--app and --json options, the API client and Heroku-style printing. */
import { spawnSync } from 'node:child_process';
import { Option, type Command } from './commander.js';
import { ApiClient, clientOptionsFromEnv } from './api-client.js';
import { CliError } from './cli-error.js';
import { appOfRemoteUrl, remotesOfConfig } from './git-config.js';

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
  if (options.app) return options.app;
  const fromRemotes = [...new Set(appsOfGitRemotes())];
  if (fromRemotes.length === 1) return fromRemotes[0]!;
  if (fromRemotes.length > 1) {
    throw new CliError('MISSING_APP', `Several apps in this repository's git remotes (${fromRemotes.join(', ')}): pass -a APP`, 'Or set TWELVE_APP.');
  }
  throw new CliError('MISSING_APP', 'Missing app: pass -a APP', 'Or set TWELVE_APP, or run it in a git repository with a twelve remote (`twelve git:remote -a APP`); `twelve apps` lists the apps.');
}

/** As Heroku's CLI, the app of the current git repository: the remotes that point at twelve's /git/APP.git. */
function appsOfGitRemotes(): string[] {
  const remotes = spawnSync('git', ['config', '--get-regexp', '^remote\\..*\\.url$'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  if (remotes.status !== 0) return [];
  return remotesOfConfig(remotes.stdout).map(({ url }) => appOfRemoteUrl(url)).filter((app): app is string => app !== undefined);
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
