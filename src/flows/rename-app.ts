/**
 * `apps:rename`: an app takes a new name, and with it a new host (NEW.localhost), directory, user and git
 * address. Everything twelve keeps under the name moves in one step while the app's processes are
 * stopped; they start again under the new name from the same release, so a rename is a restart.
 */
import { rename } from 'node:fs/promises';
import { assertAppName } from '../config/rules.js';
import { TwelveError } from '../errors.js';
import type { Certificates } from '../certs/certificates.js';
import type { DrainManager } from '../logs/drains/drain-manager.js';
import type { LogBus } from '../logs/log-bus.js';
import type { Paths } from '../paths.js';
import type { RouteTable } from '../router/route-table.js';
import type { Fleet } from '../run/fleet.js';
import type { OneOffs } from '../run/one-offs.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { Db } from '../store/database.js';
import { httpsPolicyOf } from '../store/features.js';
import { findApp, getApp, getAppById, renameAppRows, type App } from '../store/apps.js';
import { listDomains } from '../store/domains.js';
import { getReleaseById } from '../store/releases.js';

/** What renaming an app uses of the platform. */
export interface RenameParts {
  db: Db;
  paths: Paths;
  logs: LogBus;
  drains: DrainManager;
  fleet: Fleet;
  oneOffs: OneOffs;
  table: RouteTable;
  certs: Certificates;
  sandbox: Sandbox;
}

export async function renameApp(platform: RenameParts, name: string, newName: unknown): Promise<App> {
  const { db, paths } = platform;
  assertAppName(newName);
  const app = getApp(db, name);
  if (newName === app.name) return app;
  if (findApp(db, newName)) throw new TwelveError('APP_EXISTS', `an app named ${newName} already exists`);
  // Refused before anything stops: a rename either happens whole or not at all.
  platform.sandbox.assertRenamable(app, newName);
  let renamed: App;
  try {
    renamed = await platform.fleet.exclusive(app.id, async () => {
      await Promise.all([platform.fleet.stopApp(app.id, app.name), platform.oneOffs.stopApp(app.id)]);
      platform.table.removeApp(app.name);
      platform.logs.rename(app.name, newName);
      let moved = false;
      try {
        await rename(paths.appDir(app.name), paths.appDir(newName));
        moved = true;
      } catch (error) {
        // An app never deployed may have no directory yet.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      try {
        renameAppRows(db, app.id, app.name, newName);
      } catch (error) {
        if (moved) await rename(paths.appDir(newName), paths.appDir(app.name));
        throw error;
      }
      platform.sandbox.renameUser(app, newName);
      return getAppById(db, app.id);
    });
  } catch (error) {
    // Whatever step failed, the app runs again as it was.
    await startUnderItsName(platform, getAppById(db, app.id));
    throw error;
  }
  platform.logs.publish(renamed.name, 'twelve', 'api', `Renamed from ${app.name} to ${renamed.name}`);
  platform.certs.syncApp(app.name);
  await startUnderItsName(platform, renamed);
  return renamed;
}

/** Routes, drains, certificates and the processes of the app's current release, under its name now. */
async function startUnderItsName(platform: RenameParts, app: App): Promise<void> {
  const { db } = platform;
  platform.drains.restoreApp(app.id);
  platform.table.setApp(app.name, listDomains(db, app.id).map((domain) => domain.hostname));
  platform.table.setHttpsPolicy(app.name, httpsPolicyOf(db, app.id));
  platform.certs.syncApp(app.name);
  if (app.currentReleaseId === null) return;
  const release = getReleaseById(db, app.currentReleaseId);
  await platform.fleet.exclusive(app.id, () => platform.fleet.rollout(app, release));
}
