/** /v1/apps/:app/exports/*: a release as an OCI image archive, Kubernetes manifests or systemd units (docs/export.md). */
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { TwelveError } from '../errors.js';
import { exportImage, exportRootfs } from '../export/export-image.js';
import { exportKubernetes } from '../export/export-kubernetes.js';
import { exportSystemd } from '../export/export-systemd.js';
import { releasePlan } from '../export/release-plan.js';
import { exportSubject } from '../export/export-subject.js';
import type { ArchiveFormat } from '../export/oci-image.js';
import type { Platform } from '../platform.js';
import type { ExportFilesView, ImageExportSummary, RootfsExportSummary } from './types.js';

type ExportRequest = { Params: { app: string }; Querystring: { release?: string; format?: string; image?: string; configFrom?: string; tlsSecret?: string } };

/** A DNS subdomain (Kubernetes object names): lower case, digits, dashes and dots. */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

const FORMATS: ArchiveFormat[] = ['oci-archive', 'docker-archive'];

export function releaseQuery(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const version = Number(value.replace(/^v/, ''));
  if (!Number.isInteger(version) || version < 1) throw new TwelveError('BAD_REQUEST', `release must be a release number such as 3, not ${value}`);
  return version;
}

export function registerExportRoutes(server: FastifyInstance, platform: Platform): void {
  server.register(async (scoped) => {
    // A base image comes in as the body, an OCI image layout as a tar, handed on as a stream.
    scoped.addContentTypeParser('application/x-tar', (_request, payload, done) => done(null, payload));
    registerImageRoute(scoped, platform);
  });

  server.get<ExportRequest & { Reply: ExportFilesView }>('/v1/apps/:app/exports/kubernetes', async (request) => {
    const { image, configFrom, tlsSecret } = request.query;
    for (const [option, name] of [['--config-from', configFrom], ['--tls-secret', tlsSecret]] as const) {
      if (name !== undefined && !OBJECT_NAME.test(name)) throw new TwelveError('INVALID_EXPORT', `${option} ${name} is not a Secret's name`);
    }
    if (image !== undefined && !/^[^\s]+$/.test(image)) throw new TwelveError('INVALID_EXPORT', 'image must be an image reference such as registry.example.com/shop:v3');
    const subject = exportSubject(platform.db, platform.paths, request.params.app, releaseQuery(request.query.release));
    const plan = releasePlan(platform.db, subject, platform.settings);
    const exported = exportKubernetes(plan, { image: image ?? `${plan.app}:v${plan.version}`, configFrom, tlsSecret });
    return { app: plan.app, release: plan.version, ...exported };
  });

  server.get<ExportRequest & { Reply: ExportFilesView }>('/v1/apps/:app/exports/systemd', async (request) => {
    const subject = exportSubject(platform.db, platform.paths, request.params.app, releaseQuery(request.query.release));
    const plan = releasePlan(platform.db, subject, platform.settings);
    return { app: plan.app, release: plan.version, ...exportSystemd(plan, subject.manifest.path) };
  });
}

/** The archive's summary rides in a header, so the body can be the archive itself. */
function registerImageRoute(server: FastifyInstance, platform: Platform): void {
  server.post<ExportRequest>('/v1/apps/:app/exports/image', async (request, reply) => {
    const format = (request.query.format ?? 'oci-archive') as ArchiveFormat | 'rootfs';
    if (format !== 'rootfs' && !FORMATS.includes(format)) throw new TwelveError('INVALID_EXPORT', `format must be one of ${FORMATS.join(', ')} or rootfs`);
    const subject = exportSubject(platform.db, platform.paths, request.params.app, releaseQuery(request.query.release));
    if (format === 'rootfs') {
      // The image's files as one tree, for `export systemd`: streamed as it is made.
      const { archive, warnings } = await exportRootfs(subject);
      const summary: RootfsExportSummary = { app: subject.app.name, release: subject.release.version, format, warnings };
      return reply.type('application/x-tar').header('x-twelve-export', encodeURIComponent(JSON.stringify(summary))).send(archive);
    }
    const base = request.body as Readable | undefined;
    const { image, warnings, archive } = await exportImage(subject, format, platform.paths.tmp, typeof base?.pipe === 'function' ? base : undefined);
    const summary: ImageExportSummary = {
      app: subject.app.name, release: subject.release.version, format, ref: image.refName,
      manifest: { digest: image.manifest.digest, size: image.manifest.size },
      config: { digest: image.config.digest, size: image.config.size },
      layers: image.layers.map((layer) => ({ digest: layer.digest, size: layer.size })),
      warnings,
    };
    return reply.type('application/x-tar').header('x-twelve-export', encodeURIComponent(JSON.stringify(summary))).send(archive);
  });
}
