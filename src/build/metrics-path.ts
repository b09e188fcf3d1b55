/**
 * app.json's `metrics` (twelve's extension): the path where an app's web processes serve their own
 * Prometheus metrics; twelve scrapes each and re-exposes them with `app`, `type` and `dyno` labels.
 *
 * @example
 *   { "metrics": { "path": "/metrics" } }
 */
import { TwelveError } from '../errors.js';

/** The declared path, checked; undefined when the app declares none. */
export function parseMetricsPath(appJson: Record<string, unknown> | null | undefined): string | undefined {
  const raw = appJson?.metrics;
  if (raw === undefined) return undefined;
  const path = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as { path?: unknown }).path : undefined;
  if (typeof path !== 'string' || !path.startsWith('/') || /[\s\0]/.test(path)) {
    throw new TwelveError('INVALID_APP_JSON', 'app.json metrics must look like {"path": "/metrics"}: a path starting with / and without spaces');
  }
  return path;
}
