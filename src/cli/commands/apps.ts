/** `apps`, `apps:create`, `apps:info`, `apps:rename`, `apps:destroy`. */
import { spawn, spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import type { AppInfo, AppView, Destroyed } from '../../api/types.js';
import { CliError } from '../cli-error.js';
import { action, appPath, type CommonOptions, createClient, print, printJson, requireApp, withAppOptions, withJsonOption } from '../context.js';
import { renamedRemotes } from '../git-config.js';
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

  withAppOptions(program.command('apps:rename').argument('<newname>', 'the app\'s new name').description('rename an app: a new URL, and its processes restart under the new name'))
    .action(async (newName: string, options: CommonOptions) => {
      const app = requireApp(options);
      const renamed = await action(`Renaming ${app} to ${newName}`, options.json,
        () => createClient().request<AppView>('PATCH', appPath(app), { name: newName }));
      // As Heroku's CLI does: the repository here follows, when one of its remotes is the app's.
      const config = spawnSync('git', ['config', '--get-regexp', '^remote\\..*\\.url$'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const remotes = config.status === 0 ? renamedRemotes(config.stdout, app, newName) : [];
      for (const { remote, url } of remotes) spawnSync('git', ['remote', 'set-url', remote, url], { stdio: 'ignore' });
      if (options.json) return printJson(renamed);
      print(renamed.url);
      for (const { remote, url } of remotes) print(`git remote ${remote} now points at ${url}`);
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
