/**
 * logs: a child writes N 90-byte lines as fast as it can. The limit is the same child piped to `wc -l`;
 * twelve must store them and deliver them to a live tail at >= 0.8 of that rate, slowing the writer by
 * at most 1.2x. Then 100,000 lines/s for 10 s: every line stored and delivered (the counts are printed).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { tempDir, trackPid } from '../cleanup.js';
import type { Measurement, Part } from '../part.js';
import { BenchPlatform } from '../platform.js';
import { until } from '../probe.js';
import { againstBaseline, againstLimit } from '../report.js';

const APP = 'logbench';
const BURST = 1_000_000;
const STEADY_RATE = 100_000;
const STEADY_SECONDS = 10;

/** The writer: waits for its trigger file, writes, records its own start and end (epoch ms) in a result file. */
function writerSource(dir: string): string {
  return `
const fs = require('node:fs');
const [mode, lines, rate] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4] || 0)];
const trigger = ${JSON.stringify(dir)} + '/go-' + mode, result = ${JSON.stringify(dir)} + '/result-' + mode;
// 90 bytes a line: a sequence number, filler, newline.
const line = (i) => (String(i).padStart(9, '0') + ' ' + 'x'.repeat(79) + '\\n');
function chunk(from, count) { let s = ''; for (let i = from; i < from + count; i++) s += line(i); return Buffer.from(s); }
function write(buf) { let at = 0; while (at < buf.length) { try { at += fs.writeSync(1, buf, at); } catch (e) { if (e.code !== 'EAGAIN') throw e; } } }
function run() {
  const start = Date.now();
  if (!rate) { for (let i = 0; i < lines; i += 700) write(chunk(i, Math.min(700, lines - i))); finish(start); return; }
  let sent = 0; const per = rate / 100;
  const tick = () => {
    const due = Math.min(lines, Math.floor((Date.now() - start) / 1000 * rate) + per);
    if (due > sent) { write(chunk(sent, due - sent)); sent = due; }
    if (sent < lines) setTimeout(tick, 10); else finish(start);
  };
  tick();
}
function finish(start) { fs.writeFileSync(result, JSON.stringify({ start, end: Date.now() })); if (process.env.DYNO) setInterval(() => {}, 1 << 30); }
(function wait() { if (fs.existsSync(trigger)) run(); else setTimeout(wait, 10); })();
`;
}

interface WriterTimes { start: number; end: number }

function readTimes(dir: string, mode: string): WriterTimes | undefined {
  const file = join(dir, `result-${mode}`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as WriterTimes : undefined;
}

/** The bare limit: the writer piped to `wc -l`. */
async function pipedToWc(dir: string): Promise<{ rate: number; writeMs: number }> {
  writeFileSync(join(dir, 'go-bare'), '');
  const child = spawn('sh', ['-c', `node writer.js bare ${BURST} | wc -l`], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.pid) trackPid(child.pid);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  await new Promise((resolve) => child.on('close', resolve));
  const done = Date.now();
  if (Number(out.trim()) !== BURST) throw new Error(`wc -l counted ${out.trim()} lines, not ${BURST}`);
  const times = readTimes(dir, 'bare')!;
  return { rate: BURST / ((done - times.start) / 1000), writeMs: times.end - times.start };
}

/** A live tail over the API that counts the lines it receives, without parsing them. */
function openTail(platform: BenchPlatform, ps: string): { count: () => number; at: () => number; close: () => void } {
  const token = readFileSync(join(platform.dataDir, 'api-token'), 'utf8').trim();
  let count = 0;
  let lastAt = 0;
  const req = request({
    host: '127.0.0.1', port: platform.apiPort, path: `/v1/apps/${APP}/logs?tail=true&lines=0&source=app&ps=${ps}`,
    headers: { authorization: `Bearer ${token}` }, agent: false,
  }, (res) => {
    res.on('data', (chunk: Buffer) => {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) count += 1;
      lastAt = Date.now();
    });
  });
  req.on('error', () => {});
  req.end();
  return { count: () => count, at: () => lastAt, close: () => req.destroy() };
}

