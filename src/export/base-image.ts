/**
 * A base image to build on (`export image --base`), read from the OCI image layout the CLI uploaded:
 * its manifest, config and layers (kept as they are, compressed or not), the paths its layers hold
 * (twelve's system layer leaves those to the base) and its /etc/passwd and /etc/group (to which the
 * app's user is added).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { list } from 'tar';
import { errorText, TwelveError } from '../errors.js';
import type { OciImageConfig } from './image-config.js';
import { layerPath } from './layer-entries.js';
import { type LayerBlob, MEDIA_TYPES } from './oci-image.js';

export interface BaseImage {
  config: OciImageConfig;
  layers: LayerBlob[];
  /** Every path the base's root filesystem has (after whiteouts), as layer paths (`usr/bin/sh`). */
  paths: Set<string>;
  passwd: string | undefined;
  group: string | undefined;
}

interface Descriptor { mediaType?: string; digest: string; size: number; platform?: { architecture?: string; os?: string } }

const READABLE_LAYERS = new Set<string>([MEDIA_TYPES.layer, MEDIA_TYPES.layerGzip, 'application/vnd.docker.image.rootfs.diff.tar.gzip']);

async function readJson<T>(file: string): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    throw new TwelveError('INVALID_EXPORT', `the base image is not an OCI image layout: ${errorText(error)}`);
  }
}

function blobFile(layout: string, digest: string): string {
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new TwelveError('INVALID_EXPORT', `the base image names a blob ${digest}`);
  return join(layout, 'blobs', 'sha256', digest.slice(7));
}

/** The image manifest for linux/amd64: the layout's first, or the matching entry of a multi-platform index. */
async function findManifest(layout: string): Promise<{ config: Descriptor; layers: Descriptor[] }> {
  let descriptor = (await readJson<{ manifests?: Descriptor[] }>(join(layout, 'index.json'))).manifests?.[0];
  for (let depth = 0; descriptor && depth < 3; depth++) {
    const document = await readJson<{ manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[] }>(blobFile(layout, descriptor.digest));
    if (document.config && document.layers) return { config: document.config, layers: document.layers };
    descriptor = document.manifests?.find((entry) => entry.platform?.os === 'linux' && entry.platform.architecture === 'amd64');
  }
  throw new TwelveError('INVALID_EXPORT', 'the base image has no linux/amd64 image');
}

export async function readBaseImage(layout: string): Promise<BaseImage> {
  const manifest = await findManifest(layout);
  const config = await readJson<OciImageConfig>(blobFile(layout, manifest.config.digest));
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) throw new TwelveError('INVALID_EXPORT', 'the base image\'s config and manifest disagree on its layers');
  const layers = manifest.layers.map((layer, index): LayerBlob => {
    const mediaType = layer.mediaType ?? MEDIA_TYPES.layerGzip;
    if (!READABLE_LAYERS.has(mediaType)) throw new TwelveError('INVALID_EXPORT', `the base image has a ${mediaType} layer: convert it to gzip (skopeo copy --dest-compress-format gzip)`);
    return { digest: layer.digest, size: layer.size, mediaType, diffId: diffIds[index]!, file: blobFile(layout, layer.digest) };
  });
  const base: BaseImage = { config, layers, paths: new Set(), passwd: undefined, group: undefined };
  for (const layer of layers) await readLayer(layer.file, base);
  return base;
}

/** Applies one layer's entries to the set of paths: whiteouts remove, everything else adds. */
async function readLayer(file: string, base: BaseImage): Promise<void> {
  const texts: Array<Promise<void>> = [];
  await list({
    file,
    onReadEntry: (entry) => {
      const path = layerPath(entry.path);
      const name = path.split('/').pop()!;
      const dir = path.slice(0, path.length - name.length).replace(/\/$/, '');
      if (name === '.wh..wh..opq') {
        for (const known of [...base.paths]) if (known.startsWith(`${dir}/`)) base.paths.delete(known);
      } else if (name.startsWith('.wh.')) {
        const gone = dir === '' ? name.slice(4) : `${dir}/${name.slice(4)}`;
        for (const known of [...base.paths]) if (known === gone || known.startsWith(`${gone}/`)) base.paths.delete(known);
      } else {
        base.paths.add(path);
      }
      if (path === 'etc/passwd' || path === 'etc/group') {
        texts.push(entry.concat().then((data) => {
          if (path === 'etc/passwd') base.passwd = data.toString('utf8');
          else base.group = data.toString('utf8');
        }));
      } else {
        entry.resume();
      }
    },
  });
  await Promise.all(texts);
}
