/** `config`, `config:get`, `config:set`, `config:unset`: config vars, each change a new release. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ConfigChangeView } from '../../api/types.js';
import { parseConfigAssignments } from '../arguments.js';
import { CliError } from '../cli-error.js';
import { action, appPath, type CommonOptions, createClient, print, printJson, requireApp, withAppOptions } from '../context.js';
import { formatKeyValues } from '../format.js';
import { renderConfig } from '../render.js';
import { formatDotenv, parseDotenv } from '../../config/dotenv.js';

/** A .env file's vars; a line that is not an assignment stops the command rather than being dropped. */
function readEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError('INVALID_ARGUMENT', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'Pass the path of a .env file.');
  }
  const { vars, problems } = parseDotenv(text);
  if (problems.length > 0) {
    throw new CliError('INVALID_ARGUMENT', `${file}:${problems[0]!.line} is not KEY=VALUE`, 'Each line of a .env file reads KEY=VALUE (or is a # comment).');
  }
  if (Object.keys(vars).length === 0) throw new CliError('INVALID_ARGUMENT', `${file} sets no config vars`, 'Add KEY=VALUE lines to it.');
  return vars;
}

/** PATCH the config with Heroku's `Setting A and restarting APP... done, v2` around it. */
async function patchConfig(app: string, verb: string, body: Record<string, string | null>, json?: boolean): Promise<ConfigChangeView> {
  return action(`${verb} ${Object.keys(body).join(', ')} and restarting ${app}`, json,
    () => createClient().request<ConfigChangeView>('PATCH', appPath(app, '/config'), body),
    ({ release, changed }) => (release ? `done, v${release.version}` : changed === false ? 'nothing changed, so no new release' : 'done'));
}

export function registerConfigCommands(program: Command): void {
  withAppOptions(program.command('config').description('show an app\'s config vars')
    .option('-s, --shell', 'print them as KEY=value lines, in .env syntax'))
    .action(async (options: CommonOptions & { shell?: boolean }) => {
      const app = requireApp(options);
      const config = await createClient().request<Record<string, string>>('GET', appPath(app, '/config'));
      if (options.json) printJson(config);
      else if (options.shell) print(formatDotenv(config));
      else print(renderConfig(app, config));
    });

  withAppOptions(program.command('config:get').argument('<key>').description('print one config var\'s value'))
    .action(async (key: string, options: CommonOptions) => {
      const config = await createClient().request<Record<string, string>>('GET', appPath(requireApp(options), '/config'));
      if (options.json) printJson({ [key]: config[key] ?? null });
      else print(config[key] ?? '');
    });

  withAppOptions(program.command('config:set').argument('[KEY=VALUE...]').description('set config vars and restart the app')
    .option('-f, --file <path>', 'read KEY=VALUE lines from a .env file (dotenv syntax)'))
    .action(async (args: string[], options: CommonOptions & { file?: string }) => {
      const app = requireApp(options);
      const vars = { ...(options.file ? readEnvFile(options.file) : {}), ...(args.length > 0 || !options.file ? parseConfigAssignments(args) : {}) };
      const answer = await patchConfig(app, 'Setting', vars, options.json);
      if (options.json) printJson(answer);
      else print(formatKeyValues(Object.keys(vars).map((key) => [key, answer.config[key] ?? vars[key]!])));
    });

  withAppOptions(program.command('config:unset').argument('<KEY...>').description('remove config vars and restart the app'))
    .action(async (keys: string[], options: CommonOptions) => {
      const app = requireApp(options);
      const bad = keys.find((key) => key.includes('='));
      if (bad) throw new CliError('INVALID_ARGUMENT', `${bad} is not a key`, 'Pass only the names: `twelve config:unset GREETING -a APP`.');
      const answer = await patchConfig(app, 'Unsetting', Object.fromEntries(keys.map((key) => [key, null])), options.json);
      if (options.json) printJson(answer);
    });
}
