/** `twelve factors -a APP` end to end: the report on a deployed release, twelve's records, and a measured run. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FactorsReport } from '../../src/factors/report.js';
import { TestPlatform } from '../e2e/harness.js';
import { FACTOR_FIXTURES } from './fixtures.js';

const platform = new TestPlatform();
const appDir = mkdtempSync(join(tmpdir(), 'twelve-factors-app-'));
const writerDir = mkdtempSync(join(tmpdir(), 'twelve-factors-writer-'));

before(async () => {
  await platform.start();
  cpSync(join(FACTOR_FIXTURES, 'measured', 'drops-inflight'), appDir, { recursive: true });
  await platform.ok('apps:create', 'shop');
  await platform.ok('deploy', appDir, '-a', 'shop');
  cpSync(join(FACTOR_FIXTURES, 'measured', 'writes-app-dir'), writerDir, { recursive: true });
  await platform.ok('apps:create', 'writer');
  await platform.ok('deploy', writerDir, '-a', 'writer');
});
after(async () => {
  await platform.dispose();
  rmSync(appDir, { recursive: true, force: true });
  rmSync(writerDir, { recursive: true, force: true });
});

test('reports on the current release\'s build with twelve\'s records of its processes', async () => {
  const report = await platform.json<FactorsReport>('factors', '-a', 'shop', '--json');
  assert.equal(report.subject, 'shop v1');
  const web = report.records!.find((proc) => proc.name === 'web.1')!;
  assert.equal(web.state, 'up');
  assert.ok(typeof web.bootMs === 'number');
  const disposability = report.factors[8]!.findings;
  assert.ok(disposability.some((f) => f.check === 'boot-time' && f.verdict === 'pass' && /web\.1 came up/.test(f.message)));
  assert.ok(disposability.some((f) => f.check === 'crash-history' && f.verdict === 'pass'));
  assert.ok(report.factors[0]!.findings.some((f) => f.check === 'deploys-by-commit'));
});

test('--measure restarts a copy of the web process and finds that it drops the request in flight', async () => {
  const report = await platform.json<FactorsReport>('factors', '-a', 'shop', '--measure', '--json');
  assert.equal(report.measured!.inFlight, 'dropped');
  assert.equal(report.factors[8]!.verdict, 'fail');
  assert.ok(report.factors[8]!.findings.some((f) => f.check === 'in-flight-requests' && f.verdict === 'fail'));
  const text = await platform.ok('factors', '-a', 'shop');
  assert.match(text.stdout, /^=== twelve factors: shop v1 {2}score \d+\/100$/m);
});

test('--measure lists the files the web process wrote under /app (its private copy, when sandboxed)', async () => {
  const report = await platform.json<FactorsReport>('factors', '-a', 'writer', '--measure', '--json');
  assert.deepEqual(report.measured!.written, ['app.log', 'cache/hits.json']);
  assert.equal(report.factors[5]!.findings.find((f) => f.message.startsWith('measured:'))!.verdict, 'warn');
  assert.equal(report.factors[10]!.verdict, 'fail');
});

test('--against another app adds twelve parity\'s differences to factor X', async () => {
  await platform.ok('config:set', 'GREETING=hi', '-a', 'shop');
  const report = await platform.json<FactorsReport>('factors', '-a', 'shop', '--against', 'writer', '--json');
  const parity = report.factors[9]!.findings.filter((f) => f.check === 'parity-against');
  assert.deepEqual(parity.map((f) => [f.verdict, f.message]), [['warn', 'against writer: config keys only in shop: GREETING']]);
});
