/**
 * apps:destroy: the app's processes stop and leave the router, the addons only it uses are destroyed,
 * its files and rows go (builds another app runs stay, handed over), then its user.
 */
import type pino from 'pino';
import type { AddonServers } from '../addons/addon-servers.js';
import { removeAppFiles } from '../build/retention.js';
import type { Certificates } from '../certs/certificates.js';
import type { DiskReserve } from '../disk-reserve.js';
import { TwelveError } from '../errors.js';
import type { LogBus } from '../logs/log-bus.js';
import type { Paths } from '../paths.js';
import type { RouteTable } from '../router/route-table.js';
import type { Fleet } from '../run/fleet.js';
import type { OneOffs } from '../run/one-offs.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { deleteApp, getApp } from '../store/apps.js';
import type { Db } from '../store/database.js';
import { destroyAddonsOwnedBy } from './addon-actions.js';

/** What destroying an app uses of the platform. */
export interface DestroyParts {
  db: Db;
  paths: Paths;
  logs: LogBus;
  logger: pino.Logger;
  fleet: Fleet;
  oneOffs: OneOffs;
  table: RouteTable;
  addons: AddonServers;
  certs: Certificates;
  reserve: DiskReserve;
  sandbox: Sandbox;
}

export async function destroyApp(platform: DestroyParts, appName: string, confirm: unknown): Promise<{ destroyed: string }> {
  const { db } = platform;
  const app = getApp(db, appName);
  if (confirm !== app.name) {
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
}
