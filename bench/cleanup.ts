/** Everything a benchmark starts or creates, so the run stops it by PID and removes it, also on failure. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = new Set<ChildProcess>();
const strayPids = new Set<number>();
const dirs = new Set<string>();
const hooks: Array<() => Promise<void>> = [];

/** Spawns a child the run will kill at the end; its output is kept (bounded) for error messages. */
export function spawnTracked(file: string, args: string[], options: SpawnOptions = {}): ChildProcess & { output: () => string } {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options }) as ChildProcess & { output: () => string };
  let output = '';
  const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-8000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.output = () => output;
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** A PID started by someone else on our behalf (a twelve process): killed at the end if still alive. */
export function trackPid(pid: number): void {
  strayPids.add(pid);
}

export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `twelve-bench-${label}-`));
  dirs.add(dir);
  return dir;
}

/** Runs before the processes are killed: a graceful stop (twelve serve gets SIGTERM and stops its apps). */
export function onCleanup(hook: () => Promise<void>): void {
  hooks.push(hook);
}

export async function killChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, signal);
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
}

/** Alive and still a node/npm/sh process: a PID reused by something else since is left alone. */
function stillOurs(pid: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /node|npm|sh/.test(cmdline);
  } catch {
    return false;
  }
}

/** Stops everything the run started, graceful hooks first, then SIGKILL by PID, then removes temp dirs. */
export async function cleanupAll(): Promise<void> {
  for (const hook of hooks.splice(0).reverse()) {
    await hook().catch((error: unknown) => console.error(`cleanup: ${String(error)}`));
  }
  await Promise.all([...children].map((child) => killChild(child).catch(() => undefined)));
  for (const pid of strayPids) {
    if (stillOurs(pid)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone meanwhile */ }
    }
  }
  strayPids.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}
