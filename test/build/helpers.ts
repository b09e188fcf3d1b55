/** Shared by the build tests: fixture apps as deploy streams, a throwaway data dir, a build that records its output. */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import { type BuildOptions, buildApp } from '../../src/build/build-app.js';
import { type Paths, pathsFor } from '../../src/paths.js';
import type { BuildManifest } from '../../src/store/builds.js';

/** test/fixtures/apps in the source tree (the tests run from dist/test/build). */
export const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/apps/', import.meta.url));

/** The codebase in `dir` as `twelve deploy` sends it: a gzipped tar, entries prefixed with `./`. */
export function sourceOf(dir: string): NodeJS.ReadableStream {
  return tar.c({ gzip: true, cwd: dir, portable: true }, ['.']) as unknown as NodeJS.ReadableStream;
}

export function fixtureSource(name: string): NodeJS.ReadableStream {
  return sourceOf(join(FIXTURES, name));
}

/** A copy of a fixture in a temp dir, to vary it; removed with the data dir's cleanup. */
export function copyFixture(name: string, into: string): string {
  const dir = join(into, `${name}-copy`);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

export interface TempData {
  dir: string;
  paths: Paths;
  cleanup(): void;
}

export function tempData(): TempData {
  const dir = mkdtempSync(join(tmpdir(), 'twelve-build-test-'));
  return { dir, paths: pathsFor(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface BuildRun {
  manifest: BuildManifest;
  lines: string[];
  ms: number;
}

let counter = 0;

/** Builds the source, collecting its output lines; rejects like buildApp, with the lines attached. */
export async function runBuild(paths: Paths, app: string, source: NodeJS.ReadableStream, buildId = `b${++counter}`, extra: Partial<BuildOptions> = {}): Promise<BuildRun> {
  const lines: string[] = [];
  const started = Date.now();
  try {
    const manifest = await buildApp({ app, buildId, source, sourceSha: null, paths, onOutput: (line) => lines.push(line), ...unsandboxed(paths), ...extra });
    return { manifest, lines, ms: Date.now() - started };
  } catch (error) {
    if (error instanceof Error) Object.assign(error, { lines });
    throw error;
  }
}

/** Writes a small app the test describes, file name to content (objects as JSON), into a new dir under `into`. */
export function writeApp(into: string, name: string, files: Record<string, string | object>): string {
  const dir = join(into, name);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

/**
 * What a build needs besides its source, for tests of the build itself: no sandbox (test/e2e/ builds in
 * it), and the machine's pip settings as the operator would declare them (TWELVE_BUILD_ENV).
 */
export function unsandboxed(paths: Paths): Pick<BuildOptions, 'appId' | 'config' | 'operatorEnv' | 'sandbox'> {
  const operatorEnv = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('PIP_') && entry[1] !== undefined));
  return { appId: 1, config: {}, operatorEnv, sandbox: new Sandbox({ mode: 'off', mountPoint: paths.sandboxMount, readOnly: [], scratchMb: 64, dataDir: paths.dataDir }) };
}

export { machineCa, pipMirror } from '../machine-settings.js';
