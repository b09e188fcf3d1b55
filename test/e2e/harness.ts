/** End-to-end harness: a real `twelve serve` in a child process with a temporary data dir, driven by the real CLI. */
import { spawn, type ChildProcess } from 'node:child_process';
import { detectSandboxSupport } from '../../src/sandbox/sandbox-support.js';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVE_NODE_FLAGS } from '../../src/serve-node-flags.js';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
export const CLI = join(ROOT, 'bin', 'twelve.js');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'apps');

export interface CliResult { code: number; stdout: string; stderr: string }

/** Thrown by a probe to end the wait at once: what it waits for can no longer happen (the process exited). */
export class StopWaiting extends Error {}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error instanceof StopWaiting) throw error;
      last = error;
    }
    await new Promise((done) => setTimeout(done, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

export class TestPlatform {
  readonly dataDir: string;
  process: ChildProcess | undefined;
  apiPort = 0;
  routerPort = 0;
  httpsPort = 0;
  output = '';

  /**
   * Test files run side by side: each platform gets a window of process ports of its own, or a web process
   * of one could pass another's up check by answering on a port they both picked.
   */
  readonly portRange: string;

  constructor(readonly extraEnv: Record<string, string> = {}) {
    this.dataDir = mkdtempSync(join(tmpdir(), 'twelve-e2e-'));
    const low = 20000 + 200 * Math.floor(Math.random() * 50);
    this.portRange = `${low}-${low + 199}`;
  }

  get env(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('TWELVE_')) env[key] = value;
    return {
      ...env, TWELVE_DATA_DIR: this.dataDir, TWELVE_API_URL: `http://127.0.0.1:${this.apiPort}`,
      TWELVE_STOP_TIMEOUT: '5',
      // A deadline for what must happen, not a measure: generous, so that a machine busy with other work (the
      // suite's own files side by side, a CPU hog) slows a test down without failing it.
      TWELVE_BOOT_TIMEOUT: '60', TWELVE_PORT_RANGE: this.portRange,
      // The machine's pip settings (a local mirror), declared as an operator would: builds see nothing else of ours.
      TWELVE_BUILD_ENV: Object.keys(env).filter((key) => key.startsWith('PIP_')).join(','),
      // `TWELVE_SANDBOX=off npm test` runs the whole suite unsandboxed.
      ...(process.env.TWELVE_SANDBOX ? { TWELVE_SANDBOX: process.env.TWELVE_SANDBOX } : {}),
      ...this.extraEnv,
    };
  }

  /** Starts `twelve serve` on ports chosen by the kernel (or the ones of a previous start) and waits until it serves. */
  async start(): Promise<void> {
    this.output = '';
    // SERVE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the platform under a test or benchmark.
    const nodeArgs = (process.env.SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...SERVE_NODE_FLAGS, ...nodeArgs, CLI, 'serve'], {
      env: { ...this.env, TWELVE_API_PORT: String(this.apiPort), TWELVE_ROUTER_PORT: String(this.routerPort), TWELVE_HTTPS_PORT: String(this.httpsPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    child.stdout!.on('data', (chunk: Buffer) => { this.output += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { this.output += chunk.toString(); });
    // 'close' comes after the last of its output: a refusal is read whole.
    let closed = false;
    child.once('close', () => { closed = true; });
    const serving = await waitFor('twelve serve to report it is serving', () => {
      if (closed) throw new StopWaiting(`twelve serve exited with ${child.exitCode}:\n${this.output}`);
      const line = this.output.split('\n').find((l) => l.includes('"twelve is serving"'));
      return line ? (JSON.parse(line) as { api: string; router: string; https: string }) : undefined;
    }, 90_000);
    this.apiPort = Number(new URL(serving.api).port);
    this.routerPort = Number(new URL(serving.router).port);
    this.httpsPort = Number(new URL(serving.https).port);
  }

  /** Runs the CLI to completion. */
  cli(...args: string[]): Promise<CliResult> {
    return this.cliWithInput(undefined, ...args);
  }

  /** Runs the CLI to completion with `input` on its stdin (none when undefined). */
  cliWithInput(input: string | undefined, ...args: string[]): Promise<CliResult> {
    return new Promise((done) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: this.env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
      child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
      if (input !== undefined) child.stdin!.end(input);
    });
  }

  /** Runs the CLI and fails with its output when it does not exit 0. */
  async ok(...args: string[]): Promise<CliResult> {
    const result = await this.cli(...args);
    if (result.code !== 0) throw new Error(`twelve ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    return result;
  }

  async json<T>(...args: string[]): Promise<T> {
    return JSON.parse((await this.ok(...args, '--json')).stdout) as T;
  }

  /** An HTTP GET through the router with `Host: APP.localhost`. */
  get(app: string, path = '/'): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
    return this.getHost(`${app}.localhost`, path);
  }

  /** An HTTP GET through the router with any Host header. */
  getHost(host: string, path = '/'): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
    return new Promise((done, fail) => {
      const req = request({ host: '127.0.0.1', port: this.routerPort, path, headers: { host }, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { body += chunk; });
        res.on('end', () => done({ status: res.statusCode ?? 0, body, headers: res.headers }));
      });
      req.on('error', fail);
      req.setTimeout(10_000, () => req.destroy(new Error('request timed out')));
      req.end();
    });
  }

  /**
   * `twelve logs -a APP --tail -n 0 ...args` running, once a request to `path` has shown in it (until one
   * shows, the tail may not be subscribed yet, so the request is made again); what it printed so far.
   */
  async liveTail(app: string, args: string[], path: string): Promise<{ printed: () => string; stop: () => void }> {
    const tail = spawn(process.execPath, [CLI, 'logs', '-a', app, '--tail', '-n', '0', ...args], { env: this.env });
    let printed = '';
    tail.stdout!.on('data', (chunk: Buffer) => { printed += chunk.toString(); });
    try {
      await waitFor('the tail to connect', async () => {
        await this.get(app, path);
        return printed.includes(`path="${path}"`);
      }, 30_000, 200);
    } catch (error) {
      tail.kill();
      throw error;
    }
    return { printed: () => printed, stop: () => { tail.kill(); } };
  }

  /** SIGTERM, and wait for the exit. */
  async stop(): Promise<number | null> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGTERM');
    return exited;
  }

  async kill9(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.on('exit', done));
    child.kill('SIGKILL');
    await exited;
  }

  async dispose(): Promise<void> {
    const crashed = this.process !== undefined && this.process.exitCode !== null && this.process.exitCode !== 0;
    if (crashed) {
      // A twelve that died left its apps' processes behind; a new start reaps them (the same path as after kill -9).
      await this.start().catch(() => undefined);
    }
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

const fixtureCopies: string[] = [];
// Copies go when the test process ends, whichever test made them.
process.once('exit', () => { for (const dir of fixtureCopies) rmSync(dir, { recursive: true, force: true }); });

/** A copy of a fixture app in a temp dir, so a test can change it and deploy it as a plain directory. */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `twelve-app-${name}-`));
  fixtureCopies.push(dir);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Why the sandbox's own tests cannot run here (the suite runs with TWELVE_SANDBOX=off, or the machine lacks it), or false. */
export function sandboxSkip(): string | false {
  if (process.env.TWELVE_SANDBOX === 'off') return 'TWELVE_SANDBOX=off';
  return detectSandboxSupport().missing ?? false;
}
