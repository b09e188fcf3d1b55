/**
 * factors: `twelve factors DIR` (the whole command: node's start, loading the TypeScript parser, reading,
 * scanning and parsing, the checks) on two generated repositories of 5,000 files, one made like a real
 * repository and one where every file must be parsed, against reading every file with `cat` in the same
 * run. Goal: under 2 s for the first (docs/factors.md).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../cleanup.js';
import type { Part, PartContext } from '../part.js';
import { ROOT } from '../platform.js';
import { median, now } from '../probe.js';
import { againstBaseline, againstLimit, withSamples } from '../report.js';

const FILES = 5000;
const RUNS = 5;
const GOAL_MS = 2000;

/** A deterministic pseudo-random sequence (mulberry32), so every run generates the same repository. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const lines = (count: number, line: (j: number) => string): string => Array.from({ length: count }, (_, j) => line(j)).join('\n');

/** Pure helpers: relative and package imports, loops, regular expressions, template strings; nothing a check reads. */
function helperModule(i: number, size: number): string {
  return [
    `import { z } from 'zod';`, `import groupBy from 'lodash/groupBy';`, `import { formatName } from '../shared/m${i % 97}';`, `import type { Item } from './types';`,
    '', `export const itemSchema${i} = z.object({ id: z.number(), name: z.string().min(1), tags: z.array(z.string()) });`,
    lines(size, (j) => `\nexport function transform${j}(items: Item[], prefix = 'p${j}'): Record<string, Item[]> {\n  const cleaned = items.filter((item) => /^[a-z][\\w-]*$/i.test(item.name)).map((item) => ({ ...item, name: formatName(\`\${prefix}-\${item.name}\`) }));\n  let total = 0;\n  for (const item of cleaned) total += item.tags.length / 2;\n  return total > ${j} ? groupBy(cleaned, (item) => item.tags[0] ?? 'none') : {};\n}`),
  ].join('\n');
}

function typesModule(i: number, size: number): string {
  return [`import type { Id } from '../shared/ids';`, '', lines(size, (j) => `/** A record of kind ${j}. */\nexport interface Record${i}x${j} { id: Id; name: string; createdAt: Date; tags?: string[] }\nexport type Event${j} = { kind: 'created' | 'updated'; record: Record${i}x${j} };\nexport enum Status${j} { Active = 'active', Archived = 'archived' }`)].join('\n');
}

/** A React component: JSX, which the token scan leaves to the parser. */
function componentModule(i: number, size: number): string {
  return [
    `import React, { useState } from 'react';`, `import { Button } from '../ui/button';`, '',
    `export function Panel${i}({ title, items }: { title: string; items: string[] }) {`, '  const [open, setOpen] = useState(false);',
    '  return (', '    <section className="panel">', `      <h2 onClick={() => setOpen(!open)}>{title} ({items.length})</h2>`,
    lines(size, (j) => `      {open && items.length > ${j} && <p className="row-${j}">{items[${j}]}</p>}`),
    '      <Button label="More" />', '    </section>', '  );', '}',
  ].join('\n');
}

/** An Express router: its handlers' calls (router.get, res.json) are ones the checks read, so it is parsed. */
function routeModule(i: number, size: number): string {
  return [
    `import { Router } from 'express';`, `import { findItems } from '../services/m${i % 89}';`, '', 'export const router = Router();',
    lines(size, (j) => `\nrouter.get('/items${i}/${j}/:id', async (req, res) => {\n  const rows = await findItems(Number(req.params.id), ${j});\n  res.json({ rows, page: ${j} });\n});`),
  ].join('\n');
}

/** A data access class; every third reads its settings from the environment. */
function serviceModule(i: number, size: number): string {
  return [
    `import { pool } from '../db';`, `import { logger } from '../logger';`, '',
    i % 3 === 0 ? `const LIMIT = Number(process.env.PAGE_LIMIT ?? 50);` : 'const LIMIT = 50;', '',
    `export class ItemService${i} {`, '  private readonly cache = new Map<number, unknown>();',
    lines(size, (j) => `\n  async find${j}(id: number): Promise<unknown[]> {\n    if (this.cache.has(id)) return this.cache.get(id) as unknown[];\n    const { rows } = await pool.query('SELECT * FROM items_${j} WHERE id = $1 LIMIT $2', [id, LIMIT]);\n    logger.debug(\`find${j}: \${rows.length} rows\`);\n    this.cache.set(id, rows);\n    return rows;\n  }`),
    '}',
  ].join('\n');
}

/** An older CommonJS module. */
function commonJsModule(i: number, size: number): string {
  return [
    `'use strict';`, `const path = require('path');`, `const { slugify } = require('./m${i % 83}');`, '',
    lines(size, (j) => `function render${j}(page, options) {\n  const file = path.basename(page.file, '.md');\n  const title = options && options.title ? options.title : slugify(file);\n  return '<h1>' + title + '</h1>' + page.body.replace(/\\n{2,}/g, '</p><p>');\n}`),
    `module.exports = { ${Array.from({ length: size }, (_, j) => `render${j}`).join(', ')} };`,
  ].join('\n');
}

