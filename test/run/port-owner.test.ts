import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { groupListensOn, listeningInodes } from '../../src/run/port-owner.js';
import { readProcStat } from '../../src/launch/proc-stat.js';

describe('port owner', () => {
  it('tells whether the socket listening on a port belongs to a process group', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const stranger = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    try {
      assert.equal(listeningInodes(port).size, 1);
      const ownGroup = readProcStat(process.pid)!.pgrp;
      assert.equal(groupListensOn(ownGroup, port), true);
      assert.equal(groupListensOn(stranger.pid!, port), false, 'a group that does not hold the socket');
      assert.equal(groupListensOn(ownGroup, 1), undefined, 'nothing listens on port 1');
    } finally {
      stranger.kill('SIGKILL');
      server.close();
    }
  });
});
