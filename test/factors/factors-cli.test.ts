import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { renderFactors } from '../../src/cli/factors-render.js';
import type { FactorsReport } from '../../src/factors/report.js';
import { fixtureApp } from './fixtures.js';

const BIN = fileURLToPath(new URL('../../../bin/twelve.js', import.meta.url));
const made: string[] = [];
after(() => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });

function twelve(args: string[]): { code: number | null; stdout: string; stderr: string } {
  // No TWELVE_API_URL: the static report needs no platform.
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('twelve factors (CLI)', () => {
  it('prints one line a factor, then what to do with a link to docs/factors.md, without colour off a terminal', () => {
    const dir = fixtureApp('clean-node', 'listens-on-port');
    made.push(dir);
    const { code, stdout } = twelve(['factors', dir]);
    assert.equal(code, 0);
    const lines = stdout.split('\n');
    assert.match(lines[0]!, /^=== twelve factors: .* score 92\/100$/);
    assert.equal(lines[7], 'VII  Port binding        fail  listens on port 3000, not on PORT (server.js:5)');
    assert.ok(stdout.includes('fail VII server.js:5: listens on port 3000, not on PORT\n     Listen on Number(process.env.PORT)'));
    assert.ok(stdout.includes('     docs/factors.md#listens-on-port'));
    assert.ok(!stdout.includes('\x1b['));
  });

  it('answers --json with the report, and exits 1 under --fail-under', () => {
    const dir = fixtureApp('clean-node', 'no-lockfile');
    made.push(dir);
    const json = twelve(['factors', dir, '--json', '--fail-under', '80']);
    const report = JSON.parse(json.stdout) as FactorsReport;
    assert.equal(report.score, 92);
    assert.equal(report.factors[1]!.verdict, 'fail');
    assert.equal(json.code, 0);
    const strict = twelve(['factors', dir, '--json', '--fail-under', '100']);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /score 92 is under 100/);
  });

  it('refuses a --fail-under that is not a score', () => {
    const { code, stderr } = twelve(['factors', '.', '--fail-under', 'lots']);
    assert.equal(code, 1);
    assert.match(stderr, /--fail-under takes a score from 0 to 100/);
  });

  it('colours the verdicts when asked to (a terminal)', () => {
    const report: FactorsReport = {
      subject: 'x', score: 50, notes: [], stats: { files: 1, parsed: 1, ms: 1 },
      factors: [{ number: 9, roman: 'IX', name: 'Disposability', verdict: 'fail', doc: 'docs/factors.md#ix-disposability', findings: [{ verdict: 'fail', check: 'sigterm-handler', message: 'no SIGTERM handler', fix: 'Handle it.' }] }],
    };
    const text = renderFactors(report, { colour: true });
    assert.ok(text.includes('\x1b[31mfail \x1b[0m no SIGTERM handler'));
    assert.ok(text.includes('docs/factors.md#sigterm-handler'));
  });
});
