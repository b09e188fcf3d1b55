/** Queries over an app's segment files: the last N matching events, or everything after an id. */
import { readFileSync, statSync } from 'node:fs';
import { matchesFilter, type LogEvent, type LogQuery } from './log-event.js';
import { decodeLine, lineId } from './segment-line.js';
import { readLinesBackward, type Segment } from './segment-files.js';

/** The most a single read returns; a resumed tail reads on in pages. */
export const MAX_READ = 10_000;

export function readEvents(app: string, segments: Segment[], query: LogQuery): LogEvent[] {
  return query.afterId !== undefined && query.afterId > 0
    ? readAfter(app, segments, query.afterId, query)
    : readLast(app, segments, Math.min(query.count ?? 100, MAX_READ), query);
}

/** The events after `afterId`, oldest first, up to `limit`. */
function readAfter(app: string, segments: Segment[], afterId: number, query: LogQuery): LogEvent[] {
  const limit = Math.min(query.limit ?? MAX_READ, MAX_READ);
  const events: LogEvent[] = [];
  // Segments are named by their first id: skip every one that ends before `afterId`.
  let start = 0;
  while (start + 1 < segments.length && segments[start + 1]!.firstId <= afterId) start += 1;
  for (const segment of segments.slice(start)) {
    let text: string;
    try {
      text = readFileSync(segment.path, 'utf8');
    } catch {
      continue;
    }
    let from = 0;
    for (let end = text.indexOf('\n'); end !== -1; from = end + 1, end = text.indexOf('\n', from)) {
      const line = text.slice(from, end);
      if (lineId(line) <= afterId || (query.grep && !line.includes(query.grep))) continue;
      const event = decodeLine(app, line);
      if (!event || (query.sinceMs !== undefined && event.ms < query.sinceMs) || !matchesFilter(event, query)) continue;
      events.push(strip(event));
      if (events.length >= limit) return events;
    }
  }
  return events;
}

/** The last `count` matching events, oldest first, reading the newest segments backwards. */
function readLast(app: string, segments: Segment[], count: number, query: LogQuery): LogEvent[] {
  const events: LogEvent[] = [];
  if (count === 0) return events;
  for (let i = segments.length - 1; i >= 0; i -= 1) {
    const segment = segments[i]!;
    // A segment last written before `since` holds nothing newer.
    if (query.sinceMs !== undefined && mtimeMs(segment.path) < query.sinceMs) break;
    let older = false;
    readLinesBackward(segment.path, (line) => {
      if (query.grep && !line.includes(query.grep)) return true;
      const event = decodeLine(app, line);
      if (!event) return true;
      if (query.sinceMs !== undefined && event.ms < query.sinceMs) {
        older = true;
        return false;
      }
      if (matchesFilter(event, query)) events.push(strip(event));
      return events.length < count;
    });
    if (older || events.length >= count) break;
  }
  return events.reverse();
}

function strip(event: LogEvent & { ms: number }): LogEvent {
  return { id: event.id, time: event.time, app: event.app, source: event.source, process: event.process, text: event.text };
}

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
