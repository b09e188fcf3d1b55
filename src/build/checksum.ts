/** A build's identity: sha256 over its app tree (paths, modes, contents, link targets) and runtime versions. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Runtimes twelve puts into the app tree (node-runtime.ts, npm-runtime.ts, package-manager-shim.ts): counted by version, as above. */
const RUNTIME_TREES = new Set(['.heroku/node', '.heroku/npm', '.heroku/yarn', '.heroku/pnpm']);

/** Files hashed at once: enough to overlap reads of a virtualenv's thousands of small files. */
const PARALLEL_READS = 8;

/**
 * Walks `appDir` in sorted order. Runtimes are identified by version rather than hashed: they are
 * tens of megabytes and the same for every build that names the same version.
 */
export async function checksumBuild(appDir: string, runtimes: Record<string, string>): Promise<string> {
  const lines: string[] = [];
  const files: Array<{ index: number; full: string; prefix: string; size: number }> = [];
  await listTree(appDir, '', lines, files);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++]!;
      lines[file.index] = `${file.prefix} ${await hashFile(file.full, file.size)}\n`;
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_READS }, worker));

  const hash = createHash('sha256');
  for (const name of Object.keys(runtimes).sort()) hash.update(`runtime ${name} ${runtimes[name]}\n`);
  for (const line of lines) hash.update(line);
  return hash.digest('hex');
}

/** One line per entry, in sorted order; a file's line is completed once its content is hashed. */
async function listTree(dir: string, prefix: string, lines: string[], files: Array<{ index: number; full: string; prefix: string; size: number }>): Promise<void> {
  const names = (await readdir(dir)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const allStats = await Promise.all(names.map((name) => lstat(join(dir, name))));
  for (const [i, name] of names.entries()) {
    const full = join(dir, name);
    const path = prefix + name;
    if (RUNTIME_TREES.has(path)) continue;
    const stats = allStats[i]!;
    const mode = (stats.mode & 0o7777).toString(8);
    if (stats.isSymbolicLink()) {
      lines.push(`link ${path} -> ${await readlink(full)}\n`);
    } else if (stats.isDirectory()) {
      lines.push(`dir ${path} ${mode}\n`);
      await listTree(full, `${path}/`, lines, files);
    } else if (stats.isFile()) {
      files.push({ index: lines.length, full, prefix: `file ${path} ${mode}`, size: stats.size });
      lines.push('');
    }
  }
}

/** Smaller files are read whole (one read, no stream to set up): most of a virtualenv's or node_modules' files. */
const READ_WHOLE_BYTES = 1024 * 1024;

async function hashFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  if (size <= READ_WHOLE_BYTES) hash.update(await readFile(path));
  else for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
