import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SupervisedProcess } from '../../src/run/supervisor.js';
import { listProcessRecords } from '../../src/store/processes.js';
import { pidRunning, startHarness, waitFor, WEB_SERVER, writeScript, type Harness } from './helpers.js';

/** A parent that starts a child in its own process group; both note the SIGTERM they get in a file. */
const PARENT = `
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
const child = spawn(process.execPath, ['-e', \`
  process.on('SIGTERM', () => { require('fs').appendFileSync('signals.txt', 'child SIGTERM\\\\n'); process.exit(0); });
  setInterval(() => {}, 1000);
  console.log('child pid=' + process.pid);
\`], { stdio: 'inherit' });
process.on('SIGTERM', () => { appendFileSync('signals.txt', 'parent SIGTERM\\n'); process.exit(0); });
setInterval(() => {}, 1000);
`;

const STUBBORN = `
process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
setInterval(() => {}, 1000);
console.log('ready');
`;

describe('Supervisor: stop', () => {
  let h: Harness;
  before(() => {
    h = startHarness({ stopTimeoutMs: 400, settleMs: 100 });
    writeScript(h.dir, 'parent.mjs', PARENT);
    writeScript(h.dir, 'stubborn.js', STUBBORN);
    writeScript(h.dir, 'server.mjs', WEB_SERVER);
  });
  after(() => h.close());

  it('sends SIGTERM to the whole process group, so a child of the child stops too', async () => {
    const proc = h.supervisor.start(h.spec({ type: 'worker', command: 'node parent.mjs' }));
    await h.supervisor.waitUntilUp(proc, 5000);
    await waitFor('the child', () => h.lines('app', 'worker.1').some((line) => line.startsWith('child pid=')));
    const childPid = Number(h.lines('app', 'worker.1').find((line) => line.startsWith('child pid='))!.split('=')[1]);
    const leaderPid = proc.pid!;
    await h.supervisor.stop(proc);
    assert.ok(!h.lines('twelve', 'worker.1').some((line) => line.startsWith('Error R12')), 'no SIGKILL deadline was needed');
    assert.deepEqual(readFileSync(join(h.dir, 'signals.txt'), 'utf8').trim().split('\n').sort(), ['child SIGTERM', 'parent SIGTERM']);
    assert.equal(pidRunning(childPid), false);
    assert.equal(pidRunning(leaderPid), false);
    assert.equal(proc.state, 'stopped');
    assert.ok(h.lines('twelve', 'worker.1').includes('Stopping all processes with SIGTERM'));
    assert.deepEqual(h.supervisor.processes(), []);
    assert.deepEqual(listProcessRecords(h.db), []);
  });

  it('SIGKILLs a process that ignores SIGTERM once the stop timeout has passed', async () => {
    const proc = h.supervisor.start(h.spec({ type: 'stubborn', command: 'exec node stubborn.js' }));
    await waitFor('its SIGTERM handler', () => h.lines('app', 'stubborn.1').includes('ready'));
    const pid = proc.pid!;
    const started = Date.now();
    await h.supervisor.stop(proc);
    // A lower bound only: SIGKILL never comes before the deadline (how soon after it is bench/'s to say).
    assert.ok(Date.now() - started >= 380, 'SIGKILL came before the stop timeout');
    assert.equal(pidRunning(pid), false);
    assert.deepEqual(proc.lastExit, { code: null, signal: 'SIGKILL' });
    assert.ok(h.lines('app', 'stubborn.1').includes('ignoring SIGTERM'));
    assert.ok(h.lines('twelve', 'stubborn.1').some((line) => line.startsWith('Error R12 (Exit timeout)')));
    assert.ok(h.lines('twelve', 'stubborn.1').includes('Stopping remaining processes with SIGKILL'));
  });

  it('emits down for a web that was up, releases its port and stops for good', async () => {
    const downs: string[] = [];
    h.supervisor.on('down', (p: SupervisedProcess) => downs.push(p.name));
    const proc = h.supervisor.start(h.spec({ type: 'web', command: 'node server.mjs' }));
    await h.supervisor.waitUntilUp(proc, 10_000);
    await h.supervisor.stop(proc);
    assert.deepEqual(downs, ['web.1']);
    assert.equal(proc.state, 'stopped');
    assert.equal(proc.pid, null);
    await h.supervisor.stop(proc); // a second stop is harmless
  });

  it('stops every process in parallel with stopAll', async () => {
    const procs = [1, 2, 3].map((number) => h.supervisor.start(h.spec({ type: 'many', number, command: 'exec node stubborn.js' })));
    const ready = () => h.logs.history('shop').filter((event) => event.process.startsWith('many.') && event.text === 'ready');
    await waitFor('three SIGTERM handlers', () => ready().length === 3);
    const pids = procs.map((proc) => proc.pid!);
    await h.supervisor.stopAll();
    assert.deepEqual(pids.map(pidRunning), [false, false, false]);
    // In parallel: every process was told SIGTERM before the first one's deadline passed.
    const said = h.logs.history('shop').filter((event) => event.process.startsWith('many.') && event.source === 'twelve').map((event) => event.text);
    const firstDeadline = said.findIndex((text) => text.startsWith('Error R12'));
    assert.equal(said.slice(0, firstDeadline).filter((text) => text === 'Stopping all processes with SIGTERM').length, 3);
  });
});
