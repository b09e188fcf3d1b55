/**
 * An app's segment files on disk: `<first id, 20 digits>.log`, append-only, oldest first. The name is
 * the index by id, the modification time the index by time (a segment holds nothing newer than it).
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Segment {
  path: string;
  firstId: number;
  bytes: number;
}

const SEGMENT = /^(\d{20})\.log$/;
const CHUNK = 256 * 1024;

export function segmentName(firstId: number): string {
  return `${String(firstId).padStart(20, '0')}.log`;
}

/** The segments in `dir`, oldest first; none when the dir does not exist. */
export function listSegments(dir: string): Segment[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const segments: Segment[] = [];
  for (const name of names.sort()) {
    const match = SEGMENT.exec(name);
    if (!match) continue;
    const path = join(dir, name);
    segments.push({ path, firstId: Number(match[1]), bytes: statSync(path).size });
  }
  return segments;
}

/**
 * Calls `onLine` with the lines of a file from the last to the first, reading it backwards in chunks,
 * until `onLine` returns false. Lines are split on bytes, so a character cut by a chunk stays whole.
 */
export function readLinesBackward(path: string, onLine: (line: string) => boolean): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return true;
  }
  try {
    let end = statSync(path).size;
    let carry = Buffer.alloc(0);
    let last = true;
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const chunk = Buffer.alloc(end - start);
      readSync(fd, chunk, 0, chunk.length, start);
      const buffer = carry.length > 0 ? Buffer.concat([chunk, carry]) : chunk;
      let stop = buffer.length;
      // The last line of a file ends with a newline unless a write was torn (a crash): such a tail is skipped.
      if (last && buffer[stop - 1] !== 10) stop = Math.max(0, buffer.lastIndexOf(10));
      last = false;
      while (stop > 0) {
        const at = buffer.lastIndexOf(10, stop - 1);
        if (at === -1) break;
        if (at + 1 < stop && !onLine(buffer.toString('utf8', at + 1, stop))) return false;
        stop = at;
      }
      carry = buffer.subarray(0, stop);
      end = start;
    }
    if (carry.length > 0) return onLine(carry.toString('utf8'));
    return true;
  } finally {
    closeSync(fd);
  }
}
