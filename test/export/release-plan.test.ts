import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localAddonWarnings, releasePlan, sizeEnv } from '../../src/export/release-plan.js';
import { groupFile, imageConfig, passwdFile } from '../../src/export/image-config.js';
import { insertAddon, insertAttachment } from '../../src/store/addons.js';
import { insertApp } from '../../src/store/apps.js';
import type { BuildManifest } from '../../src/store/builds.js';
import { openDatabase } from '../../src/store/database.js';
import { insertDomain } from '../../src/store/domains.js';
import { setFormation, setFormationSizes } from '../../src/store/formation.js';
import type { Release } from '../../src/store/releases.js';
import { imageFormat, pushArgv } from '../../src/cli/image-destination.js';
import { skopeoSource } from '../../src/cli/base-image.js';

test('a release plan carries formation, domains and timeouts, and warns about addons twelve runs here but not attached URLs', () => {
  const db = openDatabase(':memory:');
  const app = insertApp(db, 'shop');
  const local = insertAddon(db, { name: 'shop-db', kind: 'postgres', provider: 'twelve', appId: app.id, secret: { url: 'postgres://127.0.0.1/shop' } });
  const external = insertAddon(db, { name: 'cache', kind: 'redis', provider: 'external', appId: app.id, secret: { url: 'redis://cache.example.com' } });
  insertAttachment(db, { addonId: local.id, appId: app.id, name: 'DATABASE' });
  insertAttachment(db, { addonId: external.id, appId: app.id, name: 'REDIS' });
  insertDomain(db, app.id, 'shop.example.com');
  setFormation(db, app.id, { worker: 3 });
  const release = {
    id: 1, appId: app.id, version: 5, buildId: 'b1', description: '', status: 'succeeded', createdAt: '2026-01-01T00:00:00.000Z',
    config: { DATABASE_URL: 'postgres://127.0.0.1/shop', REDIS_URL: 'redis://cache.example.com' },
    processTypes: { web: 'node web.js', worker: 'node worker.js', release: 'node migrate.js' },
  } as Release;
  const manifest = { appJson: { healthcheck: { path: '/up' } }, runtimes: { node: '20.1.0' } } as unknown as BuildManifest;
  setFormationSizes(db, app.id, { worker: '2x' });
  const plan = releasePlan(db, { app, release, manifest, buildDir: '/nowhere' }, { bootTimeoutMs: 20_500, stopTimeoutMs: 5000 });
  assert.deepEqual({ ...plan, healthcheck: plan.healthcheck?.path, sizes: Object.fromEntries(Object.entries(plan.sizes).map(([type, size]) => [type, size.name])) }, {
    app: 'shop', version: 5,
    processTypes: { web: 'node web.js', worker: 'node worker.js' },
    releaseCommand: 'node migrate.js',
    formation: { web: 1, worker: 3 },
    config: release.config,
    domains: ['shop.example.com'],
    healthcheck: '/up',
    bootTimeoutSeconds: 21, stopTimeoutSeconds: 5,
    localAddonKeys: ['DATABASE_URL'],
    stacks: ['node'],
    sizes: { web: '1x', worker: '2x', release: '1x' },
  });
  assert.deepEqual(sizeEnv(plan, 'worker'), { WEB_CONCURRENCY: '2', MEMORY_AVAILABLE: '1024' });
  assert.deepEqual(localAddonWarnings(plan), [
    'DATABASE_URL points at a service twelve runs on this machine: it is exported as it is; attach a service the target can reach and set DATABASE_URL to it',
  ]);
  db.close();
});

test('on a base image: its environment (LANG too) and labels are kept, its PATH after the build\'s, the app user added to its passwd', () => {
  const base = {
    architecture: 'amd64', os: 'linux',
    config: { Env: ['PATH=/usr/local/bin:/usr/bin:/opt/tool/bin', 'LANG=de_DE.UTF-8', 'TOOL_HOME=/opt/tool'], Labels: { vendor: 'base' } },
    rootfs: { type: 'layers' as const, diff_ids: ['sha256:base'] },
    history: [{ created_by: 'base layer' }],
  };
  const config = imageConfig({ app: 'shop', version: 1, createdAt: 'T', manifestPath: ['app/.venv/bin'], processTypes: { web: 'x' }, diffIds: ['sha256:base', 'sha256:a', 'sha256:b'], base });
  assert.deepEqual(config.config.Env, [
    'LANG=de_DE.UTF-8', 'TOOL_HOME=/opt/tool',
    'PATH=/app/.venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/tool/bin',
    'HOME=/app', 'PORT=5000', 'SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt', 'TWELVE_APP=shop', 'TWELVE_RELEASE_VERSION=v1',
  ]);
  assert.equal(config.config.Labels!.vendor, 'base');
  assert.deepEqual(config.history!.map((entry) => entry.created_by), ['base layer', 'twelve export image (runtime, shell and system files)', 'twelve export image (the build at /app)']);
  assert.equal(passwdFile('root:x:0:0::/root:/bin/bash\nwww:x:33:33::/var/www:/bin/false\n'),
    'root:x:0:0::/root:/bin/bash\nwww:x:33:33::/var/www:/bin/false\napp:x:1000:1000:twelve app:/app:/bin/sh\n');
  assert.equal(passwdFile('root:x:0:0::/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n'), 'root:x:0:0::/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n');
  assert.equal(groupFile(), 'root:x:0:\napp:x:1000:\n');
});

test('the CLI picks the format from the name and pushes with skopeo', () => {
  assert.equal(imageFormat('out/shop.tar'), 'oci-archive');
  assert.equal(imageFormat('out/shop.docker.tar'), 'docker-archive');
  assert.equal(imageFormat('out/shop'), 'oci');
  assert.equal(imageFormat('out/shop.tar', 'docker-archive'), 'docker-archive');
  assert.throws(() => imageFormat('x', 'zip'), /--format zip is not one of oci, oci-archive, docker-archive/);
  assert.deepEqual(pushArgv('shop.tar', 'oci-archive', 'registry.example.com/shop:v3'), ['skopeo', 'copy', 'oci-archive:shop.tar', 'docker://registry.example.com/shop:v3']);
  assert.deepEqual(pushArgv('shop', 'oci', 'oci:/srv/images:shop:v3'), ['skopeo', 'copy', 'oci:shop', 'oci:/srv/images:shop:v3']);
  assert.equal(skopeoSource('debian:bookworm-slim'), 'docker://debian:bookworm-slim');
  assert.equal(skopeoSource('localhost:5000/base:1'), 'docker://localhost:5000/base:1');
  assert.equal(skopeoSource('docker-archive:/tmp/x.tar'), 'docker-archive:/tmp/x.tar');
});
