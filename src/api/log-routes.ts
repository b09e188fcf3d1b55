/** GET /v1/apps/:app/logs: recent events, and with tail=true the live stream after them. */
import type { FastifyInstance } from 'fastify';
import { TwelveError } from '../errors.js';
import { matchesProcess, type LogEvent } from '../logs/log-event.js';
import type { Platform } from '../platform.js';
import { getApp } from '../store/apps.js';
import { openNdjson } from './ndjson.js';

interface LogQuery { lines?: string; ps?: string; tail?: string; after?: string; source?: string }

function wholeNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new TwelveError('BAD_REQUEST', `${name} must be a whole number`);
  return value;
}

export function registerLogRoutes(server: FastifyInstance, platform: Platform): void {
  server.get<{ Params: { app: string }; Querystring: LogQuery }>('/v1/apps/:app/logs', async (request, reply) => {
    const app = getApp(platform.db, request.params.app);
    const lines = Math.min(wholeNumber('lines', request.query.lines, 100), 10_000);
    const after = wholeNumber('after', request.query.after, 0);
    const { ps, source } = request.query;
    const tail = request.query.tail === 'true' || request.query.tail === '1';
    const filter = (event: LogEvent) => matchesProcess(event.process, ps) && (!source || event.source === source);

    const stream = openNdjson(reply);
    // A resumed tail (after > 0) wants everything it missed, not only the last `lines`.
    const history = platform.logs.history(app.name, { count: after > 0 ? undefined : lines, afterId: after, filter });
    for (const event of history) stream.send(event);
    if (!tail) {
      stream.end();
      return;
    }
    const unsubscribe = platform.logs.subscribe(app.name, (event) => {
      if (filter(event)) stream.send(event);
    });
    reply.raw.on('close', unsubscribe);
  });
}
