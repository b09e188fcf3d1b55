/** Where a build's files are: under the app that built it, for every app that runs it (promotion shares builds). */
import type { Paths } from '../paths.js';
import type { BuildManifest } from '../store/builds.js';

/** A promoted build runs from the directory it was built in: virtualenvs and some packages hold absolute paths. */
export function buildDirOf(paths: Paths, manifest: Pick<BuildManifest, 'app' | 'buildId'>): string {
  return paths.build(manifest.app, manifest.buildId);
}
