/** The log stream end to end: filters over the CLI, a restart of twelve that keeps the lines, and a drain. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { LogEvent } from '../../src/logs/log-event.js';
import { HttpReceiver } from '../logs/receivers.js';
import { CLI, copyFixture, TestPlatform, waitFor } from './harness.js';

const platform = new TestPlatform();
const receiver = new HttpReceiver();

before(async () => {
  await Promise.all([platform.start(), receiver.start()]);
  await platform.ok('apps:create', 'chatty');
  await platform.ok('deploy', copyFixture('node-web'), '-a', 'chatty');
});
after(async () => {
  await platform.dispose();
  await receiver.stop();
});

const events = async (...args: string[]): Promise<LogEvent[]> => {
  const { stdout } = await platform.ok('logs', '-a', 'chatty', '--json', ...args);
  return stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogEvent);
};

test('logs filters by process, source, text and time, and prints plain lines off a terminal', async () => {
  for (const path of ['/a', '/b', '/c']) assert.equal((await platform.get('chatty', path)).status, 200);
  await waitFor('three router lines', async () => (await events('--source', 'router')).length >= 3);
  const router = await events('--source', 'router', '-n', '2');
  assert.equal(router.length, 2);
  assert.ok(router.every((e) => e.source === 'router' && e.process === 'router'));
  assert.match(router[1]!.text, /path="\/c"/);
  const web = await events('--ps', 'web.1');
  assert.ok(web.length > 0 && web.every((e) => e.process === 'web.1'));
  const grep = await events('--grep', 'path="/b"');
  assert.deepEqual(grep.map((e) => e.source), ['router']);
  assert.deepEqual(await events('--since', '2000-01-01T00:00:00Z', '--grep', 'no such text anywhere'), []);
  assert.ok((await events('--since', '10m')).length >= 3);
  const plain = (await platform.ok('logs', '-a', 'chatty', '--source', 'router', '-n', '1')).stdout;
  assert.match(plain, /^\d{4}-\d\d-\d\dT[\d:.]+Z router\[router\]: at=info method=GET path="\/c"/);
  assert.doesNotMatch(plain, /\x1b\[/);
});

test('--since shows every line from then on, -n the last N of them; bad values say what to write', async () => {
  const start = new Date().toISOString();
  for (let i = 0; i < 150; i += 1) assert.equal((await platform.get('chatty', `/since-${i}`)).status, 200);
  const sinceLines = (...args: string[]) => events('--since', start, '--source', 'router', '--grep', '/since-', ...args);
  await waitFor('150 router lines', async () => (await sinceLines('-n', '1'))[0]?.text.includes('/since-149'));
  const all = await sinceLines();
  assert.deepEqual(all.map((e) => /path="\/since-(\d+)"/.exec(e.text)?.[1]), Array.from({ length: 150 }, (_, i) => String(i)));
  assert.equal((await sinceLines('-n', '5')).length, 5);
  const unitless = await platform.cli('logs', '-a', 'chatty', '--since', '90');
  assert.equal(unitless.code, 1);
  assert.match(unitless.stderr, /a duration needs its unit: 90s, 90m/);
  const tooMany = await platform.cli('logs', '-a', 'chatty', '-n', '20000');
  assert.equal(tooMany.code, 1);
  assert.match(tooMany.stderr, /at most 10000 lines; for more, --since/);
});

test('the log survives a restart of twelve, and new ids follow the old ones', async () => {
  await platform.get('chatty', '/before-restart');
  const before = await waitFor('the request line', async () => (await events('--grep', '/before-restart'))[0]);
  await platform.stop();
  await platform.start();
  await platform.get('chatty', '/after-restart');
  const after = await waitFor('the new request line', async () => (await events('--grep', '/after-restart'))[0]);
  const kept = await events('--grep', '/before-restart');
  assert.deepEqual(kept, [before]);
  assert.ok(after.id > before.id);
  const all = await events('-n', '10000');
  assert.deepEqual(all.map((e) => e.id), [...all.map((e) => e.id)].sort((a, b) => a - b));
  assert.ok(all.some((e) => e.source === 'twelve' && /Stopping all processes/.test(e.text)), 'the last lines of the old run were written');
});

test('drains:add sends the stream to an HTTP receiver; drains shows its state and counts', async () => {
  const url = `http://127.0.0.1:${receiver.port}/drain`;
  await platform.ok('drains:add', url, '-a', 'chatty');
  assert.equal((await platform.cli('drains:add', url, '-a', 'chatty')).code, 1);
  await platform.get('chatty', '/drained');
  await waitFor('the router line at the receiver', () => receiver.messages.some((m) => m.includes('path="/drained"')));
  const [drain] = await platform.json<Array<{ url: string; state: string; sent: number; dropped: number }>>('drains', '-a', 'chatty');
  assert.equal(drain!.url, url);
  assert.equal(drain!.state, 'up');
  assert.ok(drain!.sent >= 1);
  assert.equal(drain!.dropped, 0);
  assert.match((await platform.ok('drains', '-a', 'chatty')).stdout, /up/);
  await platform.ok('drains:remove', url, '-a', 'chatty');
  assert.deepEqual(await platform.json('drains', '-a', 'chatty'), []);

  // Removed as `drains` shows it (password masked), and another spelling of one is no second drain.
  const withPassword = `HTTP://u:p@127.0.0.1:${receiver.port}/drain`;
  await platform.ok('drains:add', withPassword, '-a', 'chatty');
  assert.equal((await platform.cli('drains:add', withPassword.toLowerCase(), '-a', 'chatty')).code, 1);
  const [shown] = await platform.json<Array<{ url: string }>>('drains', '-a', 'chatty');
  assert.equal(shown!.url, `http://u:***@127.0.0.1:${receiver.port}/drain`);
  await platform.ok('drains:remove', shown!.url, '-a', 'chatty');
  assert.deepEqual(await platform.json('drains', '-a', 'chatty'), []);
});

test('logs:retention shows the defaults and sets size and age per app', async () => {
  // chatty has written a few lines: what they take shows in a unit that makes it visible (not 0.0MB).
  const shown = (await platform.ok('logs:retention', '-a', 'chatty')).stdout;
  assert.match(shown, /100MB or 7d, whichever comes first/);
  const used = /\(([\d.]+)(B|KB|MB) used\)/.exec(shown);
  assert.ok(used && Number(used[1]) > 0, shown);
  const set = await platform.json<{ size: string; age: string }>('logs:retention', '--size', '20MB', '--age', '2d', '-a', 'chatty');
  assert.deepEqual([set.size, set.age], ['20MB', '2d']);
  assert.equal((await platform.cli('logs:retention', '--size', '10KB', '-a', 'chatty')).code, 1);
  const sizeBack = await platform.json<{ size: string; age: string }>('logs:retention', '--size', 'default', '-a', 'chatty');
  assert.deepEqual([sizeBack.size, sizeBack.age], ['100MB', '2d'], 'the size back to the default, the age kept');
  const ageBack = await platform.json<{ size: string; age: string }>('logs:retention', '--age', 'default', '-a', 'chatty');
  assert.deepEqual([ageBack.size, ageBack.age], ['100MB', '7d']);
});

test('the platform tells the app\'s stream what it does: the build, the release, scaling, restarts, process states', async () => {
  await platform.ok('ps:scale', 'web=2', '-a', 'chatty');
  await platform.ok('ps:restart', 'web', '-a', 'chatty');
  const said = await waitFor('the restart in the stream', async () => {
    const texts = (await events('--source', 'twelve', '-n', '10000')).map((e) => `${e.process}: ${e.text}`);
    return texts.includes('api: Restarted web processes') ? texts : undefined;
  });
  const expected = [/^api: Build \S+ started/, /^api: Build \S+ succeeded$/, /^api: Release v1 created: /, /^api: Release v1 is live$/,
    /^api: Scaled to .*web@2/, /^web\.2: State changed from starting to up$/];
  for (const line of expected) assert.ok(said.some((text) => line.test(text)), `${line} in:\n${said.join('\n')}`);
  // --ps with a process type takes every process of it, and only those.
  const web = new Set((await events('--ps', 'web', '-n', '10000')).map((e) => e.process));
  assert.deepEqual([...web].sort(), ['web.1', 'web.2']);
});

test('logs colours each process on a terminal, and not with NO_COLOR', async () => {
  // script(1) gives the CLI a pseudo-terminal as its stdout, as an interactive shell would.
  const onTerminal = async (env: Record<string, string>) => (await promisify(execFile)('script',
    ['-qec', `'${process.execPath}' '${CLI}' logs -a chatty -n 20`, '/dev/null'], { env: { ...platform.env, ...env } })).stdout;
  const coloured = await onTerminal({});
  assert.match(coloured, /\x1b\[\d+(;\d+)*m(app|router|twelve)\[/, coloured);
  assert.doesNotMatch(await onTerminal({ NO_COLOR: '1' }), /\x1b\[/);
});

test('a live tail goes on across a restart of twelve, printing every line once', async () => {
  const tail = await platform.liveTail('chatty', ['--source', 'router'], '/tail-before');
  try {
    await platform.stop();
    await platform.start();
    await platform.get('chatty', '/tail-after');
    await waitFor('the tail to show a request after the restart', () => tail.printed().includes('path="/tail-after"'));
    const ids = [...tail.printed().matchAll(/request_id=(\S+)/g)].map((match) => match[1]);
    assert.equal(new Set(ids).size, ids.length, `no line twice:\n${tail.printed()}`);
  } finally {
    tail.stop();
  }
});
