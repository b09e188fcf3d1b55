/**
 * What a self-contained image holds, read from the build and this machine: the build at /app (its
 * pinned Node.js at /app/.heroku/node), the runtimes the build refers to by absolute path (the machine's
 * node and npm, a virtualenv's interpreter and its standard library) at the same paths, /bin/sh and
 * /usr/bin/env, the shared libraries all of those need, CA certificates, time zones, /etc/passwd.
 */
import { existsSync } from 'node:fs';
import { readFile, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { BuildManifest } from '../store/builds.js';
import { ENTRYPOINT_PATH } from './entrypoint-script.js';
import { addHostPath, addHostTree, addSharedLibraries, type HostCopy } from './host-files.js';
import { APP_DIR, APP_USER, groupFile, NODE_RUNTIME_DIR, passwdFile } from './image-config.js';
import { LayerEntries } from './layer-entries.js';

export interface ImageFiles {
  /** Host files: shell, runtimes outside the build, libraries, certificates, time zones, users. */
  system: LayerEntries;
  /** The build and the entrypoint: what changes from one release to the next. */
  app: LayerEntries;
  /** Shared libraries the loader could not find: the image may lack what a program needs. */
  warnings: string[];
}

const APP_OWNER = { uid: APP_USER.uid, gid: APP_USER.gid };
/** A virtualenv uses its own site-packages; the interpreter's tests and tooling are not run by apps. */
/**
 * npm's debug logs: written by whoever ran npm (the build, or a process that runs `npm start` with the
 * sandbox off, whose /app is the build itself), never read by the app, and so changing under an export.
 */
const APP_LEFT_OUT = /^\.npm\/_logs(\/|$)/;
const STDLIB_LEFT_OUT = /^(site-packages|dist-packages|test|idlelib|tkinter|turtledemo|ensurepip|config-[^/]*|lib-dynload\/_tkinter[^/]*)(\/|$)/;
const NSSWITCH = 'passwd: files\ngroup: files\nhosts: files dns\n';

/** What a base image already has: twelve's system layer leaves it out, and adds its user to the base's. */
export interface BaseFiles { paths: Set<string>; passwd: string | undefined; group: string | undefined }

export async function collectImageFiles(buildDir: string, manifest: BuildManifest, entrypoint: string, base?: BaseFiles): Promise<ImageFiles> {
  const copy: HostCopy = { elfFiles: new Set() };
  const app = new LayerEntries();
  app.directory(APP_DIR, 0o755, APP_OWNER);
  await addHostTree(app, copy, join(buildDir, 'app'), APP_DIR, { owner: APP_OWNER, exclude: (relative) => APP_LEFT_OUT.test(relative) });
  const runtime = join(buildDir, 'runtime', 'node');
  if (existsSync(runtime)) await addHostTree(app, copy, runtime, NODE_RUNTIME_DIR, { owner: APP_OWNER });
  // Virtualenv scripts and some packages hold the build's absolute path: it leads to /app in the image.
  if (resolve(buildDir, 'app') !== APP_DIR) {
    // Its parents keep this machine's modes (a data dir under /tmp must not make the image's /tmp 0755),
    // opened for passing through (the app's user reaches the build's path under a 0700 /root).
    for (let dir = buildDir; dir !== '/'; dir = dirname(dir)) app.directory(dir, (await stat(dir)).mode | 0o555);
    app.symlink(join(buildDir, 'app'), APP_DIR);
    if (existsSync(runtime)) app.symlink(runtime, NODE_RUNTIME_DIR);
  }
  app.data(ENTRYPOINT_PATH, 0o755, entrypoint);

  const system = new LayerEntries();
  system.data('/etc/passwd', 0o644, passwdFile(base?.passwd));
  system.data('/etc/group', 0o644, groupFile(base?.group));
  system.data('/etc/nsswitch.conf', 0o644, NSSWITCH);
  system.directory('/tmp', 0o1777);
  // env: `#!/usr/bin/env node` scripts (node_modules/.bin); dirname: the runtime's npm shims.
  for (const path of ['/bin/sh', '/usr/bin/env', '/usr/bin/dirname', '/etc/ssl/certs/ca-certificates.crt']) {
    if (existsSync(path)) await addHostPath(system, copy, path);
  }
  if (existsSync('/usr/share/zoneinfo')) await addHostTree(system, copy, '/usr/share/zoneinfo', '/usr/share/zoneinfo');
  await addMachineNode(system, copy, manifest);
  // Today's builds have the runtime beside app/; the sandbox's have it in app/.heroku/node.
  for (const dir of [runtime, join(buildDir, 'app', '.heroku', 'node')]) await addNpmShimTargets(system, copy, dir);
  await addVirtualenvPython(system, copy, join(buildDir, 'app', '.venv'));
  const missing = await addSharedLibraries(system, copy, [buildDir]);
  // The base's own shell, libraries and certificates stay: its packages were built against them.
  if (base) system.withoutPaths(base.paths, ['etc/passwd', 'etc/group']);
  return { system, app, warnings: missing.map((name) => `shared library not found on this machine: ${name}`) };
}

/** A file that lives inside an npm package brings the whole package (npm's bin is a script of it). */
async function addWithPackage(layer: LayerEntries, copy: HostCopy, path: string): Promise<void> {
  await addHostPath(layer, copy, path);
  const real = await realpath(path);
  const match = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(real);
  if (match) await addHostTree(layer, copy, match[1]!, match[1]!);
}

/** A build without engines.node names the machine's Node by its bin directory: node, npm and npx from there. */
async function addMachineNode(layer: LayerEntries, copy: HostCopy, manifest: BuildManifest): Promise<void> {
  for (const dir of manifest.path.filter((entry) => entry.startsWith('/'))) {
    for (const name of ['node', 'npm', 'npx']) {
      if (existsSync(join(dir, name))) await addWithPackage(layer, copy, join(dir, name));
    }
  }
}

/** The npm shims of a pinned runtime may run the machine's npm (or node) by absolute path. */
async function addNpmShimTargets(layer: LayerEntries, copy: HostCopy, runtime: string): Promise<void> {
  for (const name of ['npm', 'npx']) {
    const shim = join(runtime, 'bin', name);
    if (!existsSync(shim)) continue;
    const text = await readFile(shim, 'utf8');
    for (const [, path] of text.matchAll(/"(\/[^"$]+)"/g)) {
      if (existsSync(path!)) await addWithPackage(layer, copy, path!.endsWith('/bin') ? join(path!, `${name}-cli.js`) : path!);
    }
  }
}

