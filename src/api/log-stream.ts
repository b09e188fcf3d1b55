/**
 * One reader of an app's log over HTTP, as NDJSON: the stored lines it asked for, then (with tail) the
 * live ones. Writes are batched per turn of the event loop. A reader slower than the app is never sent
 * more than a few MiB ahead: it falls back to reading the store from its last id once the socket
 * drains, so a slow tail neither grows twelve's memory nor loses a line.
 */
import type { ServerResponse } from 'node:http';
import type { LogBatch, LogBus } from '../logs/log-bus.js';
import { matchesProcess, type LogEvent, type LogQuery } from '../logs/log-event.js';
import { MAX_READ } from '../logs/log-reader.js';

/** Bytes queued on the socket beyond which the reader catches up from the store instead. */
const HIGH_WATER = 4 * 1024 * 1024;

/** An event as one NDJSON line; only the free text goes through JSON.stringify. */
export function eventJson(event: LogEvent): string {
  return `{"id":${event.id},"time":"${event.time}","app":${JSON.stringify(event.app)},"source":"${event.source}","process":${JSON.stringify(event.process)},"text":${JSON.stringify(event.text)}}\n`;
}

/** The events of a batch after `afterId` (matching `grep`) as NDJSON lines: the fields they share are encoded once. */
export function batchJson(batch: LogBatch, afterId: number, grep?: string): string {
  const shared = `,"time":"${batch.time}","app":${JSON.stringify(batch.app)},"source":"${batch.source}","process":${JSON.stringify(batch.process)},"text":`;
  const parts: string[] = [];
  for (let i = Math.max(0, afterId - batch.firstId + 1); i < batch.lines.length; i += 1) {
    const text = batch.lines[i]!;
    if (grep && !text.includes(grep)) continue;
    parts.push(`{"id":${batch.firstId + i}${shared}${JSON.stringify(text)}}\n`);
  }
  // A flat string from a join costs less to write than a rope grown with +=.
  return parts.join('');
}

export function streamLog(raw: ServerResponse, bus: LogBus, app: string, query: LogQuery, tail: boolean): void {
  raw.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  raw.flushHeaders();
  let closed = false;
  let lastId = query.afterId ?? 0;
  // Pieces waiting for the next write, joined once: cheaper than growing one string piece by piece.
  let pending: string[] = [];
  let flushing = false;
  let lagging = false;
  const filter = { ps: query.ps, source: query.source, grep: query.grep };

  const flush = () => {
    flushing = false;
    if (closed || pending.length === 0) return;
    raw.write(pending.join(''));
    pending = [];
    if (raw.writableLength > HIGH_WATER && !lagging) {
      lagging = true;
      raw.once('drain', catchUp);
    }
  };
  const queue = (event: LogEvent) => {
    pending.push(eventJson(event));
    lastId = event.id;
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  };
  // Reads the store after lastId in pages until it is caught up (then live lines flow again) or the socket is full.
  function catchUp(): void {
    if (closed) return;
    for (;;) {
      const page = bus.history(app, { ...filter, afterId: lastId, limit: MAX_READ, sinceMs: query.sinceMs });
      for (const event of page) pending.push(eventJson(event));
      if (page.length > 0) lastId = page.at(-1)!.id;
      if (pending.length > 0) raw.write(pending.join(''));
      pending = [];
      if (page.length < MAX_READ) {
        lagging = false;
        return;
      }
      if (raw.writableLength > HIGH_WATER) {
        raw.once('drain', catchUp);
        return;
      }
    }
  }

  // A resumed tail (after an id) wants everything it missed; a fresh read the last `count` lines.
  if (lastId > 0) {
    lagging = true;
    catchUp();
  } else {
    for (const event of bus.history(app, query)) queue(event);
  }
  if (!tail) {
    flush();
    raw.end();
    closed = true;
    return;
  }
  const unsubscribe = bus.subscribeBatches(app, (batch) => {
    if (lagging || !matchesProcess(batch.process, filter.ps) || (filter.source && batch.source !== filter.source)) return;
    const added = batchJson(batch, lastId, filter.grep);
    if (added === '') return;
    pending.push(added);
    lastId = batch.firstId + batch.lines.length - 1;
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  });
  raw.on('close', () => {
    closed = true;
    unsubscribe();
  });
}
