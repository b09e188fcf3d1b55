/** `drains`, `drains:add URL`, `drains:remove URL|TOKEN|ID`: where an app's log stream is sent (docs/drains.md). */
import type { Command } from 'commander';
import type { DrainView } from '../../api/types.js';
import { action, appPath, type CommonOptions, createClient, print, printJson, requireApp, withAppOptions } from '../context.js';
import { formatDrains } from '../log-drains.js';

export function registerDrainsCommands(program: Command): void {
  withAppOptions(program.command('drains').description('list the app\'s log drains: state, lag, messages sent and dropped'))
    .action(async (options: CommonOptions) => {
      const app = requireApp(options);
      const drains = await createClient().request<DrainView[]>('GET', appPath(app, '/drains'));
      if (options.json) return printJson(drains);
      print(drains.length === 0 ? `${app} has no drains` : formatDrains(drains));
    });

  withAppOptions(program.command('drains:add').argument('<url>', 'syslog+tcp://HOST:PORT, syslog+tls://HOST:PORT or http(s)://...')
    .description('send the app\'s log stream to a syslog or HTTPS receiver'))
    .action(async (url: string, options: CommonOptions) => {
      const app = requireApp(options);
      const drain = await action(`Adding drain to ${app}`, options.json,
        () => createClient().request<DrainView>('POST', appPath(app, '/drains'), { url }));
      if (options.json) return printJson(drain);
      print(`${drain.url} (token ${drain.token})`);
    });

  withAppOptions(program.command('drains:remove').argument('<url>', 'the drain\'s URL (as added, or as `twelve drains` shows it), its token or its id')
    .description('stop sending the app\'s log stream to a drain'))
    .action(async (url: string, options: CommonOptions) => {
      const app = requireApp(options);
      const drain = await action(`Removing drain from ${app}`, options.json,
        () => createClient().request<DrainView>('DELETE', appPath(app, `/drains?url=${encodeURIComponent(url)}`)));
      if (options.json) printJson(drain);
    });
}
