/** Queries over an app's segment files: the last N matching events, or everything after an id. */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { matchesFilter, matchesProcess, type LogEvent, type LogQuery, type LogSource } from './log-event.js';
import { batchEvents, type LogBatch } from './log-batch.js';
import { isGone, modifiedMs, segmentsAfter, type Segment } from './segment-files.js';
import { recordLines, scanRecords, type SegmentRecord } from './segment-records.js';

/** The most a single read returns; a resumed tail reads on in pages. */
export const MAX_READ = 10_000;

export function readEvents(app: string, segments: Segment[], query: LogQuery): LogEvent[] {
  return query.afterId !== undefined && query.afterId > 0
    ? readAfter(app, segments, query.afterId, query)
    : readLast(app, segments, Math.min(query.count ?? 100, MAX_READ), query);
}

/**
 * The records of a segment file (none if it is gone: retention may have just removed it). One that is
 * there but cannot be read (EACCES, EIO) throws, for the log store to report.
 */
function readRecords(path: string): { data: Buffer; records: SegmentRecord[] } {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    if (isGone(error)) return { data: Buffer.alloc(0), records: [] };
    throw error;
  }
  return { data, records: scanRecords(data) };
}

/** Whether a record can hold events the query wants, judged by what all its lines share. */
function recordMatches(record: SegmentRecord, query: LogQuery): boolean {
  return (query.sinceMs === undefined || record.ms >= query.sinceMs) && matchesProcess(record.process, query.ps)
    && (!query.source || record.source === query.source);
}

function eventOf(app: string, record: SegmentRecord, index: number, text: string): LogEvent {
  return { id: record.firstId + index, time: new Date(record.ms).toISOString(), app, source: record.source as LogSource, process: record.process, text };
}

/** A stored record as the batch it was published as; its bytes are a view into `data`. */
function batchOf(app: string, record: SegmentRecord, data: Buffer): LogBatch {
  return {
    firstId: record.firstId, count: record.count, ms: record.ms, time: new Date(record.ms).toISOString(), app,
    source: record.source as LogSource, process: record.process, bytes: data.subarray(record.start, record.end),
  };
}

/** The events after `afterId`, oldest first, up to `limit`: the stored batches, a page at a time, line by line. */
function readAfter(app: string, segments: Segment[], afterId: number, query: LogQuery): LogEvent[] {
  const limit = Math.min(query.limit ?? MAX_READ, MAX_READ);
  const events: LogEvent[] = [];
  let cursor: ReadCursor | undefined;
  let pageAfter = afterId;
  do {
    const page = readBatchesAfter(app, segments, pageAfter, query, EVENT_PAGE_BYTES, cursor);
    for (const batch of page.batches) {
      for (const event of batchEvents(batch)) {
        if (event.id <= afterId || !matchesFilter(event, query)) continue;
        events.push(event);
        if (events.length >= limit) return events;
      }
    }
    cursor = page.cursor;
    pageAfter = cursor?.afterId ?? pageAfter;
  } while (cursor);
  return events;
}

/** How much of the store one page of `readAfter` reads. */
const EVENT_PAGE_BYTES = 4 * 1024 * 1024;

/** Where a reader catching up stopped: the record after event `afterId` starts at `offset` of segment `path`. */
export interface ReadCursor { path: string; offset: number; afterId: number }

export interface BatchPage {
  batches: LogBatch[];
  /** Where to go on from, when the page stopped at `maxBytes`; undefined when it reached the end. */
  cursor: ReadCursor | undefined;
}

/**
 * The id of a segment's last whole record (0 if it has none), reading it a megabyte at a time: at boot
 * every app's newest segment is read, and a segment can be 16 MiB.
 */
export function lastIdIn(path: string): number {
  let last = 0;
  for (let offset = 0; ;) {
    const { records, atEnd } = readRecordsFrom(path, offset, 1024 * 1024);
    const final = records.at(-1);
    if (!final) return last;
    last = final.firstId + final.count - 1;
    offset += final.end;
    if (atEnd) return last;
  }
}

