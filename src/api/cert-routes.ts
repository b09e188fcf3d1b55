/** /v1/certs/ca and /v1/apps/:app/certs: the local CA's root, an app's certificates (docs/https.md). */
import type { FastifyInstance } from 'fastify';
import { TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import type { CaView, CertificateList, CertificateRemoved, CertificateView } from './types.js';

type AppParams = { Params: { app: string } };

export function registerCertRoutes(server: FastifyInstance, platform: Platform): void {
  const { certs } = platform;

  server.get<{ Reply: CaView }>('/v1/certs/ca', async () => ({ pem: await certs.caPem() }));

  server.get<AppParams & { Reply: CertificateList }>('/v1/apps/:app/certs', async (request) => certs.list(request.params.app));

  server.post<AppParams & { Body: { cert?: unknown; key?: unknown } } & { Reply: CertificateView }>('/v1/apps/:app/certs', async (request, reply) => {
    const { cert, key } = request.body ?? {};
    if (typeof cert !== 'string' || typeof key !== 'string') throw new TwelveError('BAD_REQUEST', 'the body needs cert and key, both PEM text');
    const added = certs.add(request.params.app, cert, key);
    platform.logs.publish(request.params.app, 'twelve', 'api', `Certificate ${added.id} added for ${added.domains.join(', ')}`);
    return reply.status(201).send(added);
  });

  server.put<AppParams & { Body: { enabled?: unknown } } & { Reply: CertificateList }>('/v1/apps/:app/certs/auto', async (request) => {
    const enabled = request.body?.enabled;
    if (typeof enabled !== 'boolean') throw new TwelveError('BAD_REQUEST', 'the body needs enabled: true or false');
    if (enabled) platform.acme.enable(request.params.app);
    else platform.acme.disable(request.params.app);
    platform.logs.publish(request.params.app, 'twelve', 'api', `Automatic certificates ${enabled ? 'enabled' : 'disabled'}`);
    return certs.list(request.params.app);
  });

  server.delete<AppParams & { Params: { id: string } } & { Reply: CertificateRemoved }>('/v1/apps/:app/certs/:id', async (request) => {
    const id = Number(request.params.id);
    certs.remove(request.params.app, id);
    platform.logs.publish(request.params.app, 'twelve', 'api', `Certificate ${id} removed`);
    return { removed: id };
  });
}
