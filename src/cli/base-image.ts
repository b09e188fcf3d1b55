/**
 * `export image --base REF`: the base image sent to twelve as an OCI image layout in a tar. A local
 * OCI layout or oci-archive goes as it is; anything else (a registry reference, a docker-archive) is
 * first copied into a temporary layout with skopeo.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { CliError } from './cli-error.js';

/**
 * The skopeo source of a base that is not an OCI layout already.
 * @example skopeoSource('debian:bookworm-slim') // 'docker://debian:bookworm-slim'
 */
export function skopeoSource(ref: string): string {
  if (existsSync(ref)) return statSync(ref).isFile() ? `docker-archive:${ref}` : `dir:${ref}`;
  return TRANSPORTS.some((transport) => ref.startsWith(transport)) ? ref : `docker://${ref}`;
}

/** containers-transports(5) a reference may name itself; anything else is a registry reference. */
const TRANSPORTS = ['docker://', 'docker-archive:', 'docker-daemon:', 'oci:', 'oci-archive:', 'containers-storage:', 'dir:'];

function isOciLayout(path: string): boolean {
  return statSync(path).isDirectory() && existsSync(join(path, 'oci-layout'));
}

/** Whether a tar file is an oci-archive: its oci-layout file is one of its first entries. */
function isOciArchive(path: string): boolean {
  const listing = spawnSync('tar', ['-tf', path], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return listing.status === 0 && listing.stdout.split('\n').some((name) => name.replace(/^\.\//, '') === 'oci-layout');
}

async function tarDirectory(dir: string): Promise<Readable> {
  const { c } = await import('tar');
  return c({ cwd: dir, portable: true }, ['.']) as unknown as Readable;
}

/** The base as a tar stream of an OCI layout, and what to clean up once it is sent. */
export async function baseArchive(ref: string): Promise<{ stream: Readable; cleanup: () => void }> {
  if (existsSync(ref) && isOciLayout(ref)) return { stream: await tarDirectory(ref), cleanup: () => {} };
  if (existsSync(ref) && statSync(ref).isFile() && isOciArchive(ref)) return { stream: createReadStream(ref), cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'twelve-base-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  const argv = ['copy', '--quiet', skopeoSource(ref), `oci:${join(dir, 'layout')}:base`];
  const copied = spawnSync('skopeo', argv, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (copied.error || copied.status !== 0) {
    cleanup();
    if ((copied.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      throw new CliError('SKOPEO_MISSING', `--base ${ref} is not a local OCI layout or oci-archive, and skopeo is not installed to fetch it`,
        'Install skopeo (apt-get install skopeo), or pass an OCI layout directory or oci-archive file.');
    }
    throw new CliError('INVALID_ARGUMENT', `could not read the base image ${ref}: ${copied.stderr.trim()}`, 'Pass an OCI layout directory, an oci-archive, a docker-archive or a registry reference.');
  }
  const stream = new PassThrough();
  (await tarDirectory(join(dir, 'layout'))).pipe(stream);
  return { stream, cleanup };
}
