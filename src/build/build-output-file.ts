/**
 * A build's output kept on disk after the deploy that streamed it, for `twelve builds:output` (Heroku's
 * verb). One file per build beside the app's builds, capped, and only the newest few per app kept: the
 * output of a build that failed is the one a user comes back for, and such a build has no build dir.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paths } from '../paths.js';

/** Past this a build's output is cut: a runaway install log must not fill the disk. */
export const MAX_OUTPUT_BYTES = 2 * 1024 * 1024;
/** Outputs kept per app, newest by build id (ids sort by time). */
export const KEPT_OUTPUTS = 50;

export interface BuildOutputFile {
  line(text: string): void;
  close(): Promise<void>;
}

function outputDir(paths: Paths, app: string): string {
  return join(paths.appDir(app), 'build-output');
}

function outputPath(paths: Paths, app: string, buildId: string): string {
  return join(outputDir(paths, app), `${buildId}.log`);
}

/** Starts the file of `buildId`'s output, and removes the app's oldest beyond KEPT_OUTPUTS. */
export async function openBuildOutputFile(paths: Paths, app: string, buildId: string, onError: (error: Error) => void): Promise<BuildOutputFile> {
  const dir = outputDir(paths, app);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const old = (await readdir(dir)).filter((name) => name.endsWith('.log')).sort().slice(0, -(KEPT_OUTPUTS - 1) || undefined);
  await Promise.all(old.map((name) => rm(join(dir, name), { force: true })));
  const stream: WriteStream = createWriteStream(outputPath(paths, app, buildId), { mode: 0o600 });
  // A full disk must not fail the build: the output still streams to the user; what was lost is logged.
  stream.on('error', onError);
  let written = 0;
  let cut = false;
  return {
    line(text) {
      if (cut) return;
      const bytes = Buffer.byteLength(text) + 1;
      if (written + bytes > MAX_OUTPUT_BYTES) {
        cut = true;
        stream.write(`[twelve: the rest of this build's output was not kept: past ${MAX_OUTPUT_BYTES / 1024 / 1024} MB]\n`);
        return;
      }
      written += bytes;
      stream.write(`${text}\n`);
    },
    close: () => new Promise((done) => stream.end(done)),
  };
}

/** The kept output of `buildId`, or undefined when none is (a build older than the kept ones, or one from before outputs were kept). */
export async function readBuildOutput(paths: Paths, app: string, buildId: string): Promise<string | undefined> {
  try {
    return await readFile(outputPath(paths, app, buildId), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
