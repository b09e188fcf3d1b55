import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { entrypointScript, shellQuote } from '../../src/export/entrypoint-script.js';
import { parseLoaderListing } from '../../src/export/host-files.js';
import { imageConfig, imagePath, imagePathEntry, passwdFile } from '../../src/export/image-config.js';
import { LayerEntries } from '../../src/export/layer-entries.js';
import { writeTarFile } from '../../src/export/tar-writer.js';

test('maps the build\'s PATH entries into the image: app/ to /app, the runtime beside it to /app/.heroku, absolute ones as they are', () => {
  assert.equal(imagePathEntry('runtime/node/bin'), '/app/.heroku/node/bin');
  assert.equal(imagePathEntry('app/.heroku/node/bin'), '/app/.heroku/node/bin');
  assert.equal(imagePathEntry('app/node_modules/.bin'), '/app/node_modules/.bin');
  assert.equal(imagePathEntry('app/.venv/bin'), '/app/.venv/bin');
  assert.equal(imagePathEntry('/usr/bin'), '/usr/bin');
  assert.equal(imagePath(['runtime/node/bin', 'app/node_modules/.bin']),
    '/app/.heroku/node/bin:/app/node_modules/.bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  assert.equal(imagePath(['/usr/bin']), '/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/sbin:/bin');
});

test('the entrypoint runs a process type\'s command with sh -c, the release command too, and anything else as a one-off', () => {
  assert.equal(entrypointScript({ web: 'node server.js', worker: 'node a.js; node b.js', release: "echo 'it''s'" }), [
    '#!/bin/sh',
    '# twelve-run TYPE: runs the Procfile command of TYPE with sh -c, as twelve and Heroku do.',
    '# twelve-run COMMAND [ARG...]: runs a one-off command, as `twelve run` does.',
    'set -e',
    'cd /app',
    "[ $# -gt 0 ] || { echo 'twelve-run: name a process type (web, worker, release) or a command' >&2; exit 64; }",
    'case "$1" in',
    "  'web') command='exec node server.js' ;;",
    "  'worker') command='node a.js; node b.js' ;;",
    "  'release') command='exec echo '\\''it'\\'''\\''s'\\''' ;;",
    '  *) exec "$@" ;;',
    'esac',
    'export DYNO="${DYNO:-$1.1}"',
    'exec /bin/sh -c "$command"',
    '',
  ].join('\n'));
  assert.equal(shellQuote("a'b"), "'a'\\''b'");
});

test('the image config runs as the app user in /app with PORT and PATH, and holds no config var', () => {
  const config = imageConfig({
    app: 'shop', version: 3, createdAt: '2026-01-02T03:04:05.000Z', manifestPath: ['app/.venv/bin'],
    processTypes: { release: 'x', worker: 'w', web: 'v' }, diffIds: ['sha256:a', 'sha256:b'], stacks: ['python'],
  });
  assert.deepEqual(config.config, {
    User: '1000:1000',
    Env: [
      'PATH=/app/.venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/app', 'PORT=5000', 'LANG=C.UTF-8',
      'SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt', 'PYTHONUNBUFFERED=true', 'PYTHONHASHSEED=random', 'PYTHONPATH=/app',
      'TWELVE_APP=shop', 'TWELVE_RELEASE_VERSION=v3',
    ],
    Entrypoint: ['/usr/local/bin/twelve-run'],
    Cmd: ['web'],
    WorkingDir: '/app',
    ExposedPorts: { '5000/tcp': {} },
    Labels: { 'org.opencontainers.image.title': 'shop', 'org.opencontainers.image.version': 'v3', 'dev.twelve.process-types': 'web,worker' },
  });
  assert.equal(config.created, '2026-01-02T03:04:05.000Z');
  assert.deepEqual(config.rootfs, { type: 'layers', diff_ids: ['sha256:a', 'sha256:b'] });
  assert.equal(passwdFile(), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:twelve app:/app:/bin/sh\n');
});

test('reads the libraries and the loader from ld.so --list, and what it could not find', () => {
  const listing = [
    '\tlinux-vdso.so.1 (0x00007ffd5a1f2000)',
    '\tlibssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x00007f0f7b379000)',
    '\tlibgone.so.1 => not found',
    '\t/lib64/ld-linux-x86-64.so.2 (0x00007f0f7b46d000)',
  ].join('\n');
  assert.deepEqual(parseLoaderListing(listing), { found: ['/lib/x86_64-linux-gnu/libssl.so.3', '/lib64/ld-linux-x86-64.so.2'], missing: ['libgone.so.1'] });
});

test('a layer lists each directory before what it holds, with the parents it needs', () => {
  const layer = new LayerEntries();
  layer.data('/a-b/x', 0o644, 'x');
  layer.data('/a/b/c', 0o600, 'c');
  layer.symlink('/a/link', 'b/c');
  layer.directory('/tmp', 0o1777);
  assert.deepEqual(layer.sorted().map((entry) => entry.path), ['a', 'a/b', 'a/b/c', 'a/link', 'a-b', 'a-b/x', 'tmp']);
});

test('the same entries make the same tar, whatever the time, long names included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'twelve-tar-'));
  try {
    const layer = (): LayerEntries => {
      const entries = new LayerEntries();
      entries.data(`/app/${'deep/'.repeat(40)}file.txt`, 0o644, 'hello', { uid: 1000, gid: 1000 });
      entries.symlink('/bin', 'usr/bin');
      return entries;
    };
    const first = await writeTarFile(layer().sorted(), join(dir, 'a.tar'));
    await new Promise((resume) => setTimeout(resume, 1100));
    const second = await writeTarFile(layer().sorted(), join(dir, 'b.tar'));
    assert.deepEqual(second, first);
    assert.ok(readFileSync(join(dir, 'a.tar')).equals(readFileSync(join(dir, 'b.tar'))));
    const { list } = await import('tar');
    const seen: Array<{ path: string; uid: number | undefined; mtime: number | undefined }> = [];
    await list({ file: join(dir, 'a.tar'), onReadEntry: (entry) => { seen.push({ path: entry.path, uid: entry.uid, mtime: entry.mtime?.getTime() }); } });
    // node-tar reads a PAX path without a directory's trailing slash; GNU tar shows both the same way.
    assert.deepEqual(seen.map((entry) => entry.path.replace(/\/$/, '')),
      ['app', ...Array.from({ length: 40 }, (_, i) => `app${'/deep'.repeat(i + 1)}`), `app/${'deep/'.repeat(40)}file.txt`, 'bin']);
    assert.ok(seen.every((entry) => entry.mtime === 0));
    assert.equal(seen.at(-2)!.uid, 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
