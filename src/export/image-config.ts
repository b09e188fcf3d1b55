/**
 * What an exported image says about itself, built from a release alone: the OCI image config (user,
 * environment, entrypoint), the user's /etc/passwd and /etc/group lines, and where the build's PATH
 * entries are inside the image. No config var is ever written here.
 */
import { stackDefaults } from '../run/process-env.js';
import { ENTRYPOINT_PATH } from './entrypoint-script.js';

/** The unprivileged user every process of the image runs as. */
export const APP_USER = { name: 'app', uid: 1000, gid: 1000 } as const;
export const APP_DIR = '/app';
/** Where a build's pinned Node.js runtime is inside the image, as the sandbox puts it. */
export const NODE_RUNTIME_DIR = '/app/.heroku/node';
/** The PORT a web process listens on unless the container is told another. */
export const DEFAULT_PORT = 5000;
const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * A manifest PATH entry inside the image: `app/X` is `/app/X`, the runtime beside the app
 * (`runtime/node/bin`) is under /app/.heroku, absolute entries stay where they are.
 * @example imagePathEntry('runtime/node/bin') // '/app/.heroku/node/bin'
 */
export function imagePathEntry(entry: string): string {
  if (entry.startsWith('/')) return entry;
  const clean = entry.replace(/\/+$/, '');
  if (clean === 'app' || clean.startsWith('app/')) return `/${clean}`;
  if (clean.startsWith('runtime/')) return `${APP_DIR}/.heroku/${clean.slice('runtime/'.length)}`;
  return `${APP_DIR}/${clean}`;
}

export function imagePath(manifestPath: string[]): string {
  const entries = [...manifestPath.map(imagePathEntry), ...SYSTEM_PATH];
  return entries.filter((entry, index) => entries.indexOf(entry) === index).join(':');
}

/** The image's /etc/passwd: a base image's with the app's user added, unless it has a user of that uid. */
export function passwdFile(base = 'root:x:0:0:root:/root:/bin/sh\n'): string {
  return withLine(base, 2, APP_USER.uid, `${APP_USER.name}:x:${APP_USER.uid}:${APP_USER.gid}:twelve app:${APP_DIR}:/bin/sh`);
}

export function groupFile(base = 'root:x:0:\n'): string {
  return withLine(base, 2, APP_USER.gid, `${APP_USER.name}:x:${APP_USER.gid}:`);
}

function withLine(text: string, idField: number, id: number, line: string): string {
  const lines = text.split('\n').filter((entry) => entry !== '');
  if (lines.some((entry) => entry.split(':')[idField] === String(id))) return `${lines.join('\n')}\n`;
  return `${[...lines, line].join('\n')}\n`;
}

export interface ImageConfigInput {
  app: string;
  version: number;
  /** The release's creation time: the image's, so the same release always gives the same config. */
  createdAt: string;
  manifestPath: string[];
  processTypes: Record<string, string>;
  /** The layers' uncompressed digests, base image's first. */
  diffIds: string[];
  /** The base image's config, when the image is built on one. */
  base?: OciImageConfig;
  /** The stacks the build installed: their Heroku defaults (NODE_ENV, PYTHONUNBUFFERED...) are the image's. */
  stacks?: string[];
}

export interface OciImageConfig {
  created?: string;
  architecture: string;
  os: string;
  config: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[];
    Cmd?: string[];
    WorkingDir?: string;
    ExposedPorts?: Record<string, Record<string, never>>;
    Labels?: Record<string, string>;
  };
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: Array<{ created?: string; created_by?: string; comment?: string; empty_layer?: boolean }>;
}

/** The environment the image starts with: base's (minus PATH) then twelve's, never the app's config. */
function imageEnv(input: ImageConfigInput): string[] {
  const ours: Record<string, string> = {
    PATH: imagePath(input.manifestPath),
    HOME: APP_DIR,
    PORT: String(DEFAULT_PORT),
    LANG: 'C.UTF-8',
    SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt',
    ...stackDefaults(input.stacks ?? [], APP_DIR),
    TWELVE_APP: input.app,
    TWELVE_RELEASE_VERSION: `v${input.version}`,
  };
  // A base that sets LANG has the locales for it; twelve's C.UTF-8 is for images without any.
  if (input.base?.config.Env?.some((line) => line.startsWith('LANG='))) delete ours.LANG;
  const inherited = (input.base?.config.Env ?? []).filter((line) => !Object.hasOwn(ours, line.split('=')[0]!));
  const basePath = input.base?.config.Env?.find((line) => line.startsWith('PATH='))?.slice(5);
  if (basePath) ours.PATH = [...new Set([...ours.PATH.split(':'), ...basePath.split(':')])].join(':');
  return [...inherited, ...Object.entries(ours).map(([key, value]) => `${key}=${value}`)];
}

export function imageConfig(input: ImageConfigInput): OciImageConfig {
  const types = Object.keys(input.processTypes).filter((type) => type !== 'release').sort();
  const defaultType = types.includes('web') ? 'web' : types[0];
  const ownLayers = input.diffIds.length - (input.base?.rootfs.diff_ids.length ?? 0);
  return {
    created: input.createdAt,
    architecture: 'amd64',
    os: 'linux',
    config: {
      User: `${APP_USER.uid}:${APP_USER.gid}`,
      Env: imageEnv(input),
      Entrypoint: [ENTRYPOINT_PATH],
      ...(defaultType === undefined ? {} : { Cmd: [defaultType] }),
      WorkingDir: APP_DIR,
      ExposedPorts: { [`${DEFAULT_PORT}/tcp`]: {} },
      Labels: {
        ...input.base?.config.Labels,
        'org.opencontainers.image.title': input.app,
        'org.opencontainers.image.version': `v${input.version}`,
        'dev.twelve.process-types': types.join(','),
      },
    },
    rootfs: { type: 'layers', diff_ids: input.diffIds },
    history: [
      ...(input.base?.history ?? []),
      ...Array.from({ length: ownLayers }, (_, index) => ({
        created: input.createdAt,
        created_by: `twelve export image (${index === ownLayers - 1 ? 'the build at /app' : 'runtime, shell and system files'})`,
      })),
    ],
  };
}
