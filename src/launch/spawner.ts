/**
 * Starts supervised processes through the spawn helper (spawn-helper.ts says why), and gives back for each
 * an object that behaves, as far as ProcessRun needs, like the ChildProcess Node's spawn returns: a pid,
 * 'error' when it could not be started, then 'exit' (code, signal) and 'close'.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { isRunning, readProcStat } from './proc-stat.js';
import type { ProcessOutputs } from './process-output.js';
import type { HelperReply, HelperRequest } from './spawn-protocol.js';

export interface SpawnRequest {
  file: string;
  args: string[];
  cwd: string;
  /** Unset variables are dropped on the way (the request travels as JSON). */
  env: NodeJS.ProcessEnv;
  /**
   * The child's stdout and stderr: one socket for both (their lines stay in the order written), or one
   * each. Their child ends are handed over and closed here.
   */
  outputs: ProcessOutputs;
}

/** What ProcessRun needs of a child process; Node's ChildProcess is one too. */
export interface ChildLike {
  readonly pid?: number | undefined;
  on(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  once(event: 'close', listener: () => void): unknown;
}

type End = { code: number | null; signal: NodeJS.Signals | null } | { error: Error };

/** A process the helper started. */
export class HelperChild extends EventEmitter implements ChildLike {
  pid: number | undefined;
  private end: End | null = null;

  /** Ends it as Node's ChildProcess ends: 'exit', then 'close' (its outputs are read elsewhere). */
  exited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.end) return;
    this.end = { code, signal };
    this.emit('exit', code, signal);
    this.emit('close', code, signal);
  }

  /**
   * It could not be started: 'error' (with no pid), then 'close', as Node's spawn does. Called before the
   * spawn's promise settles, so every listener comes later and is told as below.
   */
  failed(error: Error): void {
    if (this.end) return;
    this.end = { error };
    // An 'error' nobody listens for would throw and take twelve down.
    if (this.listenerCount('error') > 0) this.emit('error', error);
    this.emit('close', null, null);
  }

  /**
   * A listener for the end ('exit', 'close', or 'error' after a failed start) added after it is told of
   * it on the next tick. Node's own child can only end after the code that spawned it has listened; this
   * one is awaited, and a busy twelve reads the helper's 'spawned' and 'exit' replies of a short command
   * at once, before the caller's await resumes. Such an exit used to be lost, and its caller waited for
   * ever: a build step that never finished, a process shown as running (test/run/spawner.test.ts).
   * Every way of adding a listener does this (Node's `on` and `addListener` are one function, but an
   * override of `on` leaves `addListener` as it was).
   */
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    if (this.toldLate(event, listener)) return this;
    return super.on(event, listener);
  }

  override addListener(event: string | symbol, listener: (...args: any[]) => void): this {
    return this.on(event, listener);
  }

  override once(event: string | symbol, listener: (...args: any[]) => void): this {
    if (this.toldLate(event, listener)) return this;
    return super.once(event, listener);
  }

  override prependListener(event: string | symbol, listener: (...args: any[]) => void): this {
    if (this.toldLate(event, listener)) return this;
    return super.prependListener(event, listener);
  }

  override prependOnceListener(event: string | symbol, listener: (...args: any[]) => void): this {
    if (this.toldLate(event, listener)) return this;
    return super.prependOnceListener(event, listener);
  }

  private toldLate(event: string | symbol, listener: (...args: any[]) => void): boolean {
    const end = this.end;
    if (!end) return false;
    if ('error' in end) {
      if (event === 'error') process.nextTick(() => listener(end.error));
      else if (event === 'close') process.nextTick(() => listener(null, null));
      else return false;
    } else if (event === 'exit' || event === 'close') {
      process.nextTick(() => listener(end.code, end.signal));
    } else {
      return false;
    }
    return true;
  }
}

const HELPER = fileURLToPath(new URL('./spawn-helper.js', import.meta.url));
/** How often the pids of a helper that died are checked, since their exits can no longer be told. */
const ORPHAN_POLL_MS = 100;

