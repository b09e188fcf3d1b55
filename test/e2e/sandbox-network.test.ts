/**
 * A web process that binds every address is reachable only through the router: from another host (a
 * network namespace this test makes, linked to this machine by a veth pair) its port takes no connection,
 * while a server of the test's own on this machine does.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import { copyFixture, TestPlatform, sandboxSkip } from './harness.js';

const skip = sandboxSkip() || (existsSync('/usr/sbin/ip') ? false : 'no ip command (iproute2)');
const platform = new TestPlatform();
const id = process.pid % 200;
const ns = `twelve-test-${process.pid}`;
const hostSide = `twh${process.pid}`.slice(0, 15);
const hostAddress = `10.233.${id}.1`;
let control: Server | undefined;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Whether the other host gets a TCP connection to this machine's `port` within a second. */
function connectsFromOtherHost(port: number): boolean {
  const script = `const s=require('net').connect(${port},'${hostAddress}');s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(2));setTimeout(()=>process.exit(3),1000)`;
  return spawnSync('ip', ['netns', 'exec', ns, process.execPath, '-e', script]).status === 0;
}

before(async () => {
  if (skip) return;
  ip('netns', 'add', ns);
  ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', 'twelve-peer', 'netns', ns);
  ip('addr', 'add', `${hostAddress}/24`, 'dev', hostSide);
  ip('link', 'set', hostSide, 'up');
  ip('-n', ns, 'addr', 'add', `10.233.${id}.2/24`, 'dev', 'twelve-peer');
  ip('-n', ns, 'link', 'set', 'twelve-peer', 'up');
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  control = createServer((socket) => socket.end()).listen(0, '0.0.0.0');
  await platform.start();
});

after(async () => {
  control?.close();
  await platform.dispose();
  if (!skip) {
    spawnSync('ip', ['link', 'del', hostSide]);
    spawnSync('ip', ['netns', 'del', ns]);
  }
});

test('a web process bound to every address takes connections from the router only, never from another host', { skip }, async () => {
  await platform.ok('apps:create', 'open');
  await platform.ok('deploy', copyFixture('sized'), '-a', 'open');
  const [web] = await platform.json<Array<{ port: number }>>('ps', '-a', 'open');
  assert.equal(connectsFromOtherHost((control!.address() as { port: number }).port), true, 'the other host reaches nothing here: the test itself is broken');
  assert.equal(connectsFromOtherHost(web!.port), false, 'the app\'s PORT took a connection from another host');
  assert.equal((await platform.get('open')).status, 200, 'the router cannot reach the app');
});
