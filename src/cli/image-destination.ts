/** Pure rules of `twelve export image`: which format a destination asks for, and the skopeo command that pushes it. */
import { CliError } from './cli-error.js';

export type ImageFormat = 'oci' | 'oci-archive' | 'docker-archive';

const FORMATS: ImageFormat[] = ['oci', 'oci-archive', 'docker-archive'];

/**
 * `--format` when given, else the name: `X.docker.tar` a docker-archive, `X.tar` an oci-archive,
 * anything else an OCI image layout directory.
 * @example imageFormat('out/shop.tar') // 'oci-archive'
 */
export function imageFormat(path: string, format?: string): ImageFormat {
  if (format !== undefined) {
    if (!FORMATS.includes(format as ImageFormat)) {
      throw new CliError('INVALID_ARGUMENT', `--format ${format} is not one of ${FORMATS.join(', ')}`, 'Or leave it out: the name decides (X.tar, X.docker.tar, a directory).');
    }
    return format as ImageFormat;
  }
  if (path.endsWith('.docker.tar')) return 'docker-archive';
  if (path.endsWith('.tar')) return 'oci-archive';
  return 'oci';
}

/** containers-transports(5) name of what was written. */
export function transportOf(path: string, format: ImageFormat): string {
  return `${format}:${path}`;
}

/**
 * The argv that copies the export to a registry; REF without a transport is a registry reference.
 * @example pushArgv('shop.tar', 'oci-archive', 'registry.example.com/shop:v3')
 * // ['skopeo', 'copy', 'oci-archive:shop.tar', 'docker://registry.example.com/shop:v3']
 */
export function pushArgv(path: string, format: ImageFormat, ref: string): string[] {
  const destination = /^[a-z-]+:\/\//.test(ref) || /^(oci|oci-archive|docker-archive|dir|containers-storage):/.test(ref) ? ref : `docker://${ref}`;
  return ['skopeo', 'copy', transportOf(path, format), destination];
}
