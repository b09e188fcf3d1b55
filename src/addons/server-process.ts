/**
 * What the two servers share: a free loopback port kept for life, a server process started as the
 * service user with its output in a log file, readiness polled with a deadline, and a stop that
 * waits for a clean shutdown (both servers flush their data on SIGTERM/SIGINT).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { TwelveError } from '../errors.js';
import { asUser, type ServiceUser } from './service-user.js';

/** Ports for servers: below the kernel's ephemeral range and the range twelve gives web processes. */
const PORT_RANGE: [number, number] = [15000, 19999];

function canBind(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

export async function pickServerPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = PORT_RANGE[0] + Math.floor(Math.random() * (PORT_RANGE[1] - PORT_RANGE[0]));
    if (await canBind(port)) return port;
  }
  throw new TwelveError('ADDON_SERVER_FAILED', `no free port for an addon server in ${PORT_RANGE.join('-')}`);
}

export interface CommandResult { status: number | null; stdout: string; stderr: string }

/** Runs a client command (psql, redis-cli) to completion, feeding secrets through stdin, never argv. */
export function runAs(user: ServiceUser, command: string, args: string[], options: { input?: string; env?: Record<string, string> } = {}): CommandResult {
  const [cmd, argv] = asUser(user, command, args);
  const result = spawnSync(cmd, argv, {
    input: options.input ?? '', encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
  });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

export function startServerProcess(user: ServiceUser, command: string, args: string[], logFile: string, env: Record<string, string> = {}): ChildProcess {
  const log = openSync(logFile, 'a');
  const [cmd, argv] = asUser(user, command, args);
  try {
    return spawn(cmd, argv, { stdio: ['ignore', log, log], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...env } });
  } finally {
    closeSync(log);
  }
}

export async function waitUntil(what: string, probe: () => boolean, child: ChildProcess, logFile: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (probe()) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  const tail = readFileSync(logFile, 'utf8').split('\n').slice(-6).join('\n');
  child.kill('SIGKILL');
  throw new TwelveError('ADDON_SERVER_FAILED', `${what} did not start:\n${tail}`);
}

/** Signals a process and waits for it to exit, up to a deadline. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals, timeoutMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** A server a previous twelve left running (after kill -9): stop it by its pid file before starting anew. */
export async function stopLeftover(pidFile: string, signal: NodeJS.Signals, timeoutMs = 20_000): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]!.trim());
  } catch {
    return; // no pid file: the last server stopped cleanly (or never started)
  }
  if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) return;
  process.kill(pid, signal);
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
