import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';

const home = mkdtempSync(join(tmpdir(), 'twelve-ts-cache-'));
after(() => rmSync(home, { recursive: true, force: true }));

function load(): string {
  const script = `import { requireTypescript } from ${JSON.stringify(new URL('../../src/factors/typescript-loader.js', import.meta.url).href)};
const ts = requireTypescript();
console.log(ts.createSourceFile('a.ts', 'let a = 1', ts.ScriptTarget.Latest).statements.length);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: home } });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

it('loads TypeScript, writing V8\'s code cache under ~/.cache/twelve the first time and reading it after', () => {
  assert.equal(load(), '1');
  const [cache] = readdirSync(join(home, '.cache', 'twelve'));
  assert.match(cache!, /^typescript-[\d.]+-node-v[\d.]+-\w+\.v8cache$/);
  assert.equal(load(), '1');
  writeFileSync(join(home, '.cache', 'twelve', cache!), 'not a cache');
  assert.equal(load(), '1', 'a damaged cache is refused, and rewritten');
});
