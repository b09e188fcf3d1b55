/** Where a build's files are: under the app that built it, for every app that runs it (promotion shares builds). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Paths } from '../paths.js';
import type { BuildManifest } from '../store/builds.js';

/** A promoted build runs from the directory it was built in: virtualenvs and some packages hold absolute paths. */
export function buildDirOf(paths: Paths, manifest: Pick<BuildManifest, 'app' | 'buildId'>): string {
  return paths.build(manifest.app, manifest.buildId);
}

/**
 * What a build's processes must read outside /app: a runtime kept beside the app (builds made before
 * runtimes moved into app/.heroku) and the interpreter a Python virtualenv was made from.
 */
export function runtimeDirs(buildDir: string, appDir: string): string[] {
  const dirs: string[] = [];
  if (existsSync(join(buildDir, 'runtime'))) dirs.push(join(buildDir, 'runtime'));
  const interpreter = venvInterpreterPrefix(join(appDir, '.venv', 'pyvenv.cfg'));
  if (interpreter) dirs.push(interpreter);
  return dirs;
}

/** pyvenv.cfg's `home` is the interpreter's bin directory; its parent is the prefix with the standard library. */
function venvInterpreterPrefix(file: string): string | null {
  if (!existsSync(file)) return null;
  const home = /^home\s*=\s*(.+)$/m.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
  if (!home || home.startsWith('/usr/') || home === '/usr') return null; // the system's, seen through /usr already
  return dirname(home);
}
