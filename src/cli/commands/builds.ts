/** `builds` (with size), `builds:retention [N]` and `builds:env`. */
import type { Command } from 'commander';
import type { BuildListView, BuildOutputView, BuildRetentionView } from '../../api/types.js';
import { CliError } from '../cli-error.js';
import { appPath, type CommonOptions, createClient, print, printJson, requireApp, withAppOptions, withJsonOption } from '../context.js';
import { renderBuilds } from '../pipeline-render.js';

export function registerBuildsCommands(program: Command): void {
  withAppOptions(program.command('builds').description('list an app\'s builds, newest first, with their size on disk'))
    .action(async (options: CommonOptions) => {
      const app = requireApp(options);
      const client = createClient();
      const [builds, retention] = await Promise.all([
        client.request<BuildListView[]>('GET', appPath(app, '/builds')),
        client.request<BuildRetentionView>('GET', appPath(app, '/build-retention')),
      ]);
      if (options.json) printJson(builds);
      else print(renderBuilds(app, builds, retention.keep));
    });

  withAppOptions(program.command('builds:output')
    .argument('[build]', 'the build\'s id (`twelve builds` lists them)', 'latest')
    .description('show the output of a build (default: the newest), as its deploy streamed it'))
    .action(async (build: string, options: CommonOptions) => {
      const app = requireApp(options);
      const view = await createClient().request<BuildOutputView>('GET', appPath(app, `/builds/${encodeURIComponent(build)}/output`));
      if (options.json) printJson(view);
      else if (view.output === null) print(`The output of build ${view.id} (${view.status}) was not kept: twelve keeps the last 50 builds' output of each app.`);
      else process.stdout.write(view.output);
    });

  withJsonOption(program.command('builds:env').description('list the operator\'s build settings (TWELVE_BUILD_ENV) that every build step sees'))
    .action(async (options: CommonOptions) => {
      const settings = await createClient().request<Record<string, string>>('GET', '/v1/build-env');
      if (options.json) printJson(settings);
      else print(Object.keys(settings).length === 0 ? 'No build settings: builds see the app\'s config and the variables docs/environment.md lists (set TWELVE_BUILD_ENV to add some).' : Object.entries(settings).map(([name, value]) => `${name}=${value}`).join('\n'));
    });

  withAppOptions(program.command('builds:retention')
    .argument('[keep]', 'how many builds to keep, or `default` for TWELVE_BUILD_RETENTION')
    .description('show or set how many builds of the app are kept'))
    .action(async (keep: string | undefined, options: CommonOptions) => {
      const app = requireApp(options);
      const client = createClient();
      let answer: BuildRetentionView;
      if (keep === undefined) {
        answer = await client.request<BuildRetentionView>('GET', appPath(app, '/build-retention'));
      } else {
        const value = keep === 'default' ? null : Number(keep);
        if (value !== null && (!Number.isInteger(value) || value < 1)) {
          throw new CliError('INVALID_ARGUMENT', `${keep} is not a number of builds`, 'Pass a whole number of at least 1, or `default`.');
        }
        answer = await client.request<BuildRetentionView>('PUT', appPath(app, '/build-retention'), { keep: value });
      }
      if (options.json) {
        printJson(answer);
        return;
      }
      print(`${app} keeps its last ${answer.keep} builds${answer.own ? '' : ' (the default, TWELVE_BUILD_RETENTION)'}`);
      if (answer.removed?.length) print(`Removed ${answer.removed.length}: ${answer.removed.join(', ')}`);
    });
}