/** The whole records in a part of a segment file from `offset` (at least one, if one starts there). */
function readRecordsFrom(path: string, offset: number, size: number): { data: Buffer; records: SegmentRecord[]; atEnd: boolean } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (isGone(error)) return { data: Buffer.alloc(0), records: [], atEnd: true };
    throw error;
  }
  try {
    const left = fstatSync(fd).size - offset;
    for (let want = Math.min(size, left); ; want = Math.min(want * 4, left)) {
      if (want <= 0) return { data: Buffer.alloc(0), records: [], atEnd: true };
      const data = Buffer.allocUnsafe(want);
      const read = readSync(fd, data, 0, want, offset);
      const records = scanRecords(data.subarray(0, read));
      // A record bigger than what was read: read more.
      if (records.length > 0 || read < want || want >= left) return { data, records, atEnd: read >= left };
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The stored batches after `afterId` as they are on disk, oldest first, up to about `maxBytes`: what a
 * tail that fell behind catches up with, without turning each line into an event. Each page reads on
 * from the cursor of the one before, not from the start of a segment. For queries without `grep`
 * (which needs each line).
 */
export function readBatchesAfter(app: string, segments: Segment[], afterId: number, query: LogQuery, maxBytes: number,
  cursor?: ReadCursor): BatchPage {
  const batches: LogBatch[] = [];
  // Bytes read from disk this page, matching or not: a filter that skips most of the store reads it a
  // page at a time too. Pages end at a record, and the next one reads on from there.
  let scanned = 0;
  let returnedId = afterId;
  for (const segment of segmentsAfter(segments, afterId)) {
    let offset = cursor && cursor.path === segment.path && cursor.afterId === afterId ? cursor.offset : 0;
    for (;;) {
      const { data, records, atEnd } = readRecordsFrom(segment.path, offset, Math.max(256 * 1024, maxBytes - scanned));
      for (const record of records) {
        const lastId = record.firstId + record.count - 1;
        if (lastId > afterId && recordMatches(record, query)) {
          batches.push(batchOf(app, record, data));
          returnedId = lastId;
        }
      }
      if (records.length === 0) break;
      scanned += records.at(-1)!.end;
      offset += records.at(-1)!.end;
      if (scanned >= maxBytes) return { batches: unpinned(batches, scanned), cursor: { path: segment.path, offset, afterId: returnedId } };
      if (atEnd) break;
    }
  }
  return { batches: unpinned(batches, scanned), cursor: undefined };
}

/**
 * The batches are views into what was read; when they are a small part of it (a filter skipped most),
 * copies, so a slow reader holding them does not hold every read buffer too.
 */
function unpinned(batches: LogBatch[], scanned: number): LogBatch[] {
  const kept = batches.reduce((sum, batch) => sum + batch.bytes.length, 0);
  if (kept * 2 >= scanned) return batches;
  return batches.map((batch) => ({ ...batch, bytes: Buffer.from(batch.bytes) }));
}

/** The last `count` matching events, oldest first, reading the newest segments first. */
function readLast(app: string, segments: Segment[], count: number, query: LogQuery): LogEvent[] {
  const events: LogEvent[] = [];
  if (count === 0) return events;
  for (let s = segments.length - 1; s >= 0 && events.length < count; s -= 1) {
    const segment = segments[s]!;
    // A segment last written before `since` holds nothing newer.
    if (query.sinceMs !== undefined && modifiedMs(segment.path) < query.sinceMs) break;
    const { data, records } = readRecords(segment.path);
    for (let r = records.length - 1; r >= 0 && events.length < count; r -= 1) {
      const record = records[r]!;
      if (query.sinceMs !== undefined && record.ms < query.sinceMs) return events.reverse();
      if (!recordMatches(record, query)) continue;
      const lines = recordLines(data, record);
      for (let i = lines.length - 1; i >= 0 && events.length < count; i -= 1) {
        const event = eventOf(app, record, i, lines[i]!);
        if (matchesFilter(event, query)) events.push(event);
      }
    }
  }
  return events.reverse();
}
