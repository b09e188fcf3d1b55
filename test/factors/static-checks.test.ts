import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { checkCodebase } from '../../src/factors/static-report.js';
import type { FactorsReport, Finding, Verdict } from '../../src/factors/report.js';
import { fixtureApp } from './fixtures.js';

const made: string[] = [];
after(() => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });

async function report(base: string, overlay?: string, extra?: Record<string, string>): Promise<FactorsReport> {
  const dir = fixtureApp(base, overlay, extra);
  made.push(dir);
  return checkCodebase(dir);
}

function verdicts(result: FactorsReport): Verdict[] {
  return result.factors.map((factor) => factor.verdict);
}

function findingsOf(result: FactorsReport, factor: number): Finding[] {
  return result.factors[factor - 1]!.findings;
}

/** Each fixture breaks one check of one factor; the finding names the file and line that does. */
/** `also`: other factors the same lines break (a log file under the app's directory is state on its disk too). */
const CASES: Array<{ overlay: string; base?: string; factor: number; verdict: Verdict; check: string; file?: string; line?: number; also?: number[] }> = [
  { overlay: 'one-app', factor: 1, verdict: 'warn', check: 'one-app', file: 'admin' },
  { overlay: 'sibling-dependencies', factor: 1, verdict: 'warn', check: 'sibling-dependencies', file: 'package.json', line: 8 },
  { overlay: 'no-lockfile', factor: 2, verdict: 'fail', check: 'lockfile', file: 'package.json' },
  { overlay: 'unpinned-runtime', factor: 2, verdict: 'warn', check: 'pinned-runtime', file: 'package.json' },
  { overlay: 'undeclared-dependencies', factor: 2, verdict: 'fail', check: 'undeclared-dependencies', file: 'dates.js', line: 2 },
  { overlay: 'system-tools', factor: 2, verdict: 'warn', check: 'system-tools', file: 'thumbnail.js', line: 5 },
  { overlay: 'credentials-in-code', factor: 3, verdict: 'fail', check: 'credentials-in-code', file: 'mailer.js', line: 2 },
  { overlay: 'hosts-in-code', factor: 3, verdict: 'warn', check: 'hosts-in-code', file: 'billing.js', line: 2 },
  { overlay: 'per-environment-config', factor: 3, verdict: 'warn', check: 'per-environment-config', file: 'config/production.json' },
  { overlay: 'environment-branches', factor: 3, verdict: 'warn', check: 'environment-branches', file: 'features.js', line: 2 },
  { overlay: 'service-addresses', factor: 4, verdict: 'fail', check: 'service-addresses', file: 'cache.js', line: 5 },
  { overlay: 'build-at-start', factor: 5, verdict: 'fail', check: 'build-at-start', file: 'Procfile', line: 1 },
  { overlay: 'migrations-in-web', factor: 5, verdict: 'fail', check: 'migrations-in-web', file: 'Procfile', line: 1 },
  { overlay: 'downloads-at-boot', factor: 5, verdict: 'warn', check: 'downloads-at-boot', file: 'Procfile', line: 1 },
  { overlay: 'downloads-in-code', factor: 5, verdict: 'warn', check: 'downloads-at-boot', file: 'model.js', line: 2 },
  { overlay: 'writes-app-dir', factor: 6, verdict: 'warn', check: 'writes-app-dir', file: 'uploads.js', line: 6 },
  { overlay: 'memory-sessions', factor: 6, verdict: 'fail', check: 'memory-sessions', file: 'sessions.js', line: 4 },
  { overlay: 'listens-on-port', factor: 7, verdict: 'fail', check: 'listens-on-port', file: 'server.js', line: 5 },
  { overlay: 'process-types', factor: 8, verdict: 'warn', check: 'process-types' },
  { overlay: 'self-daemonizing', factor: 8, verdict: 'fail', check: 'self-daemonizing', file: 'Procfile', line: 2 },
  { overlay: 'in-process-cron', factor: 8, verdict: 'warn', check: 'in-process-cron', file: 'reports.js', line: 6 },
  { overlay: 'sigterm-handler', factor: 9, verdict: 'fail', check: 'sigterm-handler' },
  { overlay: 'same-services', factor: 10, verdict: 'fail', check: 'same-services', file: 'dev-db.js', line: 2 },
  { overlay: 'file-logs', factor: 11, verdict: 'fail', check: 'file-logs', file: 'log.js', line: 6 },
  { overlay: 'file-logs-append', factor: 11, verdict: 'fail', check: 'file-logs', file: 'audit.js', line: 4, also: [6] },
  { overlay: 'admin-in-release', factor: 12, verdict: 'warn', check: 'admin-in-release', file: 'package.json' },
  { base: 'clean-python', overlay: 'py-lockfile', factor: 2, verdict: 'warn', check: 'lockfile', file: 'requirements.txt', line: 1 },
  { base: 'clean-python', overlay: 'py-credentials', factor: 3, verdict: 'fail', check: 'credentials-in-code', file: 'db.py', line: 6 },
  { base: 'clean-python', overlay: 'py-per-environment-config', factor: 3, verdict: 'warn', check: 'per-environment-config', file: 'settings_prod.py' },
  { base: 'clean-python', overlay: 'py-environment-branches', factor: 3, verdict: 'warn', check: 'environment-branches', file: 'features.py', line: 4 },
  { base: 'clean-python', overlay: 'py-downloads-in-code', factor: 5, verdict: 'warn', check: 'downloads-at-boot', file: 'model.py', line: 4 },
  { base: 'clean-python', overlay: 'py-writes-app-dir', factor: 6, verdict: 'warn', check: 'writes-app-dir', file: 'store.py', line: 5 },
  { base: 'clean-python', overlay: 'py-listens-on-port', factor: 7, verdict: 'fail', check: 'listens-on-port', file: 'serve.py', line: 4 },
  { base: 'clean-python', overlay: 'py-in-process-cron', factor: 8, verdict: 'warn', check: 'in-process-cron', file: 'jobs.py', line: 4 },
  { base: 'clean-python', overlay: 'py-sigterm-handler', factor: 9, verdict: 'fail', check: 'sigterm-handler' },
  { base: 'clean-python', overlay: 'py-same-services', factor: 10, verdict: 'fail', check: 'same-services', file: 'dev.py', line: 4 },
  { base: 'clean-python', overlay: 'py-file-logs', factor: 11, verdict: 'fail', check: 'file-logs', file: 'log_setup.py', line: 4 },
];