/** Lines of one process in the app's segment files on disk. */
function storedLines(platform: BenchPlatform, process: string): number {
  const dir = join(platform.dataDir, 'apps', APP, 'logs');
  const needle = ` app ${process} `;
  let count = 0;
  for (const name of readdirSync(dir)) {
    const text = readFileSync(join(dir, name), 'latin1');
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) count += 1;
  }
  return count;
}

async function runThrough(platform: BenchPlatform, dir: string, mode: string, lines: number, timeoutMs: number): Promise<{ delivered: number; stored: number; doneAt: number; times: WriterTimes }> {
  const tail = openTail(platform, `${mode}.1`);
  try {
    await new Promise((resolve) => setTimeout(resolve, 300)); // the tail's request is in before the first line
    writeFileSync(join(dir, `go-${mode}`), '');
    await until(`${lines} ${mode} lines at the live tail`, () => tail.count() >= lines || (readTimes(dir, mode) !== undefined && Date.now() - Math.max(tail.at(), readTimes(dir, mode)!.end) > 3000), timeoutMs, 20);
    const times = readTimes(dir, mode)!;
    return { delivered: tail.count(), doneAt: tail.at(), stored: storedLines(platform, `${mode}.1`), times };
  } finally {
    tail.close();
  }
}

export const logsPart: Part = {
  name: 'logs',
  description: `${BURST.toLocaleString('en')} 90-byte lines as fast as a child writes them, then ${STEADY_RATE.toLocaleString('en')} lines/s for ${STEADY_SECONDS} s`,
  async run({ record }) {
    const dir = tempDir('logs-app');
    writeFileSync(join(dir, 'writer.js'), writerSource(dir));
    writeFileSync(join(dir, 'Procfile'), `burst: node writer.js burst ${BURST}\nsteady: node writer.js steady ${STEADY_RATE * STEADY_SECONDS} ${STEADY_RATE}\n`);
    const bare = await pipedToWc(dir);

    const platform = await BenchPlatform.launch();
    await platform.ok('apps:create', APP);
    await platform.ok('logs:retention', '--size', '2GB', '-a', APP); // keep every line of the run
    await platform.ok('deploy', dir, '-a', APP);
    await platform.ok('ps:scale', 'burst=1', 'steady=1', '-a', APP);
    await until('the writers to be up', async () => (await platform.processes(APP)).filter((p) => p.state === 'up').length === 2, 30_000, 100);

    const burst = await runThrough(platform, dir, 'burst', BURST, 120_000);
    console.log(`  burst: written ${BURST}, delivered to the tail ${burst.delivered}, stored ${burst.stored}; wc -l ${Math.round(bare.rate)} lines/s`);
    const twelveRate = BURST / ((burst.doneAt - burst.times.start) / 1000);
    const ratio = twelveRate / bare.rate;
    const rate: Measurement = {
      part: 'logs', metric: 'lines/s stored and delivered to a live tail', unit: 'lines/s', twelve: twelveRate,
      baseline: { name: 'piped to wc -l', value: bare.rate }, ratio, goal: '>= 0.8x', met: ratio >= 0.8 && burst.delivered === BURST && burst.stored === BURST,
    };
    record(rate);
    record(againstBaseline('logs', 'the writing app\'s own time', 'ms', burst.times.end - burst.times.start, { name: 'piped to wc -l', value: bare.writeMs }, 1.2));

    const steady = await runThrough(platform, dir, 'steady', STEADY_RATE * STEADY_SECONDS, 60_000);
    const lost = STEADY_RATE * STEADY_SECONDS - Math.min(steady.delivered, steady.stored);
    console.log(`  steady: written ${STEADY_RATE * STEADY_SECONDS} in ${steady.times.end - steady.times.start} ms, delivered ${steady.delivered}, stored ${steady.stored}`);
    record(againstLimit('logs', `lines lost at ${STEADY_RATE / 1000}k lines/s for ${STEADY_SECONDS} s`, 'lines', lost, null, 0));
  },
};
