/**
 * What a process and its descendants use, read from /proc (Linux) the way a dyno's figures cover all
 * its processes: CPU time, resident and proportional memory (smaps_rollup), swap, open descriptors.
 * Descendants are found through /proc/PID/task/PID/children, so a sample reads only the app's own
 * processes, never the whole of /proc.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of /proc's CPU times; 100 on every Linux that twelve runs on. */
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

export interface ProcUsage {
  /** User + system CPU of the live processes and of the children they reaped, in seconds. */
  cpuSeconds: number;
  rssBytes: number;
  /** Proportional set size: shared pages divided among their sharers (0 where smaps_rollup is missing). */
  pssBytes: number;
  swapBytes: number;
  openFds: number;
  /** Processes counted (the leader and its descendants). */
  processes: number;
  /** Seconds after boot when the leader started (field 22 of stat). */
  startedAfterBootSeconds: number;
}

/** Fields of a /proc/PID/stat text after the ')' that ends comm (field 3 is at index 0). */
function statFields(text: string): string[] | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  return text.slice(close + 2).split(' ');
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return null; // the process ended between listing and reading: it counts no more
  }
}

/** Parses `Rss:`, `Pss:` and `Swap:` (kB) out of smaps_rollup. */
export function parseSmapsRollup(text: string): { rss: number; pss: number; swap: number } {
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : 0;
  };
  return { rss: field('Rss'), pss: field('Pss'), swap: field('Swap') };
}

/** The leader and every descendant it has now, depth first. */
function family(pid: number, into: number[], depth = 0): void {
  into.push(pid);
  if (depth > 32) return;
  const children = readText(`/proc/${pid}/task/${pid}/children`);
  if (!children) return;
  for (const child of children.split(' ')) if (child !== '' && child !== '\n') family(Number(child), into, depth + 1);
}

/** One reading for a process and its descendants; null when the leader is gone. */
export function readProcUsage(pid: number): ProcUsage | null {
  const leaderStat = readText(`/proc/${pid}/stat`);
  const leader = leaderStat ? statFields(leaderStat) : null;
  if (!leader) return null;
  const members: number[] = [];
  family(pid, members);
  const usage: ProcUsage = { cpuSeconds: 0, rssBytes: 0, pssBytes: 0, swapBytes: 0, openFds: 0, processes: 0, startedAfterBootSeconds: Number(leader[19]) / TICKS_PER_SECOND };
  for (const member of members) {
    const text = member === pid ? leaderStat : readText(`/proc/${member}/stat`);
    const fields = text ? statFields(text) : null;
    if (!fields || fields[0] === 'Z') continue;
    // utime, stime, cutime, cstime are fields 14-17.
    usage.cpuSeconds += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
    usage.processes += 1;
    const rollup = readText(`/proc/${member}/smaps_rollup`);
    if (rollup) {
      const memory = parseSmapsRollup(rollup);
      usage.rssBytes += memory.rss;
      usage.pssBytes += memory.pss;
      usage.swapBytes += memory.swap;
    } else {
      usage.rssBytes += Number(fields[21]) * PAGE_BYTES; // field 24: rss in pages
    }
    try {
      usage.openFds += readdirSync(`/proc/${member}/fd`).length;
    } catch {
      // gone, or not ours to read: its descriptors are not counted
    }
  }
  return usage;
}

/** Seconds since boot (/proc/uptime), to turn start times after boot into wall-clock times. */
export function readUptimeSeconds(): number {
  const text = readText('/proc/uptime');
  return text ? Number(text.split(' ')[0]) : 0;
}
