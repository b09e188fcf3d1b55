import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { groupListensOn, listeningInodes, tableListeningInodes } from '../../src/run/port-owner.js';
import { readProcStat } from '../../src/launch/proc-stat.js';

describe('port owner', () => {
  it('tells whether the socket listening on a port belongs to a process group', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const stranger = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    try {
      assert.equal(listeningInodes(port).size, 1);
      // The kernel's answer over sock_diag (where the addon is built) is what /proc/net's tables say.
      assert.deepEqual(listeningInodes(port), tableListeningInodes(port));
      assert.deepEqual(listeningInodes(1), new Set());
      const ownGroup = readProcStat(process.pid)!.pgrp;
      assert.equal(groupListensOn(ownGroup, port), true);
      assert.equal(groupListensOn(stranger.pid!, port), false, 'a group that does not hold the socket');
      assert.equal(groupListensOn(ownGroup, 1), undefined, 'nothing listens on port 1');
    } finally {
      stranger.kill('SIGKILL');
      server.close();
    }
  });

  it('finds the socket in a child of the group leader, as a sandboxed web process holds it', async () => {
    // A shell leads the group, as bubblewrap does, and node below it listens.
    const script = "require('node:net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port); })";
    const leader = spawn('sh', ['-c', `"${process.execPath}" -e "${script}"`], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const port = await new Promise<number>((resolve) => leader.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
      assert.equal(groupListensOn(leader.pid!, port), true);
      assert.equal(groupListensOn(readProcStat(process.pid)!.pgrp, port), false, 'not the test\'s own group');
    } finally {
      process.kill(-leader.pid!, 'SIGKILL');
    }
  });
});
