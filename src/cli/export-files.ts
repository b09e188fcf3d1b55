/**
 * Where an export lands on the CLI's side: an archive written to a file as it arrives, or unpacked into
 * a directory (an OCI image layout), each first under a temporary name so a failed export leaves nothing
 * half-written at the destination; and the sha256 of every file written, for `--json`.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError } from './cli-error.js';

export interface WrittenFile { path: string; size: number; sha256: string }

export async function assertFreeDestination(path: string, kind: 'file' | 'directory'): Promise<void> {
  if (!existsSync(path)) return;
  if (kind === 'directory' && (await stat(path)).isDirectory() && (await readdir(path)).length === 0) return;
  throw new CliError('INVALID_ARGUMENT', `${path} already exists`, 'Export to a new path, or remove the old export first.');
}

function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.partial-${process.pid}`);
}

export async function writeArchiveFile(body: Readable, path: string): Promise<void> {
  const temp = temporaryName(path);
  try {
    await pipeline(body, createWriteStream(temp, { mode: 0o644 }));
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Unpacks a tar stream into `path` (which must be absent or empty). */
export async function extractArchive(body: Readable, path: string): Promise<void> {
  const { x } = await import('tar');
  const temp = temporaryName(path);
  await mkdir(temp, { recursive: true });
  try {
    await pipeline(body, x({ cwd: temp, strict: true, noMtime: false }));
    await rm(path, { recursive: true, force: true });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every regular file under `root` (or `root` itself), with size and sha256, in path order. */
export async function listWritten(root: string): Promise<WrittenFile[]> {
  const info = await stat(root);
  if (info.isFile()) return [{ path: root, size: info.size, sha256: await sha256File(root) }];
  const files: WrittenFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) files.push({ path: full, size: (await stat(full)).size, sha256: await sha256File(full) });
    }
  };
  await walk(root);
  return files;
}

/** Writes the files of an export (manifests, units) into `dir`, which must be absent or empty. */
export async function writeExportedFiles(dir: string, files: Array<{ name: string; content: string; mode: number }>): Promise<void> {
  const { chmod, writeFile } = await import('node:fs/promises');
  const temp = temporaryName(dir);
  await mkdir(temp, { recursive: true });
  try {
    for (const file of files) {
      if (file.name.includes('/') || file.name.startsWith('.')) throw new CliError('BAD_RESPONSE', `the API named a file ${file.name}`);
      await writeFile(join(temp, file.name), file.content, { mode: file.mode });
      await chmod(join(temp, file.name), file.mode);
    }
    await rm(dir, { recursive: true, force: true });
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}
