import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readEnvSchema } from '../../src/config/env-schema.js';
import { measuredFindings, SLOW_BOOT_MS } from '../../src/factors/app-findings.js';
import { configRunFindings } from '../../src/factors/config-runs.js';
import { measureRun, type MeasuredRun } from '../../src/factors/measure-run.js';
import type { Finding } from '../../src/factors/report.js';
import { FACTOR_FIXTURES } from './fixtures.js';

const STOP_TIMEOUT_MS = 2000;
const dirs: string[] = [];
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

async function measure(fixture: string): Promise<{ run: MeasuredRun; findings: Map<number, Finding[]> }> {
  const dir = mkdtempSync(join(tmpdir(), `twelve-measure-${fixture}-`));
  dirs.push(dir);
  cpSync(join(FACTOR_FIXTURES, 'measured', fixture), dir, { recursive: true });
  const run = await measureRun({
    file: '/bin/sh', args: ['-c', 'exec node server.js'], spawnCwd: dir, appDir: dir, sandboxed: false,
    env: { PATH: process.env.PATH! }, bootTimeoutMs: 20_000, stopTimeoutMs: STOP_TIMEOUT_MS, idleMs: 100,
  });
  return { run, findings: measuredFindings(run, STOP_TIMEOUT_MS) };
}

function verdictOf(findings: Map<number, Finding[]>, factor: number, check: string): string | undefined {
  return findings.get(factor)?.find((finding) => finding.check === check)?.verdict;
}

describe('a measured run', () => {
  it('passes an app that boots, answers the request in flight at SIGTERM, exits, and writes nothing', async () => {
    const { run, findings } = await measure('graceful');
    assert.equal(run.inFlight, 'completed');
    assert.equal(run.killed, false);
    assert.ok(run.bootMs !== null && run.stopMs !== null && run.idleRssKb !== null);
    assert.deepEqual(run.written, []);
    assert.ok(run.stdoutBytes > 0);
    for (const [factor, list] of findings) assert.deepEqual(list.filter((f) => f.verdict !== 'pass'), [], `factor ${factor}`);
  });

  it('fails an app that ignores SIGTERM: killed after the stop timeout', async () => {
    const { run, findings } = await measure('ignores-sigterm');
    assert.equal(run.killed, true);
    assert.equal(run.stopMs, null);
    assert.equal(verdictOf(findings, 9, 'stop-time'), 'fail');
  });

  it('fails an app that drops the request in flight when it gets SIGTERM', async () => {
    const { run, findings } = await measure('drops-inflight');
    assert.equal(run.inFlight, 'dropped');
    assert.equal(run.killed, false);
    assert.equal(verdictOf(findings, 9, 'in-flight-requests'), 'fail');
  });

  it('lists the files an app writes under its directory, and its log files under factor XI', async () => {
    const { run, findings } = await measure('writes-app-dir');
    assert.deepEqual(run.written, ['app.log', 'cache/hits.json']);
    assert.equal(verdictOf(findings, 6, 'writes-app-dir'), 'warn');
    assert.match(findings.get(6)![0]!.message, /wrote 1 file under \/app during the run: cache\/hits\.json/);
    assert.equal(verdictOf(findings, 11, 'file-logs'), 'fail');
    assert.equal(verdictOf(findings, 11, 'stdout-output'), 'warn');
  });

  it(`warns about an app slower than ${SLOW_BOOT_MS} ms from spawn to accepting connections`, async () => {
    const { run, findings } = await measure('slow-boot');
    assert.ok(run.bootMs! > SLOW_BOOT_MS, `booted in ${run.bootMs} ms`);
    assert.equal(verdictOf(findings, 9, 'boot-time'), 'warn');
  });
});

describe('measured runs without config (app.json)', () => {
  async function configFindings(fixture: string): Promise<Finding[]> {
    const dir = mkdtempSync(join(tmpdir(), `twelve-config-${fixture}-`));
    dirs.push(dir);
    cpSync(join(FACTOR_FIXTURES, 'measured', fixture), dir, { recursive: true });
    const entries = readEnvSchema(JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8')) as Record<string, unknown>);
    return configRunFindings({
      file: '/bin/sh', args: ['-c', 'exec node server.js'], spawnCwd: dir, appDir: dir, sandboxed: false,
      env: { PATH: process.env.PATH!, API_KEY: 'k', FEATURE_BANNER: 'b' }, bootTimeoutMs: 20_000, stopTimeoutMs: STOP_TIMEOUT_MS,
    }, entries);
  }

  it('passes an app that starts without its optional config and exits naming a missing required key', async () => {
    const found = await configFindings('config-clear');
    assert.deepEqual(found.map((f) => [f.check, f.verdict]), [['optional-config', 'pass'], ['required-config', 'pass']]);
    assert.match(found[1]!.message, /without API_KEY it exited with status 1 and says API_KEY is missing/);
  });

  it('fails an app that needs its optional config, and warns when it starts without a required key', async () => {
    const found = await configFindings('config-unclear');
    assert.deepEqual(found.map((f) => [f.check, f.verdict]), [['optional-config', 'fail'], ['required-config', 'warn']]);
    assert.match(found[0]!.message, /does not start without optional config FEATURE_BANNER \(it exited with status 1\)/);
  });
});
