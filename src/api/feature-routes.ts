/** /v1/apps/:app/features: per-app features (runtime-metrics, ...) and switching them on and off. */
import type { FeatureView } from './types.js';
import type { FastifyInstance } from 'fastify';
import { checkFeatureName, FEATURES } from '../config/features.js';
import { TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import { getApp } from '../store/apps.js';
import { enabledFeatures, httpsPolicyOf, setFeature } from '../store/features.js';

type FeatureParams = { Params: { app: string; name: string } };

function featureViews(platform: Platform, appId: number): FeatureView[] {
  const enabled = enabledFeatures(platform.db, appId);
  return Object.entries(FEATURES).map(([name, description]) => ({ name, description, enabled: enabled.has(name) }));
}

export function registerFeatureRoutes(server: FastifyInstance, platform: Platform): void {
  server.get<{ Params: { app: string } } & { Reply: FeatureView[] }>('/v1/apps/:app/features', async (request) => featureViews(platform, getApp(platform.db, request.params.app).id));

  server.patch<FeatureParams & { Reply: FeatureView }>('/v1/apps/:app/features/:name', async (request) => {
    const app = getApp(platform.db, request.params.app);
    const name = checkFeatureName(request.params.name);
    const enabled = (request.body as { enabled?: unknown } | undefined)?.enabled;
    if (typeof enabled !== 'boolean') throw new TwelveError('BAD_REQUEST', 'send {"enabled": true} or {"enabled": false}');
    setFeature(platform.db, app.id, name, enabled);
    platform.table.setHttpsPolicy(app.name, httpsPolicyOf(platform.db, app.id));
    platform.logs.publish(app.name, 'twelve', 'api', `Feature ${name} ${enabled ? 'enabled' : 'disabled'}`);
    return featureViews(platform, app.id).find((feature) => feature.name === name)!;
  });
}
