/** /v1/apps: create, list, show and destroy apps. */
import type { FastifyInstance } from 'fastify';
import { removeAppFiles } from '../build/retention.js';
import { destroyAddonsOwnedBy } from '../addons/addon-actions.js';
import { assertAppName } from '../config/rules.js';
import { TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import { deleteApp, getApp, insertApp, listApps } from '../store/apps.js';
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

  server.delete<AppParams & { Querystring: { confirm?: string } } & { Reply: Destroyed }>('/v1/apps/:app', async (request) => {
    const app = getApp(db, request.params.app);
    if (request.query.confirm !== app.name) {
      throw new TwelveError('CONFIRM_MISMATCH', `destroying ${app.name} needs --confirm ${app.name}`);
    }
    await platform.fleet.exclusive(app.id, async () => {
      await Promise.all([platform.fleet.stopApp(app.id, app.name), platform.oneOffs.stopApp(app.id)]);
      platform.table.removeApp(app.name);
      // A database server that cannot start must not leave the app half-destroyed: the app goes, and the
      // addon stays behind without an owner, named in twelve's log so it can be destroyed by hand.
      await destroyAddonsOwnedBy(platform, app.id).catch((error: unknown) => {
        platform.logger.error({ err: error, app: app.name }, 'could not destroy the app\'s addons; destroy them with `twelve addons:destroy`');
      });
      // Before the rows go: builds that other apps run (promoted) are handed to them and stay on disk.
      await removeAppFiles(platform, app);
      await platform.reserve.spendIfFull(`apps:destroy ${app.name}`, () => deleteApp(db, app.id));
      try {
        platform.sandbox.removeUser(app);
      } catch (error) {
        platform.logger.warn({ err: error, app: app.name }, 'could not remove the app\'s user; remove it with userdel');
      }
    });
    platform.certs.syncApp(app.name);
    platform.reserve.fill();
    platform.logs.forget(app.name);
    return { destroyed: app.name };
  });
}
