/**
 * twelve's own log: pino's JSON lines on stdout for whatever collects them, and, when stdout is a
 * terminal (`twelve serve &` in a shell), the same lines as a person reads them.
 */
import type pino from 'pino';
import { createLogger } from './log-throttle.js';

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const OWN_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/** One pino line as `14:02:11 warn  message key=value ...`; a line that is not pino's is left as it is. */
export function humanLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 19) : '';
  const level = (LEVELS[Number(record.level)] ?? String(record.level)).padEnd(5);
  const fields = Object.entries(record).filter(([key]) => !OWN_FIELDS.has(key)).map(([key, value]) => `${key}=${fieldText(value)}`);
  return [time, level, String(record.msg ?? ''), ...fields].filter((part) => part !== '').join(' ');
}

function fieldText(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'message' in value) return JSON.stringify((value as { message: unknown }).message);
  return typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value);
}

/** Warnings and errors said once a minute at most, then how many times they repeated (log-throttle.ts). */
export function createPlatformLogger(level: string, stdout: NodeJS.WriteStream = process.stdout): pino.Logger {
  if (!stdout.isTTY) return createLogger(level);
  return createLogger(level, { write: (line: string) => stdout.write(`${humanLine(line.trimEnd())}\n`) });
}
