import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { openSocketOutputs, SocketOutput } from '../../src/launch/process-output.js';
import { waitFor } from '../run/helpers.js';

/** Reads an output to its end; the chunks are copied, as the contract says they must be. */
function collect(output: SocketOutput): { bytes: () => Buffer; ended: Promise<void> } {
  const chunks: Buffer[] = [];
  const ended = new Promise<void>((resolve) => output.read((chunk) => chunks.push(Buffer.from(chunk)), resolve));
  return { bytes: () => Buffer.concat(chunks), ended };
}

describe('process output through socket pairs', () => {
  it('delivers every byte a child writes, in order, and ends once the child has exited', async () => {
    const [stdout, stderr] = await openSocketOutputs();
    const out = collect(stdout);
    const err = collect(stderr);
    // 8 MB: far more than a socket buffer, so the child blocks and resumes many times.
    const script = "const b = Buffer.alloc(1 << 20); for (let i = 0; i < 8; i++) { b.fill(65 + i); require('fs').writeSync(1, b); } process.stderr.write('done\\n');";
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', stdout.forChild, stderr.forChild] });
    stdout.spawned();
    stderr.spawned();
    await Promise.all([out.ended, err.ended]);
    const bytes = out.bytes();
    assert.equal(bytes.length, 8 << 20);
    for (let i = 0; i < 8; i++) assert.equal(bytes[i << 20], 65 + i, `megabyte ${i} in its place`);
    assert.equal(err.bytes().toString(), 'done\n');
    if (child.exitCode === null) await once(child, 'exit');
    assert.equal(child.exitCode, 0);
  });

  it('gives the child a blocking end, so programs that do not expect EAGAIN write everything', async () => {
    const output = await SocketOutput.open();
    const out = collect(output);
    const child = spawn('sh', ['-c', 'sleep 5'], { stdio: ['ignore', output.forChild, 'ignore'] });
    output.spawned();
    try {
      // O_NONBLOCK is 04000 (octal) in the flags /proc shows for the child's fd 1.
      const flags = parseInt(/flags:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/fdinfo/1`, 'utf8'))![1]!, 8);
      assert.equal(flags & 0o4000, 0, `fd 1 flags ${flags.toString(8)}`);
    } finally {
      child.kill('SIGKILL');
    }
    await out.ended;
  });

  it('ends when a descendant still holds the writing end only once it is destroyed', async () => {
    const output = await SocketOutput.open();
    let ended = false;
    const out = collect(output);
    void out.ended.then(() => { ended = true; });
    // The leader exits at once; the background sleep keeps the writing end open.
    const child = spawn('sh', ['-c', 'echo leader; sleep 30 & exit 0'], { stdio: ['ignore', output.forChild, 'ignore'], detached: true });
    output.spawned();
    await new Promise((resolve) => child.once('exit', resolve));
    await waitFor('the leader\'s line', () => out.bytes().toString() === 'leader\n');
    assert.equal(ended, false);
    output.destroy();
    await out.ended;
    process.kill(-child.pid!, 'SIGKILL');
  });

  it('leaves no socket file or directory behind once a pair is connected', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'twelve-output-test-'));
    const before = process.env.TMPDIR;
    process.env.TMPDIR = tmp; // where os.tmpdir() points, so this test sees only its own directories
    try {
      const outputs = await Promise.all([SocketOutput.open(), SocketOutput.open(), SocketOutput.open()]);
      assert.deepEqual(readdirSync(tmp), []);
      for (const output of outputs) output.destroy();
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
