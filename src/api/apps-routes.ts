/** /v1/apps: create, list, show and destroy apps. */
import type { FastifyInstance } from 'fastify';
import { TwelveError } from '../errors.js';
import { assertAppName } from '../config/rules.js';
import { destroyApp } from '../flows/destroy-app.js';
import { renameApp } from '../flows/rename-app.js';
import type { Platform } from '../platform.js';
import { getApp, insertApp, listApps } from '../store/apps.js';
import { getBuild } from '../store/builds.js';
import { formationForRelease, getFormation } from '../store/formation.js';
import { getReleaseById } from '../store/releases.js';
import type { AppInfo, AppView, Destroyed } from './types.js';
import { appView, buildView, releaseView } from './views.js';

type AppParams = { Params: { app: string } };

export function registerAppRoutes(server: FastifyInstance, platform: Platform): void {
  const { db } = platform;

  server.get<{ Reply: AppView[] }>('/v1/apps', async () => listApps(db).map((app) => appView(platform, app)));

  server.post<{ Body: { name?: unknown } } & { Reply: AppView }>('/v1/apps', async (request, reply) => {
    const name = (request.body as { name?: unknown } | undefined)?.name;
    assertAppName(name);
    const app = insertApp(db, name);
    // The app's user is made with the app, as Heroku provisions an app whole, not by its first deploy (a
    // useradd is about 0.1 s). Should it fail here, the first build tries again and says why.
    if (platform.sandbox.state.active) {
      try {
        platform.sandbox.userOf(app);
      } catch (error) {
        platform.logger.warn({ err: error, app: app.name }, 'could not create the app\'s user yet');
      }
    }
    platform.table.setApp(app.name);
    platform.logs.publish(app.name, 'twelve', 'api', `App ${app.name} created`);
    return reply.status(201).send(appView(platform, app));
  });

  server.get<AppParams & { Reply: AppInfo }>('/v1/apps/:app', async (request) => {
    const app = getApp(db, request.params.app);
    const release = app.currentReleaseId === null ? null : getReleaseById(db, app.currentReleaseId);
    const build = release?.buildId ? getBuild(db, release.buildId) : undefined;
    return {
      ...appView(platform, app),
      release: release && releaseView(release, app.currentReleaseId),
      build: build ? buildView(build) : null,
      formation: release ? formationForRelease(getFormation(db, app.id), release.processTypes) : getFormation(db, app.id),
      processTypes: release?.processTypes ?? {},
    };
  });

  /** Heroku's PATCH /apps/{app} with a new name: `apps:rename` (src/flows/rename-app.ts). */
  server.patch<AppParams>('/v1/apps/:app', async (request) => {
    const body = request.body as { name?: unknown } | undefined;
    if (body?.name === undefined) throw new TwelveError('BAD_REQUEST', 'send { "name": NEW_NAME } to rename the app');
    const app = await renameApp(platform, request.params.app, body.name);
    return appView(platform, app);
  });

  server.delete<AppParams & { Querystring: { confirm?: string } }>('/v1/apps/:app', async (request) => destroyApp(platform, request.params.app, request.query.confirm));
}
