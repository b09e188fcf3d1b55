/**
 * GET /metrics: twelve's and its apps' metrics in Prometheus's text format, behind the API token like
 * every route; GET /v1/apps/:app/metrics: one app's figures now and over the last hour or day.
 */
import type { FastifyInstance } from 'fastify';
import { TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import { getApp } from '../store/apps.js';
import { metricsView } from '../telemetry/metrics-view.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { MetricsView } from './types.js';

/** Without `telemetry` (TWELVE_METRICS=off) the routes answer METRICS_OFF. */
export function registerMetricsRoutes(server: FastifyInstance, platform: Platform, telemetry: Telemetry | undefined): void {
  const on = (): Telemetry => {
    if (!telemetry) throw new TwelveError('METRICS_OFF', 'twelve measures nothing: it runs with TWELVE_METRICS=off');
    return telemetry;
  };
  server.get('/metrics', async (_request, reply) => {
    const { contentType, text } = await on().scrape();
    return reply.type(contentType).send(text);
  });

  server.get<{ Params: { app: string }; Querystring: { range?: string } } & { Reply: MetricsView }>('/v1/apps/:app/metrics', async (request) => {
    const app = getApp(platform.db, request.params.app);
    const range = request.query.range ?? 'hour';
    if (range !== 'hour' && range !== 'day') throw new TwelveError('BAD_REQUEST', 'range is hour or day');
    const { sampler, routerCounters } = on();
    return metricsView(platform.db, app.name, sampler.samples(), routerCounters, range);
  });
}
