/** /v1/apps/:app/drains: list, add and remove an app's log drains (docs/drains.md). */
import type { FastifyInstance } from 'fastify';
import { TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import { getApp } from '../store/apps.js';
import type { DrainView } from './types.js';

interface DrainParams { Params: { app: string } }

export function registerDrainRoutes(server: FastifyInstance, platform: Platform): void {
  server.get<DrainParams & { Reply: DrainView[] }>('/v1/apps/:app/drains', async (request) => platform.drains.list(getApp(platform.db, request.params.app).id));

  server.post<DrainParams & { Body: { url?: unknown } } & { Reply: DrainView }>('/v1/apps/:app/drains', async (request, reply) => {
    const app = getApp(platform.db, request.params.app);
    const url = request.body?.url;
    if (typeof url !== 'string' || url === '') throw new TwelveError('BAD_REQUEST', 'the body needs a url');
    reply.status(201);
    return platform.drains.add(app.id, url);
  });

  server.delete<DrainParams & { Querystring: { url?: string } } & { Reply: DrainView }>('/v1/apps/:app/drains', async (request) => {
    const app = getApp(platform.db, request.params.app);
    const target = request.query.url;
    if (!target) throw new TwelveError('BAD_REQUEST', 'pass the drain\'s url, token or id as ?url=');
    return platform.drains.remove(app.id, target);
  });
}
