/** `twelve serve` gets its V8 flags from the `twelve` command's #! line, and says so when started without them. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SERVE_NODE_FLAGS } from '../../src/serve-node-flags.js';
import { CLI, waitFor } from './harness.js';

const dataDirs: string[] = [];
after(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

interface Served { lines: Array<{ level: number; msg: string; missing?: string[] }> }

/** Starts `twelve serve` with `command`, waits until it serves, stops it with SIGTERM and returns its log. */
async function serveOnce(command: string, args: string[]): Promise<Served> {
  const dataDir = mkdtempSync(join(tmpdir(), 'twelve-flags-'));
  dataDirs.push(dataDir);
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TWELVE_DATA_DIR: dataDir, TWELVE_API_PORT: '0', TWELVE_ROUTER_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk; });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk; });
  // 'close': the process has exited and all it wrote has been read.
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  try {
    await waitFor('twelve serve to report it is serving', () => {
      if (child.exitCode !== null) throw new Error(`twelve serve exited with ${child.exitCode}:\n${output}`);
      return output.includes('"twelve is serving"');
    });
    assert.deepEqual(readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg.startsWith('--')),
      command === CLI ? [...SERVE_NODE_FLAGS] : [], 'the flags node runs with');
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await closed, 0, output);
  return { lines: output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Served['lines'][number]) };
}

const warnings = (served: Served) => served.lines.filter((line) => line.msg.includes('was started without'));

test('the twelve command starts node with the serve flags, and twelve serve does not warn', async () => {
  const firstLine = readFileSync(CLI, 'utf8').split('\n')[0];
  assert.equal(firstLine, `#!/usr/bin/env -S node ${SERVE_NODE_FLAGS.join(' ')}`);
  const served = await serveOnce(CLI, ['serve']);
  assert.deepEqual(warnings(served), []);
});

test('node started without the flags: twelve serve still serves, and its log names what is missing', async () => {
  const served = await serveOnce(process.execPath, [CLI, 'serve']);
  const [warning, ...more] = warnings(served);
  assert.equal(more.length, 0);
  assert.deepEqual(warning?.missing, [...SERVE_NODE_FLAGS]);
  assert.match(warning.msg, /docs\/configuration\.md/);
});
