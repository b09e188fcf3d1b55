/** `serve`: run the platform itself in the foreground (API, router, supervisor). */
import type { Command } from 'commander';
import { missingServeNodeFlags } from '../../serve-node-flags.js';

export function registerServeCommand(program: Command): void {
  program.command('serve')
    .description('run twelve in the foreground: the API, the router and the apps\' processes')
    .action(async () => {
      if (missingServeNodeFlags().length > 0) {
        const { relaunchWithServeFlags } = await import('../serve-relaunch.js');
        await relaunchWithServeFlags();
      }
      // Loaded only here: the platform (fastify, SQLite) is far too heavy for the other commands.
      const { main } = await import('../../main.js');
      await main();
    });
}
