/**
 * One reader of an app's log over HTTP, as NDJSON: the stored lines it asked for, then (with tail) the
 * live ones. Small writes are batched per turn of the event loop, big ones go at once. A reader slower
 * than the app is never sent more than a few MiB ahead: it falls back to reading the store from its
 * last id once the socket drains, so a slow tail neither grows twelve's memory nor loses a line.
 */
import type { ServerResponse } from 'node:http';
import { batchEvents, type LogBatch } from '../logs/log-batch.js';
import type { LogBus } from '../logs/log-bus.js';
import { matchesProcess, type LogEvent, type LogQuery } from '../logs/log-event.js';
import { tailCopies, type PooledCopy } from '../logs/copy-pool.js';
import { MAX_READ, type ReadCursor } from '../logs/log-reader.js';

/** Bytes queued on the socket beyond which the reader catches up from the store instead. */
const HIGH_WATER = 4 * 1024 * 1024;
/**
 * Live pieces this big go out at once, in the call that brought them (a read of a busy process); smaller
 * ones wait for the end of the event loop's turn and go out together (the router's lines, a line at a
 * time). Sending a big read later, from a setImmediate, kept the writing process waiting for a CPU
 * several times longer (docs/logs-performance.md).
 */
const SEND_AT_ONCE_BYTES = 16 * 1024;

/**
 * `event`: NDJSON, one record per line, `{id, time, app, source, process, text}`: for scripts and curl.
 * `frames`: what the CLI reads. One frame per run of consecutive lines of one process read together:
 * a JSON header line `{firstId, lastId, time, app, source, process, bytes}`, then exactly `bytes` bytes,
 * the lines as the process wrote them, each ending with a newline. A busy process's output goes out as
 * it came in, with no per-line encoding: the cost of a frame is its header.
 */
export type LogFormat = 'event' | 'frames';

export const LOG_FORMATS: readonly LogFormat[] = ['event', 'frames'];

const CONTENT_TYPES: Record<LogFormat, string> = { event: 'application/x-ndjson', frames: 'application/x-twelve-log-frames' };

/** What is written to a reader: strings (JSON) and line bytes (frames), in order. */
type Piece = string | Buffer;

/** A piece of its own, not a pooled copy to give back once written. */
function isPiece(piece: Piece | PooledCopy): piece is Piece {
  return typeof piece === 'string' || Buffer.isBuffer(piece);
}

/** An event as one NDJSON line; only the free text goes through JSON.stringify. */
export function eventJson(event: LogEvent): string {
  return `{"id":${event.id},"time":"${event.time}","app":${JSON.stringify(event.app)},"source":"${event.source}","process":${JSON.stringify(event.process)},"text":${JSON.stringify(event.text)}}\n`;
}

/** The header of a frame of lines firstId..lastId whose bytes follow it. */
export function frameHeader(firstId: number, lastId: number, time: string, app: string, source: string, process: string, bytes: number): string {
  return `{"firstId":${firstId},"lastId":${lastId},"time":"${time}","app":${JSON.stringify(app)},"source":"${source}","process":${JSON.stringify(process)},"bytes":${bytes}}\n`;
}

/** The bytes of a block after its first `n` lines. */
function withoutFirstLines(bytes: Buffer, n: number): Buffer {
  let at = -1;
  for (let i = 0; i < n; i += 1) at = bytes.indexOf(10, at + 1);
  return bytes.subarray(at + 1);
}

/** The lines of a live batch after `afterId` (matching `grep`), in `format`. */
export function batchPieces(batch: LogBatch, afterId: number, format: LogFormat, grep?: string): Piece[] {
  const skip = Math.max(0, afterId - batch.firstId + 1);
  if (skip >= batch.count) return [];
  if (format === 'frames' && !grep) {
    const bytes = skip === 0 ? batch.bytes : withoutFirstLines(batch.bytes, skip);
    const lastId = batch.firstId + batch.count - 1;
    return [frameHeader(batch.firstId + skip, lastId, batch.time, batch.app, batch.source, batch.process, bytes.length), bytes];
  }
  const events = batchEvents(batch).filter((event, i) => i >= skip && (!grep || event.text.includes(grep)));
  return eventPieces(events, format);
}

/** Events in `format`; as frames, consecutive ones of one process and one time share a frame. */
export function eventPieces(events: readonly LogEvent[], format: LogFormat): Piece[] {
  if (events.length === 0) return [];
  // A flat string from a join costs less to write than a rope grown with +=.
  if (format === 'event') return [events.map(eventJson).join('')];
  const pieces: Piece[] = [];
  for (let start = 0; start < events.length;) {
    const first = events[start]!;
    let end = start + 1;
    while (end < events.length && sameRun(events[end - 1]!, events[end]!)) end += 1;
    const bytes = Buffer.from(`${events.slice(start, end).map((event) => event.text).join('\n')}\n`);
    pieces.push(frameHeader(first.id, events[end - 1]!.id, first.time, first.app, first.source, first.process, bytes.length), bytes);
    start = end;
  }
  return pieces;
}

function sameRun(previous: LogEvent, next: LogEvent): boolean {
  return next.id === previous.id + 1 && next.process === previous.process && next.source === previous.source && next.time === previous.time;
}

