/** /v1/apps/:app/domains: extra host names the router sends to an app. */
import type { FastifyInstance } from 'fastify';
import { normalizeDomain } from '../config/domain-rules.js';
import type { Platform } from '../platform.js';
import { getApp } from '../store/apps.js';
import { deleteDomain, insertDomain, listDomains } from '../store/domains.js';
import type { DomainView, Removed } from './types.js';

type AppParams = { Params: { app: string } };

/** Tells the router the app's current extra host names. */
export function routeDomains(platform: Platform, appName: string): void {
  const app = getApp(platform.db, appName);
  platform.table.setApp(app.name, listDomains(platform.db, app.id).map((domain) => domain.hostname));
  platform.certs.syncApp(app.name);
  // A new domain of an app with automatic certificates gets its order now, not at the next hourly pass.
  void platform.acme.pass();
}

export function registerDomainRoutes(server: FastifyInstance, platform: Platform): void {
  const { db } = platform;

  server.get<AppParams & { Reply: DomainView[] }>('/v1/apps/:app/domains', async (request) => {
    const app = getApp(db, request.params.app);
    return listDomains(db, app.id);
  });

  server.post<AppParams & { Reply: DomainView }>('/v1/apps/:app/domains', async (request, reply) => {
    const app = getApp(db, request.params.app);
    const hostname = normalizeDomain((request.body as { hostname?: unknown } | undefined)?.hostname);
    const domain = insertDomain(db, app.id, hostname);
    routeDomains(platform, app.name);
    platform.logs.publish(app.name, 'twelve', 'api', `Domain ${hostname} added`);
    return reply.status(201).send(domain);
  });

  server.delete<AppParams & { Params: { hostname: string } } & { Reply: Removed }>('/v1/apps/:app/domains/:hostname', async (request) => {
    const app = getApp(db, request.params.app);
    const hostname = normalizeDomain(request.params.hostname);
    deleteDomain(db, app.id, hostname);
    routeDomains(platform, app.name);
    platform.logs.publish(app.name, 'twelve', 'api', `Domain ${hostname} removed`);
    return { removed: hostname };
  });
}
