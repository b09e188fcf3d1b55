/** /v1/apps/:app/builds (with their size on disk) and the app's build retention. */
import type { FastifyInstance } from 'fastify';
import { buildDirOf } from '../build/build-dir.js';
import { readBuildOutput } from '../build/build-output-file.js';
import { diskUsage, pruneBuilds, retentionFor } from '../build/retention.js';
import { TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import { getApp, getAppById } from '../store/apps.js';
import { buildRemovedAt, buildRetentionOf, buildsInUse, promotedBuildIds, setBuildRetention } from '../store/build-retention.js';
import { getBuild, listBuilds, type Build } from '../store/builds.js';
import type { BuildListView, BuildRetentionView, BuildOutputView } from './types.js';
import { buildView } from './views.js';

type AppParams = { Params: { app: string } };


/** The most builds an app may keep. */
export const MAX_RETENTION = 1000;

export function registerBuildRoutes(server: FastifyInstance, platform: Platform): void {
  const { db } = platform;
  // A finished build never changes, so its size is measured once.
  const sizes = new Map<string, number>();
  const sizeOf = async (build: Build, removed: boolean): Promise<number | null> => {
    if (removed || build.status !== 'succeeded' || !build.manifest) return null;
    let size = sizes.get(build.id);
    if (size === undefined) sizes.set(build.id, (size = await diskUsage(buildDirOf(platform.paths, build.manifest))));
    return size;
  };

  server.get<AppParams & { Reply: BuildListView[] }>('/v1/apps/:app/builds', async (request) => {
    const app = getApp(db, request.params.app);
    const promoted = promotedBuildIds(db, app.id).map((id) => getBuild(db, id)).filter((build): build is Build => build !== undefined);
    const builds = [...listBuilds(db, app.id), ...promoted].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const inUse = buildsInUse(db);
    return Promise.all(builds.map(async (build) => {
      const removedAt = buildRemovedAt(db, build.id);
      return {
        ...buildView(build), size: await sizeOf(build, removedAt !== null), removedAt, inUse: inUse.has(build.id),
        // A build promoted from another app of the pipeline: it is kept by that app's retention.
        promotedFrom: build.appId === app.id ? null : getAppById(db, build.appId).name,
      };
    }));
  });

  /** A build's kept output (Heroku's builds:output): `latest` is the app's newest build. */
  server.get<{ Params: { app: string; build: string } }>('/v1/apps/:app/builds/:build/output', async (request) => {
    const app = getApp(db, request.params.app);
    const wanted = request.params.build;
    const build = wanted === 'latest' ? listBuilds(db, app.id)[0] : getBuild(db, wanted);
    if (!build || build.appId !== app.id) {
      throw new TwelveError('BUILD_NOT_FOUND', wanted === 'latest' ? `${app.name} has no builds yet` : `${app.name} has no build ${wanted}`);
    }
    const output = await readBuildOutput(platform.paths, app.name, build.id);
    const view: BuildOutputView = { ...buildView(build), output: output ?? null };
    return view;
  });

  /** The operator's build settings (TWELVE_BUILD_ENV): what every build step sees besides the app's config. */
  server.get<{ Reply: Record<string, string> }>('/v1/build-env', async () => platform.settings.buildEnv);

  server.get<AppParams & { Reply: BuildRetentionView }>('/v1/apps/:app/build-retention', async (request) => {
    const app = getApp(db, request.params.app);
    return { keep: retentionFor(platform, app), own: buildRetentionOf(db, app.id) !== null };
  });

  /** `{ keep: N }` sets the app's own retention and prunes at once; `{ keep: null }` returns to the default. */
  server.put<AppParams & { Reply: BuildRetentionView }>('/v1/apps/:app/build-retention', async (request) => {
    const keep = (request.body as { keep?: unknown } | undefined)?.keep;
    if (keep !== null && (typeof keep !== 'number' || !Number.isInteger(keep) || keep < 1 || keep > MAX_RETENTION)) {
      throw new TwelveError('BAD_REQUEST', `keep must be a whole number from 1 to ${MAX_RETENTION}, or null for the default`);
    }
    const app = getApp(db, request.params.app);
    return platform.fleet.exclusive(app.id, async () => {
      setBuildRetention(db, app.id, keep);
      const removed = await pruneBuilds(platform, getApp(db, app.name));
      return { keep: retentionFor(platform, app), own: keep !== null, removed };
    });
  });
}