/**
 * The header that says after which id a reader that got none of this answer's events resumes (`after=`),
 * to get the same events and then the newer ones: a tail that drops before its first line would
 * otherwise ask for the recent lines again and miss what came in meanwhile.
 */
export const RESUME_AFTER_HEADER = 'x-twelve-log-after';

export function streamLog(raw: ServerResponse, bus: LogBus, app: string, query: LogQuery, tail: boolean, format: LogFormat = 'event'): void {
  let closed = false;
  let lastId = query.afterId ?? 0;
  // A fresh read starts with the last `count` lines; a resumed one (after an id) with all it missed.
  const recent = lastId > 0 ? [] : bus.history(app, query);
  const resumeAfter = lastId > 0 ? lastId : recent.length > 0 ? recent[0]!.id - 1 : bus.lastId();
  raw.writeHead(200, {
    'content-type': CONTENT_TYPES[format], 'cache-control': 'no-store', 'x-content-type-options': 'nosniff',
    [RESUME_AFTER_HEADER]: String(resumeAfter),
  });
  raw.flushHeaders();
  // Pieces waiting for the next write, written under one cork (one writev), never joined. Live line
  // bytes are pooled copies (the batch's own bytes are a read buffer that is reused at once), given
  // back once written.
  let pending: Array<Piece | PooledCopy> = [];
  let pendingBytes = 0;
  let flushing = false;
  let lagging = false;
  const filter = { ps: query.ps, source: query.source, grep: query.grep };

  // Piece by piece under one cork (one writev): joining big strings first costs more than it saves.
  const writePending = () => {
    raw.cork();
    for (const piece of pending) {
      if (isPiece(piece)) raw.write(piece);
      else raw.write(piece.bytes, piece.release);
    }
    raw.uncork();
    pending = [];
    pendingBytes = 0;
  };
  const send = () => {
    if (closed || pending.length === 0) return;
    writePending();
    if (raw.writableLength > HIGH_WATER && !lagging) {
      lagging = true;
      raw.once('drain', catchUp);
    }
  };
  const flush = () => {
    flushing = false;
    send();
  };
  const queue = (pieces: Array<Piece | PooledCopy>) => {
    pending.push(...pieces);
    for (const piece of pieces) pendingBytes += isPiece(piece) ? piece.length : piece.bytes.length;
    if (pendingBytes >= SEND_AT_ONCE_BYTES) {
      send(); // a flush already scheduled writes what comes after, if anything
      return;
    }
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  };
  // Where the last page of stored batches stopped, so the next one reads on from there.
  let cursor: ReadCursor | undefined;
  /**
   * Queues the next page of the store after lastId: as frames, whole stored batches as they are on disk;
   * otherwise events one by one. Whether the page reached the end of what is stored.
   */
  function readPage(): boolean {
    const stored = { ...filter, sinceMs: query.sinceMs };
    const page = format === 'frames' ? bus.historyBatches(app, lastId, stored, HIGH_WATER, cursor) : undefined;
    if (page) {
      for (const batch of page.batches) {
        pending.push(...batchPieces(batch, lastId, format));
        lastId = Math.max(lastId, batch.firstId + batch.count - 1);
      }
      cursor = page.cursor;
      return cursor === undefined;
    }
    const events = bus.history(app, { ...stored, afterId: lastId, limit: MAX_READ });
    if (events.length > 0) {
      pending.push(...eventPieces(events, format));
      lastId = events.at(-1)!.id;
    }
    return events.length < MAX_READ;
  }
  // One page per turn of the event loop, so a long catch-up (or a filter that skips most of the store)
  // never holds the loop; the next page waits for the socket to drain when it is full.
  function catchUp(): void {
    if (closed) return;
    const atEnd = readPage();
    writePending();
    if (atEnd) {
      lagging = false;
      if (!tail) finish();
    } else if (raw.writableLength > HIGH_WATER) raw.once('drain', catchUp);
    else setImmediate(catchUp);
  }
  // Without tail, the answer ends once what was asked for is all written, never halfway.
  function finish(): void {
    if (closed) return;
    flush();
    raw.end();
    closed = true;
  }
  raw.on('close', () => { closed = true; });

  if (lastId > 0) {
    lagging = true;
    catchUp();
  } else {
    if (recent.length > 0) {
      queue(eventPieces(recent, format));
      lastId = recent.at(-1)!.id;
    }
  }
  if (!tail) {
    if (!lagging) finish();
    return;
  }
  const unsubscribe = bus.subscribeBatches(app, (batch) => {
    if (lagging || !matchesProcess(batch.process, filter.ps) || (filter.source && batch.source !== filter.source)) return;
    // Frames hold the batch's bytes, which are only valid during this call: those are copied.
    const added = batchPieces(batch, lastId, format, filter.grep).map((piece) => typeof piece === 'string' ? piece : tailCopies.copy(piece));
    lastId = Math.max(lastId, batch.firstId + batch.count - 1);
    if (added.length > 0) queue(added);
  }, finish); // the app was destroyed: its stream is over
  raw.on('close', unsubscribe);
}
