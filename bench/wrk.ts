/** Runs wrk against a loopback URL for a bounded time and reads Requests/sec and the latency percentiles from its output. */
import { killChild, spawnTracked } from './cleanup.js';

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Answers that were not 2xx/3xx, and socket errors: a fast wrong answer must not pass for speed. */
  non2xx: number;
  socketErrors: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!match) throw new Error(`wrk: cannot read the duration "${text}"`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/**
 * Reads wrk's `--latency` report.
 *
 * @example parseWrk('...\n     99%    3.10ms\n...\nRequests/sec:  10234.56\n').p99Ms // 3.1
 */
export function parseWrk(output: string): WrkResult {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  const p50 = /^\s+50%\s+(\S+)/m.exec(output);
  const p99 = /^\s+99%\s+(\S+)/m.exec(output);
  if (!rps || !p50 || !p99) throw new Error(`wrk: unexpected output:\n${output}`);
  const requests = /^\s+(\d+) requests in/m.exec(output);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requestsPerSecond: Number(rps[1]),
    p50Ms: durationMs(p50[1]!),
    p99Ms: durationMs(p99[1]!),
    requests: requests ? Number(requests[1]) : 0,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}

export interface WrkLoad { url: string; host?: string; seconds: number; threads?: number; connections?: number;
  /** More header lines, `Name: value` (`Connection: close` makes each request a new connection). */
  headers?: string[] }

/** wrk -tT -cC -dDs --latency; killed if it overruns its duration by 15 s. */
export async function runWrk(bin: string, load: WrkLoad): Promise<WrkResult> {
  const args = [`-t${load.threads ?? 2}`, `-c${load.connections ?? 50}`, `-d${load.seconds}s`, '--latency'];
  if (load.host) args.push('-H', `Host: ${load.host}`);
  for (const header of load.headers ?? []) args.push('-H', header);
  args.push(load.url);
  const child = spawnTracked(bin, args);
  const guard = setTimeout(() => { void killChild(child); }, (load.seconds + 15) * 1000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(guard);
  if (code !== 0) throw new Error(`wrk ${args.join(' ')} exited ${code}:\n${child.output()}`);
  return parseWrk(child.output());
}

/** A warm-up run, then the measured one; prints a line with the numbers (and a warning for failed requests). */
export async function measureWrk(bin: string, label: string, load: Omit<WrkLoad, 'seconds'>, seconds: number, warmupSeconds: number): Promise<WrkResult> {
  await runWrk(bin, { ...load, seconds: warmupSeconds });
  const result = await runWrk(bin, { ...load, seconds });
  const wrong = result.non2xx + result.socketErrors;
  console.log(`  ${label}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms` +
    (wrong > 0 ? `  (WARNING: ${result.non2xx} non-2xx answers, ${result.socketErrors} socket errors)` : ''));
  return result;
}
