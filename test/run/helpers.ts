/** Shared set-up for the supervisor tests: a temp dir, a store, a log bus and a supervisor on real processes. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { LogBus } from '../../src/logs/log-bus.js';
import type { LogEvent } from '../../src/logs/log-event.js';
import { isRunning, readProcStat } from '../../src/launch/proc-stat.js';
import { PortAllocator } from '../../src/run/port-allocator.js';
import type { ProcessSpec } from '../../src/run/process-spec.js';
import { Supervisor } from '../../src/run/supervisor.js';
import { openDatabase, type Db } from '../../src/store/database.js';

export interface Harness {
  dir: string;
  db: Db;
  logs: LogBus;
  ports: PortAllocator;
  supervisor: Supervisor;
  spec(overrides: Partial<ProcessSpec> & Pick<ProcessSpec, 'type' | 'command'>): ProcessSpec;
  /** Text of the app's events from one source (and process), oldest first. */
  lines(source: LogEvent['source'], process?: string): string[];
  close(): Promise<void>;
}

export const silent = pino({ level: 'silent' });

export function startHarness(options: { stopTimeoutMs?: number; settleMs?: number; bootTimeoutMs?: number } = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'twelve-run-'));
  const db = openDatabase(join(dir, 'twelve.db'));
  const logs = new LogBus();
  // A random window of the process port range, so test files running side by side rarely meet.
  const low = 20_000 + Math.floor(Math.random() * 49) * 200;
  const ports = new PortAllocator([low, low + 199]);
  const supervisor = new Supervisor({
    db, logs, ports, logger: silent, stopTimeoutMs: options.stopTimeoutMs ?? 5000, settleMs: options.settleMs ?? 200,
    bootTimeoutMs: options.bootTimeoutMs,
  });
  return {
    dir, db, logs, ports, supervisor,
    spec: (overrides) => ({
      app: 'shop', appId: 1, releaseVersion: 1, number: 1, cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      ...overrides,
    }),
    lines: (source, process) => logs.history('shop')
      .filter((event) => event.source === source && (process === undefined || event.process === process))
      .map((event) => event.text),
    close: async () => {
      await supervisor.stopAll();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `condition` every 10 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function writeScript(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

export function pidRunning(pid: number): boolean {
  return isRunning(readProcStat(pid));
}

/** A web server that answers with its DYNO and pid, and says so when it listens. */
export const WEB_SERVER = `
import { createServer } from 'node:http';
const server = createServer((req, res) => res.end(process.env.DYNO + ' ' + process.pid));
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening on ' + process.env.PORT + ' pid=' + process.pid));
`;

/** The body of GET / on a local port, or null when nothing answers. */
export function httpGet(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    // agent: false, so no kept-alive socket outlives the test.
    const request = get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 2000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { body += chunk; });
      response.on('end', () => resolve(body));
      response.on('error', () => resolve(null));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(null));
  });
}
