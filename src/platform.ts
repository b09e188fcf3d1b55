/**
 * The platform's parts, made once and passed to everything that acts on apps: the store, the log bus,
 * the supervisor, the routing table and the fleet. `openPlatform` also repairs what a crash left behind.
 */
import { mkdirSync, rmSync } from 'node:fs';
import type pino from 'pino';
import { createPlatformLogger } from './platform-log.js';
import { AddonServers } from './addons/addon-servers.js';
import { loadKeyring } from './config/secret-key-file.js';
import { openDataDir, type DataDirLock } from './data-dir.js';
import { DiskReserve } from './disk-reserve.js';
import type { DrainManager } from './logs/drains/drain-manager.js';
import type { LogBus } from './logs/log-bus.js';
import { openLogs } from './logs/open-logs.js';
import { stopRunningBuilds } from './build/run-command.js';
import { pathsFor, type Paths } from './paths.js';
import { RouteTable } from './router/route-table.js';
import { Fleet } from './run/fleet.js';
import { OneOffs } from './run/one-offs.js';
import { reapOrphans } from './run/orphans.js';
import { markRunning, markStopped, UNCLEAN_STOP_EVENT } from './run-marker.js';
import { PortAllocator } from './run/port-allocator.js';
import { Supervisor } from './run/supervisor.js';
import { Sandbox } from './sandbox/sandbox.js';
import { findLayout, ProcessCgroups } from './sandbox/cgroups.js';
import { installFirewall } from './sandbox/firewall.js';
import { ProcessLimits } from './run/process-limits.js';
import type { Settings } from './settings.js';
import { listApps } from './store/apps.js';
import { failInterruptedBuilds } from './store/builds.js';
import { listDomains } from './store/domains.js';
import { openDatabase, type Db } from './store/database.js';
import { failPendingReleases, getReleaseById } from './store/releases.js';
import { resealAll, useKeyring } from './store/sealing.js';

export interface Platform {
  settings: Settings;
  paths: Paths;
  db: Db;
  logs: LogBus;
  /** Where each app's stream is sent besides the store (syslog and HTTPS drains). */
  drains: DrainManager;
  logger: pino.Logger;
  supervisor: Supervisor;
  table: RouteTable;
  fleet: Fleet;
  /** The PostgreSQL and Redis servers behind provisioned addons. */
  addons: AddonServers;
  /** `twelve run` processes and release phases: run once, never restarted. */
  oneOffs: OneOffs;
  /** Where every app process and build step runs (docs/security.md). */
  sandbox: Sandbox;
  /** Held while this twelve runs: a second one on the data dir refuses to start. */
  dataDirLock: DataDirLock;
  /** Room kept for stopping and destroying apps on a full disk. */
  reserve: DiskReserve;
}

/**
 * The sandbox, said once in twelve's log as it is: refused (apps will not start), off, or on with its
 * firewall and cgroups (each missing piece said once); limits are null when processes run unsandboxed.
 */
function openSandbox(settings: Settings, paths: Paths, logger: pino.Logger): { sandbox: Sandbox; limits: ProcessLimits | null } {
  const sandbox = new Sandbox({ mode: settings.sandbox, mountPoint: paths.sandboxMount, readOnly: settings.sandboxReadOnly, scratchMb: SCRATCH_MB, dataDir: paths.dataDir });
  const { state } = sandbox;
  if (state.problem) {
    logger.error(`apps cannot be sandboxed here, so none will be built or started: ${state.problem}; or start twelve with TWELVE_SANDBOX=off (docs/security.md)`);
    return { sandbox, limits: null };
  }
  if (!state.active) {
    logger.warn('TWELVE_SANDBOX=off: apps run unsandboxed, as twelve\'s own user, and can read everything twelve can (docs/security.md)');
    return { sandbox, limits: null };
  }
  if (state.appView === 'copy') logger.warn('the kernel has no overlayfs: each process gets a copy of its build as its /app, which costs a copy per start');
  const unprotected = installFirewall();
  if (unprotected) logger.warn(`apps' ports may be reachable from other machines, not only through the router: ${unprotected}`);
  const cgroups = new ProcessCgroups(findLayout());
  if (!cgroups.available) logger.warn('no cgroup controller is writable here: process sizes set WEB_CONCURRENCY but no memory or task limits');
  return { sandbox, limits: new ProcessLimits(cgroups) };
}

/** How much a process may write into its private /app (kept in memory, gone at exit), as Heroku's ephemeral dyno disk. */
const SCRATCH_MB = 512;

