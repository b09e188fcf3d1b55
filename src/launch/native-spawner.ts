/**
 * Starts supervised processes from twelve's own process with posix_spawn (native/process-spawn.c). libuv
 * spawns with fork(), and after a fork every page of twelve's memory is write-protected until twelve
 * writes it again: a copy-on-write fault each, on the thread that routes requests and reads logs. glibc's
 * posix_spawn clones with CLONE_VM | CLONE_VFORK, which copies no page tables, so there is no fault to
 * pay, and no second node process (the spawn helper, the fallback) to keep for it.
 */
import { accessSync, constants as fsConstants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { posix } from 'node:path';
import { loadAddon } from '../native-addon.js';
import { SpawnedChild, type SpawnRequest, type Spawner } from './spawned-child.js';

interface ProcessSpawnAddon {
  spawn(file: string, argv: string[], envp: string[], cwd: string, stdoutFd: number, stderrFd: number,
    onExit: (code: number, signal: number) => void): number;
  exec(file: string, argv: string[], envp: string[]): number;
  supported(): boolean;
}

const loaded = loadAddon<ProcessSpawnAddon>('process_spawn');
/** The addon, where it was built and the kernel has pidfd_open (Linux 5.3); null otherwise. */
export const processSpawnAddon: ProcessSpawnAddon | null = loaded.addon?.supported() ? loaded.addon : null;
/** Why there is no addon (for diagnostics), or null. */
export const processSpawnMissing: string | null = processSpawnAddon ? null : loaded.error?.message ?? 'the kernel has no pidfd_open';

/** libuv's default when the child's environment has no PATH. */
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(
  Object.entries(osConstants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);
const ERRNO_NAMES = new Map<number, string>(Object.entries(osConstants.errno).map(([name, number]) => [number, name]));

/** `file` as execvp finds it: searched in the child's PATH (as libuv does), unless it names a path. */
export function resolveFile(file: string, path: string | undefined): string {
  if (file.includes('/')) return file;
  for (const dir of (path ?? DEFAULT_PATH).split(':')) {
    const candidate = posix.join(dir || '.', file);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here: the next directory of PATH
    }
  }
  return file; // posix_spawn fails with ENOENT, as spawn does
}

/** The descriptor of a socket twelve made, to hand to posix_spawn (it stays twelve's until `spawned`). */
function descriptorOf(socket: object): number {
  const fd = (socket as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new Error('the output socket has no file descriptor');
  return fd;
}

/** An error as Node's spawn makes it: `spawn FILE ENOENT`, with code, errno and syscall. */
function spawnError(file: string, errno: number): Error {
  const code = ERRNO_NAMES.get(errno) ?? 'UNKNOWN';
  return Object.assign(new Error(`spawn ${file} ${code}`), { code, errno: -errno, syscall: `spawn ${file}`, path: file });
}

export class NativeSpawner implements Spawner {
  constructor(private readonly addon: ProcessSpawnAddon) {}

  /** Processes start from twelve itself: their parent is this process. */
  get pid(): number {
    return process.pid;
  }

  start(): void {
    // nothing to get ready
  }

  spawn(request: SpawnRequest): Promise<SpawnedChild> {
    const child = new SpawnedChild();
    const [stdout, stderr] = request.outputs;
    try {
      const envp = Object.entries(request.env).filter(([, value]) => value !== undefined).map(([key, value]) => `${key}=${value}`);
      const file = resolveFile(request.file, request.env.PATH);
      const out = descriptorOf(stdout.forChild);
      // Without a socket of its own, stderr shares stdout's: one stream, in the order the process wrote.
      const err = stderr ? descriptorOf(stderr.forChild) : out;
      const result = this.addon.spawn(file, [request.file, ...request.args], envp, request.cwd, out, err,
        (code, signal) => child.exited(signal === 0 ? code : null, signal === 0 ? null : SIGNAL_NAMES.get(signal) ?? null));
      if (result > 0) child.pid = result;
      else child.failed(spawnError(request.file, -result));
    } catch (error) {
      child.failed(error as Error);
    } finally {
      // The child has its own copies of the writing ends: twelve's must close, or the reads never end.
      for (const output of request.outputs) output.spawned();
    }
    return Promise.resolve(child);
  }
}
