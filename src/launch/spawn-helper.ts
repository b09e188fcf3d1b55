/**
 * The spawn helper, twelve's fallback where the process-spawn addon is not built (native-spawner.ts): a
 * small process twelve starts once, while its own heap is still small, and asks to spawn the processes it
 * supervises (helper-spawner.ts is twelve's side). libuv spawns with fork(), and after a
 * fork every page of the parent's memory is write-protected until the parent writes it again: on this kind
 * of VM each such fault cost about 18 us, so twelve paid for its whole working set (up to a few hundred ms
 * of CPU, on the thread that routes requests and reads logs) after every process it started. Forked from
 * this helper, the faults are the helper's, and twelve's memory is left alone.
 *
 * Protocol (IPC, JSON): twelve sends {type: 'output', id, fd} twice with the process's stdout and stderr
 * sockets as handles, then {type: 'spawn', id, file, args, cwd, env}; the helper answers
 * {type: 'spawned', id, pid} or {type: 'error', id, error}, and later {type: 'exit', id, code, signal}.
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { HelperReply, HelperRequest } from './spawn-protocol.js';

const outputs = new Map<number, Socket[]>();

function reply(message: HelperReply): void {
  // twelve may be gone already: its children live on in their own sessions, and the next twelve stops them.
  if (process.connected) process.send!(message, undefined, {}, () => {});
}

function closeOutputs(id: number): Socket[] {
  const sockets = outputs.get(id) ?? [];
  outputs.delete(id);
  return sockets;
}

function spawnProcess(request: Extract<HelperRequest, { type: 'spawn' }>): void {
  const [stdout, stderr] = closeOutputs(request.id);
  try {
    // detached: its own session and process group, so one signal from twelve reaches everything it started.
    // Without a socket of its own, stderr shares stdout's: one stream, in the order the process wrote.
    const child = spawn(request.file, request.args, { cwd: request.cwd, env: request.env, detached: true, stdio: ['ignore', stdout ?? 'ignore', stderr ?? stdout ?? 'ignore'] });
    if (child.pid === undefined) {
      child.once('error', (error: NodeJS.ErrnoException) => reply({ type: 'error', id: request.id, error: { message: error.message, code: error.code } }));
    } else {
      reply({ type: 'spawned', id: request.id, pid: child.pid });
      child.once('exit', (code, signal) => reply({ type: 'exit', id: request.id, code, signal }));
    }
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    reply({ type: 'error', id: request.id, error: { message: failure.message, code: failure.code } });
  } finally {
    // The child has its own copies of the writing ends.
    stdout?.destroy();
    stderr?.destroy();
  }
}

process.on('message', (message: HelperRequest, handle?: Socket) => {
  if (message.type === 'output') {
    if (!handle) return;
    handle.on('error', () => {});
    handle.pause(); // the helper only passes this socket on; it reads nothing from it
    const sockets = outputs.get(message.id) ?? [];
    sockets[message.fd - 1] = handle;
    outputs.set(message.id, sockets);
  } else if (message.type === 'spawn') {
    spawnProcess(message);
  }
});

// twelve has gone (stopped or killed): so does the helper.
process.on('disconnect', () => process.exit(0));
