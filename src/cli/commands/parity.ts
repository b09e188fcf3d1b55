/** `twelve parity APP_A APP_B`: two apps side by side; exits 1 when they differ in anything but values and scale. */
import type { Command } from 'commander';
import { renderParity, type Parity } from '../../config/parity.js';
import { createClient, print, printJson, withJsonOption } from '../context.js';

export function registerParityCommand(program: Command): void {
  withJsonOption(program.command('parity').argument('<app-a>').argument('<app-b>')
    .description('compare two apps (stack, runtimes, process types, addons, config keys, commits); exit 1 when they differ'))
    .action(async (a: string, b: string, options: { json?: boolean }) => {
      const parity = await createClient().request<Parity>('GET', `/v1/parity?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
      if (options.json) printJson(parity);
      else print(renderParity(parity));
      // A gate for promotions: `twelve parity shop-staging shop && twelve pipelines:promote ...`.
      if (parity.differences.length > 0) process.exitCode = 1;
    });
}