describe('twelve factors DIR', () => {
  for (const base of ['clean-node', 'clean-python']) {
    it(`passes every factor on ${base}, with evidence`, async () => {
      const result = await report(base);
      assert.deepEqual(verdicts(result), Array(12).fill('pass'), JSON.stringify(result.factors.filter((f) => f.verdict !== 'pass'), null, 1));
      assert.equal(result.score, 100);
      assert.ok(result.factors.every((factor) => factor.findings.length > 0));
    });
  }

  for (const c of CASES) {
    it(`${c.verdict}s factor ${c.factor} on ${c.overlay}${c.file ? ` at ${c.file}${c.line ? `:${c.line}` : ''}` : ''}, and only there`, async () => {
      const base = c.base ?? 'clean-node';
      const result = await report(base, c.overlay);
      const factor = result.factors[c.factor - 1]!;
      assert.equal(factor.verdict, c.verdict, JSON.stringify(factor.findings));
      const hit = factor.findings.find((f) => f.check === c.check && f.verdict === c.verdict);
      assert.ok(hit, `no ${c.check} finding in ${JSON.stringify(factor.findings)}`);
      assert.equal(hit.file, c.file);
      assert.equal(hit.line, c.line);
      assert.ok(hit.fix, 'a finding says what to do');
      const also = [...(c.also ?? []), ...(c.overlay === 'service-addresses' ? [3] : [])];
      const others = result.factors.filter((f) => f.number !== c.factor && f.verdict !== 'pass' && !also.includes(f.number));
      assert.deepEqual(others.map((f) => `${f.roman}: ${JSON.stringify(f.findings)}`), []);
    });
  }

  it('reports a service address passed to a client, and not the same address in a comment or a log line', async () => {
    const result = await report('clean-node', 'service-addresses');
    const lines = [...findingsOf(result, 3), ...findingsOf(result, 4)].filter((f) => f.file === 'cache.js').map((f) => f.line);
    assert.deepEqual([...new Set(lines)], [5]);
  });

  it('does not report localhost:5432 in a Python comment or print, only the host passed to connect', async () => {
    const result = await report('clean-python', 'py-credentials');
    const places = [...findingsOf(result, 3), ...findingsOf(result, 4)].filter((f) => f.verdict !== 'pass').map((f) => `${f.file}:${f.line}`);
    assert.deepEqual([...new Set(places)], ['db.py:6']);
  });

  it('reports a download made as a module loads, not one inside a function', async () => {
    for (const [base, overlay] of [['clean-node', 'downloads-in-code'], ['clean-python', 'py-downloads-in-code']] as const) {
      const result = await report(base, overlay);
      assert.equal(findingsOf(result, 5).filter((f) => f.check === 'downloads-at-boot').length, 1, overlay);
    }
  });

  it('does not take the address a server binds for a host in the code', async () => {
    const result = await report('clean-node', undefined, {
      'admin.js': "const http = require('node:http');\nhttp.createServer(() => {}).listen(Number(process.env.PORT), '127.0.0.1');\n",
      'probe.py': 'import os\nfrom http.server import HTTPServer\nHTTPServer(("127.0.0.1", int(os.environ["PORT"])), None)\n',
    });
    assert.equal(result.factors[2]!.verdict, 'pass', JSON.stringify(findingsOf(result, 3)));
    assert.equal(result.factors[3]!.verdict, 'pass', JSON.stringify(findingsOf(result, 4)));
  });

  it('fails factor III when a .env file is committed', async () => {
    const result = await report('clean-node', undefined, { '.env': 'DATABASE_URL=postgres://u:p@db/shop\n', '.env.example': 'DATABASE_URL=\n' });
    const hits = findingsOf(result, 3).filter((f) => f.check === 'env-in-git');
    assert.deepEqual(hits.map((f) => [f.verdict, f.file]), [['fail', '.env']]);
  });
});

describe('twelve factors on twelve\'s own apps', () => {
  const root = new URL('../../../', import.meta.url);
  const apps = fileURLToPath(new URL('test/fixtures/apps/', root));
  const dirs = [fileURLToPath(new URL('examples/hello', root)), ...readdirSync(apps).map((name) => join(apps, name))];

  it(`reads examples/hello and the ${dirs.length - 1} apps the tests deploy without a parse failure, and hello keeps its SIGTERM and PORT passes`, async () => {
    for (const dir of dirs) {
      const result = await checkCodebase(dir);
      assert.deepEqual(result.notes.filter((note) => !note.startsWith('left out:')), [], dir);
      assert.equal(result.factors.length, 12);
    }
    const hello = await checkCodebase(dirs[0]!);
    assert.equal(hello.factors[6]!.verdict, 'pass');
    assert.equal(hello.factors[8]!.verdict, 'pass');
  });
});
