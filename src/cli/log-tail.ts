/**
 * Reads an app's log stream; with `tail`, follows it and, when the connection drops, reconnects after the
 * last event seen, so a restart of twelve or a flaky link neither loses nor repeats a line.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseSince } from '../logs/durations.js';
import type { ApiClient } from './api-client.js';
import type { LogEvent } from '../api/types.js';
import { isCliError } from './cli-error.js';
import type { LogFrame } from './log-frames.js';

export interface LogStreamOptions {
  /** How many recent lines to start with; unset with `since`: every line since then. */
  lines?: number;
  /** Only this process type (`web`) or process (`web.1`). */
  ps?: string;
  /** Only `app`, `router` or `twelve` events. */
  source?: string;
  /** Only events from then on: `10m`, `2h`, or an ISO time. */
  since?: string;
  /** Only events whose text contains this. */
  grep?: string;
  tail?: boolean;
  /** How long to keep reconnecting without reaching the API before giving up. */
  giveUpMs?: number;
  /** Called each time the stream is lost and a first try to reconnect failed. */
  onReconnecting?: () => void;
}

/** The answer's header that says after which id to resume when none of its events came (src/api/log-stream.ts). */
const RESUME_AFTER_HEADER = 'x-twelve-log-after';

/** The events of a record: a frame holds one per line; a single event (from an older twelve) is itself. */
function frameEvents(record: LogFrame | LogEvent): LogEvent[] {
  if (!('firstId' in record)) return [record];
  const lines = record.firstId === record.lastId ? [record.text] : record.text.split('\n');
  return lines.map((text, i) => ({ id: record.firstId + i, time: record.time, app: record.app, source: record.source, process: record.process, text }));
}

const FIRST_DELAY_MS = 200;
const MAX_DELAY_MS = 2000;

/** Errors worth a retry while tailing: the API is away or restarting, not refusing the request. */
function isTransient(error: unknown): boolean {
  return isCliError(error) && (error.code === 'API_UNREACHABLE' || error.code === 'SHUTTING_DOWN');
}

function logsPath(app: string, options: LogStreamOptions, after: number | undefined, printedAny: boolean): string {
  const query = new URLSearchParams();
  if (after === undefined) {
    if (options.lines !== undefined || !options.since) query.set('lines', String(options.lines ?? 100));
  } else query.set('after', String(after));
  if (options.ps) query.set('ps', options.ps);
  if (options.source) query.set('source', options.source);
  // `since` shapes what comes before the first line printed; a tail that printed one resumes after it.
  if (options.since && !printedAny) query.set('since', options.since);
  if (options.grep) query.set('grep', options.grep);
  if (options.tail) query.set('tail', 'true');
  query.set('format', 'frames');
  return `/v1/apps/${encodeURIComponent(app)}/logs?${query}`;
}

/**
 * Calls `onEvent` for each log event, oldest first. Without `tail` it returns once the recent lines are
 * read; with `tail` it returns only by throwing (an API error, or ~giveUpMs without the API).
 * @example await streamLogs(client, 'hello', { lines: 100, tail: true }, (event) => console.log(event.text));
 */
export async function streamLogs(client: ApiClient, app: string, given: LogStreamOptions,
  onEvent: (event: LogEvent) => void): Promise<void> {
  // `10m` made a time once: asked again on a reconnect, it would start later and skip what lies between.
  const sinceMs = given.since === undefined ? undefined : parseSince(given.since);
  const options = sinceMs === undefined ? given : { ...given, since: new Date(sinceMs).toISOString() };
  const giveUpMs = options.giveUpMs ?? 30_000;
  let lastId: number | undefined;
  // Where to resume when no event has come yet: the answer says (RESUME_AFTER_HEADER). Without it, a tail
  // that dropped before its first line would ask for the recent lines again and miss what came meanwhile.
  let resumeAfter: number | undefined;
  const onHeaders = (headers: IncomingHttpHeaders) => {
    const after = Number(headers[RESUME_AFTER_HEADER]);
    if (lastId === undefined && Number.isSafeInteger(after) && after >= 0) resumeAfter = after;
  };
  let lostAt: number | undefined;
  // Said once the first try to reconnect fails: a reconnect that works at once has nothing to say, and
  // one refused for good (the app was destroyed) says only why.
  let announced = false;
  let delay = FIRST_DELAY_MS;
  for (;;) {
    let events: AsyncGenerator<unknown>;
    try {
      events = await client.stream('GET', logsPath(app, options, lastId ?? resumeAfter, lastId !== undefined), { onHeaders });
    } catch (error) {
      // The first connection fails at once, like every other command; only a lost tail is retried.
      if (lostAt === undefined || !isTransient(error) || Date.now() - lostAt >= giveUpMs) throw error;
      if (!announced) options.onReconnecting?.();
      announced = true;
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
      continue;
    }
    lostAt = undefined;
    announced = false;
    delay = FIRST_DELAY_MS;
    try {
      for await (const value of events) {
        for (const event of frameEvents(value as LogFrame | LogEvent)) {
          if (lastId !== undefined && event.id <= lastId) continue;
          lastId = event.id;
          onEvent(event);
        }
      }
    } catch (error) {
      if (!options.tail || !isTransient(error)) throw error;
    }
    if (!options.tail) return;
    lostAt = Date.now();
  }
}
