/**
 * An image's blobs and the JSON documents that name them (OCI image spec 1.0: config, manifest, index),
 * and the two archives that carry them: `oci-archive` (a tar of an OCI image layout) and
 * `docker-archive` (what `docker save` writes). Layers are uncompressed tars, so a layer's digest is
 * also its diff_id and the same layer file serves both formats.
 */
import { createHash } from 'node:crypto';
import type { OciImageConfig } from './image-config.js';
import { type Blob, type Sink, type TarEntry, writeTar } from './tar-writer.js';

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export type ArchiveFormat = 'oci-archive' | 'docker-archive';

/** A layer as written: where its bytes are, what they hash to, how it is described in the manifest. */
export interface LayerBlob extends Blob {
  file: string;
  mediaType: string;
  /** The digest of its uncompressed tar (the same as `digest` for twelve's own layers). */
  diffId: string;
}

export interface JsonBlob extends Blob { data: Buffer }

export interface OciImage {
  /** The tag inside the archive, e.g. `hello:v3`. */
  refName: string;
  config: JsonBlob;
  manifest: JsonBlob;
  layers: LayerBlob[];
}

export function jsonBlob(value: unknown): JsonBlob {
  const data = Buffer.from(JSON.stringify(value));
  return { data, digest: `sha256:${createHash('sha256').update(data).digest('hex')}`, size: data.length };
}

export function assembleImage(refName: string, config: OciImageConfig, layers: LayerBlob[]): OciImage {
  const configBlob = jsonBlob(config);
  const manifest = jsonBlob({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config: { mediaType: MEDIA_TYPES.config, digest: configBlob.digest, size: configBlob.size },
    layers: layers.map((layer) => ({ mediaType: layer.mediaType, digest: layer.digest, size: layer.size })),
  });
  return { refName, config: configBlob, manifest, layers };
}

function hex(digest: string): string {
  return digest.replace(/^sha256:/, '');
}

const owner = { uid: 0, gid: 0 };
const dir = (path: string): TarEntry => ({ type: 'directory', path, mode: 0o755, ...owner });
const data = (path: string, content: Buffer): TarEntry => ({ type: 'file', path, mode: 0o644, size: content.length, source: { data: content }, ...owner });
const blobFile = (path: string, layer: LayerBlob): TarEntry => ({ type: 'file', path, mode: 0o644, size: layer.size, source: { file: layer.file }, ...owner });

/** The OCI image layout's files: oci-layout, index.json and blobs/sha256/*, as tar entries. */
export function ociLayoutEntries(image: OciImage): TarEntry[] {
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.index,
    manifests: [{
      mediaType: MEDIA_TYPES.manifest, digest: image.manifest.digest, size: image.manifest.size,
      annotations: { 'org.opencontainers.image.ref.name': image.refName },
    }],
  }));
  const blobs = new Map<string, TarEntry>();
  for (const layer of image.layers) blobs.set(hex(layer.digest), blobFile(`blobs/sha256/${hex(layer.digest)}`, layer));
  for (const json of [image.config, image.manifest]) blobs.set(hex(json.digest), data(`blobs/sha256/${hex(json.digest)}`, json.data));
  return [
    data('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' }))),
    data('index.json', index),
    dir('blobs'),
    dir('blobs/sha256'),
    ...[...blobs.keys()].sort().map((key) => blobs.get(key)!),
  ];
}

/** `docker save`'s layout: manifest.json naming the config and one uncompressed tar per layer. */
export function dockerArchiveEntries(image: OciImage): TarEntry[] {
  if (image.layers.some((layer) => layer.mediaType !== MEDIA_TYPES.layer)) {
    throw new Error('a docker-archive needs uncompressed layers');
  }
  const configName = `${hex(image.config.digest)}.json`;
  const layerNames = image.layers.map((layer) => `${hex(layer.diffId)}.tar`);
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [image.refName], Layers: layerNames }]));
  const layers = new Map(image.layers.map((layer, index) => [layerNames[index]!, layer]));
  return [
    data(configName, image.config.data),
    ...[...layers.keys()].sort().map((name) => blobFile(name, layers.get(name)!)),
    data('manifest.json', manifest),
  ];
}

export async function writeImageArchive(image: OciImage, format: ArchiveFormat, sink: Sink): Promise<void> {
  await writeTar(format === 'oci-archive' ? ociLayoutEntries(image) : dockerArchiveEntries(image), sink);
}
