/** `deploy [DIR]`: send the codebase, show the build as it happens, end with the release and its URL. */
import type { Command } from 'commander';
import type { DeployEvent } from '../../api/types.js';
import { CliError } from '../cli-error.js';
import { appPath, type CommonOptions, createClient, print, requireApp, warn, withAppOptions } from '../context.js';
import { renderDeployEvent } from '../render.js';

export function registerDeployCommand(program: Command): void {
  withAppOptions(program.command('deploy')
    .argument('[dir]', 'the app\'s directory: its last commit when in git, else its files', '.')
    .description('build the code in DIR, release it and start its processes'))
    .action(async (dir: string, options: CommonOptions) => {
      const app = requireApp(options);
      // tar and zlib load only here, so that every other command starts fast.
      const { packSource } = await import('../source-archive.js');
      const archive = await packSource(dir);
      for (const warning of archive.warnings) warn(warning);
      const headers: Record<string, string> = { 'content-type': 'application/gzip' };
      if (archive.sha) headers['x-twelve-source-sha'] = archive.sha;
      const events = await createClient().stream('POST', appPath(app, '/deploys'), { body: archive.stream, headers });

      for await (const value of events) {
        const event = value as DeployEvent;
        if (options.json) process.stdout.write(`${JSON.stringify(event)}\n`);
        if (event.type === 'error') {
          const { code, message, hint, details } = event.error;
          throw new CliError(code, message, hint, { details });
        }
        const text = renderDeployEvent(event);
        if (!options.json && text !== undefined) print(text);
        if (event.type === 'done') return;
      }
      throw new CliError('DEPLOY_INTERRUPTED', 'the deploy stream ended before the deploy finished',
        `Run \`twelve releases -a ${app}\` to see whether it was released, and \`twelve logs -a ${app}\` for what happened.`);
    });
}
