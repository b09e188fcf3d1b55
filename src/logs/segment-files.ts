/**
 * An app's segment files on disk: `<first id, 20 digits>.log`, append-only, oldest first. The name is
 * the index by id, the modification time the index by time (a segment holds nothing newer than it).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Segment {
  path: string;
  firstId: number;
  bytes: number;
}

const SEGMENT = /^(\d{20})\.log$/;

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

/** When the file was last written (0 if it is gone: retention may have just removed it). */
export function modifiedMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * The segments that can hold events after `afterId`: they are named by their first id, so every one
 * whose successor starts at or before `afterId` is skipped.
 */
export function segmentsAfter(segments: readonly Segment[], afterId: number): readonly Segment[] {
  let start = 0;
  while (start + 1 < segments.length && segments[start + 1]!.firstId <= afterId) start += 1;
  return segments.slice(start);
}
