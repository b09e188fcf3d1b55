/**
 * memory: what twelve keeps resident, idle with one web and with 20 processes: every process of twelve's
 * own (the platform's node, the spawn helper where there is one, each sandbox's bwrap pair), apart from
 * the apps' processes. The figure held against PM2's daemon counts each node process's RSS whole, as
 * PM2's was measured, and each sandbox wrapper's PSS: forty bwraps share one libc and one binary, and
 * their RSS summed would count those pages forty times. RSS and PSS summed are shown beside it.
 */
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { killChild, spawnTracked, tempDir } from '../cleanup.js';
import type { Part } from '../part.js';
import { BenchPlatform, FIXTURES } from '../platform.js';
import { until } from '../probe.js';
import { againstLimit, type Measurement } from '../report.js';

const APP = 'memory';
/** PM2's daemon, as the issue measured it: idle with one app, and with 20 processes. */
const PM2_IDLE_MB = 58;
const PM2_TWENTY_MB = 61;
const SAMPLES = 10;

/** Which of twelve's processes a process is, or 'app' for the apps' own. */
type Role = 'platform' | 'spawn helper' | 'sandbox' | 'app';

interface ProcessMemory { pid: number; role: Role; command: string; rssKb: number; pssKb: number }

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null; // exited while the table was read
  }
}

/** The pid and every descendant of it. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  for (let queue = [root]; queue.length > 0;) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue = [...queue, ...(children.get(pid) ?? [])];
  }
  return tree;
}

/** twelve's sandbox wrappers: unshare, the launch script's shell, bwrap's monitor and its pid 1. */
const SANDBOX_COMMANDS = /^(\/usr\/bin\/unshare|\/usr\/bin\/bwrap|bwrap|unshare)\0|\0twelve-sandbox\0/;

function roleOf(pid: number, root: number, command: string): Role {
  if (pid === root) return 'platform';
  if (command.includes('spawn-helper.js')) return 'spawn helper';
  return SANDBOX_COMMANDS.test(command) ? 'sandbox' : 'app';
}

function memoryOf(pid: number, root: number): ProcessMemory | null {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    const pssKb = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    return { pid, role: roleOf(pid, root, command), command: command.replaceAll('\0', ' ').slice(0, 60), rssKb, pssKb };
  } catch {
    return null; // exited while it was read
  }
}

interface Sample { goalMb: number; rssMb: number; pssMb: number; processes: ProcessMemory[] }

/** Node processes by RSS, sandbox wrappers by PSS (see the top of this file). */
function goalKb(p: ProcessMemory): number {
  return p.role === 'sandbox' ? p.pssKb : p.rssKb;
}

/** twelve's own processes (the apps' left out), summed; the highest of a few samples, as RSS moves with every GC. */
async function sampleTwelve(root: number): Promise<Sample> {
  let best: Sample = { goalMb: 0, rssMb: 0, pssMb: 0, processes: [] };
  const sum = (processes: ProcessMemory[], kb: (p: ProcessMemory) => number) => processes.reduce((total, p) => total + kb(p), 0) / 1024;
  for (let i = 0; i < SAMPLES; i += 1) {
    const processes = processTree(root).map((pid) => memoryOf(pid, root)).filter((p): p is ProcessMemory => p !== null && p.role !== 'app');
    const sample = { goalMb: sum(processes, goalKb), rssMb: sum(processes, (p) => p.rssKb), pssMb: sum(processes, (p) => p.pssKb), processes };
    best = sample.goalMb > best.goalMb ? sample : best;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return best;
}

function describe(processes: ProcessMemory[]): string {
  const byRole = new Map<Role, ProcessMemory[]>();
  for (const p of processes) byRole.set(p.role, [...(byRole.get(p.role) ?? []), p]);
  return [...byRole].map(([role, list]) => {
    const rss = list.reduce((sum, p) => sum + p.rssKb, 0) / 1024;
    const pss = list.reduce((sum, p) => sum + p.pssKb, 0) / 1024;
    return `${list.length} ${role}: RSS ${rss.toFixed(1)} MB, PSS ${pss.toFixed(1)} MB`;
  }).join('; ');
}

/** A Node.js process doing nothing: the floor any Node.js daemon starts from, for scale. */
async function bareNodeRss(): Promise<number> {
  const child = spawnTracked(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("ready")']);
  try {
    await until('bare node to start', () => child.output().includes('ready'), 10_000);
    return (await sampleTwelve(child.pid!)).goalMb;
  } finally {
    await killChild(child);
  }
}

function record(recordOne: (m: Measurement) => void, label: string, sample: Sample, bare: { name: string; value: number }, limit: number): void {
  console.log(`  ${label}: ${describe(sample.processes)}`);
  const reportOnly = (metric: string, value: number) => recordOne({ ...againstLimit('memory', metric, 'MB', value, null, limit), goal: 'report only', met: null });
  recordOne(againstLimit('memory', `twelve's processes (node RSS + wrappers' PSS), ${label}`, 'MB', sample.goalMb, bare, limit));
  reportOnly(`twelve's processes, RSS summed, ${label}`, sample.rssMb);
  reportOnly(`twelve's processes, PSS summed, ${label}`, sample.pssMb);
}

export const memoryPart: Part = {
  name: 'memory',
  description: 'twelve\'s processes summed (node RSS + sandbox wrappers\' PSS vs PM2\'s daemon, 58 / 61 MB), idle (one app, web=1) and with 20 processes',
  async run({ record: recordOne }) {
    const bare = { name: 'bare node process', value: await bareNodeRss() };
    const dir = join(tempDir('memory-src'), 'app');
    cpSync(join(FIXTURES, 'node-web'), dir, { recursive: true });
    const platform = await BenchPlatform.launch();
    await platform.deployApp(APP, dir);
    await until('web.1 up', async () => (await platform.upWebs(APP)).length === 1, 30_000, 20);
    record(recordOne, 'one app, web=1', await sampleTwelve(platform.pid), bare, PM2_IDLE_MB);

    await platform.ok('ps:scale', 'web=20', '-a', APP);
    await until('20 webs up', async () => (await platform.upWebs(APP)).length === 20, 60_000, 20);
    record(recordOne, 'web=20', await sampleTwelve(platform.pid), bare, PM2_TWENTY_MB);
  },
};
