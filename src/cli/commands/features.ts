/** `features`, `features:enable`, `features:disable`: per-app switches such as force-https (docs/https.md). */
import type { Command } from 'commander';
import type { FeatureView } from '../api-types.js';
import { action, appPath, type CommonOptions, createClient, print, printJson, requireApp, withAppOptions } from '../context.js';

export function registerFeaturesCommands(program: Command): void {
  withAppOptions(program.command('features').description('list the app\'s features and which are on'))
    .action(async (options: CommonOptions) => {
      const app = requireApp(options);
      const features = await createClient().request<FeatureView[]>('GET', appPath(app, '/features'));
      if (options.json) return printJson(features);
      print(`=== ${app} Features\n${features.map((feature) => `[${feature.enabled ? '+' : ' '}] ${feature.name.padEnd(12)} ${feature.description}`).join('\n')}`);
    });

  for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
    withAppOptions(program.command(`features:${verb}`).argument('<feature>', 'force-https or hsts').description(`${verb} a feature of the app`))
      .action(async (feature: string, options: CommonOptions) => {
        const app = requireApp(options);
        const answer = await action(`${enabled ? 'Enabling' : 'Disabling'} ${feature} for ${app}`, options.json,
          () => createClient().request<FeatureView>('PUT', appPath(app, `/features/${encodeURIComponent(feature)}`), { enabled }));
        if (options.json) printJson(answer);
      });
  }
}