function testModule(i: number): string {
  return `import { describe, it, expect } from 'vitest';\nimport { transform0 } from '../src/lib/m${i}';\n\ndescribe('m${i}', () => {\n  it('keeps named items', () => {\n    expect(transform0([{ id: 1, name: 'a', tags: ['x'] }])).toEqual({});\n  });\n});\n`;
}

function pythonModule(i: number, size: number): string {
  return [
    `"""Jobs of batch ${i}."""`, 'import json', 'import logging', 'import os', `from .common import load_rows`, '', 'log = logging.getLogger(__name__)',
    i % 4 === 0 ? 'LIMIT = int(os.environ.get("LIMIT", "10"))' : 'LIMIT = 10',
    lines(size, (j) => `\n\ndef job_${j}(path):\n    rows = [row for row in load_rows(path) if row.get("kind") == "k${j}"][:LIMIT]\n    log.info("job ${j}: %d rows", len(rows))\n    return json.dumps(rows)`),
  ].join('\n');
}

/**
 * A repository like a real one, of 5,000 files: 60% JavaScript/TypeScript modules (helpers, types,
 * React components, Express routers, services, CommonJS), 10% tests, 6% Python, 24% other files
 * (JSON, Markdown, CSS, SVG, YAML, SQL), in directories of 50, with a manifest, a lockfile and a Procfile.
 */
export function generateRepository(dir: string): void {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'big', engines: { node: '20.x' }, scripts: { start: 'node dist/server.js' },
    dependencies: { express: '^4.19.0', react: '^18.3.0', zod: '^3.23.0', lodash: '^4.17.21', pg: '^8.11.0' } }, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), '{}');
  writeFileSync(join(dir, 'Procfile'), 'web: node dist/server.js\n');
  const next = random(12);
  const kinds: Array<[number, string, (i: number, size: number) => string]> = [
    [0.14, 'src/lib', helperModule], [0.07, 'src/types', typesModule], [0.14, 'src/components', componentModule],
    [0.06, 'src/routes', routeModule], [0.06, 'src/services', serviceModule], [0.13, 'src/legacy', commonJsModule],
  ];
  const extension: Record<string, string> = { 'src/lib': 'ts', 'src/types': 'ts', 'src/components': 'tsx', 'src/routes': 'ts', 'src/services': 'ts', 'src/legacy': 'js' };
  const other: Array<[string, (i: number) => string]> = [
    ['json', (i) => JSON.stringify({ id: i, title: `Fixture ${i}`, tags: ['a', 'b'] }, null, 2)], ['md', (i) => `# Notes ${i}\n\nlocalhost:5432 in prose is not a finding.\n`],
    ['css', (i) => `.panel-${i} { display: flex; gap: 4px; }\n`], ['svg', (i) => `<svg xmlns="http://www.w3.org/2000/svg" width="${i % 64}"></svg>\n`],
    ['yml', (i) => `name: job-${i}\nschedule: daily\n`], ['sql', (i) => `CREATE TABLE items_${i} (id serial PRIMARY KEY, name text);\n`],
  ];
  for (let i = 3; i < FILES; i++) {
    const roll = next();
    const size = 3 + Math.floor(next() * 8);
    let path: string;
    let text: string;
    let cumulative = 0;
    const kind = kinds.find(([share]) => (cumulative += share) > roll);
    if (kind) [path, text] = [`${kind[1]}/d${Math.floor(i / 50)}/m${i}.${extension[kind[1]]!}`, kind[2](i, size)];
    else if (roll < 0.70) [path, text] = [`test/d${Math.floor(i / 50)}/m${i}.test.ts`, testModule(i)];
    else if (roll < 0.76) [path, text] = [`jobs/d${Math.floor(i / 50)}/m${i}.py`, pythonModule(i, size)];
    else {
      const [ext, make] = other[i % other.length]!;
      [path, text] = [`assets/d${Math.floor(i / 50)}/f${i}.${ext}`, make(i)];
    }
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** The worst case: every file reads the environment and requires a package, so every one is parsed. */
function denseModule(i: number): string {
  return [
    `// Module ${i}: a handler that reads its config from the environment.`,
    `const { Pool } = require('pg');`,
    `const pool = new Pool({ connectionString: process.env.DATABASE_URL });`,
    `const LIMIT = Number(process.env.PAGE_LIMIT || 50);`,
    ...Array.from({ length: 8 }, (_, j) => [
      `async function handler${j}(request, response) {`,
      `  const { rows } = await pool.query('SELECT * FROM items_${j} WHERE id = $1 LIMIT $2', [request.params.id, LIMIT]);`,
      `  console.log(\`handler${j}: \${rows.length} rows\`);`,
      `  response.json(rows.map((row) => ({ ...row, module: ${i} })));`,
      '}',
    ].join('\n')),
    `module.exports = { ${Array.from({ length: 8 }, (_, j) => `handler${j}`).join(', ')} };`,
  ].join('\n');
}

/** 5,000 files: 80% JavaScript that must be parsed, 10% Python, 10% JSON and Markdown. */
export function generateDenseRepository(dir: string): void {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'dense', engines: { node: '20.x' }, dependencies: { pg: '^8.11.0' }, scripts: { start: 'node src/server.js' } }));
  writeFileSync(join(dir, 'package-lock.json'), '{}');
  writeFileSync(join(dir, 'Procfile'), 'web: node src/server.js\n');
  for (let i = 3; i < FILES; i++) {
    const sub = join(dir, 'src', `part${Math.floor(i / 50)}`);
    if (i % 50 === 0 || i === 3) mkdirSync(sub, { recursive: true });
    const kind = i % 10;
    if (kind < 8) writeFileSync(join(sub, `m${i}.js`), denseModule(i));
    else if (kind === 8) writeFileSync(join(sub, `m${i}.py`), pythonModule(i, 6));
    else writeFileSync(join(sub, `m${i}.${i % 20 === 9 ? 'json' : 'md'}`), i % 20 === 9 ? JSON.stringify({ id: i, tags: ['a', 'b'] }) : `# Notes ${i}\n\nlocalhost:5432 in prose is not a finding.\n`);
  }
}

