/**
 * GET /v1/apps/:app/logs: stored events (the last `lines`, all after `after`, or all since `since`), filtered, and with
 * tail=true the live stream after them. GET/PUT /v1/apps/:app/logs/retention: how much is kept.
 */
import type { FastifyInstance } from 'fastify';
import { TwelveError } from '../errors.js';
import { formatDuration, formatSize, parseDuration, parseSince, parseSize } from '../logs/durations.js';
import { LOG_SOURCES, type LogQuery, type LogSource } from '../logs/log-event.js';
import { getRetention, MIN_RETENTION, setRetention } from '../logs/retention.js';
import type { Platform } from '../platform.js';
import { getApp } from '../store/apps.js';
import { LOG_FORMATS, streamLog, type LogFormat } from './log-stream.js';
import type { LogRetentionView } from './types.js';

interface LogParams { Params: { app: string } }
interface LogQueryString { lines?: string; ps?: string; tail?: string; after?: string; source?: string; since?: string; grep?: string; format?: string }

function wholeNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new TwelveError('BAD_REQUEST', `${name} must be a whole number`);
  return value;
}

function readQuery(raw: LogQueryString): LogQuery {
  const query: LogQuery = { count: Math.min(wholeNumber('lines', raw.lines, 100), 10_000), afterId: wholeNumber('after', raw.after, 0) };
  if (raw.ps) query.ps = raw.ps;
  if (raw.grep) query.grep = raw.grep;
  if (raw.source) {
    if (!LOG_SOURCES.includes(raw.source as LogSource)) throw new TwelveError('BAD_REQUEST', `source must be one of ${LOG_SOURCES.join(', ')}`);
    query.source = raw.source as LogSource;
  }
  if (raw.since) {
    const since = parseSince(raw.since);
    if (since === undefined) throw new TwelveError('BAD_REQUEST', `since must be a duration like 10m or 2h, or a time like 2026-01-01T10:00:00Z, not ${raw.since}`);
    query.sinceMs = since;
  }
  return query;
}

function readFormat(raw: string | undefined): LogFormat {
  if (raw === undefined || raw === '') return 'event';
  if (!LOG_FORMATS.includes(raw as LogFormat)) throw new TwelveError('BAD_REQUEST', `format must be one of ${LOG_FORMATS.join(', ')}`);
  return raw as LogFormat;
}

/**
 * A size or age as the API takes it: a number, a text such as `1GB` or `7d`, `default` (or null) for the
 * default again, or left out to keep it. NaN when it is none of those.
 */
function retentionValue(raw: unknown, parse: (text: string) => number | undefined): number | null | undefined {
  if (raw === undefined) return undefined;
  if (raw === null || raw === 'default') return null;
  if (typeof raw === 'number') return raw;
  return parse(String(raw)) ?? Number.NaN;
}

function retentionView(platform: Platform, app: string) {
  const { maxBytes, maxAgeMs } = getRetention(platform.db, app);
  return { app, maxBytes, maxAgeMs, size: formatSize(maxBytes), age: formatDuration(maxAgeMs), usedBytes: platform.logs.storedBytes(app) };
}

export function registerLogRoutes(server: FastifyInstance, platform: Platform): void {
  server.get<LogParams & { Querystring: LogQueryString }>('/v1/apps/:app/logs', async (request, reply) => {
    const app = getApp(platform.db, request.params.app);
    const query = readQuery(request.query);
    // `since` without `lines`: every line from then on, read in pages as a resumed reader's are.
    if (query.sinceMs !== undefined && !request.query.lines && !query.afterId) query.afterId = platform.logs.idBefore(app.name, query.sinceMs);
    const tail = request.query.tail === 'true' || request.query.tail === '1';
    const format = readFormat(request.query.format);
    reply.hijack();
    streamLog(reply.raw, platform.logs, app.name, query, tail, format);
  });

  server.get<LogParams & { Reply: LogRetentionView }>('/v1/apps/:app/logs/retention', async (request) => retentionView(platform, getApp(platform.db, request.params.app).name));

  server.put<LogParams & { Body: { size?: unknown; age?: unknown } } & { Reply: LogRetentionView }>('/v1/apps/:app/logs/retention', async (request) => {
    const app = getApp(platform.db, request.params.app);
    const body = request.body ?? {};
    const maxBytes = retentionValue(body.size, parseSize);
    const maxAgeMs = retentionValue(body.age, parseDuration);
    // NaN (not a size or an age) is below any minimum too.
    const tooSmall = (value: number | null | undefined, min: number) => typeof value === 'number' && !(value >= min);
    if (tooSmall(maxBytes, MIN_RETENTION.maxBytes) || tooSmall(maxAgeMs, MIN_RETENTION.maxAgeMs)) {
      throw new TwelveError('INVALID_RETENTION', `cannot keep logs by size ${String(body.size ?? '-')} and age ${String(body.age ?? '-')}`);
    }
    setRetention(platform.db, app.id, { maxBytes, maxAgeMs });
    platform.logs.enforceRetention(app.name);
    platform.logs.publish(app.name, 'twelve', 'api', `Log retention set to ${retentionView(platform, app.name).size} or ${retentionView(platform, app.name).age}`);
    return retentionView(platform, app.name);
  });
}
