import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordFindings } from '../../src/factors/app-findings.js';
import { parityFindings } from '../../src/factors/parity-findings.js';
import { assembleReport, factorVerdict, scoreOf, withFindings, type Finding } from '../../src/factors/report.js';
import type { Parity } from '../../src/config/parity.js';

const warn: Finding = { verdict: 'warn', check: 'x', message: 'w' };
const fail: Finding = { verdict: 'fail', check: 'y', message: 'f' };
const pass: Finding = { verdict: 'pass', check: 'z', message: 'p' };

describe('the report model', () => {
  it('gives a factor its worst finding\'s verdict, n/a without findings', () => {
    assert.equal(factorVerdict([]), 'n/a');
    assert.equal(factorVerdict([pass, warn]), 'warn');
    assert.equal(factorVerdict([warn, fail, pass]), 'fail');
  });

  it('scores a pass 1, a warning 1/2 and a failure 0, leaving out factors that do not apply', () => {
    assert.equal(scoreOf([{ verdict: 'pass' }, { verdict: 'warn' }, { verdict: 'fail' }, { verdict: 'n/a' }]), 50);
    assert.equal(scoreOf([{ verdict: 'n/a' }]), 0);
  });

  it('adds findings to their factors and rescores', () => {
    const report = assembleReport('x', new Map([[1, [pass]], [9, [pass]]]), { files: 1, parsed: 1, ms: 1 });
    assert.equal(report.score, 100);
    const after = withFindings(report, new Map([[9, [fail]]]));
    assert.equal(after.factors[8]!.verdict, 'fail');
    assert.equal(after.score, 50);
    assert.equal(report.factors[8]!.verdict, 'pass', 'the report it was made from is unchanged');
  });

  it('turns the supervisor\'s records into boot time and crash findings', () => {
    const found = recordFindings([
      { name: 'web.1', state: 'up', bootMs: 4200, restarts: 2, lastExit: { code: 1, signal: null } },
      { name: 'worker.1', state: 'up', bootMs: 3000, restarts: 0, lastExit: null },
    ]).get(9)!;
    assert.deepEqual(found.map((f) => [f.check, f.verdict, f.message]), [
      ['boot-time', 'warn', "web.1 took 4.2 s from spawn to up (twelve's record)"],
      ['crash-history', 'warn', 'restarted after crashes: web.1 2x (last: status 1)'],
    ]);
  });

  it('fails parity on another runtime or addon, warns on another commit or config keys', () => {
    const side = { app: 'a', release: 1, stack: 'node', runtimes: {}, sourceSha: null, processTypes: [], formation: {}, addons: {}, configKeys: [] };
    const parity = {
      a: side, b: { ...side, app: 'b' }, keysOnlyInA: [], keysOnlyInB: [],
      differences: ['runtime node: 20.1.0 vs 18.0.0', 'source commit: abc vs def', 'config keys only in a: X'],
    } as unknown as Parity;
    assert.deepEqual(parityFindings(parity).map((f) => f.verdict), ['fail', 'warn', 'warn']);
  });
});
