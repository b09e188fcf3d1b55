/** `addons`, `addons:create`, `addons:info`, `addons:attach`, `addons:detach`, `addons:destroy`: backing services by URL. */
import type { Command } from 'commander';
import type { AddonAttachView, AddonDetachView, AddonView, Destroyed, ReleaseView } from '../../api/types.js';
import { CliError } from '../cli-error.js';
import { action, appPath, type CommonOptions, createClient, print, printJson, requireApp, withAppOptions, withJsonOption } from '../context.js';
import { alignColumns, formatKeyValues } from '../format.js';

function renderAddons(addons: AddonView[]): string {
  if (addons.length === 0) return 'No addons.';
  return alignColumns([
    ['Addon', 'Kind', 'Version', 'Owner', 'Attached as'],
    ...addons.map((a) => [a.name, a.provider === 'external' ? `${a.kind} (external)` : a.kind, a.version ?? '-', a.owner ?? '-',
      a.attachments.map((t) => `${t.app}::${t.configVar}`).join(', ') || '-']),
  ]);
}

const released = ({ release }: { release: ReleaseView | null }) => (release ? `done, v${release.version}` : 'done');

export function registerAddonsCommands(program: Command): void {
  program.command('addons')
    .description('list addons (all, or those attached to -a APP)')
    .option('-a, --app <app>', 'only the addons attached to this app')
    .option('--json', 'print the API\'s JSON answer and nothing else')
    .action(async (options: CommonOptions) => {
      const addons = await createClient().request<AddonView[]>('GET', options.app ? appPath(options.app, '/addons') : '/v1/addons');
      if (options.json) printJson(addons);
      else print(renderAddons(addons));
    });

  withAppOptions(program.command('addons:create').argument('<kind>', 'postgres or redis')
    .description('provision a PostgreSQL database on twelve\'s server, or a Redis server of its own, and attach it')
    .option('--as <NAME>', 'attachment name: the app sees NAME_URL (default DATABASE or REDIS)')
    .option('--name <addon>', 'the addon\'s name (default KIND-xxxxxx)'))
    .action(async (kind: string, options: CommonOptions & { as?: string; name?: string }) => {
      const app = requireApp(options);
      const answer = await action(`Creating ${kind} on ${app}`, options.json,
        () => createClient().request<AddonAttachView>('POST', appPath(app, '/addons'), { kind, as: options.as, name: options.name }), released);
      if (options.json) printJson(answer);
      else print(`Created ${answer.addon.name} as ${answer.configVar}`);
    });

  withJsonOption(program.command('addons:info').argument('<addon>').description('an addon\'s kind, server version and attachments'))
    .action(async (name: string, options: { json?: boolean }) => {
      const addon = await createClient().request<AddonView>('GET', `/v1/addons/${encodeURIComponent(name)}`);
      if (options.json) return printJson(addon);
      print(`=== ${addon.name}\n${formatKeyValues([
        ['Kind', addon.kind], ['Provider', addon.provider], ['Version', addon.version ?? '-'], ['Owner', addon.owner ?? '-'],
        ['Attachments', addon.attachments.map((t) => `${t.app}::${t.configVar}`).join(', ') || '-'], ['Created', addon.createdAt],
      ])}`);
    });

  withAppOptions(program.command('addons:attach').argument('<addon>', 'an existing addon, or a name for the external URL')
    .argument('[url]', 'an external service\'s URL (postgres://..., redis://...)')
    .description('attach an existing addon, or an external service by its URL, to an app (a new release)')
    .option('--as <NAME>', 'attachment name: the app sees NAME_URL')
    .option('--replace', 'swap out whatever the app has as NAME_URL now, in the same release'))
    .action(async (name: string, url: string | undefined, options: CommonOptions & { as?: string; replace?: boolean }) => {
      const app = requireApp(options);
      const answer = await action(`Attaching ${name} to ${app}`, options.json,
        () => createClient().request<AddonAttachView>('POST', appPath(app, '/addon-attachments'), { name, url, as: options.as, replace: options.replace }), released);
      if (options.json) printJson(answer);
      else print(`Attached ${answer.addon.name} as ${answer.configVar}`);
    });

  withAppOptions(program.command('addons:detach').argument('<NAME>', 'the attachment name (DATABASE for DATABASE_URL)')
    .description('remove NAME_URL from an app (a new release); the addon itself stays'))
    .action(async (as: string, options: CommonOptions) => {
      const app = requireApp(options);
      const attachment = as.replace(/_URL$/, '');
      const answer = await action(`Detaching ${attachment}_URL from ${app}`, options.json,
        () => createClient().request<AddonDetachView>('DELETE', appPath(app, `/addon-attachments/${encodeURIComponent(attachment)}`)), released);
      if (options.json) printJson(answer);
    });

  withJsonOption(program.command('addons:destroy').argument('<addon>')
    .description('detach an addon from every app and delete its data').option('--confirm <addon>', 'the addon\'s name, to confirm'))
    .action(async (name: string, options: { json?: boolean; confirm?: string }) => {
      if (options.confirm !== name) throw new CliError('CONFIRM_MISMATCH', `This deletes ${name} and all its data`, `Run again with --confirm ${name}.`);
      const answer = await action(`Destroying ${name}`, options.json,
        () => createClient().request<Destroyed>('DELETE', `/v1/addons/${encodeURIComponent(name)}`, { confirm: options.confirm }));
      if (options.json) printJson(answer);
    });
}
