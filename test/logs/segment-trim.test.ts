import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { segmentName } from '../../src/logs/segment-files.js';
import { scanRecords } from '../../src/logs/segment-records.js';
import { trimSegmentFront } from '../../src/logs/segment-trim.js';

const dir = mkdtempSync(join(tmpdir(), 'twelve-trim-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const record = (id: number, text: string) => `#${id} 1700000000000 app web.1 1 ${text.length + 1}\n${text}\n`;

describe('trimSegmentFront', () => {
  it('cuts at the start of a record\'s header, damaged bytes before it or not, and keeps the segment\'s time', () => {
    const path = join(dir, segmentName(1));
    // A damaged line between the second and third records: skipped when reading.
    writeFileSync(path, record(1, 'a'.repeat(100)) + record(2, 'b'.repeat(100)) + 'garbage that is no header\n' + record(3, 'c'.repeat(100)) + record(4, 'd'.repeat(100)));
    const then = new Date(Date.now() - 3_600_000);
    utimesSync(path, then, then);
    const kept = trimSegmentFront({ path, firstId: 1, bytes: statSync(path).size }, 250);
    assert.equal(kept.firstId, 3);
    const data = readFileSync(kept.path);
    assert.equal(data[0], '#'.charCodeAt(0), 'the new segment starts with a header, so it is read as records');
    assert.deepEqual(scanRecords(data).map((r) => r.firstId), [3, 4]);
    assert.equal(kept.bytes, data.length);
    assert.equal(Math.round(statSync(kept.path).mtimeMs / 1000), Math.round(then.getTime() / 1000));
    assert.deepEqual(readdirSync(dir), [segmentName(3)]);
  });

  it('leaves a segment whose first record alone is more than can go as it is', () => {
    const path = join(dir, segmentName(10));
    writeFileSync(path, record(10, 'x'.repeat(1000)) + record(11, 'y'.repeat(10)));
    const segment = { path, firstId: 10, bytes: statSync(path).size };
    assert.equal(trimSegmentFront(segment, segment.bytes - 100), segment);
  });
});
