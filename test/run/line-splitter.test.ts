import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lastLinesOf, LineSplitter, linesFitCap } from '../../src/run/line-splitter.js';

function split(chunks: Array<string | Buffer>, max?: number): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((bytes, count) => {
    const text = bytes.toString();
    assert.ok(text.endsWith('\n'), 'every line of a block ends with a newline');
    const batch = text.slice(0, -1).split('\n');
    assert.equal(count, batch.length, `the count of ${JSON.stringify(text)}`);
    lines.push(...batch);
  }, max);
  for (const chunk of chunks) splitter.write(chunk);
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it('hands over the complete lines of a chunk together, once per chunk', () => {
    const batches: string[][] = [];
    const splitter = new LineSplitter((bytes) => batches.push(bytes.toString().slice(0, -1).split('\n')));
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
    assert.deepEqual(split(['12\nabcdefgh\n'], 3), ['12', 'abc', 'def', 'gh']);
  });

  it('never cuts a long line inside a multi-byte character', () => {
    // é is two bytes: a cut after 2 bytes would fall inside the first é, so that piece is only "a".
    assert.deepEqual(split(['aéé\n'], 2), ['a', 'é', 'é']);
    assert.deepEqual(split(['aéé\n'], 3), ['aé', 'é']);
    assert.deepEqual(split(['aé', 'é'], 3), ['aé', 'é']);
  });

  it('counts the lines of a big chunk and hands them over in one call', () => {
    const calls: Array<[Buffer, number]> = [];
    const splitter = new LineSplitter((text, count) => calls.push([text, count]));
    const lines = Array.from({ length: 700 }, (_, i) => `${String(i).padStart(9, '0')} ${'x'.repeat(79)}`);
    const chunk = Buffer.from(`${lines.join('\n')}\n`);
    splitter.write(chunk);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]![1], 700);
    assert.ok(calls[0]![0].equals(chunk), 'the bytes are handed over as they came');
  });

  it('keeps invalid UTF-8 bytes as they were, on the CRLF path too', () => {
    const blocks: Buffer[] = [];
    const splitter = new LineSplitter((bytes) => blocks.push(bytes));
    splitter.write(Buffer.from([0xff, 0x41, 0x0d, 0x0a, 0xfe, 0x0a]));
    assert.deepEqual([...Buffer.concat(blocks)], [0xff, 0x41, 0x0a, 0xfe, 0x0a]);
  });

  it('does not cut a line of exactly the cap that ends with the next read', () => {
    assert.deepEqual(split(['abc', '\n'], 3), ['abc']);
    assert.deepEqual(split(['abc', 'd\n'], 3), ['abc', 'd']);
  });

  it('gives the last lines of a block, fewer when it has fewer', () => {
    const block = (text: string) => Buffer.from(text);
    assert.deepEqual(lastLinesOf(block('a\nb\nc\nd\n'), 2), ['c', 'd']);
    assert.deepEqual(lastLinesOf(block('a\nb\n'), 5), ['a', 'b']);
    assert.deepEqual(lastLinesOf(block('\na\n'), 5), ['', 'a']);
    assert.deepEqual(lastLinesOf(block('\na\n'), 1), ['a']);
    assert.deepEqual(lastLinesOf(block('\n'), 3), ['']);
  });

  it('tells whether every line of a block fits the cap, whichever line is the long one', () => {
    const block = (text: string) => Buffer.from(text);
    assert.equal(linesFitCap(block('abc\n'), 3), true);
    assert.equal(linesFitCap(block('abcd\n'), 3), false);
    assert.equal(linesFitCap(block('a\nbc\nabc\n\nab\n'), 3), true);
    assert.equal(linesFitCap(block('a\nbc\nabcd\nab\n'), 3), false);
    assert.equal(linesFitCap(block('abcd\na\nb\nc\nd\n'), 3), false);
    assert.equal(linesFitCap(block('a\nb\nc\nd\nabcd\n'), 3), false);
    assert.equal(linesFitCap(block('\n\n\n'), 0), true);
    // 700 lines of 90 bytes, as a busy writer's read, and the same with one line over the cap.
    const lines = Array.from({ length: 700 }, (_, i) => `${String(i).padStart(9, '0')} ${'x'.repeat(79)}\n`);
    assert.equal(linesFitCap(block(lines.join('')), 89), true);
    assert.equal(linesFitCap(block(lines.join('')), 88), false);
    lines[350] = `${'y'.repeat(200)}\n`;
    assert.equal(linesFitCap(block(lines.join('')), 199), false);
    assert.equal(linesFitCap(block(lines.join('')), 200), true);
  });
});
