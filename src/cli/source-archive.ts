/**
 * Packs the codebase `twelve deploy` sends: a gzipped tar with the files at its root. Inside a git work
 * tree it is the committed tree of DIR at HEAD (what you deploy is a commit, as with `git push heroku`);
 * anywhere else it is DIR's files without .git and node_modules.
 */
import { execFile, spawn } from 'node:child_process';
import { access, readdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { CliError } from './cli-error.js';

export interface SourceArchive {
  /** The gzipped tar, produced as it is read. */
  stream: Readable;
  /** The commit deployed, sent as X-Twelve-Source-Sha; undefined outside git. */
  sha: string | undefined;
  /** Things the user should know, for stderr (uncommitted changes left out). */
  warnings: string[];
}

/** Never shipped: the repository's history and installed dependencies (the build installs its own). */
const EXCLUDED = new Set(['.git', 'node_modules']);

interface GitResult { ok: boolean; stdout: string; stderr: string }

function git(dir: string, args: string[]): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile('git', ['-C', dir, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ ok: !error, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

async function assertDirectory(dir: string): Promise<void> {
  const stats = await stat(dir).catch(() => undefined);
  if (!stats) throw new CliError('SOURCE_NOT_FOUND', `${dir} does not exist`, 'Pass the directory of the app: `twelve deploy DIR -a APP`.');
  if (!stats.isDirectory()) {
    throw new CliError('SOURCE_NOT_FOUND', `${dir} is not a directory`, 'Pass the directory of the app: `twelve deploy DIR -a APP`.');
  }
}

/** The committed tree of DIR at HEAD, streamed from `git archive` through gzip. */
async function packGitTree(dir: string): Promise<SourceArchive> {
  const head = await git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  if (!head.ok) {
    throw new CliError('SOURCE_NOT_COMMITTED', `the git repository of ${dir} has no commits yet`,
      'twelve deploys the committed code: commit first (`git add -A && git commit -m "First commit"`), then deploy again.');
  }
  const sha = head.stdout.trim();
  const prefix = (await git(dir, ['rev-parse', '--show-prefix'])).stdout.trim().replace(/\/$/, '');
  const tree = `${sha}:${prefix}`;
  if (!(await git(dir, ['cat-file', '-e', tree])).ok) {
    throw new CliError('SOURCE_NOT_COMMITTED', `${dir} is not in the last commit of its git repository`,
      'twelve deploys the committed code: commit the app\'s files first, then deploy again.');
  }
  const status = await git(dir, ['status', '--porcelain', '--', '.']);
  const warnings = status.stdout.trim() ? [`uncommitted changes in ${dir} are not deployed; commit them first`] : [];

  // From the top of the work tree: run inside a subdirectory, git archive would narrow the tree again.
  const top = (await git(dir, ['rev-parse', '--show-toplevel'])).stdout.trim();
  const child = spawn('git', ['-C', top, 'archive', '--format=tar', tree], { stdio: ['ignore', 'pipe', 'pipe'] });
  const gzip = createGzip();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdout.pipe(gzip, { end: false });
  // 'close' comes after stdout has ended, so every byte of the tar is in gzip before we end or fail it.
  child.on('close', (code) => {
    if (code === 0) gzip.end();
    else gzip.destroy(new CliError('GIT_FAILED', `git archive failed in ${dir}: ${stderr.trim() || `exit code ${code}`}`));
  });
  child.on('error', (error) => gzip.destroy(error));
  // The reader gave up (the API refused the deploy): stop git too.
  gzip.on('close', () => { if (child.exitCode === null) child.kill(); });
  return { stream: gzip, sha, warnings };
}

/** DIR's files as they are on disk, without .git and node_modules at any depth. */
async function packDirectory(dir: string): Promise<SourceArchive> {
  const entries = (await readdir(dir)).filter((name) => !EXCLUDED.has(name)).sort();
  if (entries.length === 0) {
    throw new CliError('SOURCE_EMPTY', `${dir} has nothing to deploy`, 'Deploy the directory that holds the app\'s code.');
  }
  const { create } = await import('tar');
  const pack = create({
    gzip: true, cwd: dir, portable: true,
    filter: (path: string) => !path.split('/').some((segment) => EXCLUDED.has(segment)),
  }, entries);
  return { stream: Readable.from(pack, { objectMode: false }), sha: undefined, warnings: [] };
}

/**
 * Whether git could find a repository for DIR: a `.git` in it or above it, or git told where by the
 * environment. When not, git is not asked (a process start, which the deploy would wait for).
 */
async function mayBeInGit(dir: string): Promise<boolean> {
  if (process.env.GIT_DIR !== undefined || process.env.GIT_WORK_TREE !== undefined) return true;
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (await access(`${at}/.git`).then(() => true, () => false)) return true;
    if (dirname(at) === at) return false;
  }
}

/**
 * @example
 * const archive = await packSource('examples/hello');
 * for (const warning of archive.warnings) console.error(warning);
 * archive.stream.pipe(request);
 */
export async function packSource(dir: string): Promise<SourceArchive> {
  await assertDirectory(dir);
  if (!(await mayBeInGit(dir))) return packDirectory(dir);
  const inside = await git(dir, ['rev-parse', '--is-inside-work-tree']);
  if (inside.ok && inside.stdout.trim() === 'true') return packGitTree(dir);
  return packDirectory(dir);
}
