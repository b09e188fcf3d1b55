/** One line of an app's event stream, from the app's processes, the router or twelve itself. */

export type LogSource = 'app' | 'router' | 'twelve';

export interface LogEvent {
  /** Increasing per platform run; a tail resumes after the last id it saw. */
  id: number;
  /** ISO 8601 time the line was read. */
  time: string;
  app: string;
  source: LogSource;
  /** Process name (`web.1`, `router`, `build`, `api`). */
  process: string;
  text: string;
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
