/** Log events as Heroku's lines, with the `source[process]:` part coloured per process on a terminal. */
import { formatLogLine, type LogEvent } from '../logs/log-event.js';

// Colours that read on dark and light terminals; red is left for errors.
const PALETTE = [36, 32, 33, 35, 34, 96, 92, 93, 95, 94];

/** The same process always gets the same colour, in this run and the next. */
export function colourFor(process: string): number {
  let hash = 0;
  for (const char of process) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}

/**
 * @example formatLogEvent({ time: '2026-11-26T16:00:00.000Z', source: 'app', process: 'web.1', text: 'listening' }, false)
 *   // '2026-11-26T16:00:00.000Z app[web.1]: listening'
 */
export function formatLogEvent(event: Pick<LogEvent, 'time' | 'source' | 'process' | 'text'>, colour: boolean): string {
  if (!colour) return formatLogLine(event);
  return `${event.time} \x1b[${colourFor(event.process)}m${event.source}[${event.process}]:\x1b[0m ${event.text}`;
}
