/** Detection, as Heroku's buildpacks do it: which files in the codebase say which stack builds it. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TwelveError } from '../errors.js';
import type { Stack } from '../store/builds.js';

/** The first match wins, so an app with both package.json and requirements.txt builds as Node. */
const SIGNS: ReadonlyArray<{ stack: Stack; files: string[]; name: string }> = [
  { stack: 'node', files: ['package.json'], name: 'Node.js' },
  { stack: 'python', files: ['requirements.txt', 'pyproject.toml'], name: 'Python' },
  { stack: 'procfile', files: ['Procfile'], name: 'Procfile' },
];

export function detectStack(appDir: string): Stack {
  const found = SIGNS.find((sign) => sign.files.some((file) => existsSync(join(appDir, file))));
  if (!found) {
    throw new TwelveError('UNKNOWN_STACK', 'no Procfile, package.json, requirements.txt or pyproject.toml in the codebase');
  }
  return found.stack;
}

/** How the build output names the stack: `-----> Node.js app detected`. */
export function stackName(stack: Stack): string {
  return SIGNS.find((sign) => sign.stack === stack)?.name ?? stack;
}
