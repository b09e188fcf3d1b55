import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { lineSplitter } from '../../src/build/output.js';
import { runCommand } from '../../src/build/run-command.js';
import { TwelveError } from '../../src/errors.js';

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

  it('fails BUILD_FAILED when the command cannot start', async () => {
    await assert.rejects(runCommand({ step: 'missing', command: 'no-such-command-twelve', args: [], cwd: tmpdir(), env: process.env, onOutput: () => {} }),
      (error: unknown) => error instanceof TwelveError && error.code === 'BUILD_FAILED' && /could not start/.test(error.message));
  });
});
