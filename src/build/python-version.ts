/**
 * Which Python a build uses, as Heroku's Python buildpack reads it (runtime.txt, then .python-version),
 * chosen among the interpreters this machine has: on the build's PATH, pyenv's, and those the operator
 * lists in TWELVE_PYTHON_PATHS. A version no interpreter satisfies is refused, never substituted.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TwelveError } from '../errors.js';
import { captureCommand } from './run-command.js';

export interface PythonRequest {
  /** `3.12` (the newest 3.12.x) or `3.12.1` (exactly). */
  version: string;
  file: 'runtime.txt' | '.python-version';
}

export interface Interpreter {
  /** The executable, as found (a pyenv version's bin/python3, /usr/bin/python3.11, ...). */
  path: string;
  version: string;
}

const VERSION = /^(\d+)\.(\d+)(?:\.(\d+))?$/;

/**
 * @example parsePythonRequest('python-3.11.7\n', 'runtime.txt') // { version: '3.11.7', file: 'runtime.txt' }
 * @example parsePythonRequest('# pinned\n3.12\n', '.python-version') // { version: '3.12', file: '.python-version' }
 */
export function parsePythonRequest(text: string, file: PythonRequest['file']): PythonRequest {
  const line = text.split(/\r?\n/).map((l) => l.replace(/#.*$/, '').trim()).find((l) => l !== '') ?? '';
  const version = line.replace(/^python-?/, '');
  if (!VERSION.test(version)) {
    throw new TwelveError('RUNTIME_UNAVAILABLE', `${file} says "${line}": twelve reads a Python version such as 3.12 or 3.12.1${file === 'runtime.txt' ? ' (python-3.12.1)' : ''}`, { file });
  }
  return { version, file };
}

/** What the codebase asks for, or undefined when it names no version. */
export async function readPythonRequest(appDir: string): Promise<PythonRequest | undefined> {
  for (const file of ['runtime.txt', '.python-version'] as const) {
    const path = join(appDir, file);
    if (existsSync(path)) return parsePythonRequest(await readFile(path, 'utf8'), file);
  }
  return undefined;
}

/**
 * The interpreter for a request: the newest of the requested minor, or the exact version.
 * @example chooseInterpreter({ version: '3.12', file: '.python-version' }, [{ path: 'a', version: '3.12.1' }, { path: 'b', version: '3.11.7' }]) // { path: 'a', ... }
 */
export function chooseInterpreter(request: PythonRequest, found: Interpreter[]): Interpreter {
  const [, major, minor, patch] = VERSION.exec(request.version)!;
  const fits = found.filter((interpreter) => {
    const [, m, n, p] = VERSION.exec(interpreter.version) ?? [];
    return m === major && n === minor && (patch === undefined || p === patch);
  });
  fits.sort((a, b) => Number(VERSION.exec(b.version)![3]) - Number(VERSION.exec(a.version)![3]));
  if (fits[0]) return fits[0];
  const have = [...new Set(found.map((interpreter) => interpreter.version))].sort(compareVersions);
  throw new TwelveError('RUNTIME_UNAVAILABLE',
    `${request.file} asks for Python ${request.version}, and this machine has ${have.length > 0 ? `only ${have.join(', ')}` : 'no Python 3 interpreter'} (on PATH, in pyenv and in TWELVE_PYTHON_PATHS)`,
    { requested: request.version, available: have });
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** Candidate executables, the operator's first. pyenv's shims are skipped: they pick a version by pyenv's own rules. */
export function candidatePaths(operatorPaths: string[], searchPath: string, pyenvRoots: string[]): string[] {
  const candidates: string[] = [];
  for (const entry of operatorPaths) {
    if (isFile(entry)) candidates.push(entry);
    else for (const inside of [join(entry, 'bin', 'python3'), join(entry, 'python3')]) if (isFile(inside)) candidates.push(inside);
  }
  for (const dir of searchPath.split(':')) {
    if (dir === '' || dir.includes('/shims')) continue;
    for (const name of listDir(dir)) if (/^python3(\.\d+)?$/.test(name)) candidates.push(join(dir, name));
  }
  for (const root of pyenvRoots) {
    for (const version of listDir(join(root, 'versions'))) {
      const python = join(root, 'versions', version, 'bin', 'python3');
      if (isFile(python)) candidates.push(python);
    }
  }
  return candidates;
}

export function pyenvRoots(env: NodeJS.ProcessEnv): string[] {
  return [...new Set([env.PYENV_ROOT, join(homedir(), '.pyenv'), '/root/.pyenv'].filter((root): root is string => !!root))];
}

/** Versions asked of each interpreter once per file (path and modification time). */
const versions = new Map<string, string>();

/** Every Python 3 among the candidates, each real file once, with the version it reports. */
export async function findInterpreters(candidates: string[]): Promise<Interpreter[]> {
  const seen = new Set<string>();
  const found: Interpreter[] = [];
  await Promise.all(candidates.map(async (path, index) => {
    const real = await realpath(path).catch(() => undefined);
    if (real === undefined || seen.has(real)) return;
    seen.add(real);
    const key = `${real}:${statSync(real).mtimeMs}`;
    let version = versions.get(key);
    if (version === undefined) {
      version = await captureCommand(path, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])']).then((out) => out.trim(), () => '');
      versions.set(key, version);
    }
    if (VERSION.test(version) && version.startsWith('3.')) found[index] = { path, version };
  }));
  return found.filter((interpreter) => interpreter !== undefined);
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return []; // a PATH entry or pyenv root that is not there holds no interpreter
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
