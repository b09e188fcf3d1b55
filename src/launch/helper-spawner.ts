/**
 * The fallback spawner, where the process-spawn addon is not built: starts processes through the spawn
 * helper (spawn-helper.ts says why), a node process forked once while twelve's heap is small.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { isRunning, readProcStat } from './proc-stat.js';
import { SpawnedChild, type SpawnRequest, type Spawner } from './spawned-child.js';
import type { HelperReply, HelperRequest } from './spawn-protocol.js';

const HELPER = fileURLToPath(new URL('./spawn-helper.js', import.meta.url));
/** How often the pids of a helper that died are checked, since their exits can no longer be told. */
const ORPHAN_POLL_MS = 100;

export class SpawnHelper implements Spawner {
  private helper: ChildProcess | null = null;
  private nextId = 1;
  private readonly starting = new Map<number, (reply: HelperReply) => void>();
  private readonly running = new Map<number, SpawnedChild>();

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
  spawn(request: SpawnRequest): Promise<SpawnedChild> {
    this.start();
    const helper = this.helper!;
    const id = this.nextId++;
    const child = new SpawnedChild();
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
