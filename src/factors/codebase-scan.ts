/**
 * What the checks look at, gathered once: the codebase's files (without dependencies, build output and
 * version control), the manifests (package.json, Procfile, app.json) and the facts of every source file.
 */
import { execFile } from 'node:child_process';
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceFacts } from './facts.js';
import { analyzeJsFiles, type JsSource } from './js-files.js';
import { analyzePython } from './python-analyzer.js';

/**
 * Directories that hold dependencies or build output (named in the report's notes when found), and
 * version control, bytecode and tool caches (left out without a word), not the app's own code.
 */
const LEFT_OUT_DIRS = new Set(['node_modules', '.venv', 'venv', '.heroku', 'dist', 'build', '.next', 'coverage', 'vendor', 'site-packages', 'bower_components']);
const SKIPPED_DIRS = new Set([...LEFT_OUT_DIRS, '.git', '.hg', '__pycache__', '.tox', '.cache']);
const JS_FILE = /\.(m|c)?(j|t)sx?$/;
const PY_FILE = /\.py$/;
/** A larger file is generated or minified: not the app's own code to read. */
const MAX_SOURCE_BYTES = 512 * 1024;
/** Tests set up hosts, ports and secrets of their own on purpose: they are not the code that runs in a deploy. */
const TEST_FILE = /(^|\/)(test|tests|__tests__|spec|e2e)\/|\.(test|spec)\.[mc]?[jt]sx?$|(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/;

export interface ProcfileEntry { type: string; command: string; line: number }

/** Where the code comes from: a directory on this machine, or the build of a deployed release. */
export type Origin = { kind: 'dir' } | { kind: 'build'; sourceSha: string | null };

export interface Codebase {
  root: string;
  origin: Origin;
  /** Every file, relative to the root, with `/` separators. */
  files: string[];
  sources: SourceFacts[];
  /** How many JS/TS files the parser read; the others' facts (imports only) came from their tokens. */
  jsParsed: number;
  /** Files the git index tracks, or null when the directory is not a git work tree. */
  tracked: string[] | null;
  packageJson: Record<string, unknown> | null;
  procfile: ProcfileEntry[] | null;
  appJson: Record<string, unknown> | null;
  /** Problems that kept part of the code from being read (unparsable files, no python3). */
  notes: string[];
  read(file: string): string | undefined;
}

function listFiles(root: string, leftOut: Set<string>): string[] {
  const files: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
        else if (LEFT_OUT_DIRS.has(entry.name)) leftOut.add(`${entry.name}/`);
      } else if (entry.isFile()) {
        files.push(`${prefix}${entry.name}`);
      }
    }
  };
  walk(root, '');
  return files.sort();
}

/** The files git tracks under root (root may be a subdirectory of a work tree); null outside one. */
function gitTracked(root: string): Promise<string[] | null> {
  return new Promise((resolve) => {
    execFile('git', ['-C', root, 'ls-files', '-z'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      resolve(error ? null : stdout.split('\0').filter(Boolean)); // not a work tree, or no git: factor I says so
    });
  });
}

export function parseProcfileLines(text: string): ProcfileEntry[] {
  const entries: ProcfileEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const match = /^\s*([A-Za-z0-9_-]+):\s*(.+)$/.exec(raw);
    if (match && !raw.trim().startsWith('#')) entries.push({ type: match[1]!, command: match[2]!.trim(), line: index + 1 });
  });
  return entries;
}

function parseJson(text: string | undefined): Record<string, unknown> | null {
  if (text === undefined) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : null;
  } catch {
    return null; // an unreadable manifest is reported by the check that needs it
  }
}

/** The text of each file up to MAX_SOURCE_BYTES; larger files (counted) and files that cannot be read are left out. */
function readSources(root: string, files: string[], large: string[]): JsSource[] {
  const sources: JsSource[] = [];
  for (const file of files) {
    let fd: number | undefined;
    try {
      fd = openSync(join(root, file), 'r');
      const size = fstatSync(fd).size;
      if (size > MAX_SOURCE_BYTES) {
        large.push(file);
        continue;
      }
      const buffer = Buffer.allocUnsafe(size);
      const read = readSync(fd, buffer, 0, size, 0);
      sources.push({ file, text: buffer.toString('utf8', 0, read) });
    } catch {
      // A file gone or unreadable has no facts; the others still count.
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  return sources;
}

/** What the report says was left out, as other linters do: dependencies, build output, generated files. */
function leftOutNote(dirs: Set<string>, large: string[], minified: string[]): string | undefined {
  const parts = [...(dirs.size > 0 ? [`${[...dirs].sort().join(', ')} (dependencies, build output)`] : []),
    ...(large.length > 0 ? [`${large.length} file${large.length === 1 ? '' : 's'} over ${MAX_SOURCE_BYTES / 1024} KB (generated or bundled), e.g. ${large[0]}`] : []),
    ...(minified.length > 0 ? [`${minified.length} minified file${minified.length === 1 ? '' : 's'} (*.min.js)`] : [])];
  return parts.length > 0 ? `left out: ${parts.join('; ')}` : undefined;
}

export async function scanCodebase(root: string, origin: Origin = { kind: 'dir' }, parseAll = false): Promise<Codebase> {
  const leftOut = new Set<string>();
  const files = listFiles(root, leftOut);
  const cache = new Map<string, string | undefined>();
  const read = (file: string): string | undefined => {
    if (!cache.has(file)) {
      try {
        cache.set(file, readFileSync(join(root, file), 'utf8'));
      } catch {
        cache.set(file, undefined); // a file that cannot be read is one the checks cannot use
      }
    }
    return cache.get(file);
  };
  const notes: string[] = [];
  const large: string[] = [];
  const small = (file: string): boolean => statSync(join(root, file)).size <= MAX_SOURCE_BYTES || !large.push(file);
  const code = files.filter((file) => !TEST_FILE.test(file));
  const minified = code.filter((file) => /\.min\.js$/.test(file));
  const jsFiles = code.filter((file) => JS_FILE.test(file) && !file.endsWith('.d.ts') && !/\.min\.js$/.test(file));
  const pyFiles = code.filter((file) => PY_FILE.test(file) && small(file));
  // git and python3 work beside this thread's reading and parsing.
  const tracked = origin.kind === 'dir' ? gitTracked(root) : Promise.resolve(null);
  const python = analyzePython(root, pyFiles);
  const js = await analyzeJsFiles(readSources(root, jsFiles, large), parseAll);
  const { facts, unavailable } = await python;
  if (unavailable) notes.push(`Python files not read: ${unavailable}`);
  const sources: SourceFacts[] = [...js.facts, ...facts];
  for (const fact of sources) if (fact.error) notes.push(`${fact.file}: not parsed (${fact.error})`);
  const left = leftOutNote(leftOut, large, minified);
  if (left) notes.push(left);
  const procfileText = files.includes('Procfile') ? read('Procfile') : undefined;
  return {
    root, origin, files, sources, jsParsed: js.parsed, tracked: await tracked, notes, read,
    packageJson: parseJson(files.includes('package.json') ? read('package.json') : undefined),
    procfile: procfileText === undefined ? null : parseProcfileLines(procfileText),
    appJson: parseJson(files.includes('app.json') ? read('app.json') : undefined),
  };
}
