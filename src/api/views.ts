/** Store rows turned into what a client needs: the JSON shapes of types.ts (docs/api.md). */
import type { Platform } from '../platform.js';
import type { SupervisedProcess } from '../run/supervisor.js';
import type { App } from '../store/apps.js';
import type { Build } from '../store/builds.js';
import type { Release } from '../store/releases.js';
import type { AppView, BuildView, ProcessView, ReleaseView } from './types.js';

export function appUrl(platform: Platform, name: string): string {
  return `http://${name}.localhost:${platform.settings.routerPort}/`;
}

export function appView(platform: Platform, app: App): AppView {
  const current = app.currentReleaseId === null ? null : platform.db.prepare('SELECT version FROM releases WHERE id = ?').pluck().get(app.currentReleaseId) as number;
  return { name: app.name, createdAt: app.createdAt, currentRelease: current, url: appUrl(platform, app.name) };
}

export function releaseView(release: Release, currentReleaseId: number | null): ReleaseView {
  return {
    version: release.version, status: release.status, description: release.description, buildId: release.buildId,
    createdAt: release.createdAt, current: release.id === currentReleaseId,
  };
}

export function buildView(build: Build): BuildView {
  return {
    id: build.id, status: build.status, stack: build.manifest?.stack ?? null,
    stacks: build.manifest ? build.manifest.stacks ?? [build.manifest.stack] : [], runtimes: build.manifest?.runtimes ?? {},
    sourceSha: build.sourceSha, checksum: build.manifest?.checksum ?? null, processTypes: build.manifest?.processTypes ?? {},
    createdAt: build.createdAt, error: build.error,
  };
}

export function processView(proc: SupervisedProcess): ProcessView {
  return {
    name: proc.name, type: proc.spec.type, number: proc.spec.number, state: proc.state, pid: proc.pid, port: proc.port,
    release: proc.spec.releaseVersion, command: proc.spec.command, since: proc.since, restarts: proc.restarts,
  };
}