/** A virtualenv's python links to the machine's interpreter, which needs its standard library beside it. */
async function addVirtualenvPython(layer: LayerEntries, copy: HostCopy, venv: string): Promise<void> {
  const cfgFile = join(venv, 'pyvenv.cfg');
  if (!existsSync(cfgFile)) return;
  const cfg = Object.fromEntries((await readFile(cfgFile, 'utf8')).split('\n')
    .map((line) => /^\s*([\w-]+)\s*=\s*(.*?)\s*$/.exec(line)).filter((match) => match !== null).map((match) => [match[1], match[2]]));
  const home = cfg.home;
  const version = /^(\d+\.\d+)/.exec(cfg.version ?? cfg.version_info ?? '')?.[1];
  if (!home || !version) return;
  for (const name of ['python', 'python3', `python${version}`]) {
    const link = join(venv, 'bin', name);
    if (!existsSync(link)) continue;
    const target = resolve(dirname(link), await readlink(link).catch(() => link));
    if (!target.startsWith(`${venv}/`)) await addHostPath(layer, copy, target);
  }
  const stdlib = join(dirname(home), 'lib', `python${version}`);
  if (existsSync(stdlib)) {
    await addHostPath(layer, copy, stdlib);
    await addHostTree(layer, copy, await realpath(stdlib), await realpath(stdlib), { exclude: (relative) => STDLIB_LEFT_OUT.test(relative) });
  }
}
