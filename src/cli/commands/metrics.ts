/** `twelve metrics -a APP`: each process's figures now and the last hour (or day) as sparklines; --watch refreshes like top. */
import type { Command } from 'commander';
import type { MetricsView } from '../../api/types.js';
import { appPath, type CommonOptions, createClient, print, printJson, requireApp, withAppOptions } from '../context.js';
import { renderMetrics } from '../metrics-render.js';

interface MetricsOptions extends CommonOptions { watch?: boolean; day?: boolean }

/** How often --watch asks again: the sampler's interval. */
const WATCH_MS = 5_000;

export function registerMetricsCommand(program: Command): void {
  withAppOptions(program.command('metrics').description('the app\'s processes (memory, CPU, load) and router (requests, 5xx, p99): now and the last hour')
    .option('--day', 'the last day in 1-minute steps instead of the last hour in 10 s steps')
    .option('--watch', 'refresh every 5 s in place, like top (Ctrl-C stops)'))
    .action(async (options: MetricsOptions) => {
      const app = requireApp(options);
      const client = createClient();
      const path = appPath(app, `/metrics?range=${options.day ? 'day' : 'hour'}`);
      for (;;) {
        const view = await client.request<MetricsView>('GET', path);
        if (options.json) printJson(view);
        else if (options.watch) process.stdout.write(`\x1b[H\x1b[2J${renderMetrics(view)}\n`);
        else print(renderMetrics(view));
        if (!options.watch) return;
        await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
      }
    });
}
