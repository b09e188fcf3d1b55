/**
 * Log events as the wire wants them: RFC 5424 syslog messages, octet-counted (RFC 6587), as Heroku's
 * drains send them; an HTTPS drain's POST body is the same frames back to back (`application/logplex-1`).
 */
import type { LogEvent } from '../log-event.js';

// local7.info for the app's own lines, local7.notice for the platform's: what Heroku's drains use.
const PRI: Record<LogEvent['source'], number> = { app: 190, router: 190, twelve: 189 };

/**
 * @example syslogMessage({ time: '2026-01-01T00:00:00.000Z', app: 'hello', source: 'app', process: 'web.1', text: 'hi' })
 *   // '<190>1 2026-01-01T00:00:00.000Z hello app web.1 - - hi'
 */
export function syslogMessage(event: Pick<LogEvent, 'time' | 'app' | 'source' | 'process' | 'text'>): string {
  return `<${PRI[event.source] ?? 190}>1 ${event.time} ${event.app} ${event.source} ${event.process} - - ${event.text}`;
}

/** `LENGTH SP MESSAGE`, the length in bytes (RFC 6587 octet counting). */
export function octetFrame(message: string): string {
  return `${Buffer.byteLength(message)} ${message}`;
}

/** Frames for a batch of events, ready to write to a syslog connection or POST to an HTTPS drain. */
export function frames(events: ReadonlyArray<Pick<LogEvent, 'time' | 'app' | 'source' | 'process' | 'text'>>): string {
  let out = '';
  for (const event of events) out += octetFrame(syslogMessage(event));
  return out;
}

/** The bytes one event takes in a batch (its frame). */
export function frameBytes(event: Pick<LogEvent, 'time' | 'app' | 'source' | 'process' | 'text'>): number {
  return Buffer.byteLength(octetFrame(syslogMessage(event)));
}
