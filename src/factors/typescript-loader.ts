/**
 * Loads the TypeScript compiler with V8's code cache, which saves most of the cost of compiling its
 * JavaScript in each thread that loads it (docs/factors.md). The cache lives in the user's own
 * ~/.cache/twelve (never a shared directory: V8 runs what the cache holds), one file per TypeScript and
 * Node.js version; any trouble with it falls back to a plain require.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { threadId } from 'node:worker_threads';
import type * as TS from 'typescript';

type Ts = typeof TS;
const require = createRequire(import.meta.url);

function cacheFile(version: string): string {
  return join(homedir(), '.cache', 'twelve', `typescript-${version}-node-${process.version}-${process.arch}.v8cache`);
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined; // the first run on this machine: it writes the cache
  }
}

function writeCache(file: string, data: Buffer): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.${threadId}`;
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // No cache (a read-only home): the next run compiles again, and nothing else changes.
  }
}

export function requireTypescript(): Ts {
  try {
    const file = require.resolve('typescript');
    const { version } = require('typescript/package.json') as { version: string };
    const cache = cacheFile(version);
    const cachedData = readCache(cache);
    const script = new Script((Module as unknown as { wrap(source: string): string }).wrap(readFileSync(file, 'utf8')), { filename: file, ...(cachedData ? { cachedData } : {}) });
    const module = { exports: {} as Ts };
    (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
    const ts = module.exports;
    if (!cachedData || script.cachedDataRejected) {
      // After one parse, so that the parser's functions, compiled lazily, are in the cache too.
      ts.createSourceFile('warm.ts', 'const a: number = f(process.env.PORT, "x");', ts.ScriptTarget.Latest);
      writeCache(cache, script.createCachedData());
    }
    return ts;
  } catch {
    return require('typescript') as Ts; // a cache V8 refused outright, or a module layout this does not know
  }
}
