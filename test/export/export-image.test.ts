import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestPlatform, waitFor } from '../e2e/harness.js';
import { httpGet, NODE_APP, PINNED_NODE_APP, PROCFILE_APP, PYTHON_APP, writeApp } from './apps.js';
import { freePort } from '../../src/free-port.js';
import { Podman, PODMAN_MISSING } from './podman.js';

interface Exported {
  ref: string; manifest: { digest: string }; config: { digest: string }; layers: Array<{ digest: string }>;
  files: Array<{ path: string; sha256: string }>; pushed: string | null;
}

const SKOPEO_MISSING = spawnSync('skopeo', ['--version']).status === 0 ? false : 'skopeo is not installed';
const UMOCI_MISSING = spawnSync('umoci', ['--version']).status === 0 ? false : 'umoci is not installed';

/** One blob of an oci-archive, read with the system's tar. */
async function layerOf(archive: string, digest: string): Promise<Buffer> {
  return spawnSync('tar', ['-xOf', archive, `blobs/sha256/${digest.slice(7)}`], { maxBuffer: 1 << 30 }).stdout;
}

describe('twelve export image', () => {
  const platform = new TestPlatform();
  const podman = new Podman();

  before(async () => {
    await platform.start();
    for (const [app, files] of [['node', NODE_APP], ['py', PYTHON_APP], ['shell', PROCFILE_APP]] as const) {
      await platform.ok('apps:create', app);
      await platform.ok('deploy', writeApp(files), '-a', app);
    }
    await platform.ok('config:set', 'GREETING=from-twelve', '-a', 'node');
  });
  after(async () => {
    await platform.dispose();
    await podman.dispose();
  });

  const exportTo = (app: string, name: string, ...extra: string[]): Promise<Exported> =>
    platform.json<Exported>('export', 'image', '-a', app, '-o', join(podman.dir, name), ...extra);

  test('exporting the same release twice gives the same digests, as an archive and as a layout', async () => {
    const first = await exportTo('node', 'node-1.tar');
    const second = await exportTo('node', 'node-2.tar');
    const layout = await exportTo('node', 'node-layout');
    assert.equal(first.ref, 'node:v2');
    assert.equal(second.manifest.digest, first.manifest.digest);
    assert.equal(second.files[0]!.sha256, first.files[0]!.sha256);
    assert.equal(layout.manifest.digest, first.manifest.digest);
    const index = JSON.parse(readFileSync(join(podman.dir, 'node-layout', 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    assert.equal(index.manifests[0]!.digest, first.manifest.digest);
  });

  test('never bakes config into the image', async () => {
    const exported = await exportTo('node', 'node-config', '--release', 'v2');
    const config = readFileSync(join(podman.dir, 'node-config', 'blobs', 'sha256', exported.config.digest.slice(7)), 'utf8');
    assert.match(config, /"PORT=5000"/);
    assert.doesNotMatch(config, /GREETING|from-twelve/);
  });

  test('podman runs the Node image: web answers with config given by -e, a worker runs, the release command runs, not as root', { skip: PODMAN_MISSING }, async () => {
    await exportTo('node', 'node-run.tar');
    await podman.ok(['load', '--input', join(podman.dir, 'node-run.tar')]);
    const port = await freePort();
    await podman.ok(['run', '--detach', '--name', 'node-web', '--network', 'host', '-e', `PORT=${port}`, '-e', 'GREETING=hi', 'node:v2', 'web']);
    const answer = await waitFor('the web process to answer', () => httpGet(`http://127.0.0.1:${port}/`).catch(() => undefined), 30_000, 200);
    assert.equal(answer.body, 'hello hi uid=1000 dyno=web.1');

    await podman.ok(['run', '--detach', '--name', 'node-worker', 'node:v2', 'worker']);
    await waitFor('the worker to tick', async () => (await podman.ok(['logs', 'node-worker'])).includes('worker tick'), 30_000, 200);
    assert.match(await podman.ok(['logs', 'node-worker']), /worker up as uid 1000/);
    assert.match(await podman.ok(['run', '--rm', 'node:v2', 'release']), /release ran/);
    assert.equal((await podman.ok(['image', 'inspect', '--format', '{{.Config.User}}', 'node:v2'])).trim(), '1000:1000');
  });

  test('podman runs the Python image from a docker-archive', { skip: PODMAN_MISSING }, async () => {
    await exportTo('py', 'py.docker.tar');
    await podman.ok(['load', '--input', join(podman.dir, 'py.docker.tar')]);
    const port = await freePort();
    await podman.ok(['run', '--detach', '--name', 'py-web', '--network', 'host', '-e', `PORT=${port}`, '-e', 'GREETING=hey', 'py:v1']);
    const answer = await waitFor('the web process to answer', () => httpGet(`http://127.0.0.1:${port}/`).catch(() => undefined), 30_000, 200);
    assert.equal(answer.body, 'hello hey uid=1000');
  });

  test('podman runs a Procfile-only image from an OCI layout: its worker and its release command', { skip: PODMAN_MISSING }, async () => {
    await exportTo('shell', 'shell-layout');
    const layout = `oci:${join(podman.dir, 'shell-layout')}`;
    assert.equal((await podman.ok(['run', '--rm', layout, 'worker'])).trim(), 'worker v1 in /app as /app');
    assert.equal((await podman.ok(['run', '--rm', layout, 'release'])).trim(), 'release phase of shell');
  });

  test('unsandboxed builds: a pinned Node.js runtime at /app/.heroku/node (npm start serves), a pyenv Python at its own path', { skip: PODMAN_MISSING }, async () => {
    // Unsandboxed, python3 is the machine's first on PATH (pyenv's here), under /root: the image carries it there.
    const unsandboxed = new TestPlatform({ TWELVE_SANDBOX: 'off' });
    try {
      await unsandboxed.start();
      for (const [app, files] of [['pinned', PINNED_NODE_APP], ['pyenv', PYTHON_APP]] as const) {
        await unsandboxed.ok('apps:create', app);
        await unsandboxed.ok('deploy', writeApp(files), '-a', app);
        await unsandboxed.ok('export', 'image', '-a', app, '-o', join(podman.dir, `${app}.tar`));
      }
    } finally {
      await unsandboxed.dispose();
    }
    await podman.ok(['load', '--input', join(podman.dir, 'pyenv.tar')]);
    const pyPort = await freePort();
    await podman.ok(['run', '--detach', '--name', 'pyenv-web', '--network', 'host', '-e', `PORT=${pyPort}`, '-e', 'GREETING=pyenv', 'pyenv:v1']);
    const pyAnswer = await waitFor('the Python web process to answer', () => httpGet(`http://127.0.0.1:${pyPort}/`).catch(() => undefined), 30_000, 200);
    assert.equal(pyAnswer.body, 'hello pyenv uid=1000');
    await podman.ok(['load', '--input', join(podman.dir, 'pinned.tar')]);
    assert.equal((await podman.ok(['run', '--rm', 'pinned:v1', 'sh', '-c', 'command -v node; command -v npm'])).trim(),
      '/app/.heroku/node/bin/node\n/app/.heroku/npm/bin/npm');
    const port = await freePort();
    await podman.ok(['run', '--detach', '--name', 'pinned-web', '--network', 'host', '-e', `PORT=${port}`, 'pinned:v1']);
    const answer = await waitFor('npm start to serve', () => httpGet(`http://127.0.0.1:${port}/`).catch(() => undefined), 60_000, 200);
    assert.equal(answer.body, 'hello  uid=1000 dyno=web.1');
  });

  test('builds on a base image given as an OCI layout: its layers first, its files kept, the app\'s user added', { skip: PODMAN_MISSING }, async () => {
    const base = await exportTo('shell', 'base-layout');
    const built = await exportTo('node', 'on-base.tar', '--base', join(podman.dir, 'base-layout'));
    assert.equal(built.layers.length, 4);
    assert.deepEqual(built.layers.slice(0, 2).map((layer) => layer.digest), base.layers.map((layer) => layer.digest));
    await podman.ok(['load', '--input', join(podman.dir, 'on-base.tar')]);
    const port = await freePort();
    await podman.ok(['run', '--detach', '--name', 'on-base-web', '--network', 'host', '-e', `PORT=${port}`, '-e', 'GREETING=based', 'node:v2']);
    const answer = await waitFor('the web process to answer', () => httpGet(`http://127.0.0.1:${port}/`).catch(() => undefined), 30_000, 200);
    assert.equal(answer.body, 'hello based uid=1000 dyno=web.1');
    // The base already has dash and libc: twelve's system layer leaves them to it.
    const system = spawnSync('tar', ['-tf', '-'], { input: await layerOf(join(podman.dir, 'on-base.tar'), built.layers[2]!.digest) }).stdout.toString();
    assert.doesNotMatch(system, /^usr\/bin\/dash$/m);
    assert.match(system, /^usr\/bin\/node$/m);
    assert.match(system, /^etc\/passwd$/m);
  });

  test('--push copies the image with skopeo', { skip: SKOPEO_MISSING }, async () => {
    const target = join(podman.dir, 'pushed');
    const pushed = await exportTo('shell', 'push.tar', '--push', `oci:${target}:shell:v1`);
    assert.equal(pushed.pushed, `oci:${target}:shell:v1`);
    const index = JSON.parse(readFileSync(join(target, 'index.json'), 'utf8')) as { manifests: Array<{ annotations: Record<string, string> }> };
    assert.equal(index.manifests[0]!.annotations['org.opencontainers.image.ref.name'], 'shell:v1');
  });

  test('umoci reads the exported OCI layout', { skip: UMOCI_MISSING }, async () => {
    await exportTo('shell', 'umoci-layout');
    const listed = spawnSync('umoci', ['ls', '--layout', join(podman.dir, 'umoci-layout')], { encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    assert.equal(listed.stdout.trim(), 'shell:v1');
  });

  test('refuses to write over an existing export', async () => {
    await exportTo('shell', 'shell.tar');
    const again = await platform.cli('export', 'image', '-a', 'shell', '-o', join(podman.dir, 'shell.tar'));
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
  });
});
