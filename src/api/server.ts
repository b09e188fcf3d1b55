/**
 * Builds the HTTP API server (Fastify) without listening, so tests can drive it with `inject`.
 * Authentication and the mapping of catalogue errors to HTTP answers live here, once.
 */
import type { PlatformStatus } from './types.js';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { asTwelveError, TwelveError, isTwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import type { SandboxState } from '../sandbox/sandbox.js';
import { registerAddonRoutes } from './addon-routes.js';
import { registerAppRoutes } from './apps-routes.js';
import { registerBuildRoutes } from './build-routes.js';
import { registerCertRoutes } from './cert-routes.js';
import { bearerToken, sameSecret } from './credentials.js';
import { registerDeployRoutes } from './deploy-routes.js';
import { registerDomainRoutes } from './domain-routes.js';
import { registerDrainRoutes } from './drain-routes.js';
import { registerFactorsRoutes } from './factors-routes.js';
import { registerExportRoutes } from './export-routes.js';
import { registerFeatureRoutes } from './feature-routes.js';
import { registerGitRoutes } from './git-routes.js';
import { registerLogRoutes } from './log-routes.js';
import { registerMetricsRoutes } from './metrics-routes.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { registerPipelineRoutes } from './pipeline-routes.js';
import { registerParityRoutes } from './parity-routes.js';
import { registerProcessRoutes } from './process-routes.js';
import { registerReleaseRoutes } from './release-routes.js';
import { registerRunRoutes } from './run-routes.js';

export const API_VERSION = '0.1.0';

/** GET /v1/status: how twelve runs apps on this machine. */
/** `telemetry` serves /metrics; without it (TWELVE_METRICS=off, tests that build the API alone) the metrics routes answer METRICS_OFF. */
export function buildApiServer(platform: Platform, token: string, telemetry?: Telemetry): FastifyInstance {
  const server: FastifyInstance = Fastify({ loggerInstance: platform.logger.child({ part: 'api' }) as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), bodyLimit: 1024 * 1024,
    // Live log tails never end on their own; stopping twelve must not wait for them.
    forceCloseConnections: true,
  });

  server.addHook('onRequest', async (request) => {
    // git's routes authenticate as git clients do (Basic auth, and the push hook's one-time token).
    if (request.url === '/v1/health' || request.url.startsWith('/git/')) return;
    if (!sameSecret(bearerToken(request.headers.authorization), token)) {
      throw new TwelveError('UNAUTHORIZED', 'missing or wrong API token');
    }
  });

  server.setErrorHandler((error, request, reply) => {
    if (isTwelveError(error)) {
      return reply.status(error.status).send({ error: error.toJSON() });
    }
    const fastifyError = error as { statusCode?: number; code?: string; message: string };
    if (fastifyError.statusCode && fastifyError.statusCode < 500) {
      // Fastify's own 4xx (malformed JSON, unsupported media type, body too large) in the catalogue's shape.
      const wrapped = new TwelveError('BAD_REQUEST', fastifyError.message, { fastifyCode: fastifyError.code });
      return reply.status(fastifyError.statusCode).send({ error: wrapped.toJSON() });
    }
    const shown = asTwelveError(error, 'internal error');
    // A full disk is the operator's to fix, not a bug: said without a stack (and throttled like every warning).
    if (shown.code === 'DISK_FULL') request.log.warn({ err: { code: (error as { code?: unknown }).code, message: fastifyError.message }, url: request.url }, 'request failed: the disk is full');
    else request.log.error({ err: error, url: request.url }, 'request failed');
    return reply.status(shown.status).send({ error: shown.toJSON() });
  });

  server.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: new TwelveError('NOT_FOUND', `no route ${request.method} ${request.url}`).toJSON() });
  });

  server.get('/v1/health', async () => ({ ok: true, version: API_VERSION }));
  server.get('/v1/status', async (): Promise<PlatformStatus> => ({ version: API_VERSION, sandbox: platform.sandbox.state }));
  registerAppRoutes(server, platform);
  registerDeployRoutes(server, platform);
  registerReleaseRoutes(server, platform);
  registerAddonRoutes(server, platform);
  registerParityRoutes(server, platform);
  registerProcessRoutes(server, platform);
  registerLogRoutes(server, platform);
  registerRunRoutes(server, platform);
  registerPipelineRoutes(server, platform);
  registerBuildRoutes(server, platform);
  registerDrainRoutes(server, platform);
  registerDomainRoutes(server, platform);
  registerCertRoutes(server, platform);
  registerExportRoutes(server, platform);
  registerFeatureRoutes(server, platform);
  registerMetricsRoutes(server, platform, telemetry);
  registerFactorsRoutes(server, platform);
  registerGitRoutes(server, platform, token);
  return server;
}
