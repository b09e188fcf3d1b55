/**
 * app.json's `healthcheck` (twelve's extension to Heroku's format): how a new web process proves it is
 * ready before it takes traffic. Without one, accepting connections on PORT is the proof.
 *
 * @example
 *   { "healthcheck": { "path": "/up", "timeout": 5, "attempts": 3, "interval": 1 } }
 */
import { TwelveError } from '../errors.js';

/** app.json's `healthcheck`, checked: GET `path` until it answers 2xx or 3xx. */
export interface Healthcheck {
  path: string;
  /** Each probe's time limit. */
  timeoutMs: number;
  /** How many probes may fail before the process counts as failed to boot. */
  attempts: number;
  /** Time between two probes. */
  intervalMs: number;
}

export const HEALTHCHECK_DEFAULTS = { timeoutSeconds: 5, attempts: 3, intervalSeconds: 1 } as const;

function seconds(field: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new TwelveError('INVALID_APP_JSON', `app.json healthcheck.${field} must be a number of seconds above 0 and at most ${max}`);
  }
  return value;
}

/** The web health check an app declares, checked; undefined when it declares none. */
export function parseHealthcheck(appJson: Record<string, unknown> | null | undefined): Healthcheck | undefined {
  const raw = appJson?.healthcheck;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new TwelveError('INVALID_APP_JSON', 'app.json healthcheck must be an object such as {"path": "/up"}');
  }
  const { path, timeout, attempts, interval } = raw as Record<string, unknown>;
  if (typeof path !== 'string' || !path.startsWith('/') || /[\s\0]/.test(path)) {
    throw new TwelveError('INVALID_APP_JSON', 'app.json healthcheck.path must be a path starting with / and without spaces');
  }
  if (attempts !== undefined && (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 1 || attempts > 100)) {
    throw new TwelveError('INVALID_APP_JSON', 'app.json healthcheck.attempts must be a whole number from 1 to 100');
  }
  return {
    path,
    timeoutMs: seconds('timeout', timeout, HEALTHCHECK_DEFAULTS.timeoutSeconds, 60) * 1000,
    attempts: (attempts as number | undefined) ?? HEALTHCHECK_DEFAULTS.attempts,
    intervalMs: seconds('interval', interval, HEALTHCHECK_DEFAULTS.intervalSeconds, 60) * 1000,
  };
}
