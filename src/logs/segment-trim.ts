/**
 * Cutting the front off a closed segment: what retention does when a log must shrink by more than a
 * segment's worth, as when an app's size is lowered from 100 MB (segments of 12.5 MB) to 1 MB. Deleting
 * such a segment whole would take the newest lines with it; instead its newest records are copied into a
 * new segment, named by their first id, with the old segment's modification time (the index by time),
 * and then the old one goes.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { scanRecords } from './segment-records.js';
import { modifiedMs, segmentName, trimAsideName, type Segment } from './segment-files.js';

/**
 * Keeps at least the last `keepBytes` bytes of `segment`, from the start of the record they begin in.
 * Returns the segment that replaces it, or the segment itself when no record boundary would save space.
 */
export function trimSegmentFront(segment: Segment, keepBytes: number): Segment {
  const data = readFileSync(segment.path);
  const records = scanRecords(data);
  // A record's header starts where the one before it ended (the first at 0).
  let cut = -1;
  for (let i = records.length - 1; i >= 1; i -= 1) {
    const start = records[i - 1]!.end;
    if (data.length - start >= keepBytes) {
      cut = i;
      break;
    }
  }
  if (cut < 1) return segment;
  // Where the kept record's own line begins (its header, or a legacy event line): not always where the one
  // before it ended, as damaged bytes between records are skipped when reading.
  const start = data.lastIndexOf(NEWLINE, records[cut]!.start - 2) + 1;
  const kept: Segment = { path: join(dirname(segment.path), segmentName(records[cut]!.firstId)), firstId: records[cut]!.firstId, bytes: data.length - start };
  const mtime = new Date(modifiedMs(segment.path));
  // Written aside, then the old segment goes, then the new one takes its name: a crash at any point
  // leaves a state listSegments() completes, never a segment twice (lines read twice) or none (lost).
  // The copy is on disk (fsync) before the old segment goes: a power cut must not leave neither.
  const aside = trimAsideName(segment.path, kept.firstId);
  try {
    writeDurably(aside, data.subarray(start));
    utimesSync(aside, mtime, mtime);
  } catch (error) {
    rmSync(aside, { force: true }); // a full disk: no half copy is left behind, the segment stays whole
    throw error;
  }
  unlinkSync(segment.path);
  renameSync(aside, kept.path);
  syncDirectory(dirname(kept.path));
  return kept;
}

const NEWLINE = 10;

function writeDurably(path: string, data: Buffer): void {
  const fd = openSync(path, 'w');
  try {
    for (let at = 0; at < data.length;) at += writeSync(fd, data, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The directory's entries (the unlink and the rename) reach the disk too. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // not every file system lets a directory be synced; the rename stands either way
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
