/** XII. Admin processes: one-off tasks shipped in the codebase and run in a release's build and config. */
import type { Finding } from '../report.js';
import { finding, packageScripts, type Check } from './check.js';

/** npm scripts that are part of running the app, not admin tasks. */
const RUN_SCRIPTS = /^(pre|post)?(start|build|test|dev|lint|watch|format|prepare|install|serve)$/;
const REMOTE = /\b(ssh|scp|kubectl exec|docker exec)\b/;

export const adminCheck: Check = {
  factor: 12,
  run(codebase) {
    const found: Finding[] = [];
    const scripts = packageScripts(codebase);
    const tasks = Object.keys(scripts).filter((name) => !RUN_SCRIPTS.test(name));
    for (const name of tasks) {
      if (REMOTE.test(scripts[name]!)) {
        found.push(finding('warn', 'admin-in-release', `npm script ${name} runs its work on another machine (\`${REMOTE.exec(scripts[name]!)![1]}\`)`, { file: 'package.json' },
          `Run it against the release instead: \`twelve run -a APP -- npm run ${name}\`.`));
      }
    }
    if (found.length > 0) return found;
    const python = ['manage.py', 'flask'].filter((file) => codebase.files.includes(file));
    const scriptsDir = codebase.files.filter((file) => /^(bin|scripts)\//.test(file));
    const shipped = [...tasks.map((name) => `npm run ${name}`), ...python, ...scriptsDir.slice(0, 3)];
    if (shipped.length === 0) return [];
    return [finding('pass', 'admin-in-release', `admin tasks ship with the code (${shipped.slice(0, 4).join(', ')}); run them with \`twelve run -a APP -- ...\``)];
  },
};
