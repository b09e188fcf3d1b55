/**
 * `twelve serve` runs in a node given the serve flags (src/serve-node-flags.ts): started without them, it
 * execs node again with them, in place (through the process-spawn addon); without the addon, it
 * relaunches itself in a child node that has them, and the two stop together however they are stopped.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { processSpawnAddon } from '../../src/launch/native-spawner.js';
import { SERVE_NODE_FLAGS } from '../../src/serve-node-flags.js';
import { CLI, isAlive, waitFor } from './harness.js';

const dataDirs: string[] = [];
/** Every twelve that served, so that a failed test leaves none running. */
const servingPids: number[] = [];
after(() => {
  for (const pid of servingPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

interface Started { child: ChildProcess; exited: Promise<{ code: number | null; signal: string | null }>; servingPid: number; output: () => string }

/** Starts `twelve serve` with node given `nodeArgs`, in a process group of its own, and waits until it serves. */
async function startServe(nodeArgs: string[]): Promise<Started> {
  const dataDir = mkdtempSync(join(tmpdir(), 'twelve-flags-'));
  dataDirs.push(dataDir);
  const child = spawn(process.execPath, [...nodeArgs, CLI, 'serve'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TWELVE_DATA_DIR: dataDir, TWELVE_API_PORT: '0', TWELVE_ROUTER_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // a group of its own, as a terminal's foreground job: the test can Ctrl-C it
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk; });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk; });
  // 'close': the process has exited and all it wrote has been read.
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const serving = await waitFor('twelve serve to report it is serving', () => {
    if (child.exitCode !== null) throw new Error(`twelve serve exited with ${child.exitCode}:\n${output}`);
    const line = output.split('\n').find((l) => l.includes('"twelve is serving"'));
    return line ? (JSON.parse(line) as { pid: number }) : undefined;
  });
  servingPids.push(serving.pid);
  return { child, exited, servingPid: serving.pid, output: () => output };
}

function nodeFlagsOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg.startsWith('--'));
}

function parentOf(pid: number): number {
  // /proc/PID/stat: "pid (comm) state ppid ...", and comm may hold spaces: read after its closing paren.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

test('node started with the serve flags: twelve serves in that very process', async () => {
  const started = await startServe([...SERVE_NODE_FLAGS]);
  assert.equal(started.servingPid, started.child.pid);
  started.child.kill('SIGTERM');
  assert.deepEqual(await started.exited, { code: 0, signal: null }, started.output());
});

test('node started without them: twelve execs node with them in place, one process that SIGTERM stops',
  { skip: processSpawnAddon ? false : 'the process-spawn addon is not built' }, async () => {
    const started = await startServe([]);
    assert.equal(started.servingPid, started.child.pid);
    assert.deepEqual(nodeFlagsOf(started.servingPid), [...SERVE_NODE_FLAGS]);
    started.child.kill('SIGTERM');
    assert.deepEqual(await started.exited, { code: 0, signal: null }, started.output());
    assert.match(started.output(), /received SIGTERM/);
  });

/** Without the addon there is no exec: a parent waits for the twelve it relaunched. */
const parentWaits = { skip: processSpawnAddon ? 'twelve execs in place (the process-spawn addon is built)' : false };

test('node started without them: twelve serves in a child node that has them, and SIGTERM to the parent stops both', parentWaits, async () => {
  const started = await startServe([]);
  assert.notEqual(started.servingPid, started.child.pid);
  assert.equal(parentOf(started.servingPid), started.child.pid);
  assert.deepEqual(nodeFlagsOf(started.servingPid), [...SERVE_NODE_FLAGS]);
  started.child.kill('SIGTERM');
  assert.deepEqual(await started.exited, { code: 0, signal: null }, started.output());
  assert.equal(isAlive(started.servingPid), false);
  assert.match(started.output(), /received SIGTERM/);
});

test('a Ctrl-C reaches both processes: twelve stops gracefully once, and both exit 0', parentWaits, async () => {
  const started = await startServe([]);
  process.kill(-started.child.pid!, 'SIGINT'); // the whole process group, as a terminal does
  // The kernel merges a signal that is still pending with its repeat: make sure a second one arrives
  // while twelve is stopping, as the parent's forwarded copy can.
  await waitFor('twelve to start stopping', () => started.output().includes('received SIGINT'));
  if (isAlive(started.servingPid)) process.kill(started.servingPid, 'SIGINT');
  assert.deepEqual(await started.exited, { code: 0, signal: null }, started.output());
  assert.equal(isAlive(started.servingPid), false);
  assert.equal(started.output().split('received SIGINT').length - 1, 1, started.output());
  assert.equal(started.output().split('"stopped"').length - 1, 1, started.output());
});

test('the parent killed with SIGKILL: the relaunched twelve notices and stops by itself', parentWaits, async () => {
  const started = await startServe([]);
  started.child.kill('SIGKILL');
  assert.deepEqual(await started.exited, { code: null, signal: 'SIGKILL' });
  await waitFor('the relaunched twelve to stop', () => !isAlive(started.servingPid));
});
