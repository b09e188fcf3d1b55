/** `serve`: run the platform itself in the foreground (API, router, supervisor). */
import type { Command } from 'commander';

export function registerServeCommand(program: Command): void {
  program.command('serve')
    .description('run twelve in the foreground: the API, the router and the apps\' processes')
    .action(async () => {
      // Loaded only here: the platform (fastify, SQLite) is far too heavy for the other commands.
      const { main } = await import('../../main.js');
      await main();
    });
}
