import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { httpGet, startHarness, waitFor, WEB_SERVER, writeScript, type Harness } from './helpers.js';

describe('Supervisor: resilience', () => {
  let h: Harness;
  before(() => {
    // A boot timeout long enough for node to bind under load; the R10 test below brings its own short one.
    h = startHarness({ bootTimeoutMs: 20_000, stopTimeoutMs: 1000 });
    writeScript(h.dir, 'server.mjs', WEB_SERVER);
  });
  after(() => h.close());

  it('kills and restarts a web that never binds its PORT, like Heroku\'s R10 boot timeout', async () => {
    const short = startHarness({ bootTimeoutMs: 300, stopTimeoutMs: 1000 });
    try {
      const proc = short.supervisor.start(short.spec({ type: 'web', command: 'exec sleep 30' }));
      await waitFor('the boot timeout', () => short.lines('twelve', 'web.1').some((line) => line.startsWith('Error R10 (Boot timeout)')));
      await waitFor('the restart', () => proc.restarts >= 1);
      assert.deepEqual(proc.lastExit, { code: null, signal: 'SIGKILL' });
      await short.supervisor.stop(proc);
    } finally {
      await short.close();
    }
  });

  it('keeps supervising when an up or down listener throws', async () => {
    const throwing = () => { throw new Error('listener bug'); };
    h.supervisor.on('up', throwing);
    h.supervisor.on('down', throwing);
    try {
      const proc = h.supervisor.start(h.spec({ type: 'web', number: 2, command: 'node server.mjs' }));
      await h.supervisor.waitUntilUp(proc, 10_000);
      assert.match(await httpGet(proc.port!) ?? '', /^web\.2 /);
      await h.supervisor.stop(proc);
      assert.equal(proc.state, 'stopped');
    } finally {
      h.supervisor.off('up', throwing);
      h.supervisor.off('down', throwing);
    }
  });

  it('keeps supervising when a log subscriber throws', async () => {
    const unsubscribe = h.logs.subscribe('shop', () => { throw new Error('tail bug'); });
    try {
      const proc = h.supervisor.start(h.spec({ type: 'worker', command: 'echo hello; exec sleep 30' }));
      await h.supervisor.waitUntilUp(proc, 5000);
      await h.supervisor.stop(proc);
      assert.equal(proc.state, 'stopped');
    } finally {
      unsubscribe();
    }
  });
});

describe('Supervisor: a PORT someone else listens on', () => {
  it('does not count a web as up because a stranger accepts on its PORT', async () => {
    const { createServer } = await import('node:net');
    const h = startHarness({ bootTimeoutMs: 20_000, stopTimeoutMs: 1000 });
    const stranger = createServer((socket) => socket.destroy());
    try {
      const proc = h.supervisor.start(h.spec({ type: 'web', command: 'exec sleep 30' }));
      await waitFor('the PORT and the pid', () => proc.port !== null && proc.pid !== null);
      await new Promise<void>((resolve) => stranger.listen(proc.port!, '127.0.0.1', resolve));
      await waitFor('the supervisor to notice the stranger', () => h.lines('twelve', 'web.1').some((line) => line.includes('but not from this process')));
      assert.equal(proc.state, 'starting');
      await h.supervisor.stop(proc);
    } finally {
      stranger.close();
      await h.close();
    }
  });
});
