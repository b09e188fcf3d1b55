import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { analyzeJs, loadTypescript } from '../../src/factors/js-analyzer.js';
import { calleeTail, type SourceFacts } from '../../src/factors/facts.js';
import { GATED_CALLS, importsOnlyFacts } from '../../src/factors/js-prefilter.js';
import { checkCodebase } from '../../src/factors/static-report.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourcesUnder(path);
    return /\.[mc]?[jt]sx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') && statSync(path).size < 512 * 1024 ? [path] : [];
  });
}

/** The parser's facts without the calls of gated names, which no check reads when the scan lets a file pass. */
function withoutGatedCalls(facts: SourceFacts): SourceFacts {
  const gated = (name: string) => GATED_CALLS.url.has(name) || GATED_CALLS.sigterm.has(name) || GATED_CALLS.destination.has(name);
  return { ...facts, calls: facts.calls.filter((call) => !gated(calleeTail(call.callee))) };
}

async function prefilter(file: string, text: string) {
  const ts = await loadTypescript();
  return { quick: importsOnlyFacts(ts, file, text), full: analyzeJs(ts, file, text) };
}

describe('the token scan that spares the parser', () => {
  it('gives exactly the parser\'s facts for every file it does not send to the parser (fixtures, examples, twelve\'s own code)', async () => {
    const ts = await loadTypescript();
    let quick = 0;
    for (const path of ['test/fixtures', 'examples', 'src', 'bench'].flatMap((dir) => sourcesUnder(join(ROOT, dir)))) {
      const text = readFileSync(path, 'utf8');
      const facts = importsOnlyFacts(ts, path, text);
      if (facts === null) continue;
      quick += 1;
      assert.deepEqual(facts, withoutGatedCalls(analyzeJs(ts, path, text)), path);
    }
    assert.ok(quick > 50, `only ${quick} files read from their tokens`);
  });

  it('reads imports alone from tokens, in the parser\'s order and lines, with comments and types that hold none', async () => {
    const text = [
      '#!/usr/bin/env node',
      "import express from 'express'; // then listen(process.env.PORT) on localhost:3000",
      "import type { Options } from 'pg';",
      "import type from 'type-named';",
      "import { type A, b } from './local';",
      "import fs = require('fs');",
      "import './side-effect';",
      '/* require("commented") */',
      "const lazy = async () => (await import('lazy')).default;",
      "const x = require(`template`), y = require('a' + b), z = obj.require('no');",
      'const ratio = (a + b) / 2 / c;',
      "if (x) /'/.test(y);",
      "const s = `${x}${`nested ${y}`}`;",
      "export * from 'reexported';",
    ].join('\n');
    const { quick, full } = await prefilter('src/a.ts', text);
    assert.deepEqual(quick, withoutGatedCalls(full));
    assert.deepEqual(quick!.imports, [
      { line: 2, module: 'express' }, { line: 4, module: 'type-named' }, { line: 5, module: './local' },
      { line: 7, module: './side-effect' }, { line: 9, module: 'lazy' }, { line: 10, module: 'template' },
    ]);
  });

  it('lets a file pass whose calls no check reads without a token it lacks (routes, event handlers)', async () => {
    const { quick, full } = await prefilter('src/routes.js', "const router = require('express').Router();\nrouter.get('/', (req, res) => res.json({}));\nstream.on('data', (chunk) => chunks.push(chunk));\n");
    assert.deepEqual(quick, withoutGatedCalls(full));
    assert.deepEqual(full.calls.map((call) => call.callee), ['router.get', 'stream.on']);
  });

  it('makes the same report as parsing every file (fixtures, examples, twelve\'s own code)', async () => {
    const fixtures = join(ROOT, 'test/fixtures/factors');
    for (const dir of [...readdirSync(fixtures).map((name) => join(fixtures, name)), join(ROOT, 'examples/hello'), ROOT]) {
      const [scanned, parsed] = [await checkCodebase(dir), await checkCodebase(dir, { parseAll: true })];
      assert.deepEqual(scanned.factors, parsed.factors, dir);
      assert.deepEqual(scanned.notes, parsed.notes, dir);
    }
  });

  for (const [what, file, text] of [
    ['an environment read', 'a.js', 'const port = process.env.PORT;'],
    ['a call a check reads', 'a.js', "server.listen(3000);"],
    ['a handler of SIGTERM', 'a.js', "process.on('SIGTERM', stop);"],
    ['a download of a URL', 'a.js', "const data = get('https://' + host);"],
    ['a logger writing to a file', 'a.js', "const log = pino({ transport: { target: 'pino/file' } });"],
    ['a file destination folded from parts', 'a.js', "log4js.configure({ appenders: { out: { type: 'da' + 'teFile' } } });"],
    ['a call a check reads, in a `new` without arguments', 'a.js', 'const store = new session.MemoryStore;'],
    ['an address in a string', 'a.js', "const db = 'localhost:5432';"],
    ['an address in a template', 'a.js', 'const db = `postgres://${user}@db:5432/app`;'],
    ['a name a credential would have', 'a.ts', "const apiKey = 'k';"],
    ['JSX, which the parser scans differently', 'a.js', "const el = <p>Don't</p>;"],
    ['a `/` after `}` (a regex or a division)', 'a.js', "function f() {}\n/'/.test(x);"],
    ['a dynamic import in TypeScript that may be a type', 'a.ts', "let t: Map<string, import('pg').Pool>;"],
    ['nesting deep enough to exhaust the stack', 'a.js', `const a = ${'['.repeat(1000)}${']'.repeat(1000)};`],
    ['a scanner error', 'a.js', "const s = 'unterminated"],
  ] as const) {
    it(`sends a file to the parser for ${what}`, async () => {
      assert.equal(importsOnlyFacts(await loadTypescript(), file, text), null);
    });
  }
});
