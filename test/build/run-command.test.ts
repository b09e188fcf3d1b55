import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { lineSplitter } from '../../src/build/output.js';
import { captureCommand, runCommand } from '../../src/build/run-command.js';
import { TwelveError } from '../../src/errors.js';
import { spawner } from '../../src/launch/spawner.js';

describe('lineSplitter', () => {
  it('joins lines split across chunks, multi-byte characters included', () => {
    const lines: string[] = [];
    const split = lineSplitter((line) => lines.push(line));
    const euro = Buffer.from('€');
    split.write(Buffer.concat([Buffer.from('a'), euro.subarray(0, 1)]));
    split.write(Buffer.concat([euro.subarray(1), Buffer.from('b\nsecond')]));
    split.write(' line\r\nlast');
    split.end();
    assert.deepEqual(lines, ['a€b', 'second line', 'last']);
  });

  it('keeps what a progress line finally showed', () => {
    const lines: string[] = [];
    const split = lineSplitter((line) => lines.push(line));
    split.write('10%\r50%\r100%\n');
    split.end();
    assert.deepEqual(lines, ['100%']);
  });
});

describe('runCommand', () => {
  const run = (script: string, lines: string[]): Promise<void> => runCommand({
    step: 'the step', command: 'sh', args: ['-c', script], cwd: tmpdir(), env: process.env, onOutput: (line) => lines.push(line),
  });

  it('sends stdout and stderr lines indented by seven spaces, dropping blank ones', async () => {
    const lines: string[] = [];
    await run('echo out; echo; echo err >&2', lines);
    assert.deepEqual(lines.sort(), ['       err', '       out']);
  });

  it('fails BUILD_FAILED with the step and exit code', async () => {
    await assert.rejects(run('exit 3', []), (error: unknown) =>
      error instanceof TwelveError && error.code === 'BUILD_FAILED' && error.message === '`the step` exited with code 3'
      && (error.details as { exitCode: number }).exitCode === 3);
  });

  it('names the signal that killed the command', async () => {
    await assert.rejects(run('kill -TERM $$', []), (error: unknown) =>
      error instanceof TwelveError && error.message === '`the step` was killed by SIGTERM');
  });

  it('is spawned by twelve\'s spawner (posix_spawn from twelve, or the spawn helper without the addon)', async () => {
    const lines: string[] = [];
    await run('echo "parent $PPID"', lines);
    assert.ok(spawner.pid !== undefined);
    assert.deepEqual(lines, [`       parent ${spawner.pid}`]);
  });

  it('fails BUILD_FAILED when the command cannot start', async () => {
    await assert.rejects(runCommand({ step: 'missing', command: 'no-such-command-twelve', args: [], cwd: tmpdir(), env: process.env, onOutput: () => {} }),
      (error: unknown) => error instanceof TwelveError && error.code === 'BUILD_FAILED' && /could not start/.test(error.message));
  });
});

describe('captureCommand', () => {
  it('returns what the command wrote to stdout, whole, and it too is spawned by twelve\'s spawner', async () => {
    // More than one read's worth (256 KiB), so the copies of each chunk are what is returned.
    const out = await captureCommand('sh', ['-c', 'echo "parent $PPID"; head -c 600000 /dev/zero | tr "\\0" x; echo >&2 ignored']);
    assert.equal(out, `parent ${spawner.pid}\n${'x'.repeat(600_000)}`);
  });

  it('fails BUILD_FAILED with the exit code and the last lines of stderr', async () => {
    await assert.rejects(captureCommand('sh', ['-c', 'echo one >&2; echo two >&2; echo three >&2; echo four >&2; exit 3']),
      (error: unknown) => error instanceof TwelveError && error.code === 'BUILD_FAILED' && /exited with code 3: two three four$/.test(error.message));
  });

  it('fails BUILD_FAILED when the command cannot start', async () => {
    await assert.rejects(captureCommand('no-such-command-twelve', []),
      (error: unknown) => error instanceof TwelveError && error.code === 'BUILD_FAILED' && /could not run no-such-command-twelve/.test(error.message));
  });
});

describe('stopRunningBuilds', () => {
  it('stops a running build command and the children it started, so stopping twelve leaves no build behind', async () => {
    const { stopRunningBuilds } = await import('../../src/build/run-command.js');
    const lines: string[] = [];
    // A build step that starts a child of its own and then waits: both must go.
    const build = runCommand({
      step: 'slow step', command: 'sh', args: ['-c', 'sleep 300 & echo "child $!"; wait'], cwd: tmpdir(), env: process.env,
      onOutput: (line) => lines.push(line),
    });
    const outcome = build.then(() => undefined, (error: unknown) => error);
    const deadline = Date.now() + 10_000;
    while (!lines.some((line) => line.includes('child ')) && Date.now() < deadline) await new Promise((resume) => setTimeout(resume, 20));
    const childPid = Number(/child (\d+)/.exec(lines.join('\n'))?.[1]);
    assert.ok(childPid > 0, `no child pid in ${JSON.stringify(lines)}`);
    await stopRunningBuilds(2000);
    const error = await outcome;
    assert.ok(error instanceof TwelveError && error.code === 'BUILD_FAILED', String(error));
    // Not process.kill(pid, 0): this machine's init leaves zombies unreaped, and a zombie answers that too.
    const { isRunning, readProcStat } = await import('../../src/launch/proc-stat.js');
    const end = Date.now() + 5000;
    while (isRunning(readProcStat(childPid)) && Date.now() < end) await new Promise((resume) => setTimeout(resume, 20));
    assert.equal(isRunning(readProcStat(childPid)), false, 'the step\'s own child is still running');
  });
});
