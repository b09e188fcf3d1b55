/** Small measuring tools shared by the benchmarks: clocks, medians, HTTP probes, polling with a deadline. */
import { request } from 'node:http';
import { connect } from 'node:net';

export function now(): number {
  return performance.now();
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One GET on a fresh connection; resolves the status, or 0 when nothing answers within `timeoutMs`. */
export function probe(port: number, host?: string, timeoutMs = 1000): Promise<{ status: number; body: string }> {
  return new Promise((done) => {
    const headers = host ? { host } : {};
    const req = request({ host: '127.0.0.1', port, path: '/', headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
      res.on('error', () => done({ status: 0, body: '' }));
    });
    req.on('error', () => done({ status: 0, body: '' }));
    req.setTimeout(timeoutMs, () => req.destroy());
    req.end();
  });
}

export async function answers(port: number, host?: string): Promise<boolean> {
  return (await probe(port, host)).status === 200;
}

/** Polls `check` every `everyMs` until it is true; throws after `timeoutMs`. Never a fixed sleep. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Whether 127.0.0.1:port accepts a TCP connection: the cheap check, as twelve's supervisor polls. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => { socket.destroy(); resolve(false); });
  });
}

/**
 * Resolves once every port answers HTTP 200. Each port is polled with a TCP connect every 15 ms (what
 * twelve's supervisor does), then asked over HTTP: the baseline pays no more for watching than twelve.
 */
export async function untilAllAnswer(ports: number[], timeoutMs = 30_000): Promise<void> {
  await Promise.all(ports.map((port) => until(`port ${port} to answer`, async () => (await accepts(port)) && answers(port), timeoutMs, 15)));
}

/** The resident set size of a process in MB, from /proc/PID/status (VmRSS). */
export async function rssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}
