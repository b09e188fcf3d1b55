/** /v1/apps/:app/ps and formation: what runs, scaling and restarts. */
import type { FastifyInstance } from 'fastify';
import { TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import { appSizes, resizeApp, restartApp, scaleApp } from '../flows/formation-change.js';
import { getApp } from '../store/apps.js';
import { formationForRelease, getFormation } from '../store/formation.js';
import { getReleaseById } from '../store/releases.js';
import { oneOffView } from './one-off-view.js';
import type { Formation, FormationChange, ProcessView, Restarted, SizesChange } from './types.js';
import { processView } from './views.js';

type AppParams = { Params: { app: string } };

export function registerProcessRoutes(server: FastifyInstance, platform: Platform): void {
  const { db } = platform;

  server.get<AppParams & { Reply: ProcessView[] }>('/v1/apps/:app/ps', async (request) => {
    const app = getApp(db, request.params.app);
    return [...platform.fleet.processes(app.id).map(processView), ...platform.oneOffs.list(app.id).map(oneOffView)];
  });

  server.get<AppParams & { Reply: Formation }>('/v1/apps/:app/formation', async (request) => {
    const app = getApp(db, request.params.app);
    if (app.currentReleaseId === null) return getFormation(db, app.id);
    return formationForRelease(getFormation(db, app.id), getReleaseById(db, app.currentReleaseId).processTypes);
  });

  server.get<AppParams & { Reply: Record<string, string> }>('/v1/apps/:app/sizes', async (request) => appSizes(platform, request.params.app));

  server.patch<AppParams & { Reply: SizesChange }>('/v1/apps/:app/sizes', async (request) => ({ sizes: await resizeApp(platform, request.params.app, request.body) }));

  server.patch<AppParams & { Reply: FormationChange }>('/v1/apps/:app/formation', async (request) => ({
    formation: await scaleApp(platform, request.params.app, request.body),
  }));

  server.post<AppParams & { Reply: Restarted }>('/v1/apps/:app/ps/restart', async (request) => {
    const type = (request.body as { type?: unknown } | undefined)?.type;
    if (type !== undefined && typeof type !== 'string') throw new TwelveError('BAD_REQUEST', 'type must be a process type such as "web"');
    return { restarted: await restartApp(platform, request.params.app, type) };
  });
}
