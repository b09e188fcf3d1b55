/** Opens the log part of the platform: the durable store, the bus on top of it, and the drains. */
import type pino from 'pino';
import type { Paths } from '../paths.js';
import { listApps } from '../store/apps.js';
import type { Db } from '../store/database.js';
import { DrainManager, type DrainManagerOptions } from './drains/drain-manager.js';
import { LogBus } from './log-bus.js';
import { LogStore } from './log-store.js';
import { LostLinesReporter } from './lost-lines.js';
import { pageCacheControl } from './page-cache.js';
import { getRetention } from './retention.js';

export interface Logs {
  bus: LogBus;
  drains: DrainManager;
}

export function openLogs(paths: Paths, db: Db, logger: pino.Logger, drainOptions: DrainManagerOptions = {}): Logs {
  if (!pageCacheControl.available) {
    logger.warn({ err: pageCacheControl.error }, 'the page-cache addon (native/) is not built: logs stay in the page cache as they are written; `npm run install` builds it (with python3, make and a C compiler) (docs/logs.md)');
  }
  // Lines the store cannot write are reported into the app's stream, through the bus, which is made on
  // top of the store (below).
  let bus: LogBus | null = null;
  const lostLines = new LostLinesReporter((app, text) => bus?.publish(app, 'twelve', 'logs', text));
  const store = new LogStore({
    dirFor: (app) => paths.logs(app),
    retention: (app) => getRetention(db, app),
    onDropped: (app, count, error) => {
      logger.error({ app, count, err: error }, 'could not write log lines to disk; they are lost');
      lostLines.lost(app, count, error);
      bus?.counters.notWritten(app, count);
    },
    onRetentionFailed: (app, error) => logger.warn({ app, err: error }, 'could not cut the oldest log segment down to the app\'s retention size, or remove it; it is kept for now'),
    onUnreadable: (app, error) => logger.error({ app, err: error }, 'could not read the app\'s stored log; its lines are left out of `twelve logs` and drains until twelve can read DATA/apps/APP/logs again'),
  });
  const apps = listApps(db).map((app) => app.name);
  bus = new LogBus(store, undefined, store.lastId(apps),
    (app, error) => logger.error({ app, err: error }, 'a listener of the app\'s log (a live tail or a drain) threw; it gets no more events'));
  bus.onForget((app) => lostLines.forget(app));
  // Every app's retention from the start, idle ones too (the store checks those it knows every minute).
  for (const app of apps) store.enforceRetention(app);
  const drains = new DrainManager(db, bus, {
    onSaveFailed: (error) => logger.warn({ err: error }, 'could not save how far the drains got; a restart now would send their last lines again'),
    ...drainOptions,
  });
  drains.restore();
  return { bus, drains };
}
