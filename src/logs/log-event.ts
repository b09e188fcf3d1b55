/** One line of an app's event stream, from the app's processes, the router or twelve itself. */

export type LogSource = 'app' | 'router' | 'twelve';

export const LOG_SOURCES: readonly LogSource[] = ['app', 'router', 'twelve'];

export interface LogEvent {
  /** Increasing across restarts of twelve; a tail resumes after the last id it saw. */
  id: number;
  /** ISO 8601 time the line was read. */
  time: string;
  app: string;
  source: LogSource;
  /** Process name (`web.1`, `router`, `build`, `api`). */
  process: string;
  text: string;
}

/** Which events a reader wants; every field narrows, none means all. */
export interface LogFilter {
  /** A process type (`web`) or one process (`web.2`). */
  ps?: string;
  source?: LogSource;
  /** Only events whose text contains this (case-sensitive). */
  grep?: string;
}

/** What to read from an app's stream: the last `count` matching events, or all after `afterId`. */
export interface LogQuery extends LogFilter {
  count?: number;
  afterId?: number;
  /** Epoch milliseconds: only events from then on. */
  sinceMs?: number;
  /** At most this many events, oldest first, when reading after `afterId`. */
  limit?: number;
}

/** Heroku's log line shape: `2024-01-01T00:00:00.000Z app[web.1]: text`. */
export function formatLogLine(event: Pick<LogEvent, 'time' | 'source' | 'process' | 'text'>): string {
  return `${event.time} ${event.source}[${event.process}]: ${event.text}`;
}

/** Whether an event matches a `--ps` filter: a type (`web`) matches every process of it, a name (`web.2`) one. */
export function matchesProcess(process: string, filter: string | undefined): boolean {
  if (!filter) return true;
  return process === filter || process.startsWith(`${filter}.`);
}

export function matchesFilter(event: Pick<LogEvent, 'source' | 'process' | 'text'>, filter: LogFilter): boolean {
  return matchesProcess(event.process, filter.ps) && (!filter.source || event.source === filter.source)
    && (!filter.grep || event.text.includes(filter.grep));
}
