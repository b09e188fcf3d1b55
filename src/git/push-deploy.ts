/**
 * What a `git push` deploys, decided while the pushed objects still sit in git's quarantine and no ref
 * has moved: the one branch the push creates or moves names the commit; that commit is archived from
 * the quarantine and goes through the same deploy as `twelve deploy`. Its output becomes the push's
 * `remote:` lines, and a failed deploy refuses the push (the pre-receive hook exits non-zero).
 */
import { spawn } from 'node:child_process';
import { isAbsolute, join, relative } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { TwelveError } from '../errors.js';
import type { Db } from '../store/database.js';
import { getApp } from '../store/apps.js';
import { getBuild } from '../store/builds.js';
import { getReleaseById } from '../store/releases.js';

export interface RefUpdate { oldSha: string; newSha: string; ref: string }

const ZERO = /^0{40}$/;
const SHA = /^[0-9a-f]{40}$/;

/** pre-receive's standard input: `OLD NEW REF` a line. */
export function parseRefUpdates(text: string): RefUpdate[] {
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => {
    const [oldSha = '', newSha = '', ref = ''] = line.trim().split(/\s+/);
    if (!SHA.test(oldSha) || !SHA.test(newSha) || !ref) throw new TwelveError('BAD_REQUEST', `not a ref update: ${line}`);
    return { oldSha, newSha, ref };
  });
}

/**
 * The commit a push deploys: that of the branch it creates or moves, whatever the branch is called
 * (`git push twelve feature:main` and `git push twelve main` alike). Tags and deleted branches deploy
 * nothing; two branches moved to two different commits are refused, as it is not clear which to run.
 */
export function commitToDeploy(updates: RefUpdate[]): { sha: string; ref: string } | null {
  const branches = updates.filter((update) => update.ref.startsWith('refs/heads/') && !ZERO.test(update.newSha));
  const commits = new Set(branches.map((update) => update.newSha));
  if (commits.size > 1) {
    throw new TwelveError('GIT_PUSH_REFUSED', `this push moves ${branches.map((update) => update.ref.replace('refs/heads/', '')).join(', ')} to different commits; twelve deploys one commit a push`);
  }
  const first = branches[0];
  return first ? { sha: first.newSha, ref: first.ref } : null;
}

/** The commit of the app's running release, when it was deployed from git. */
export function liveCommit(db: Db, appName: string): { sha: string; version: number } | null {
  const app = getApp(db, appName);
  if (app.currentReleaseId === null) return null;
  const release = getReleaseById(db, app.currentReleaseId);
  const sha = release.buildId ? getBuild(db, release.buildId)?.sourceSha : null;
  return sha ? { sha, version: release.version } : null;
}

/** git's quarantine for this push: a directory `tmp_objdir-incoming-*` inside the repository's objects. */
export function assertQuarantine(repo: string, quarantine: string): void {
  const inside = relative(join(repo, 'objects'), quarantine);
  if (!isAbsolute(quarantine) || !/^(tmp_objdir-)?incoming-[A-Za-z0-9]+$/.test(inside)) {
    throw new TwelveError('BAD_REQUEST', `not this repository's quarantine: ${quarantine}`);
  }
}

/** The argv and environment that archive `sha` as a gzipped tar, reading the push's quarantined objects. */
export function archiveCommand(repo: string, quarantine: string | null, sha: string): { args: string[]; env: Record<string, string> } {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_DIR: repo };
  if (quarantine) Object.assign(env, { GIT_OBJECT_DIRECTORY: quarantine, GIT_ALTERNATE_OBJECT_DIRECTORIES: join(repo, 'objects') });
  return { args: ['archive', '--format=tar.gz', sha], env };
}

/**
 * The commit's tree as the deploy's source; git's failure surfaces as the stream's error. Piped through
 * at once: a child's stdout nobody reads yet is drained and dropped when the child exits.
 */
export function archiveCommit(repo: string, quarantine: string | null, sha: string): Readable {
  const { args, env } = archiveCommand(repo, quarantine, sha);
  const child = spawn('git', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const source = new PassThrough();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdout.pipe(source, { end: false });
  child.on('close', (code) => {
    if (code === 0) source.end();
    else source.destroy(new TwelveError('INVALID_SOURCE', `git archive ${sha} failed: ${stderr.trim()}`));
  });
  return source;
}
