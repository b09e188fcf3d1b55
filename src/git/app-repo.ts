/**
 * An app's bare repository, made on the first git request: receive-pack enabled, and a pre-receive hook
 * that hands each push to twelve for a deploy (src/git/pre-receive-hook.ts) and so can refuse it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TwelveError } from '../errors.js';

const HOOK_PROGRAM = fileURLToPath(new URL('./pre-receive-hook.js', import.meta.url));

/** The hook git runs: this node and this twelve's hook program, written anew on each use so an upgrade moves it. */
export function preReceiveScript(node: string, program: string): string {
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/sh\n# Written by twelve: hands the push to twelve for a deploy (docs/git-push.md).\nexec ${quote(node)} ${quote(program)}\n`;
}

function git(repo: string, args: string[]): void {
  const result = spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
  if (result.status !== 0) throw new TwelveError('INTERNAL', `git ${args.join(' ')} failed in ${repo}: ${result.stderr.trim()}`);
}

export function ensureAppRepo(repo: string): void {
  if (!existsSync(join(repo, 'HEAD'))) {
    mkdirSync(repo, { recursive: true, mode: 0o700 });
    git(repo, ['init', '--bare', '--quiet', '--initial-branch=main']);
    git(repo, ['config', 'http.receivepack', 'true']);
  }
  writeFileSync(join(repo, 'hooks', 'pre-receive'), preReceiveScript(process.execPath, HOOK_PROGRAM), { mode: 0o755 });
}
