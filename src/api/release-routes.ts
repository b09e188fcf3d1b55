/** /v1/apps/:app/releases, rollback and config (builds: build-routes.ts). */
import type { FastifyInstance } from 'fastify';
import { changeConfig } from '../flows/config-change.js';
import { rotateKey } from '../config/rotate-key.js';
import { TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import { rollback } from '../flows/rollback.js';
import { getApp } from '../store/apps.js';
import { getConfig } from '../store/config-vars.js';
import { listReleases } from '../store/releases.js';
import type { ConfigChangeView, ReleaseView, RollbackView, Rotation } from './types.js';
import { releaseView } from './views.js';

type AppParams = { Params: { app: string } };

export function registerReleaseRoutes(server: FastifyInstance, platform: Platform): void {
  const { db } = platform;

  server.get<AppParams & { Reply: ReleaseView[] }>('/v1/apps/:app/releases', async (request) => {
    const app = getApp(db, request.params.app);
    return listReleases(db, app.id).map((release) => releaseView(release, app.currentReleaseId));
  });

  server.post<AppParams & { Reply: RollbackView }>('/v1/apps/:app/rollback', async (request) => {
    const body = (request.body ?? {}) as { version?: unknown };
    if (body.version !== undefined && (typeof body.version !== 'number' || !Number.isInteger(body.version) || body.version < 1)) {
      throw new TwelveError('BAD_REQUEST', 'version must be a release number such as 3');
    }
    const release = await rollback(platform, request.params.app, body.version as number | undefined);
    return { release: releaseView(release, release.id) };
  });

  server.get<AppParams & { Reply: Record<string, string> }>('/v1/apps/:app/config', async (request) => getConfig(db, getApp(db, request.params.app).id));

  server.patch<AppParams & { Reply: ConfigChangeView }>('/v1/apps/:app/config', async (request) => {
    const { config, release, changed } = await changeConfig(platform, request.params.app, request.body);
    return { config, release: release && releaseView(release, release.id), changed };
  });

  server.post<{ Reply: Rotation }>('/v1/secrets/rotate-key', async (request) => {
    const body = (request.body ?? {}) as { newKey?: unknown };
    if (body.newKey !== undefined && typeof body.newKey !== 'string') throw new TwelveError('BAD_REQUEST', 'newKey must be a string');
    return rotateKey(platform, body.newKey as string | undefined);
  });
}
