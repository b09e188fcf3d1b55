/** POST /v1/apps/:app/deploys: the codebase in, the deploy's progress out as a stream of events. */
import type { FastifyInstance } from 'fastify';
import { deploy } from '../deploy.js';
import { asTwelveError, TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import { getApp } from '../store/apps.js';
import { openNdjson } from './ndjson.js';
import { appUrl, releaseView } from './views.js';

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

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
        const release = await deploy(platform, {
          app: app.name, source, sourceSha,
          onStage: (stage) => stream.send({ type: 'stage', stage }),
          onOutput: (text) => stream.send({ type: 'output', text }),
        });
        stream.send({ type: 'done', release: releaseView(release, release.id), url: appUrl(platform, app.name) });
      } catch (error) {
        const twelveError = asTwelveError(error, 'the deploy failed inside twelve');
        if (twelveError.code === 'INTERNAL') platform.logger.error({ err: error, app: app.name }, 'deploy crashed');
        stream.send({ type: 'error', error: twelveError.toJSON() });
      } finally {
        stream.end();
      }
    });
  });
}