export class SpawnHelper {
  private helper: ChildProcess | null = null;
  private nextId = 1;
  private readonly starting = new Map<number, (reply: HelperReply) => void>();
  private readonly running = new Map<number, HelperChild>();

  /** The helper's pid while it runs (for tests and diagnostics). */
  get pid(): number | undefined {
    return this.helper?.pid;
  }

  /** Forks the helper now, while twelve's heap is small (the one fork twelve pays for itself). */
  start(): void {
    if (this.helper) return;
    // No flags of twelve's (a profiler, say) and none of its environment: the helper only spawns.
    const helper = fork(HELPER, [], { execArgv: [], env: {}, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
    helper.on('message', (reply: HelperReply) => this.onReply(reply));
    helper.on('error', () => {}); // a failed send; 'exit' follows
    helper.once('exit', () => this.onHelperExit(helper));
    this.helper = helper;
    this.updateRef();
  }

  /** Spawns through the helper; never rejects: a process that cannot start emits 'error', as with spawn. */
  spawn(request: SpawnRequest): Promise<HelperChild> {
    this.start();
    const helper = this.helper!;
    const id = this.nextId++;
    const child = new HelperChild();
    return new Promise((resolve) => {
      this.starting.set(id, (reply) => {
        if (reply.type === 'spawned') {
          child.pid = reply.pid;
          this.running.set(id, child);
        } else if (reply.type === 'error') {
          child.failed(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
        }
        // The child has its own copies of the writing ends: twelve's must close, or the reads never end.
        for (const output of request.outputs) output.spawned();
        this.updateRef();
        resolve(child);
      });
      this.updateRef();
      // Node closes each socket here once it is sent; a second handle waits for the first one's
      // acknowledgement, so twelve's own copies are closed only once the helper has answered.
      const [stdout, stderr] = request.outputs;
      this.send(helper, { type: 'output', id, fd: 1 }, stdout.forChild);
      if (stderr) this.send(helper, { type: 'output', id, fd: 2 }, stderr.forChild);
      this.send(helper, { type: 'spawn', id, file: request.file, args: request.args, cwd: request.cwd, env: request.env as Record<string, string> });
    });
  }

  private send(helper: ChildProcess, message: HelperRequest, handle?: Socket): void {
    if (!helper.connected) return; // it is exiting: onHelperExit answers for it
    helper.send(message, handle, {}, () => {});
  }

  private onReply(reply: HelperReply): void {
    if (reply.type === 'exit') {
      const child = this.running.get(reply.id);
      this.running.delete(reply.id);
      this.updateRef();
      child?.exited(reply.code, reply.signal);
      return;
    }
    const answer = this.starting.get(reply.id);
    this.starting.delete(reply.id);
    answer?.(reply);
  }

  /** The helper died (killed by hand, say): what it was starting failed; what it started is watched by pid. */
  private onHelperExit(helper: ChildProcess): void {
    if (this.helper === helper) this.helper = null;
    for (const [id, answer] of this.starting) answer({ type: 'error', id, error: { message: 'the spawn helper exited', code: 'ESRCH' } });
    this.starting.clear();
    const orphans = [...this.running.values()];
    this.running.clear();
    if (orphans.length === 0) return;
    const poll = setInterval(() => {
      for (const child of orphans.splice(0)) {
        // Its exit status went with the helper: it ends unknown (status 1).
        if (child.pid === undefined || !isRunning(readProcStat(child.pid))) child.exited(null, null);
        else orphans.push(child);
      }
      if (orphans.length === 0) clearInterval(poll);
    }, ORPHAN_POLL_MS);
  }

  /** The helper keeps twelve's event loop alive only while it starts or runs something, as a child would. */
  private updateRef(): void {
    const helper = this.helper;
    if (!helper) return;
    const busy = this.starting.size + this.running.size > 0;
    if (busy) {
      helper.ref();
      helper.channel?.ref();
    } else {
      helper.unref();
      helper.channel?.unref();
    }
  }
}

/** The helper of this twelve process. */
export const spawnHelper = new SpawnHelper();
