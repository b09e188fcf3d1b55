/**
 * factors: `twelve factors DIR` (the whole command: node's start, loading the TypeScript parser, reading
 * and parsing, the checks) on a generated repository of 5,000 files, against reading every file of it
 * with `cat` in the same run. Goal: under 2 s (docs/factors.md).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../cleanup.js';
import type { Part } from '../part.js';
import { ROOT } from '../platform.js';
import { median, now } from '../probe.js';
import { againstBaseline, againstLimit, withSamples } from '../report.js';

const FILES = 5000;
const RUNS = 5;
const GOAL_MS = 2000;

/** A service module of about 40 lines, with the calls the checks look at. */
function jsModule(i: number): string {
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

function tsModule(i: number): string {
  return [
    `// Module ${i}: typed helpers.`,
    `export interface Item${i} { id: number; name: string; tags: string[] }`,
    `export type Page<T> = { items: T[]; next: string | null };`,
    ...Array.from({ length: 6 }, (_, j) => `export function pick${j}(items: Item${i}[], limit = Number(process.env.LIMIT ?? 10)): Page<Item${i}> {\n  return { items: items.filter((item) => item.tags.includes('t${j}')).slice(0, limit), next: null };\n}`),
  ].join('\n');
}

function pyModule(i: number): string {
  return [
    `"""Module ${i}: jobs."""`,
    'import logging',
    'import os',
    '',
    'log = logging.getLogger(__name__)',
    ...Array.from({ length: 6 }, (_, j) => `\n\ndef job_${j}(items):\n    limit = int(os.environ.get("LIMIT", "10"))\n    log.info("job ${j}: %d items", len(items))\n    return [item for item in items if item.get("kind") == "k${j}"][:limit]`),
  ].join('\n');
}

/** 5,000 files: 60% JavaScript, 20% TypeScript, 10% Python, 10% JSON and Markdown, 50 to a directory. */
export function generateRepository(dir: string): void {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'big', engines: { node: '20.x' }, scripts: { start: 'node src/server.js' } }));
  writeFileSync(join(dir, 'package-lock.json'), '{}');
  writeFileSync(join(dir, 'Procfile'), 'web: node src/server.js\n');
  for (let i = 3; i < FILES; i++) {
    const sub = join(dir, 'src', `part${Math.floor(i / 50)}`);
    if (i % 50 === 0 || i === 3) mkdirSync(sub, { recursive: true });
    const kind = i % 10;
    if (kind < 6) writeFileSync(join(sub, `m${i}.js`), jsModule(i));
    else if (kind < 8) writeFileSync(join(sub, `m${i}.ts`), tsModule(i));
    else if (kind === 8) writeFileSync(join(sub, `m${i}.py`), pyModule(i));
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

export const factorsPart: Part = {
  name: 'factors',
  description: `twelve factors DIR on ${FILES.toLocaleString('en')} generated files vs cat of every file (median of ${RUNS})`,
  async run({ record }) {
    const dir = tempDir('factors');
    generateRepository(dir);
    const cli = join(ROOT, 'bin', 'twelve.js');
    const twelve: Array<{ wallMs: number; cpuMs: number }> = [];
    const baseline: Array<{ wallMs: number; cpuMs: number }> = [];
    for (let run = 0; run < RUNS + 1; run++) {
      const ours = await timeCommand(`"${process.execPath}" "${cli}" factors "${dir}" --json`);
      const cat = await timeCommand(`find "${dir}" -type f -print0 | xargs -0 cat`);
      if (run === 0) continue; // the first run fills the page cache
      twelve.push(ours);
      baseline.push(cat);
    }
    // On a shared machine the wall time depends on the others' load: the CPU time says what the work costs.
    console.log(`  load average ${loadavg().map((n) => n.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
    const wall = (runs: typeof twelve) => runs.map((r) => r.wallMs);
    const cpu = (runs: typeof twelve) => runs.map((r) => r.cpuMs);
    record(withSamples(againstLimit('factors', `twelve factors on ${FILES} files`, 'ms', median(wall(twelve)), { name: 'find | xargs cat', value: median(wall(baseline)) }, GOAL_MS), wall(twelve), wall(baseline)));
    record(withSamples(againstBaseline('factors', 'its CPU time (user + system)', 'ms', median(cpu(twelve)), { name: 'find | xargs cat', value: median(cpu(baseline)) }, null), cpu(twelve), cpu(baseline)));
  },
};
