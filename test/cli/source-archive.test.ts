import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, it } from 'node:test';
import * as tar from 'tar';
import { packSource } from '../../src/cli/source-archive.js';

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'twelve-archive-'));
  temps.push(dir);
  return dir;
}
afterEach(() => { for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true }); });

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
}

function write(dir: string, file: string, text: string): void {
  mkdirSync(join(dir, file, '..'), { recursive: true });
  writeFileSync(join(dir, file), text);
}

/** The paths in a gzipped tar, files only, sorted. */
async function listArchive(stream: Readable): Promise<string[]> {
  const paths: string[] = [];
  await pipeline(stream, tar.t({ onReadEntry: (entry) => { if (entry.type === 'File') paths.push(entry.path.replace(/^\.\//, '')); } }));
  return paths.sort();
}

async function extractArchive(stream: Readable): Promise<string> {
  const out = tempDir();
  await pipeline(stream, tar.x({ cwd: out }));
  return out;
}

describe('packSource in a git work tree', () => {
  it('archives the committed content, sends the commit sha and warns about uncommitted changes', async () => {
    const repo = tempDir();
    git(repo, 'init', '-q');
    write(repo, 'server.js', 'committed\n');
    write(repo, 'lib/util.js', 'util\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'first');
    const sha = git(repo, 'rev-parse', 'HEAD');
    write(repo, 'server.js', 'edited, not committed\n');
    write(repo, 'untracked.js', 'new\n');

    const archive = await packSource(repo);
    assert.equal(archive.sha, sha);
    assert.deepEqual(archive.warnings, [`uncommitted changes in ${repo} are not deployed; commit them first`]);
    const out = await extractArchive(archive.stream);
    assert.equal(readFileSync(join(out, 'server.js'), 'utf8'), 'committed\n');
    assert.equal(readFileSync(join(out, 'lib/util.js'), 'utf8'), 'util\n');
    assert.equal(existsSync(join(out, 'untracked.js')), false);
  });

  it('gives no warning for a clean work tree', async () => {
    const repo = tempDir();
    git(repo, 'init', '-q');
    write(repo, 'index.js', 'x\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'first');
    const archive = await packSource(repo);
    assert.deepEqual(archive.warnings, []);
    assert.deepEqual(await listArchive(archive.stream), ['index.js']);
  });

  it('archives only a subdirectory of the repo, with its files at the archive root', async () => {
    const repo = tempDir();
    git(repo, 'init', '-q');
    write(repo, 'README.md', 'top\n');
    write(repo, 'examples/hello/Procfile', 'web: node server.js\n');
    write(repo, 'examples/hello/src/server.js', 'hello\n');
    write(repo, 'examples/other/index.js', 'other\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'first');
    write(repo, 'README.md', 'changed outside the app\n');

    const archive = await packSource(join(repo, 'examples/hello'));
    assert.equal(archive.sha, git(repo, 'rev-parse', 'HEAD'));
    assert.deepEqual(archive.warnings, [], 'changes outside DIR are not DIR\'s');
    assert.deepEqual(await listArchive(archive.stream), ['Procfile', 'src/server.js']);
  });

  it('refuses a repository without commits, saying to commit first', async () => {
    const repo = tempDir();
    git(repo, 'init', '-q');
    write(repo, 'index.js', 'x\n');
    await assert.rejects(packSource(repo), (error: Error & { hint?: string }) => /no commits/.test(error.message) && /commit/.test(error.hint ?? ''));
  });

  it('refuses a subdirectory that is not in the last commit', async () => {
    const repo = tempDir();
    git(repo, 'init', '-q');
    write(repo, 'index.js', 'x\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'first');
    write(repo, 'newapp/index.js', 'x\n');
    await assert.rejects(packSource(join(repo, 'newapp')), /not in the last commit/);
  });
});

describe('packSource outside git', () => {
  it('archives the directory\'s files without .git and node_modules at any depth', async () => {
    const dir = tempDir();
    write(dir, 'package.json', '{}\n');
    write(dir, 'src/index.js', 'x\n');
    write(dir, 'node_modules/dep/index.js', 'dep\n');
    write(dir, 'src/node_modules/nested/index.js', 'nested\n');
    write(dir, '.git', 'gitdir: elsewhere\n');
    write(dir, '.env.example', 'A=1\n');

    const archive = await packSource(dir);
    assert.equal(archive.sha, undefined);
    assert.deepEqual(archive.warnings, []);
    assert.deepEqual(await listArchive(archive.stream), ['.env.example', 'package.json', 'src/index.js']);
  });

  it('refuses a missing directory and a file', async () => {
    const dir = tempDir();
    await assert.rejects(packSource(join(dir, 'nope')), /does not exist/);
    write(dir, 'file.txt', 'x');
    await assert.rejects(packSource(join(dir, 'file.txt')), /is not a directory/);
  });

  it('refuses an empty directory', async () => {
    await assert.rejects(packSource(tempDir()), /nothing to deploy/);
  });
});
