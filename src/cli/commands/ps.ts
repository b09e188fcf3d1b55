/** `ps`, `ps:scale`, `ps:restart`: the app's processes and how many of each type run. */
import type { Command } from 'commander';
import type { AppInfo, Formation, FormationChange, ProcessView, Restarted, SizesChange } from '../../api/types.js';
import { applyScaleChanges, parseScaleArgs } from '../arguments.js';
import { action, appPath, type CommonOptions, createClient, print, printJson, requireApp, withAppOptions } from '../context.js';
import { renderFormation, renderProcesses } from '../render.js';
import { CliError } from '../cli-error.js';

export function registerPsCommands(program: Command): void {
  withAppOptions(program.command('ps').description('list an app\'s processes'))
    .action(async (options: CommonOptions) => {
      const app = requireApp(options);
      const client = createClient();
      const processes = await client.request<ProcessView[]>('GET', appPath(app, '/ps'));
      if (options.json) printJson(processes);
      else if (processes.length === 0 && (await client.request<AppInfo>('GET', appPath(app))).release === null) {
        print(`${app} has not been deployed yet, so nothing runs: deploy it with \`twelve deploy DIR -a ${app}\`.`);
      } else print(renderProcesses(app, processes));
    });

  withAppOptions(program.command('ps:scale').alias('scale')
    .argument('<TYPE=N...>', 'how many processes of each type, e.g. web=2 worker=1 (or web+1, web-1)')
    .description('run more or fewer processes of a type'))
    .action(async (args: string[], options: CommonOptions) => {
      const app = requireApp(options);
      const changes = parseScaleArgs(args);
      const client = createClient();
      const current = changes.some((change) => change.kind === 'add')
        ? await client.request<Formation>('GET', appPath(app, '/formation'))
        : {};
      const body = applyScaleChanges(changes, current);
      const answer = await action('Scaling dynos', options.json,
        () => client.request<FormationChange>('PATCH', appPath(app, '/formation'), body),
        ({ formation }) => `done, now running ${renderFormation(formation, ' at ')}`);
      if (options.json) printJson(answer);
    });

  withAppOptions(program.command('ps:stop')
    .argument('<TYPE...>', 'the process types to stop, e.g. worker')
    .description('stop every process of a type (its formation goes to 0; `ps:scale` starts them again)'))
    .action(async (types: string[], options: CommonOptions) => {
      const app = requireApp(options);
      const answer = await action(`Stopping ${types.join(', ')} processes on ${app}`, options.json,
        () => createClient().request<FormationChange>('PATCH', appPath(app, '/formation'), Object.fromEntries(types.map((type) => [type.replace(/\.\d+$/, ''), 0]))),
        ({ formation }) => `done, now running ${renderFormation(formation, ' at ')}`);
      if (options.json) printJson(answer);
    });

  withAppOptions(program.command('ps:resize')
    .argument('[TYPE=SIZE...]', 'the size of each type, e.g. web=2x (1x, 2x, performance-m, performance-l; standard-1x, standard-2x too)')
    .description('set the size of an app\'s processes (memory, tasks, WEB_CONCURRENCY), or show them'))
    .action(async (args: string[], options: CommonOptions) => {
      const app = requireApp(options);
      const client = createClient();
      const body = Object.fromEntries(args.map((arg) => {
        const [type, size] = arg.split('=');
        if (!type || !size) throw new CliError('INVALID_SIZE', `"${arg}" is not TYPE=SIZE, e.g. web=2x`);
        return [type, size];
      }));
      const sizes = args.length === 0
        ? await client.request<Record<string, string>>('GET', appPath(app, '/sizes'))
        : (await action('Resizing and restarting the processes', options.json,
          () => client.request<SizesChange>('PATCH', appPath(app, '/sizes'), body))).sizes;
      if (options.json) printJson(sizes);
      else print(Object.entries(sizes).map(([type, size]) => `${type}: ${size}`).join('\n'));
    });

  withAppOptions(program.command('ps:restart').alias('restart')
    .argument('[type]', 'the process type to restart (default: all)')
    .description('restart an app\'s processes'))
    .action(async (type: string | undefined, options: CommonOptions) => {
      const app = requireApp(options);
      const answer = await action(`Restarting ${type ?? 'all'} processes on ${app}`, options.json,
        () => createClient().request<Restarted>('POST', appPath(app, '/ps/restart'), type ? { type } : {}));
      if (options.json) printJson(answer);
    });
}
