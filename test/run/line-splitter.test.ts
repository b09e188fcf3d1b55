import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter } from '../../src/run/line-splitter.js';

function split(chunks: Array<string | Buffer>, max?: number): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((batch) => lines.push(...batch), max);
  for (const chunk of chunks) splitter.write(chunk);
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it('hands over the complete lines of a chunk together, once per chunk', () => {
    const batches: string[][] = [];
    const splitter = new LineSplitter((batch) => batches.push(batch));
    splitter.write('a\nb\nc');
    splitter.write('d\n');
    splitter.write('no newline yet');
    splitter.end();
    assert.deepEqual(batches, [['a', 'b'], ['cd'], ['no newline yet']]);
  });

  it('keeps a partial line until its newline arrives', () => {
    assert.deepEqual(split(['one\ntw', 'o\nthr', 'ee\n']), ['one', 'two', 'three']);
  });

  it('emits a last line without a newline when the stream ends', () => {
    assert.deepEqual(split(['a\nlast']), ['a', 'last']);
  });

  it('drops the carriage return of CRLF line ends and keeps empty lines', () => {
    assert.deepEqual(split(['a\r\n\r\nb\n']), ['a', '', 'b']);
  });

  it('keeps a multi-byte character that is split across chunks', () => {
    const bytes = Buffer.from('café ☕\n');
    assert.deepEqual(split([bytes.subarray(0, 4), bytes.subarray(4, 8), bytes.subarray(8)]), ['café ☕']);
  });

  it('cuts a line longer than the cap into pieces, without a newline or with one', () => {
    assert.deepEqual(split(['abcdefg'], 3), ['abc', 'def', 'g']);
    assert.deepEqual(split(['ab', 'cdefgh\nxy\n'], 3), ['abc', 'def', 'gh', 'xy']);
  });
});
