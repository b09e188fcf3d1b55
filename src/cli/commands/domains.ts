/** `domains`, `domains:add`, `domains:remove`: extra host names that route to an app. */
import type { Command } from 'commander';
import type { DomainView, Removed } from '../../api/types.js';
import { action, appPath, type CommonOptions, createClient, print, printJson, requireApp, withAppOptions } from '../context.js';

export function registerDomainsCommands(program: Command): void {
  withAppOptions(program.command('domains').description('list the host names that route to an app'))
    .action(async (options: CommonOptions) => {
      const app = requireApp(options);
      const domains = await createClient().request<DomainView[]>('GET', appPath(app, '/domains'));
      if (options.json) return printJson(domains);
      print(`=== ${app} Domains\n${app}.localhost (always)${domains.map((domain) => `\n${domain.hostname}`).join('')}`);
    });

  withAppOptions(program.command('domains:add')
    .argument('<hostname>', 'a host name such as www.example.com')
    .description('route a host name to an app'))
    .action(async (hostname: string, options: CommonOptions) => {
      const app = requireApp(options);
      const answer = await action(`Adding ${hostname} to ${app}`, options.json,
        () => createClient().request<DomainView>('POST', appPath(app, '/domains'), { hostname }));
      if (options.json) printJson(answer);
    });

  withAppOptions(program.command('domains:remove')
    .argument('<hostname>', 'the host name to stop routing')
    .description('stop routing a host name to an app'))
    .action(async (hostname: string, options: CommonOptions) => {
      const app = requireApp(options);
      const answer = await action(`Removing ${hostname} from ${app}`, options.json,
        () => createClient().request<Removed>('DELETE', appPath(app, `/domains/${encodeURIComponent(hostname)}`)));
      if (options.json) printJson(answer);
    });
}
