/** A build's identity: sha256 over its app tree (paths, modes, contents, link targets) and runtime versions. */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Runtimes twelve puts into the app tree (node-runtime.ts, npm-runtime.ts, package-manager-shim.ts): counted by version, as above. */
const RUNTIME_TREES = new Set(['.heroku/node', '.heroku/npm', '.heroku/yarn', '.heroku/pnpm']);

/** Smaller files are read whole; larger ones a piece at a time. */
const READ_WHOLE_BYTES = 1024 * 1024;

/**
 * Hashes a build in a worker thread: a virtualenv or a node_modules is thousands of small files, read
 * there with plain synchronous calls rather than four trips each to libuv's threads, and twelve's own
 * thread keeps serving (the router, the API) meanwhile. A thread takes about as long to start as a small
 * app takes to hash, so a build starts its worker first, and the worker waits for its tree while the
 * build's steps run.
 */
export class ChecksumWorker {
  private readonly worker = new Worker(new URL('./checksum-worker.js', import.meta.url));
  private readonly answer: Promise<string>;

  constructor() {
    this.answer = new Promise((resolve, reject) => {
      this.worker.once('message', (checksum: string) => resolve(checksum));
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`the checksum worker exited with code ${code} before it answered`)));
    });
    this.answer.catch(() => undefined); // a build that fails first never asks
  }

  checksum(appDir: string, runtimes: Record<string, string>): Promise<string> {
    this.worker.postMessage({ appDir, runtimes });
    return this.answer;
  }

  /** Ends the thread, whether or not it answered. */
  dispose(): void {
    void this.worker.terminate();
  }
}

/**
 * Walks `appDir` in sorted order. Runtimes are identified by version rather than hashed: they are
 * tens of megabytes and the same for every build that names the same version.
 */
export function checksumTree(appDir: string, runtimes: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(runtimes).sort()) hash.update(`runtime ${name} ${runtimes[name]}\n`);
  hashTree(appDir, '', hash);
  return hash.digest('hex');
}

/** One line per entry, in sorted order. */
function hashTree(dir: string, prefix: string, hash: Hash): void {
  const names = readdirSync(dir).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const full = join(dir, name);
    const path = prefix + name;
    if (RUNTIME_TREES.has(path)) continue;
    const stats = lstatSync(full);
    const mode = (stats.mode & 0o7777).toString(8);
    if (stats.isSymbolicLink()) {
      hash.update(`link ${path} -> ${readlinkSync(full)}\n`);
    } else if (stats.isDirectory()) {
      hash.update(`dir ${path} ${mode}\n`);
      hashTree(full, `${path}/`, hash);
    } else if (stats.isFile()) {
      hash.update(`file ${path} ${mode} ${hashFile(full, stats.size)}\n`);
    }
  }
}

function hashFile(path: string, size: number): string {
  const hash = createHash('sha256');
  if (size <= READ_WHOLE_BYTES) return hash.update(readFileSync(path)).digest('hex');
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(READ_WHOLE_BYTES);
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