/** Wall time of a command, and its CPU time (user + system of it and its children, from the shell's `times`). */
function timeCommand(command: string): Promise<{ wallMs: number; cpuMs: number }> {
  const start = now();
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `${command} > /dev/null && times`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk; });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk; });
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = now() - start;
      if (code !== 0) { reject(new Error(`${command} exited ${code}: ${err.slice(-500)}`)); return; }
      // `times` prints the shell's own user and system times, then its children's: `0m4.120s 0m0.410s`.
      const children = out.trim().split('\n').pop()!.match(/(\d+)m([\d.]+)s/g) ?? [];
      const cpuMs = children.reduce((sum, part) => { const [, m, sec] = /(\d+)m([\d.]+)s/.exec(part)!; return sum + (Number(m) * 60 + Number(sec)) * 1000; }, 0);
      resolve({ wallMs, cpuMs });
    });
  });
}

/** A git work tree, as a repository is: factor I asks git which files it tracks. */
function commitAll(dir: string): void {
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-C', dir, 'init', '-q']);
  execFileSync('git', ['-C', dir, 'add', '-A']);
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-C', dir, 'commit', '-qm', 'generated']);
}

type Timing = { wallMs: number; cpuMs: number };

async function measure(record: PartContext['record'], label: string, dir: string, goal: number | null): Promise<void> {
  const cli = join(ROOT, 'bin', 'twelve.js');
  const twelve: Timing[] = [];
  const baseline: Timing[] = [];
  for (let run = 0; run < RUNS + 1; run++) {
    const ours = await timeCommand(`"${process.execPath}" "${cli}" factors "${dir}" --json`);
    const cat = await timeCommand(`find "${dir}" -path '*/.git' -prune -o -type f -print0 | xargs -0 cat`);
    if (run === 0) continue; // the first run fills the page cache
    twelve.push(ours);
    baseline.push(cat);
  }
  const wall = (runs: Timing[]) => runs.map((r) => r.wallMs);
  const cpu = (runs: Timing[]) => runs.map((r) => r.cpuMs);
  const figures = (values: number[]) => `best ${Math.round(Math.min(...values))} ms, median ${Math.round(median(values))} ms`;
  console.log(`  ${label}: wall ${figures(wall(twelve))}; CPU ${figures(cpu(twelve))}`);
  const limit = { name: 'find | xargs cat', value: median(wall(baseline)) };
  record(withSamples(goal === null ? againstBaseline('factors', `twelve factors, ${label}`, 'ms', median(wall(twelve)), limit, null)
    : againstLimit('factors', `twelve factors, ${label}`, 'ms', median(wall(twelve)), limit, goal), wall(twelve), wall(baseline)));
  record(withSamples(againstBaseline('factors', `its CPU time (user + system), ${label}`, 'ms', median(cpu(twelve)), { name: 'find | xargs cat', value: median(cpu(baseline)) }, null), cpu(twelve), cpu(baseline)));
}

export const factorsPart: Part = {
  name: 'factors',
  description: `twelve factors DIR on ${FILES.toLocaleString('en')} generated files (a repository-like mix, and every file to parse) vs cat of every file (${RUNS} rounds)`,
  async run({ record }) {
    const mixed = tempDir('factors');
    generateRepository(mixed);
    commitAll(mixed);
    const dense = tempDir('factors-dense');
    generateDenseRepository(dense);
    // On a shared machine the wall time depends on the others' load: the CPU time says what the work costs.
    console.log(`  load average ${loadavg().map((n) => n.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
    await measure(record, `${FILES} files like a repository`, mixed, GOAL_MS);
    await measure(record, `${FILES} files all to parse`, dense, null);
  },
};
