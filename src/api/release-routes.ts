/** /v1/apps/:app/releases, builds, rollback and config. */
import type { FastifyInstance } from 'fastify';
import { changeConfig } from '../config/config-change.js';
import { TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import { rollback } from '../release/rollback.js';
import { getApp } from '../store/apps.js';
import { listBuilds } from '../store/builds.js';
import { getConfig } from '../store/config-vars.js';
import { listReleases } from '../store/releases.js';
import { buildView, releaseView } from './views.js';

type AppParams = { Params: { app: string } };

export function registerReleaseRoutes(server: FastifyInstance, platform: Platform): void {
  const { db } = platform;

  server.get<AppParams>('/v1/apps/:app/releases', async (request) => {
    const app = getApp(db, request.params.app);
    return listReleases(db, app.id).map((release) => releaseView(release, app.currentReleaseId));
  });

  server.get<AppParams>('/v1/apps/:app/builds', async (request) => {
    const app = getApp(db, request.params.app);
    return listBuilds(db, app.id).map(buildView);
  });

  server.post<AppParams>('/v1/apps/:app/rollback', async (request) => {
    const body = (request.body ?? {}) as { version?: unknown };
    if (body.version !== undefined && (typeof body.version !== 'number' || !Number.isInteger(body.version) || body.version < 1)) {
      throw new TwelveError('BAD_REQUEST', 'version must be a release number such as 3');
    }
    const release = await rollback(platform, request.params.app, body.version as number | undefined);
    return { release: releaseView(release, release.id) };
  });

  server.get<AppParams>('/v1/apps/:app/config', async (request) => getConfig(db, getApp(db, request.params.app).id));

  server.patch<AppParams>('/v1/apps/:app/config', async (request) => {
    const { config, release } = await changeConfig(platform, request.params.app, request.body);
    return { config, release: release && releaseView(release, release.id) };
  });
}
