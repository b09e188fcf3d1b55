/** GET /metrics: twelve's and its apps' metrics in Prometheus's text format, behind the API token like every route. */
import type { FastifyInstance } from 'fastify';
import type { Telemetry } from '../telemetry/telemetry.js';

export function registerMetricsRoutes(server: FastifyInstance, telemetry: Telemetry): void {
  server.get('/metrics', async (_request, reply) => {
    const { contentType, text } = await telemetry.scrape();
    return reply.type(contentType).send(text);
  });
}
