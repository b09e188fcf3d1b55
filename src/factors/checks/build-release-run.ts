/** V. Build, release, run: the build compiles, the release phase migrates, the web process only runs. */
import type { Finding } from '../report.js';
import { firstString } from '../facts.js';
import { calls, finding, webCommands, type Check } from './check.js';

const BUILDS = /\b(tsc|webpack|vite build|next build|nuxt build|ng build|babel|esbuild|rollup|parcel build|npm (ci|install|i)|yarn( install)?$|yarn (install|build)|pnpm (install|build)|npm run build|pip install|poetry install|gulp|grunt|make|collectstatic)\b/;
const MIGRATES = /\b(migrate|db:migrate|alembic upgrade|prisma db push|flask db upgrade|migration:run|db-migrate up|knex migrate|sequelize db:migrate)\b/;
const DOWNLOADS = /\b(curl|wget|git (clone|pull))\b/;

export const buildReleaseRunCheck: Check = {
  factor: 5,
  run(codebase) {
    const found: Finding[] = [];
    const commands = webCommands(codebase);
    for (const { command, file, line } of commands) {
      const where = { file, ...(line ? { line } : {}) };
      const build = BUILDS.exec(command)?.[0];
      if (build) {
        found.push(finding('fail', 'build-at-start', `the web process builds when it starts (\`${build}\` in \`${command}\`)`, where,
          'Build in the build step (package.json\'s "build" script, which twelve runs once per deploy) and start the built code.'));
      }
      const migration = MIGRATES.exec(command)?.[0];
      if (migration) {
        found.push(finding('fail', 'migrations-in-web', `the web process runs migrations (\`${migration}\`): every process and restart migrates`, where,
          'Move it to a `release:` line of the Procfile: it runs once per release, before any process starts.'));
      }
      const download = DOWNLOADS.exec(command)?.[0];
      if (download) {
        found.push(finding('warn', 'downloads-at-boot', `the web process downloads when it starts (\`${download}\`)`, where,
          'Fetch what it needs in the build, so that every process of a release runs the same bytes.'));
      }
    }
    for (const { file, call } of calls(codebase)) {
      const url = call.atLoad ? firstString(call) : undefined;
      if (!url || !/^(https?|ftp):\/\//.test(url)) continue;
      found.push(finding('warn', 'downloads-at-boot', `downloads ${url} when the module loads (${call.callee}): every process start fetches it again`,
        { file, line: call.line }, 'Fetch it in the build (a package.json "build" script), so that every process of a release runs the same bytes.'));
    }
    if (found.length === 0 && commands.length > 0) {
      const release = codebase.procfile?.find((entry) => entry.type === 'release');
      found.push(finding('pass', 'build-at-start', `web runs \`${commands[0]!.command}\` with no build step${release ? `; the release phase runs \`${release.command}\`` : ''}`,
        { file: commands[0]!.file, ...(commands[0]!.line ? { line: commands[0]!.line } : {}) }));
    }
    return found;
  },
};
