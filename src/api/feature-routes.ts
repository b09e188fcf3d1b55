/** /v1/apps/:app/features: per-app switches, force-https and hsts for now (docs/https.md). */
import type { FastifyInstance } from 'fastify';
import { TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import { getApp } from '../store/apps.js';
import { FEATURES, httpsSwitches, listFeatures, setFeature } from '../store/app-features.js';

type AppParams = { Params: { app: string } };

/** One feature as `twelve features` shows it. */
export interface FeatureView { name: string; enabled: boolean; description: string }

export function registerFeatureRoutes(server: FastifyInstance, platform: Platform): void {
  const { db } = platform;
  const views = (appId: number): FeatureView[] => {
    const enabled = listFeatures(db, appId);
    return Object.entries(FEATURES).map(([name, description]) => ({ name, enabled: enabled.includes(name), description }));
  };

  server.get<AppParams>('/v1/apps/:app/features', async (request) => views(getApp(db, request.params.app).id));

  server.put<AppParams & { Params: { name: string }; Body: { enabled?: unknown } }>('/v1/apps/:app/features/:name', async (request) => {
    const app = getApp(db, request.params.app);
    const enabled = request.body?.enabled;
    if (typeof enabled !== 'boolean') throw new TwelveError('BAD_REQUEST', 'the body needs enabled: true or false');
    setFeature(db, app.id, request.params.name, enabled);
    platform.table.setHttpsPolicy(app.name, httpsSwitches(db, app.id));
    platform.logs.publish(app.name, 'twelve', 'api', `Feature ${request.params.name} ${enabled ? 'enabled' : 'disabled'}`);
    return views(app.id).find((view) => view.name === request.params.name);
  });
}
