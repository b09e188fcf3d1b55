/**
 * `twelve serve` started by a node without the serve flags (src/serve-node-flags.ts) becomes a node that
 * has them: they can only be given on node's command line, and giving them to every CLI command would
 * cost each one about 30 ms of CPU (a young generation fixed at 16 MB means a start-up that touches fresh
 * pages instead of reusing a few). Through the process-spawn addon it execs node again in place: the same
 * pid, nothing left waiting. Without the addon, it runs the platform in a child node, and the parent only
 * waits: it passes on the signals that stop twelve and exits as the child did; the child stops by itself
 * if the parent goes away without a word (kill -9), through the IPC channel between them (see main.ts).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { processSpawnAddon } from '../launch/native-spawner.js';
import { SERVE_NODE_FLAGS } from '../serve-node-flags.js';

/** Signals that stop `twelve serve` gracefully: passed on, never acted on here. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/** The command line of this node, with the serve flags. */
function serveArgv(): string[] {
  const [, script, ...args] = process.argv;
  // Not the inspector's flags: the child would try to listen on the port the parent already holds. To
  // debug twelve serve, start node with the serve flags and --inspect yourself.
  const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--inspect'));
  return [...SERVE_NODE_FLAGS, ...execArgv, script!, ...args];
}

export function relaunchWithServeFlags(): Promise<never> {
  if (processSpawnAddon) {
    const env = Object.entries(process.env).map(([key, value]) => `${key}=${value}`);
    const errno = processSpawnAddon.exec(process.execPath, [process.argv0, ...serveArgv()], env);
    // Only a failed exec returns (node's binary gone since it started, say): wait on a child instead.
    process.emitWarning(`could not exec node with the serve flags (errno ${-errno}): running twelve in a child node`);
  }
  return relaunchAsChild();
}

function relaunchAsChild(): Promise<never> {
  const child = spawn(process.execPath, serveArgv(), {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  // A Ctrl-C reaches both processes (one process group); twelve takes a repeated stop signal in its stride.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of STOP_SIGNALS) process.on(signal, forward);
  const stopForwarding = () => {
    for (const signal of STOP_SIGNALS) process.off(signal, forward);
  };
  return new Promise<never>((_resolve, reject) => {
    child.once('error', (error) => {
      stopForwarding();
      reject(error);
    });
    child.once('exit', (code, signal) => {
      stopForwarding();
      if (!signal) process.exit(code ?? 1);
      // Ended by a signal: end the same way, so whoever started twelve sees what happened. Node ignores
      // or handles a few signals itself (SIGPIPE, SIGUSR1): for those, the shell's code for them.
      process.exitCode = 128 + (constants.signals[signal] ?? 0);
      process.kill(process.pid, signal);
    });
  });
}
