/**
 * A measured run of a web process, for `twelve factors -a APP --measure`: start the command in its app
 * directory with a PORT, time it to accepting connections, sit idle for a moment and read its memory, send
 * it a request and SIGTERM while that request is in flight, time it to exit (SIGKILL after the stop
 * timeout), and list the files it wrote under its app directory. It runs beside the app's own processes and
 * takes no traffic from the router.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readProcStat, signalGroup, signalGroupButLeader } from '../launch/proc-stat.js';
import { APP_PATH } from '../sandbox/sandbox-argv.js';
import { freePort } from '../free-port.js';

export interface MeasureSpec {
  /** The program and arguments that run the web command (inside the app's sandbox, as its processes run). */
  file: string;
  args: string[];
  /** Where it is spawned (/ for a sandboxed process, which finds its app at /app). */
  spawnCwd: string;
  /** The build's app directory on this machine: what /app shows the process. */
  appDir: string;
  /** Whether the process gets a private copy-on-write /app (read through /proc/PID/root before it exits). */
  sandboxed: boolean;
  env: Record<string, string>;
  bootTimeoutMs: number;
  stopTimeoutMs: number;
  /** How long it idles before its memory is read. */
  idleMs?: number;
  /** Only whether it comes up: SIGTERM as soon as it accepts (or gives up when it exits). */
  brief?: boolean;
  /** Told the pid once it is spawned, and when it is gone: twelve records it so that a restart reaps it. */
  onSpawn?: (pid: number) => void;
  onGone?: () => void;
}

export interface MeasuredRun {
  /** Spawn to the first accepted connection on PORT; null when it never accepted one. */
  bootMs: number | null;
  /** How the process ended before it was up, if it did. */
  exitedAtBoot: string | null;
  /** Resident memory of its process group after idling, in kilobytes. */
  idleRssKb: number | null;
  /** A request sent just before SIGTERM: answered in full, cut off, or answered before SIGTERM could be sent. */
  inFlight: 'completed' | 'dropped' | 'answered-before-sigterm' | 'not-tried';
  /** SIGTERM to exit; null when it had to be killed. */
  stopMs: number | null;
  killed: boolean;
  /** Files created or changed under the app's directory during the run (dependencies' folders left out). */
  written: string[];
  stdoutBytes: number;
  stderrBytes: number;
  /** The last few kilobytes it wrote (stdout and stderr together), to see what it said when it exited. */
  outputTail: string;
}

const TAIL_CHARS = 4096;
const NOT_WATCHED = new Set(['node_modules', '.venv', '.heroku', '.git', '__pycache__']);

function snapshot(root: string): Map<string, string> {
  const seen = new Map<string, string>();
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !NOT_WATCHED.has(entry.name)) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (entry.isFile()) {
        const stat = statSync(join(dir, entry.name));
        seen.set(`${prefix}${entry.name}`, `${stat.size}:${stat.mtimeMs}`);
      }
    }
  };
  walk(root, '');
  return seen;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

function groupMembers(pgid: number): number[] {
  return readdirSync('/proc').map(Number).filter((pid) => Number.isInteger(pid) && readProcStat(pid)?.pgrp === pgid);
}

/** Resident memory of every process in the group, from /proc (Linux). */
function groupRssKb(pgid: number): number | null {
  let total = 0;
  let found = false;
  for (const pid of groupMembers(pgid)) {
    try {
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss) { total += Number(rss[1]); found = true; }
    } catch {
      continue; // the process ended while it was read
    }
  }
  return found ? total : null;
}

/**
 * The /app a sandboxed process sees, from outside: its private copy lives in its own mount namespace
 * and is gone when it exits, so it is read through /proc/PID/root of a process of the group inside it.
 */
