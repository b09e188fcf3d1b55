/** Fixture apps for the factors tests: a clean app, and a copy of it with one violation laid over it. */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** test/fixtures/factors in the source tree (the tests run from dist/test/factors). */
export const FACTOR_FIXTURES = fileURLToPath(new URL('../../../test/fixtures/factors/', import.meta.url));

/**
 * A temporary git work tree holding `base` with `overlay`'s files on top (an overlay's REMOVE file lists
 * files of the base to leave out), committed, so factor I and the .env check see a real repository.
 */
export function fixtureApp(base: string, overlay?: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `twelve-factors-${overlay ?? base}-`));
  cpSync(join(FACTOR_FIXTURES, base), dir, { recursive: true });
  if (overlay) {
    cpSync(join(FACTOR_FIXTURES, overlay), dir, { recursive: true });
    const remove = join(dir, 'REMOVE');
    if (existsSync(remove)) {
      for (const file of readFileSync(remove, 'utf8').split('\n').filter(Boolean)) rmSync(join(dir, file));
      rmSync(remove);
    }
  }
  for (const [file, text] of Object.entries(extra)) execFileSync('sh', ['-c', 'cat > "$1"', 'sh', join(dir, file)], { input: text });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-C', dir, ...args], { stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'fixture');
  return dir;
}
