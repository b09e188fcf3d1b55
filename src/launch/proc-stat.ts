/**
 * Facts about live processes from /proc (Linux): a process's start time, which tells our process from a
 * later one that reused its pid, and which members of a process group are still running.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  /** R, S, D, T, Z (zombie: exited but not reaped), X, ... */
  state: string;
  ppid: number;
  pgrp: number;
  /** Field 22: start time in clock ticks after boot, kept as a string (it can exceed 2^53 in theory). */
  startTicks: string;
}

/**
 * The fields of a /proc/PID/stat text after comm, field N at index N - 3. Field 2 (comm) is in
 * parentheses and may itself contain spaces and parentheses, so they are counted from after the last ')'.
 */
function statFields(text: string): { pid: number; fields: string[] } | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const fields = text.slice(close + 1).trim().split(/\s+/);
  if (fields.length < 20) return null;
  return { pid: Number(text.slice(0, open).trim()), fields };
}

/** Parses the text of /proc/PID/stat. */
export function parseProcStat(text: string): ProcStat | null {
  const parsed = statFields(text);
  if (!parsed) return null;
  const { pid, fields } = parsed;
  return { pid, state: fields[0]!, ppid: Number(fields[1]), pgrp: Number(fields[2]), startTicks: fields[19]! };
}

export function readProcStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** What a process has cost so far: CPU (user + system, and each, in clock ticks) and minor page faults. */
export function readProcUsage(pid: number): { cpuTicks: number; userTicks: number; systemTicks: number; minorFaults: number } | null {
  try {
    const parsed = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    if (!parsed) return null;
    // Fields 10 (minflt), 14 (utime) and 15 (stime).
    const [userTicks, systemTicks] = [Number(parsed.fields[11]), Number(parsed.fields[12])];
    return { cpuTicks: userTicks + systemTicks, userTicks, systemTicks, minorFaults: Number(parsed.fields[7]) };
  } catch {
    return null;
  }
}

/** The start time of a process in clock ticks, or null when there is no such process. */
export function readStartTicks(pid: number): string | null {
  return readProcStat(pid)?.startTicks ?? null;
}

/** A zombie has exited already: nothing is left to stop, it only waits for its parent to reap it. */
export function isRunning(stat: ProcStat | null): boolean {
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

/** The leader's descendants (from /proc/PID/task/TID/children) that are still in its group, leader first. */
export function groupDescendants(pgid: number): number[] {
  const found: number[] = [];
  const queue = [pgid];
  while (queue.length > 0 && found.length < 1000) {
    const pid = queue.shift()!;
    if (readProcStat(pid)?.pgrp === pgid) found.push(pid);
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ')) if (child !== '') queue.push(Number(child));
      } catch {
        // the task ended while we looked
      }
    }
  }
  return found;
}

/** Every process of group `pgid`, found by reading every process's stat. */
export function groupMembers(pgid: number): number[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  return pids.map(Number).filter((pid) => readProcStat(pid)?.pgrp === pgid);
}

/** Whether a process group still has a running member (zombies do not count). */
export function groupIsRunning(pgid: number): boolean {
  // The cheap checks first: no member at all, not even a zombie; then the leader's own descendants.
  if (!signalGroup(pgid, 0)) return false;
  if (groupDescendants(pgid).some((pid) => isRunning(readProcStat(pid)))) return true;
  // A member outside the leader's tree (an orphan of an unsandboxed process, adopted by init).
  return groupMembers(pgid).some((pid) => isRunning(readProcStat(pid)));
}

/**
 * Sends a signal to every running process of a sandboxed process's group but its leader: the leader is
 * bubblewrap's monitor, which dies of SIGTERM at once and would take the app's exit status with it;
 * spared, it lives until the app has exited and ends with the app's status. The sandbox's own pid
 * namespace adopts its orphans, so every member is below the leader: no need to read all of /proc.
 */
export function signalGroupButLeader(pgid: number, signal: NodeJS.Signals): void {
  for (const pid of groupDescendants(pgid)) {
    if (pid === pgid || !isRunning(readProcStat(pid))) continue;
    try {
      process.kill(pid, signal);
    } catch {
      // gone meanwhile: nothing left to stop
    }
  }
}

/** Sends a signal to every process of a group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    // EPERM: the group exists but is not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
