/** `features`, `features:enable NAME`, `features:disable NAME`: per-app features such as runtime-metrics (docs/telemetry.md). */
import type { Command } from 'commander';
import type { FeatureView } from '../../api/types.js';
import { action, appPath, type CommonOptions, createClient, print, printJson, requireApp, withAppOptions } from '../context.js';
import { alignColumns } from '../format.js';

function switchFeature(name: string, options: CommonOptions, enabled: boolean): Promise<void> {
  const app = requireApp(options);
  return action(`${enabled ? 'Enabling' : 'Disabling'} ${name} for ${app}`, options.json,
    () => createClient().request<FeatureView>('PATCH', appPath(app, `/features/${encodeURIComponent(name)}`), { enabled }))
    .then((feature) => { if (options.json) printJson(feature); });
}

export function registerFeaturesCommands(program: Command): void {
  withAppOptions(program.command('features').description('list the features an app can turn on, and which are on'))
    .action(async (options: CommonOptions) => {
      const app = requireApp(options);
      const features = await createClient().request<FeatureView[]>('GET', appPath(app, '/features'));
      if (options.json) return printJson(features);
      print(alignColumns(features.map((feature) => [feature.enabled ? '[+]' : '[ ]', feature.name, feature.description])));
    });

  withAppOptions(program.command('features:enable').argument('<name>', 'the feature, e.g. runtime-metrics').description('turn a feature on for the app'))
    .action((name: string, options: CommonOptions) => switchFeature(name, options, true));

  withAppOptions(program.command('features:disable').argument('<name>', 'the feature, e.g. runtime-metrics').description('turn a feature off for the app'))
    .action((name: string, options: CommonOptions) => switchFeature(name, options, false));
}
