/** ps:scale and ps:restart: validate against the live release, then let the fleet act. */
import { errorText, TwelveError } from '../errors.js';
import type { DiskReserve } from '../disk-reserve.js';
import type { LogBus } from '../logs/log-bus.js';
import type { Fleet } from '../run/fleet.js';
import type { Db } from '../store/database.js';
import { getApp } from '../store/apps.js';
import { formationForRelease, getFormation, getFormationSizes, setFormation, setFormationSizes, type Formation } from '../store/formation.js';
import { DEFAULT_SIZE, findSize } from '../run/process-size.js';
import { getReleaseById, type Release } from '../store/releases.js';

/** What scaling, restarting and resizing use of the platform. */
export interface FormationParts {
  db: Db;
  fleet: Fleet;
  logs: LogBus;
  reserve: DiskReserve;
}

/** The most processes of one type twelve will run for an app on one machine. */
export const MAX_QUANTITY = 100;

export function validateScale(body: unknown, processTypes: Record<string, string>): Formation {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length === 0) {
    throw new TwelveError('BAD_REQUEST', 'scale with a JSON object of TYPE: N, e.g. {"web": 2}');
  }
  const changes: Formation = {};
  for (const [type, quantity] of Object.entries(body)) {
    // Own keys only: `constructor` or `__proto__` is "in" every object.
    if (!Object.hasOwn(processTypes, type) || type === 'release') {
      const scalable = Object.keys(processTypes).filter((name) => name !== 'release');
      throw new TwelveError('UNKNOWN_PROCESS_TYPE', `no ${type} process type to scale in this app's Procfile (it has: ${scalable.join(', ')}; \`release\` runs once per release)`);
    }
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 0 || quantity > MAX_QUANTITY) {
      throw new TwelveError('INVALID_SCALE', `${type}=${String(quantity)} is not a whole number from 0 to ${MAX_QUANTITY}`);
    }
    changes[type] = quantity;
  }
  return changes;
}

function currentRelease(platform: FormationParts, appName: string): Release {
  const app = getApp(platform.db, appName);
  if (app.currentReleaseId === null) throw new TwelveError('NO_RELEASE', `${appName} has not been deployed yet`);
  return getReleaseById(platform.db, app.currentReleaseId);
}

export async function scaleApp(platform: FormationParts, appName: string, body: unknown): Promise<Formation> {
  const app = getApp(platform.db, appName);
  return platform.fleet.exclusive(app.id, async () => {
    const release = currentRelease(platform, appName);
    const changes = validateScale(body, release.processTypes);
    const before = getFormation(platform.db, app.id);
    const running = formationForRelease(before, release.processTypes);
    // Scaling down is how a user stops an app that fills the disk: it may spend the reserve to be recorded.
    const stopsOnly = Object.entries(changes).every(([type, quantity]) => quantity <= (running[type] ?? 0));
    if (stopsOnly) await platform.reserve.spendIfFull(`ps:scale ${app.name}`, () => setFormation(platform.db, app.id, changes));
    else setFormation(platform.db, app.id, changes);
    try {
      await platform.fleet.scale(app);
    } catch (error) {
      // Keep the stored formation equal to what runs: the processes that failed to boot were stopped.
      setFormation(platform.db, app.id, Object.fromEntries(Object.keys(changes).map((type) => [type, before[type] ?? (type === 'web' ? 1 : 0)])));
      // The user hears of the first failure (thrown below); the app's stream hears if going back failed too.
      await platform.fleet.scale(app).catch((undo: unknown) => platform.logs.publish(app.name, 'twelve', 'api', `Could not go back to the previous formation: ${errorText(undo)}`));
      throw error;
    }
    const formation = formationForRelease(getFormation(platform.db, app.id), release.processTypes);
    platform.logs.publish(app.name, 'twelve', 'api', `Scaled to ${Object.entries(formation).map(([t, n]) => `${t}@${n}`).join(', ')}`);
    return formation;
  });
}

export async function restartApp(platform: FormationParts, appName: string, type?: string): Promise<string[]> {
  const app = getApp(platform.db, appName);
  return platform.fleet.exclusive(app.id, async () => {
    const release = currentRelease(platform, appName);
    if (type !== undefined && !Object.hasOwn(release.processTypes, type)) {
      throw new TwelveError('UNKNOWN_PROCESS_TYPE', `no ${type} process type in this app's Procfile`);
    }
    await platform.fleet.rollout(app, release, type ? { types: [type] } : {});
    platform.logs.publish(app.name, 'twelve', 'api', `Restarted ${type ?? 'all'} processes`);
    return platform.fleet.processes(app.id).filter((proc) => !type || proc.spec.type === type).map((proc) => proc.name);
  });
}

/** The size of every process type of the current release (`ps:resize` with no arguments). */
export function appSizes(platform: FormationParts, appName: string): Record<string, string> {
  const app = getApp(platform.db, appName);
  const release = currentRelease(platform, appName);
  const sizes = getFormationSizes(platform.db, app.id);
  return Object.fromEntries(Object.keys(release.processTypes).filter((type) => type !== 'release').map((type) => [type, sizes[type] ?? DEFAULT_SIZE]));
}

/** Sets the size of types, as Heroku's ps:resize, and restarts their processes at it. */
export async function resizeApp(platform: FormationParts, appName: string, body: unknown): Promise<Record<string, string>> {
  const app = getApp(platform.db, appName);
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length === 0) {
    throw new TwelveError('BAD_REQUEST', 'resize with a JSON object of TYPE: SIZE, e.g. {"web": "2x"}');
  }
  return platform.fleet.exclusive(app.id, async () => {
    const release = currentRelease(platform, appName);
    const sizes: Record<string, string> = {};
    for (const [type, size] of Object.entries(body)) {
      if (!Object.hasOwn(release.processTypes, type) || type === 'release') {
        throw new TwelveError('UNKNOWN_PROCESS_TYPE', `no ${type} process type to resize in this app's Procfile`);
      }
      sizes[type] = findSize(String(size)).name;
    }
    setFormationSizes(platform.db, app.id, sizes);
    await platform.fleet.rollout(app, release, { types: Object.keys(sizes) });
    platform.logs.publish(app.name, 'twelve', 'api', `Resized ${Object.entries(sizes).map(([type, size]) => `${type} to ${size}`).join(', ')}`);
    return appSizes(platform, appName);
  });
}
