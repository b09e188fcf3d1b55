/** What a spawner is asked to start, and the process it gives back (spawner.ts chooses the spawner). */
import { EventEmitter } from 'node:events';
import type { ProcessOutputs } from './process-output.js';

export interface SpawnRequest {
  file: string;
  args: string[];
  cwd: string;
  /** Unset variables are dropped on the way. */
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

/**
 * A process a spawner started: it behaves, as far as ProcessRun needs, like the ChildProcess Node's spawn
 * returns: a pid, 'error' when it could not be started, then 'exit' (code, signal) and 'close'.
 */
export class SpawnedChild extends EventEmitter implements ChildLike {
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
   * one is awaited, and its end may come before the caller's await resumes (a busy twelve reads the
   * helper's 'spawned' and 'exit' replies of a short command at once). Such an exit used to be lost, and its caller waited for
   * ever: a build step that never finished, a process shown as running (test/launch/spawner.test.ts).
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

/** Starts processes; never rejects: a process that cannot start emits 'error', as with Node's spawn. */
export interface Spawner {
  /** The parent of the processes it starts. */
  readonly pid: number | undefined;
  /** Gets ready now, while twelve's heap is small (the helper forks itself then). */
  start(): void;
  spawn(request: SpawnRequest): Promise<SpawnedChild>;
}
