/** `releases` and `rollback [vN]`. */
import type { Command } from 'commander';
import type { ReleaseView, RollbackView } from '../../api/types.js';
import { parseReleaseVersion } from '../arguments.js';
import { action, appPath, type CommonOptions, createClient, print, printJson, requireApp, withAppOptions } from '../context.js';
import { renderReleases } from '../render.js';

export function registerReleasesCommands(program: Command): void {
  withAppOptions(program.command('releases').description('list an app\'s releases, newest first'))
    .action(async (options: CommonOptions) => {
      const app = requireApp(options);
      const releases = await createClient().request<ReleaseView[]>('GET', appPath(app, '/releases'));
      if (options.json) printJson(releases);
      else print(renderReleases(app, releases));
    });

  withAppOptions(program.command('rollback')
    .argument('[release]', 'the release to go back to, as v3 or 3 (default: the one before the current)')
    .description('release the code and config of an earlier release again'))
    .action(async (release: string | undefined, options: CommonOptions) => {
      const app = requireApp(options);
      const version = release === undefined ? undefined : parseReleaseVersion(release);
      const answer = await action(`Rolling back ${app}${version ? ` to v${version}` : ''}`, options.json,
        () => createClient().request<RollbackView>('POST', appPath(app, '/rollback'), version ? { version } : {}),
        ({ release: made }) => `done, v${made.version}`);
      if (options.json) printJson(answer);
    });
}