function sandboxAppDir(pgid: number): string | null {
  for (const pid of groupMembers(pgid)) {
    if (pid !== pgid && existsSync(`/proc/${pid}/root${APP_PATH}`)) return `/proc/${pid}/root${APP_PATH}`;
  }
  return null;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export async function measureRun(spec: MeasureSpec): Promise<MeasuredRun> {
  const before = snapshot(spec.appDir);
  const port = await freePort();
  const result: MeasuredRun = { bootMs: null, exitedAtBoot: null, idleRssKb: null, inFlight: 'not-tried', stopMs: null, killed: false, written: [], stdoutBytes: 0, stderrBytes: 0, outputTail: '' };
  const started = performance.now();
  const child = spawn(spec.file, spec.args, {
    cwd: spec.spawnCwd, env: { ...spec.env, PORT: String(port), DYNO: 'web.measure' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => { result.outputTail = (result.outputTail + chunk.toString()).slice(-TAIL_CHARS); };
  child.stdout.on('data', (chunk: Buffer) => { result.stdoutBytes += chunk.length; keep(chunk); });
  child.stderr.on('data', (chunk: Buffer) => { result.stderrBytes += chunk.length; keep(chunk); });
  let exitedAt: number | null = null;
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exitedAt = performance.now();
    if (result.bootMs === null) result.exitedAtBoot = signal ? `killed by ${signal}` : `exited with status ${code}`;
    resolve();
  }));
  const group = child.pid!;
  spec.onSpawn?.(group);
  let after: Map<string, string> | null = null;
  try {
    while (exitedAt === null && performance.now() - started < spec.bootTimeoutMs) {
      if (await accepts(port)) { result.bootMs = Math.round(performance.now() - started); break; }
      await sleep(15);
    }
    let probe: InFlightProbe | null = null;
    if (result.bootMs !== null && !spec.brief) {
      await sleep(spec.idleMs ?? 1000);
      result.idleRssKb = groupRssKb(group);
      // One request served in full first: what it writes is seen even where /app is read before SIGTERM.
      await requestOnce(port, spec.stopTimeoutMs);
      probe = requestAcrossSigterm(port);
      await probe.ready;
    }
    if (spec.sandboxed) {
      const view = sandboxAppDir(group);
      after = view ? snapshot(view) : null;
    }
    const termAt = performance.now();
    // A sandbox's monitor leads the group and ends with the app's status: SIGTERM is for the app (as process-run.ts).
    if (spec.sandboxed) signalGroupButLeader(group, 'SIGTERM');
    else signalGroup(group, 'SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), sleep(spec.stopTimeoutMs).then(() => false)]);
    if (stopped && result.bootMs !== null) result.stopMs = Math.round(exitedAt! - termAt);
    if (!stopped) {
      result.killed = true;
      signalGroup(group, 'SIGKILL');
      await exited;
    }
    // Once the process is gone its sockets are closed: the request has its outcome, or never will.
    if (probe) result.inFlight = await Promise.race([probe.outcome, sleep(1000).then(() => 'dropped' as const)]);
  } finally {
    if (exitedAt === null) { signalGroup(group, 'SIGKILL'); await exited; }
    spec.onGone?.();
  }
  if (!spec.sandboxed) after = snapshot(spec.appDir);
  result.written = [...(after ?? [])].filter(([file, stamp]) => before.get(file) !== stamp).map(([file]) => file).sort();
  return result;
}

/** GET / to its end (or its failure, or the deadline): the outcome does not matter, the work it causes does. */
function requestOnce(port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      response.once('close', () => resolve());
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve());
    req.end();
  });
}

interface InFlightProbe {
  /** Resolves when it is time for SIGTERM: the request is written and the app has had 20 ms to read it. */
  ready: Promise<void>;
  outcome: Promise<MeasuredRun['inFlight']>;
}

/**
 * Sends GET / so that it is in flight when SIGTERM is sent: whether the answer then arrives in full says
 * whether the app finishes what it is doing when it is stopped. A fast app may answer before SIGTERM.
 */
function requestAcrossSigterm(port: number): InFlightProbe {
  let markReady = (): void => undefined;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  let answered = false;
  let readyAt: number | null = null;
  const outcome = new Promise<MeasuredRun['inFlight']>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { connection: 'close' } }, (response) => {
      response.resume();
      response.once('end', () => { answered = true; resolve(readyAt === null ? 'answered-before-sigterm' : 'completed'); markReady(); });
      response.once('aborted', () => resolve('dropped'));
      response.once('error', () => resolve('dropped'));
    });
    req.once('error', () => { resolve(readyAt === null ? 'not-tried' : 'dropped'); markReady(); });
    req.once('finish', () => setTimeout(() => {
      if (answered) return;
      readyAt = performance.now();
      markReady();
    }, 20));
    req.end();
  });
  return { ready, outcome };
}
