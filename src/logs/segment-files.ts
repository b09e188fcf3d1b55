/**
 * An app's segment files on disk: `<first id, 20 digits>.log`, append-only, oldest first. The name is
 * the index by id, the modification time the index by time (a segment holds nothing newer than it).
 */
import { readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface Segment {
  path: string;
  firstId: number;
  bytes: number;
}

const SEGMENT = /^(\d{20})\.log$/;
/** A trimmed copy of a segment (segment-trim.ts), before it takes its own name. */
const TRIM_ASIDE = /^(\d{20}\.log)\.trim-(\d{20}\.log)$/;

export function segmentName(firstId: number): string {
  return `${String(firstId).padStart(20, '0')}.log`;
}

/** Whether a file operation failed because the file is not there (retention may have just removed it). */
export function isGone(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/**
 * The segments in `dir`, oldest first; none when the dir does not exist. A dir that is there but cannot
 * be read (EACCES) throws: the log store reports it (LogStoreOptions.onUnreadable).
 */
export function listSegments(dir: string): Segment[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (isGone(error)) return [];
    throw error;
  }
  if (names.some((name) => TRIM_ASIDE.test(name))) names = finishTrims(dir, names);
  const segments: Segment[] = [];
  for (const name of names.sort()) {
    const match = SEGMENT.exec(name);
    if (!match) continue;
    const path = join(dir, name);
    segments.push({ path, firstId: Number(match[1]), bytes: statSync(path).size });
  }
  return segments;
}

/** Where segment-trim.ts writes the trimmed copy of `segmentPath` that will be named by `firstId`. */
export function trimAsideName(segmentPath: string, firstId: number): string {
  return `${segmentPath}.trim-${segmentName(firstId)}`;
}

/**
 * Completes or undoes a trim that a crash interrupted: with the old segment still there the copy is
 * dropped (the next retention check trims again); without it, the copy is all that is left of its lines
 * and takes its name. Either way no line is read twice or lost. Returns the names in `dir` after.
 */
function finishTrims(dir: string, names: string[]): string[] {
  for (const name of names) {
    const match = TRIM_ASIDE.exec(name);
    if (!match) continue;
    try {
      if (names.includes(match[1]!)) unlinkSync(join(dir, name));
      else renameSync(join(dir, name), join(dir, match[2]!));
    } catch (error) {
      // Another look got there first; anything else (the disk refuses) fails this look, and is reported.
      if (!isGone(error)) throw error;
    }
  }
  try {
    return readdirSync(dir);
  } catch (error) {
    if (isGone(error)) return [];
    throw error;
  }
}

/** When the file was last written (0 if it is gone: retention may have just removed it). */
export function modifiedMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch (error) {
    if (isGone(error)) return 0;
    throw error;
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
