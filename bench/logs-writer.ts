/**
 * The logs bench's writer: a node program that writes a burst (or a steady rate) of 90-byte lines to its
 * stdout and records how long that took it and how it spent the time; and the bench's side of it (start
 * it, read what it recorded). The same program runs piped to `wc -l`, read by a bare node parent and
 * under twelve, so every mode measures the same writer.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from './probe.js';

/**
 * The writer: warms up, says so (ready-MODE-ROUND), waits for its trigger file (go-MODE-ROUND), writes,
 * and records its own start and end (epoch ms) in a result file (result-MODE-ROUND). Every round's writer
 * is a fresh process, warmed up the same way, under twelve (restarted before each round) as piped to wc.
 */
export function writerSource(dir: string): string {
  return `
const fs = require('node:fs');
const [mode, lines, rate] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4] || 0)];
const file = (kind) => ${JSON.stringify(dir)} + '/' + kind + '-' + mode + '-' + round;
// Under twelve the Procfile names no round: a restarted writer takes the first one without a result.
let round = process.argv[5] === undefined ? 0 : Number(process.argv[5]);
if (process.argv[5] === undefined) while (fs.existsSync(file('result'))) round += 1;
// 90 bytes a line: a sequence number, filler, newline.
const line = (i) => (String(i).padStart(9, '0') + ' ' + 'x'.repeat(79) + '\\n');
function chunk(from, count) { let s = ''; for (let i = from; i < from + count; i++) s += line(i); return Buffer.from(s); }
function write(buf) { let at = 0; while (at < buf.length) { try { at += fs.writeSync(1, buf, at); } catch (e) { if (e.code !== 'EAGAIN') throw e; } } }
// The writer's main thread's time on a CPU and waiting for one, in ns (/proc/self/schedstat): the rest of
// its wall time it was blocked, i.e. its output was full.
// Also how often it moved between CPUs and was switched out (/proc/self/sched): a move leaves its caches behind.
const sched = () => {
  const [run, wait] = fs.readFileSync('/proc/self/schedstat', 'utf8').split(' ').slice(0, 2).map(Number);
  const field = (text, name) => Number(text.split('\\n').find((l) => l.startsWith(name + ' '))?.split(':')[1] ?? NaN);
  // /proc/self/sched exists only on kernels built with CONFIG_SCHED_DEBUG: without it, the counts are unknown.
  let text = '';
  try { text = fs.readFileSync('/proc/self/sched', 'utf8'); } catch {}
  return [run, wait, field(text, 'se.nr_migrations'), field(text, 'nr_voluntary_switches'), field(text, 'nr_involuntary_switches')];
};
let sched0 = [0, 0, 0, 0, 0];
// Its running time split into user and system (page faults are system time), and its page faults.
let cpu0 = process.cpuUsage();
const minorFaults = () => Number(fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[7]);
let faults0 = 0;
function run() {
  sched0 = sched();
  cpu0 = process.cpuUsage();
  faults0 = minorFaults();
  const start = Date.now();
  // Modes ending in -lines write one line per write, as console.log and pino do.
  if (mode.endsWith('lines')) { for (let i = 0; i < lines; i++) write(Buffer.from(line(i))); finish(start); return; }
  if (!rate) { for (let i = 0; i < lines; i += 700) write(chunk(i, Math.min(700, lines - i))); finish(start); return; }
  let sent = 0; const per = rate / 100;
  const tick = () => {
    const due = Math.min(lines, Math.floor((Date.now() - start) / 1000 * rate) + per);
    if (due > sent) { write(chunk(sent, due - sent)); sent = due; }
    if (sent < lines) setTimeout(tick, 10); else finish(start);
  };
  tick();
}
function finish(start) {
  const end = Date.now();
  const [run, wait, migrations, blocks, preemptions] = sched().map((n, i) => n - sched0[i]);
  const [onCpu, queued] = [run, wait].map((ns) => Math.round(ns / 1e6));
  const cpu = process.cpuUsage(cpu0);
  const [userMs, systemMs] = [cpu.user, cpu.system].map((us) => Math.round(us / 1000));
  // Written whole, then renamed: the bench polls for this file and must never read it half written.
  fs.writeFileSync(file('result') + '.partial', JSON.stringify({ start, end, onCpu, queued, migrations, blocks, preemptions, userMs, systemMs, faults: minorFaults() - faults0 }));
  fs.renameSync(file('result') + '.partial', file('result'));
  if (process.env.DYNO) setInterval(() => {}, 60_000); // under twelve, stay up until restarted
}
function wait() { if (fs.existsSync(file('go'))) run(); else setTimeout(wait, 10); }
// Warm up before any timing: making a whole burst's chunks once compiles the line maker and grows the
// heap. A fresh process's first burst was measured 80-100 ms slower than its second (page faults of a
// growing heap), and a writer that idled between rounds slower again (V8 shrinks an idle heap), so every
// round gets a fresh writer warmed up like this.
for (let i = 0; i < lines; i += 700) chunk(i, Math.min(700, lines - i));
fs.writeFileSync(file('ready'), '');
wait();
`;
}

/** When the writer started and ended (epoch ms), and how many ms of that it ran and waited for a CPU. */
export interface WriterTimes {
  start: number; end: number; onCpu: number; queued: number; migrations: number; blocks: number; preemptions: number;
  userMs: number; systemMs: number; faults: number;
}

/** `476 ms (250 running, 120 waiting for a CPU, 106 blocked; ...)`: blocked is time its output was full. */
export function writerTime(times: WriterTimes): string {
  const wall = times.end - times.start;
  return `${wall} ms (${times.onCpu} running: ${times.userMs} user, ${times.systemMs} system, ${times.faults} page faults; `
    + `${times.queued} waiting for a CPU, ${Math.max(0, wall - times.onCpu - times.queued)} blocked; `
    + `${times.migrations} moves between CPUs, ${times.blocks} blocks, ${times.preemptions} preemptions)`;
}

export function readTimes(dir: string, mode: string, round: number): WriterTimes | undefined {
  const file = join(dir, `result-${mode}-${round}`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as WriterTimes : undefined;
}

/** Starts a round's writer once it has warmed up. */
export async function trigger(dir: string, mode: string, round: number): Promise<void> {
  await until(`the ${mode} writer of round ${round} to warm up`, () => existsSync(join(dir, `ready-${mode}-${round}`)), 60_000, 10);
  writeFileSync(join(dir, `go-${mode}-${round}`), '');
}