export function openPlatform(settings: Settings, logger: pino.Logger = createPlatformLogger(settings.logLevel)): Platform {
  const paths = pathsFor(settings.dataDir);
  const { lock: dataDirLock, narrowed } = openDataDir(paths);
  if (narrowed.length > 0) logger.warn({ narrowed }, 'made the data dir private: only twelve\'s user may read these now');
  try {
    return openParts(settings, paths, logger, dataDirLock);
  } catch (error) {
    dataDirLock.release();
    throw error;
  }
}

function openParts(settings: Settings, paths: Paths, logger: pino.Logger, dataDirLock: DataDirLock): Platform {
  mkdirSync(paths.tmp, { recursive: true });
  const db = openDatabase(paths.database);
  useKeyring(db, loadKeyring(paths.secretKey, settings.secretKey));
  // Values written before encryption existed are sealed now, once.
  resealAll(db, { onlyPlain: true });
  const { bus: logs, drains } = openLogs(paths, db, logger.child({ part: 'logs' }));
  const table = new RouteTable();
  const { sandbox, limits } = openSandbox(settings, paths, logger);
  const supervisor = new Supervisor({
    db, logs, logger, ...(limits ? { limits } : {}), ports: new PortAllocator(settings.processPortRange), stopTimeoutMs: settings.stopTimeoutMs,
    bootTimeoutMs: settings.bootTimeoutMs, settleMs: settings.settleMs,
  });
  const fleet = new Fleet({ db, paths, supervisor, table, logs, logger, sandbox, bootTimeoutMs: settings.bootTimeoutMs, drainTimeoutMs: settings.stopTimeoutMs });
  const addons = new AddonServers(db, settings.dataDir, logger.child({ part: 'addons' }));
  const oneOffs = new OneOffs({ db, paths, logs, logger, sandbox, limits, stopTimeoutMs: settings.stopTimeoutMs });
  const reserve = new DiskReserve(paths.reserve, logger);
  return { settings, paths, db, logs, drains, logger, supervisor, table, fleet, addons, oneOffs, sandbox, dataDirLock, reserve };
}

/**
 * After any exit of a previous run (kill -9 included): stop its orphaned processes, fail what it left
 * half-made, then bring every app back to its current release at its formation.
 */
export async function restorePlatform(platform: Platform): Promise<void> {
  const { db, logger, paths } = platform;
  if (markRunning(paths.runMarker)) {
    logger.warn('the previous run of twelve was not shut down cleanly: the apps\' logs may miss its last lines');
    for (const app of listApps(db)) platform.logs.publish(app.name, 'twelve', 'twelve', UNCLEAN_STOP_EVENT);
  }
  const reaped = await reapOrphans(db, logger, platform.settings.stopTimeoutMs);
  if (reaped > 0) logger.info({ reaped }, 'stopped processes left by the previous run');
  for (const build of failInterruptedBuilds(db)) rmSync(paths.build(build.app, build.id), { recursive: true, force: true });
  const failed = failPendingReleases(db);
  if (failed > 0) logger.warn({ failed }, 'marked releases interrupted by the previous run as failed');
  rmSync(paths.tmp, { recursive: true, force: true });
  mkdirSync(paths.tmp, { recursive: true });
  platform.reserve.fill();

  // Apps connect to their databases as they boot.
  await platform.addons.startExisting();
  await Promise.all(listApps(db).map(async (app) => {
    platform.table.setApp(app.name, listDomains(db, app.id).map((domain) => domain.hostname));
    if (app.currentReleaseId === null) return;
    const release = getReleaseById(db, app.currentReleaseId);
    try {
      await platform.fleet.exclusive(app.id, () => platform.fleet.rollout(app, release, { keepFailed: true }));
      logger.info({ app: app.name, release: release.version }, 'restored');
    } catch (error) {
      logger.error({ app: app.name, release: release.version, err: error }, 'could not restore app');
    }
  }));
}

export async function closePlatform(platform: Platform): Promise<void> {
  await Promise.all([platform.supervisor.stopAll(), platform.oneOffs.stopAll(), stopRunningBuilds()]);
  await platform.addons.stopAll();
  // The last lines (processes stopping) reach the disk and, within a deadline, the drains.
  await platform.drains.close();
  platform.logs.close();
  platform.db.close();
  markStopped(platform.paths.runMarker);
  platform.dataDirLock.release();
}
