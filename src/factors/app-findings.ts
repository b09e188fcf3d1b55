/**
 * Findings that only a running app gives: from twelve's records of its processes (boot time, crashes)
 * and from a measured run (measure-run.ts). Pure: figures in, findings out.
 */
import type { Finding, ProcessRecord } from './report.js';
import type { MeasuredRun } from './measure-run.js';

/** Above this, a boot is slow: a deploy, a scale-up and a crash restart all wait for it. */
export const SLOW_BOOT_MS = 3000;

const seconds = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);
const BOOT_FIX = 'Start faster: defer warm-ups until after binding PORT, move builds and migrations out of the start command.';

function exitText(exit: ProcessRecord['lastExit']): string {
  if (!exit) return '';
  return exit.signal ? ` (last: killed by ${exit.signal})` : ` (last: status ${exit.code})`;
}

export function recordFindings(processes: ProcessRecord[]): Map<number, Finding[]> {
  const found: Finding[] = [];
  const booted = processes.filter((proc) => proc.bootMs !== null).sort((a, b) => b.bootMs! - a.bootMs!);
  const slowest = booted[0];
  if (slowest) {
    found.push(slowest.bootMs! > SLOW_BOOT_MS
      ? { verdict: 'warn', check: 'boot-time', message: `${slowest.name} took ${seconds(slowest.bootMs!)} from spawn to up (twelve's record)`, fix: BOOT_FIX }
      : { verdict: 'pass', check: 'boot-time', message: `${slowest.name} came up ${seconds(slowest.bootMs!)} after spawn, the slowest of ${booted.length}` });
  }
  const crashed = processes.filter((proc) => proc.restarts > 0);
  if (crashed.length > 0) {
    const text = crashed.map((proc) => `${proc.name} ${proc.restarts}x${exitText(proc.lastExit)}`).join(', ');
    found.push({ verdict: 'warn', check: 'crash-history', message: `restarted after crashes: ${text}`, fix: 'Read why in `twelve logs -a APP` ("Process exited with status"); a crash drops what the process was doing.' });
  } else if (processes.length > 0) {
    found.push({ verdict: 'pass', check: 'crash-history', message: `no crashes among its ${processes.length} running process${processes.length === 1 ? '' : 'es'}` });
  }
  return new Map([[9, found]]);
}

function disposability(run: Omit<MeasuredRun, 'outputTail'>, stopTimeoutMs: number): Finding[] {
  const found: Finding[] = [];
  if (run.bootMs === null) {
    found.push({ verdict: 'fail', check: 'boot-time', message: `the measured web process never accepted a connection on PORT${run.exitedAtBoot ? `: it ${run.exitedAtBoot}` : ''}`, fix: BOOT_FIX });
    return found;
  }
  found.push(run.bootMs > SLOW_BOOT_MS
    ? { verdict: 'warn', check: 'boot-time', message: `measured: ${seconds(run.bootMs)} from spawn to accepting connections`, fix: BOOT_FIX }
    : { verdict: 'pass', check: 'boot-time', message: `measured: ${seconds(run.bootMs)} from spawn to accepting connections` });
  found.push(run.killed
    ? { verdict: 'fail', check: 'stop-time', message: `measured: still running ${seconds(stopTimeoutMs)} after SIGTERM, killed with SIGKILL`, fix: 'Handle SIGTERM: stop accepting, finish in-flight work, exit.' }
    : { verdict: 'pass', check: 'stop-time', message: `measured: exited ${seconds(run.stopMs ?? 0)} after SIGTERM` });
  if (run.inFlight === 'dropped') {
    found.push({ verdict: 'fail', check: 'in-flight-requests', message: 'measured: a request in flight at SIGTERM was cut off', fix: 'On SIGTERM, call server.close() and exit once it calls back, not at once.' });
  } else if (run.inFlight === 'completed') {
    found.push({ verdict: 'pass', check: 'in-flight-requests', message: 'measured: a request in flight at SIGTERM was answered in full' });
  } else if (run.inFlight === 'answered-before-sigterm') {
    found.push({ verdict: 'pass', check: 'in-flight-requests', message: 'measured: GET / was answered within 20 ms, before SIGTERM could catch it in flight' });
  }
  return found;
}

export function measuredFindings(run: Omit<MeasuredRun, 'outputTail'>, stopTimeoutMs: number): Map<number, Finding[]> {
  const logs = run.written.filter((file) => /\.log$|(^|\/)logs?\//.test(file));
  const others = run.written.filter((file) => !logs.includes(file));
  const list = (files: string[]) => `${files.slice(0, 4).join(', ')}${files.length > 4 ? ` and ${files.length - 4} more` : ''}`;
  const processes: Finding = others.length > 0
    ? { verdict: 'warn', check: 'writes-app-dir', message: `measured: wrote ${others.length} file${others.length === 1 ? '' : 's'} under /app during the run: ${list(others)}`, fix: 'Keep state in a backing service; use os.tmpdir() for scratch files.' }
    : { verdict: 'pass', check: 'writes-app-dir', message: 'measured: wrote nothing under /app during the run' };
  const output: Finding[] = [];
  if (logs.length > 0) output.push({ verdict: 'fail', check: 'file-logs', message: `measured: wrote log files under /app: ${list(logs)}`, fix: 'Write logs to stdout; twelve keeps and drains them.' });
  output.push(run.stdoutBytes + run.stderrBytes > 0
    ? { verdict: 'pass', check: 'stdout-output', message: `measured: ${run.stdoutBytes} bytes on stdout, ${run.stderrBytes} on stderr` }
    : { verdict: 'warn', check: 'stdout-output', message: 'measured: wrote nothing to stdout or stderr while it booted, served a request and stopped', fix: 'Log each request and each state change to stdout.' });
  const memory: Finding[] = run.idleRssKb === null ? []
    : [{ verdict: 'pass', check: 'idle-memory', message: `measured: ${Math.round(run.idleRssKb / 1024)} MB resident at idle: the size of one more process` }];
  return new Map([[6, [processes]], [8, memory], [9, disposability(run, stopTimeoutMs)], [11, output]]);
}
