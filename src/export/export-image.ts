/**
 * `twelve export image`, on the platform's side: the release's build and what it needs from this
 * machine as two layers written to a temporary directory, then one archive (oci-archive or
 * docker-archive) streamed from them. The temporary directory goes when the stream ends.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar';
import { errorText, TwelveError } from '../errors.js';
import { type BaseImage, readBaseImage } from './base-image.js';
import { entrypointScript } from './entrypoint-script.js';
import type { ExportSubject } from './export-subject.js';
import { imageConfig } from './image-config.js';
import { collectImageFiles } from './image-files.js';
import { type ArchiveFormat, assembleImage, type LayerBlob, MEDIA_TYPES, type OciImage, writeImageArchive } from './oci-image.js';
import { type Sink, type TarEntry, writeTar, writeTarFile } from './tar-writer.js';

async function unpackBase(archive: Readable, dir: string): Promise<BaseImage> {
  await mkdir(dir);
  try {
    await pipeline(archive, extract({ cwd: dir, strict: true, noChmod: true }));
  } catch (error) {
    throw new TwelveError('INVALID_EXPORT', `the base image could not be unpacked: ${errorText(error)}`);
  }
  return readBaseImage(dir);
}

export interface ImageExport {
  image: OciImage;
  warnings: string[];
  /** The archive's bytes; reading it to the end (or destroying it) removes the layers' files. */
  archive: Readable;
}

/** The image: its two layers written into `dir` (the caller removes it), on `base` when given. */
export async function buildImage(subject: ExportSubject, dir: string, base?: BaseImage): Promise<{ image: OciImage; warnings: string[] }> {
  const { app, release, manifest, buildDir } = subject;
  const files = await collectImageFiles(buildDir, manifest, entrypointScript(release.processTypes), base);
  const layers: LayerBlob[] = [...(base?.layers ?? [])];
  for (const [name, entries] of [['system', files.system], ['app', files.app]] as const) {
    const file = join(dir, `${name}.tar`);
    const blob = await writeTarFile(entries.sorted(), file);
    layers.push({ ...blob, file, mediaType: MEDIA_TYPES.layer, diffId: blob.digest });
  }
  const config = imageConfig({
    app: app.name, version: release.version, createdAt: release.createdAt, manifestPath: manifest.path,
    processTypes: release.processTypes, diffIds: layers.map((layer) => layer.diffId), base: base?.config,
    stacks: Object.keys(manifest.runtimes),
  });
  return { image: assembleImage(`${app.name}:v${release.version}`, config, layers), warnings: files.warnings };
}

/** A stream of what `write` writes, with backpressure; `done` runs when the writing ends, however it ends. */
function streamFrom(write: (sink: Sink) => Promise<void>, done: () => Promise<void> = async () => {}): Readable {
  const archive = new PassThrough({ highWaterMark: 1 << 20 });
  const drained = (): Promise<void> => new Promise((resolve) => archive.once('drain', resolve));
  const closed = new Promise<never>((_, reject) => archive.once('close', () => reject(new Error('the archive\'s reader went away'))));
  closed.catch(() => {}); // raced below; a reader that left ends the writing, nothing else
  void write(async (chunk) => {
    if (!archive.write(chunk)) await Promise.race([drained(), closed]);
  }).then(() => archive.end(), (error: Error) => archive.destroy(error)).finally(done);
  return archive;
}

function streamTar(entries: TarEntry[]): Readable {
  return streamFrom((sink) => writeTar(entries, sink));
}

/**
 * `base`, when given, is an OCI image layout (a tar of it: the request's body) the image is built on;
 * it is unpacked into the export's temporary directory.
 */
export async function exportImage(subject: ExportSubject, format: ArchiveFormat, tmpRoot: string, base?: Readable): Promise<ImageExport> {
  const dir = await mkdtemp(join(tmpRoot, 'export-image-'));
  try {
    const baseImage = base && await unpackBase(base, join(dir, 'base'));
    if (baseImage && format === 'docker-archive' && baseImage.layers.some((layer) => layer.mediaType !== MEDIA_TYPES.layer)) {
      throw new TwelveError('INVALID_EXPORT', 'a docker-archive holds uncompressed layers and the base image\'s are compressed: export an OCI layout or archive');
    }
    const { image, warnings } = await buildImage(subject, dir, baseImage);
    const archive = streamFrom((sink) => writeImageArchive(image, format, sink), () => rm(dir, { recursive: true, force: true }));
    return { image, warnings, archive };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The image's two layers flattened into one tar: the root filesystem `export systemd` runs its units
 * in. Streamed as it is made: nothing about it has to be known before its first byte.
 */
export async function exportRootfs(subject: ExportSubject): Promise<{ archive: Readable; warnings: string[] }> {
  const { release, manifest, buildDir } = subject;
  const files = await collectImageFiles(buildDir, manifest, entrypointScript(release.processTypes));
  files.system.absorb(files.app);
  return { archive: streamTar(files.system.sorted()), warnings: files.warnings };
}
