/** `apps`, `apps:create`, `apps:info`, `apps:destroy`. */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import type { AppInfo, AppView, Destroyed } from '../../api/types.js';
import { CliError } from '../cli-error.js';
import { action, appPath, type CommonOptions, createClient, print, printJson, requireApp, withAppOptions, withJsonOption } from '../context.js';
import { renderAppInfo, renderApps } from '../render.js';

export function registerAppsCommands(program: Command): void {
  withJsonOption(program.command('apps').description('list the apps'))
    .action(async (options: CommonOptions) => {
      const apps = await createClient().request<AppView[]>('GET', '/v1/apps');
      if (options.json) printJson(apps);
      else print(renderApps(apps));
    });

  withJsonOption(program.command('apps:create').alias('create').argument('<name>', 'the new app\'s name').description('create an app'))
    .action(async (name: string, options: CommonOptions) => {
      const app = await action(`Creating ${name}`, options.json,
        () => createClient().request<AppView>('POST', '/v1/apps', { name }));
      if (options.json) printJson(app);
      else print(app.url);
    });

  withAppOptions(program.command('apps:info').alias('info').description('show an app\'s release, build, processes and URL'))
    .action(async (options: CommonOptions) => {
      const info = await createClient().request<AppInfo>('GET', appPath(requireApp(options)));
      if (options.json) printJson(info);
      else print(renderAppInfo(info));
    });

  withAppOptions(program.command('open').argument('[path]', 'a path on the app, e.g. /admin').description('print the app\'s URL and open it in a browser, where the machine has one'))
    .action(async (path: string | undefined, options: CommonOptions) => {
      const info = await createClient().request<AppInfo>('GET', appPath(requireApp(options)));
      const url = new URL(path ?? '/', info.url).toString();
      if (options.json) printJson({ url });
      else print(url);
      // A desktop's opener, when there is one; on a server the printed URL is the answer.
      const opener = spawn('xdg-open', [url], { stdio: 'ignore', detached: true });
      opener.on('error', () => {});
      opener.unref();
    });

  withAppOptions(program.command('apps:destroy').alias('destroy').description('stop an app\'s processes and delete it with its releases'))
    .option('--confirm <app>', 'the app\'s name again, to confirm')
    .action(async (options: CommonOptions & { confirm?: string }) => {
      const app = requireApp(options);
      if (options.confirm !== app) {
        throw new CliError('CONFIRM_MISMATCH', `This destroys ${app}, its releases and its processes, and cannot be undone.`,
          `To proceed, pass --confirm ${app}: \`twelve apps:destroy -a ${app} --confirm ${app}\`.`);
      }
      const answer = await action(`Destroying ${app} (including all releases and processes)`, options.json,
        () => createClient().request<Destroyed>('DELETE', appPath(app, `?confirm=${encodeURIComponent(app)}`)));
      if (options.json) printJson(answer);
    });
}
