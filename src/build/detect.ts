/**
 * Which stacks build the app, as Heroku decides it: app.json's `buildpacks`, in their order, or else
 * every stack whose files the codebase has (Node.js before Python, Heroku's detection order). A
 * manifest of a stack twelve cannot build is named, never silently left out.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TwelveError } from '../errors.js';
import type { Stack } from '../store/builds.js';

const SIGNS: ReadonlyArray<{ stack: Stack; files: string[]; name: string; buildpack: RegExp }> = [
  { stack: 'node', files: ['package.json'], name: 'Node.js', buildpack: /^(heroku\/nodejs|.*heroku-buildpack-nodejs(\.git)?)([#@].*)?$/ },
  {
    stack: 'python', files: ['requirements.txt', 'pyproject.toml', 'Pipfile', 'Pipfile.lock', 'poetry.lock', 'uv.lock', 'setup.py'],
    name: 'Python', buildpack: /^(heroku\/python|.*heroku-buildpack-python(\.git)?)([#@].*)?$/,
  },
];

/** Other platforms' manifests: named in the build output, since twelve does not build them. */
const UNSUPPORTED: ReadonlyArray<[file: string, language: string]> = [
  ['Gemfile', 'Ruby'], ['go.mod', 'Go'], ['composer.json', 'PHP'], ['pom.xml', 'Java'], ['build.gradle', 'Java'],
  ['build.gradle.kts', 'Java'], ['Cargo.toml', 'Rust'], ['mix.exs', 'Elixir'], ['project.clj', 'Clojure'], ['build.sbt', 'Scala'],
  ['deno.json', 'Deno'], ['Dockerfile', 'Docker'],
];

export interface Detection {
  /** What builds, in order; `procfile` alone when only a Procfile says how to run the app. */
  stacks: Stack[];
  /** Lines for the build output: what was found and what twelve does about it. */
  notes: string[];
}

export function stackName(stack: Stack): string {
  return SIGNS.find((sign) => sign.stack === stack)?.name ?? 'Procfile';
}

export function detectStacks(appDir: string, buildpacks?: unknown): Detection {
  const has = (file: string): boolean => existsSync(join(appDir, file));
  const notes: string[] = [];
  const unsupported = UNSUPPORTED.filter(([file]) => has(file));
  for (const [file, language] of unsupported) notes.push(`${file} found: twelve does not build ${language}; it is left as it is`);
  let stacks: Stack[];
  if (buildpacks !== undefined) {
    stacks = fromBuildpacks(buildpacks, notes);
    for (const stack of stacks) {
      const sign = SIGNS.find((s) => s.stack === stack)!;
      if (!sign.files.some(has)) {
        throw new TwelveError('UNKNOWN_STACK', `app.json lists the ${sign.name} buildpack, and the codebase has none of ${sign.files.join(', ')}`);
      }
    }
  } else {
    stacks = SIGNS.filter((sign) => sign.files.some(has)).map((sign) => sign.stack);
    if (stacks.length > 1) notes.push(`${stacks.map(stackName).join(' and ')} both build, in this order (app.json "buildpacks" sets another)`);
  }
  if (stacks.length > 0) return { stacks, notes };
  if (has('Procfile')) return { stacks: ['procfile'], notes };
  const found = unsupported.length > 0 ? `: ${unsupported.map(([file, language]) => `${file} is ${language}`).join(', ')}, which twelve does not build` : '';
  throw new TwelveError('UNKNOWN_STACK', `no Procfile, package.json, requirements.txt, pyproject.toml, Pipfile.lock, poetry.lock or uv.lock in the codebase${found}`);
}

/** app.json `buildpacks`: `[{ "url": "heroku/nodejs" }, ...]`; those twelve does not run are named. */
function fromBuildpacks(buildpacks: unknown, notes: string[]): Stack[] {
  if (!Array.isArray(buildpacks)) throw new TwelveError('INVALID_APP_JSON', 'app.json buildpacks must be a list such as [{"url": "heroku/nodejs"}]');
  const stacks: Stack[] = [];
  for (const entry of buildpacks) {
    const url = typeof entry === 'string' ? entry : (entry as { url?: unknown } | null)?.url;
    if (typeof url !== 'string') throw new TwelveError('INVALID_APP_JSON', 'each app.json buildpack is an object with a "url" such as "heroku/nodejs"');
    const sign = SIGNS.find((s) => s.buildpack.test(url.trim()));
    if (!sign) notes.push(`app.json buildpack ${url}: twelve builds only heroku/nodejs and heroku/python; this one does not run`);
    else if (!stacks.includes(sign.stack)) stacks.push(sign.stack);
  }
  if (stacks.length > 0) notes.push(`app.json buildpacks: ${stacks.map(stackName).join(', then ')}`);
  return stacks;
}
