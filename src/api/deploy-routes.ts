/** POST /v1/apps/:app/deploys: the codebase in, the deploy's progress out as a stream of events. */
import type { FastifyInstance } from 'fastify';
import { deploy, type DeployStage } from '../flows/deploy.js';
import { asTwelveError, TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import { getApp } from '../store/apps.js';
import { openNdjson } from './ndjson.js';
import type { DeployEvent } from './types.js';
import { appUrl, releaseView } from './views.js';

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Runs a deploy and reports it as events; never throws: a failure is its last event. */
export async function deployWithEvents(platform: Platform, input: { app: string; source: NodeJS.ReadableStream; sourceSha: string | null },
  send: (event: DeployEvent) => void): Promise<void> {
  try {
    const release = await deploy(platform, {
      ...input,
      onStage: (stage) => send({ type: 'stage', stage }),
      onOutput: (text) => send({ type: 'output', text }),
    });
    send({ type: 'done', release: releaseView(release, release.id), url: appUrl(platform, input.app) });
  } catch (error) {
    const twelveError = asTwelveError(error, 'the deploy failed inside twelve');
    if (twelveError.code === 'INTERNAL') platform.logger.error({ err: error, app: input.app }, 'deploy crashed');
    send({ type: 'error', error: twelveError.toJSON() });
  }
}

export function registerDeployRoutes(server: FastifyInstance, platform: Platform): void {
  server.register(async (scoped) => {
    // The archive is handed to the build as a stream, never buffered whole in memory.
    scoped.addContentTypeParser(['application/gzip', 'application/x-gzip', 'application/octet-stream'], (_request, payload, done) => done(null, payload));

    scoped.post<{ Params: { app: string } }>('/v1/apps/:app/deploys', async (request, reply) => {
      const app = getApp(platform.db, request.params.app);
      const source = request.body as NodeJS.ReadableStream | undefined;
      if (!source || typeof (source as NodeJS.ReadableStream).pipe !== 'function') {
        throw new TwelveError('INVALID_SOURCE', 'the deploy body must be a gzipped tar (Content-Type: application/gzip)');
      }
      const shaHeader = request.headers['x-twelve-source-sha'];
      const sourceSha = typeof shaHeader === 'string' && SHA.test(shaHeader) ? shaHeader : null;

      const stream = openNdjson(reply);
      try {
        await deployWithEvents(platform, { app: app.name, source, sourceSha }, (event) => stream.send(event));
      } finally {
        stream.end();
      }
    });
  });
}
