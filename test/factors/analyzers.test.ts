import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { analyzeJs, loadTypescript } from '../../src/factors/js-analyzer.js';
import { analyzePython } from '../../src/factors/python-analyzer.js';
import { checkCodebase } from '../../src/factors/static-report.js';

const dirs: string[] = [];
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

describe('the analyzers', () => {
  it('reads TypeScript syntax, and keeps literals with the call or name they go to, not comments', async () => {
    const ts = await loadTypescript();
    const facts = analyzeJs(ts, 'src/db.ts', [
      'interface Options<T> { host: T }',
      '// connect to localhost:5432',
      'const { DATABASE_URL, PORT } = process.env;',
      'const fallback: string = `postgres://localhost:5432/${"app"}`;',
      'export const pool = new Pool({ host: "localhost", port: Number(PORT) } as Options<string>);',
      'if (process.env["APP_ENV"] === "qa") console.log("localhost:5432");',
    ].join('\n'));
    assert.deepEqual(facts.literals, [
      { line: 4, value: 'postgres://localhost:5432/${}', key: 'fallback' },
      { line: 5, value: 'localhost', callee: 'Pool', key: 'host' },
      { line: 6, value: 'localhost:5432', callee: 'console.log' },
    ]);
    assert.deepEqual(facts.envReads.map((read) => read.name).sort(), ['APP_ENV', 'DATABASE_URL', 'PORT']);
    assert.deepEqual(facts.envCompares, [{ line: 6, name: 'APP_ENV', value: 'qa' }]);
  });

  it('reads Python through python3 and reports a file it cannot parse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twelve-py-facts-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'ok.py'), 'import os\n# localhost:6379\nr = redis.Redis.from_url("redis://localhost:6379")\nport = int(os.environ.get("PORT", "5000"))\n');
    writeFileSync(join(dir, 'bad.py'), 'def broken(:\n');
    const { facts } = await analyzePython(dir, ['ok.py', 'bad.py']);
    const ok = facts.find((fact) => fact.file === 'ok.py')!;
    assert.deepEqual(ok.literals, [{ line: 3, value: 'redis://localhost:6379', callee: 'redis.Redis.from_url' }]);
    assert.deepEqual(ok.envReads, [{ line: 4, name: 'PORT' }]);
    assert.match(facts.find((fact) => fact.file === 'bad.py')!.error!, /invalid syntax|was never closed|expected/);
  });

  it('names a file nested deeper than the stack allows, and reads the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twelve-deep-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'deep.js'), `const a = ${'['.repeat(20_000)}${']'.repeat(20_000)};`);
    writeFileSync(join(dir, 'deep.py'), `a = ${'('.repeat(5000)}${')'.repeat(5000)}\n`);
    writeFileSync(join(dir, 'ok.js'), "process.on('SIGTERM', () => {});\n");
    const report = await checkCodebase(dir);
    assert.equal(report.stats.parsed, 1);
    assert.deepEqual(report.notes.map((note) => note.split(':')[0]).sort(), ['deep.js', 'deep.py']);
    assert.equal(report.factors[8]!.verdict, 'pass');
  });

  it('says what it leaves out: dependencies, build output, files too large to be the app\'s own, minified ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twelve-left-out-'));
    dirs.push(dir);
    for (const sub of ['node_modules/pg', 'dist', '.git']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'node_modules/pg/index.js'), "const password = 'in a dependency';\n");
    writeFileSync(join(dir, 'dist/server.js'), "require('http').createServer().listen(3000);\n");
    writeFileSync(join(dir, 'bundle.js'), `var a = '${'x'.repeat(600 * 1024)}';\n`);
    writeFileSync(join(dir, 'app.min.js'), "var s='localhost:5432';\n");
    writeFileSync(join(dir, 'server.js'), "process.on('SIGTERM', () => {});\n");
    const report = await checkCodebase(dir);
    assert.deepEqual(report.notes, ['left out: dist/, node_modules/ (dependencies, build output); 1 file over 512 KB (generated or bundled), e.g. bundle.js; 1 minified file (*.min.js)']);
    assert.deepEqual(report.stats, { ...report.stats, files: 3, parsed: 1, scanned: 0 });
  });

  it('says so when python3 cannot be run', async () => {
    const { facts, unavailable } = await analyzePython('/', ['x.py'], 'no-such-python3');
    assert.deepEqual(facts, []);
    assert.match(unavailable!, /no-such-python3 could not be started/);
  });
});
