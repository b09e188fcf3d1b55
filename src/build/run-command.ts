/** Runs one build command, streaming its output line by line; a non-zero exit fails the build. */
import { errorText, TwelveError } from '../errors.js';
import { openSocketOutputs, type SocketOutput } from '../launch/process-output.js';
import { type SpawnedChild, spawner } from '../launch/spawner.js';
import { type SandboxSpec, sandboxArgv } from '../sandbox/sandbox-argv.js';
import { indent, lineSplitter, type OutputFn } from './output.js';

export interface CommandOptions {
  /** How the step is named in errors, e.g. `npm ci`. */
  step: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  onOutput: OutputFn;
  /** The app's sandbox; the command runs at /app in it (cwd is then only the directory that is /app). */
  sandbox?: SandboxSpec;
}

/** The build commands running now, by pid, so that stopping twelve stops them too instead of orphaning them. */
const running = new Set<number>();

/** How long one build command may run: a hung install must not hold its deploy forever. */
export const BUILD_STEP_TIMEOUT_MS = 15 * 60 * 1000;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM to every running build command's process group, SIGKILL to what is left after `graceMs`. */
export async function stopRunningBuilds(graceMs = 5000): Promise<void> {
  const pids = [...running];
  for (const pid of pids) killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some((pid) => running.has(pid)) && Date.now() < deadline) await new Promise((resume) => setTimeout(resume, 50));
  for (const pid of pids) if (running.has(pid)) killGroup(pid, 'SIGKILL');
}

/** A build command started by twelve's spawner, and tracked until `finished()`. */
interface Step {
  child: SpawnedChild;
  outputs: readonly [SocketOutput, SocketOutput];
  /** Ends the tracking: the command has exited and its output is read. */
  finished(): void;
  /** Resolves with the exit code and signal; rejects when the command could not start. */
  exit: Promise<[number | null, NodeJS.Signals | null]>;
}

/**
 * Starts a build command. Spawned by twelve's spawner (src/launch/spawner.ts: a fork of twelve itself
 * would make twelve re-fault its memory), in its own process group: npm and pip start children of their
 * own, and a stop must reach them all, so it is tracked for stopRunningBuilds and killed after
 * BUILD_STEP_TIMEOUT_MS (after `onTimeout`). Its output comes through socket pairs, as a supervised
 * process's does.
 */
async function startStep(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, onTimeout: () => void, sandbox?: SandboxSpec): Promise<Step> {
  const outputs = await openSocketOutputs();
  const argv = sandbox ? sandboxArgv(sandbox, file, args) : { file, args };
  const child = await spawner.spawn({ file: argv.file, args: argv.args, cwd: sandbox ? '/' : cwd, env, outputs });
  const exit = new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.once('exit', (code, signal) => resolve([code, signal]));
  });
  exit.catch(() => {}); // the caller awaits it; handled now so a start failure is not "unhandled" meanwhile
  const pid = child.pid;
  if (pid !== undefined) running.add(pid);
  const timeout = setTimeout(() => {
    onTimeout();
    if (pid !== undefined) killGroup(pid, 'SIGKILL');
  }, BUILD_STEP_TIMEOUT_MS);
  timeout.unref();
  return {
    child, outputs, exit,
    finished() {
      clearTimeout(timeout);
      if (pid !== undefined) running.delete(pid);
    },
  };
}

/** Runs the command with stdout and stderr both sent, indented, through onOutput as they are written. */
export async function runCommand(options: CommandOptions): Promise<void> {
  const { step, command, args, cwd, env, onOutput } = options;
  const started = await startStep(command, args, cwd, env,
    () => onOutput(indent(`${step} ran for ${BUILD_STEP_TIMEOUT_MS / 60_000} minutes: stopping it`)), options.sandbox);
  // One splitter per stream, so a line half-written on stdout is not spliced with one from stderr.
  // Blank lines are dropped: tools use them as spacing, and the topics already separate the steps.
  const show = (line: string): void => {
    if (line.trim() !== '') onOutput(indent(line));
  };
  // The splitters decode each chunk at once: the chunk is only valid during the call (process-output.ts).
  const read = started.outputs.map((output) => new Promise<void>((resolve) => {
    const lines = lineSplitter(show);
    output.read((chunk) => lines.write(chunk), () => {
      lines.end();
      resolve();
    });
  }));
  const [code, signal] = await started.exit.catch((error: NodeJS.ErrnoException) => {
    throw new TwelveError('BUILD_FAILED', `\`${step}\` could not start: ${error.message}`, { step, exitCode: null });
  }).finally(async () => {
    // As 'close' did with pipes: the output is read to its end (every holder of it has closed it).
    await Promise.all(read);
    started.finished();
  });
  if (code === 0) return;
  throw new TwelveError('BUILD_FAILED', `\`${step}\` ${howItEnded(code, signal)}`, { step, exitCode: code, ...(signal ? { signal } : {}) });
}

function howItEnded(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/** All the bytes of an output, copied as they come (each chunk is only valid during its call). */
function readWhole(output: SocketOutput): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    output.read((chunk) => chunks.push(Buffer.from(chunk)), () => resolve(Buffer.concat(chunks)));
  });
}

/**
 * Runs a command for its standard output (a version, a JSON list); rejects with its stderr on failure.
 * Started, tracked and timed out as any build command (startStep).
 */
export async function captureCommand(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; sandbox?: SandboxSpec } = {}): Promise<string> {
  const started = await startStep(command, args, options.cwd ?? process.cwd(), options.env ?? process.env, () => {}, options.sandbox);
  const [stdout, stderr] = started.outputs.map(readWhole) as [Promise<Buffer>, Promise<Buffer>];
  let code: number | null;
  let signal: NodeJS.Signals | null;
  try {
    [code, signal] = await started.exit;
  } catch (error) {
    throw new TwelveError('BUILD_FAILED', `could not run ${command}: ${errorText(error)}`, { step: command });
  } finally {
    await Promise.all([stdout, stderr]);
    started.finished();
  }
  if (code === 0) return (await stdout).toString();
  const lastLines = (await stderr).toString().trim().split('\n').slice(-3).join(' ');
  throw new TwelveError('BUILD_FAILED', `\`${[command, ...args].join(' ')}\` ${howItEnded(code, signal)}${lastLines ? `: ${lastLines}` : ''}`, { step: command, exitCode: code, ...(signal ? { signal } : {}) });
}
