import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReleasePlan } from '../../src/export/release-plan.js';
import { findSize } from '../../src/run/process-size.js';
import { environmentFile, installScript, instances, processUnit, releaseUnit, systemdLayout, targetUnit } from '../../src/export/systemd-units.js';

const plan: ReleasePlan = {
  app: 'shop', version: 4,
  processTypes: { web: 'node server.js', worker: 'node worker.js' },
  releaseCommand: 'node migrate.js',
  formation: { web: 2, worker: 1 },
  config: { GREETING: 'hi "there" $HOME\\', MULTI: 'a\nb' },
  domains: [], healthcheck: undefined, bootTimeoutSeconds: 60, stopTimeoutSeconds: 20, localAddonKeys: [],
  stacks: ['node'], sizes: { web: findSize('1x'), worker: findSize('performance-m'), release: findSize('1x') },
};
const layout = systemdLayout(plan, ['runtime/node/bin', 'app/node_modules/.bin']);

test('a process type\'s template unit runs its command in the release\'s root, sandboxed, after the release phase', () => {
  assert.equal(processUnit(plan, layout, 'web'), [
    '[Unit]',
    'Description=shop web process %i (release v4, exported by twelve)',
    'PartOf=shop.target',
    'Requires=shop-release.service',
    'After=shop-release.service',
    'After=network-online.target',
    'Wants=network-online.target',
    'StartLimitIntervalSec=0',
    '',
    '[Service]',
    'Type=simple',
    'RootDirectory=/var/lib/twelve/shop/v4',
    'BindReadOnlyPaths=/etc/resolv.conf /etc/hosts',
    'User=twelve-shop',
    'Group=twelve-shop',
    'EnvironmentFile=/etc/twelve/shop.env',
    'Environment=PATH=/app/.heroku/node/bin:/app/node_modules/.bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'Environment=HOME=/app',
    'Environment=LANG=C.UTF-8',
    'Environment=SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt',
    'Environment=NODE_ENV=production',
    'Environment=TWELVE_APP=shop',
    'Environment=TWELVE_RELEASE_VERSION=v4',
    'WorkingDirectory=/app',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'NoNewPrivileges=yes',
    'MemoryHigh=512M',
    'MemoryMax=1024M',
    'TasksMax=256',
    'Environment=WEB_CONCURRENCY=1',
    'Environment=MEMORY_AVAILABLE=512',
    'ExecStart=/bin/sh /usr/local/bin/twelve-run web',
    'Environment=DYNO=web.%i',
    'Environment=PORT=%i',
    'Restart=on-failure',
    'RestartSec=1s',
    'KillSignal=SIGTERM',
    'KillMode=mixed',
    'TimeoutStopSec=20s',
    'TimeoutStartSec=60s',
    '',
    '[Install]',
    'WantedBy=shop.target',
    '',
  ].join('\n'));
});

test('the release phase is a oneshot that stays active once it has succeeded', () => {
  const unit = releaseUnit(plan, layout);
  assert.match(unit, /\nType=oneshot\nRemainAfterExit=yes\n/);
  assert.match(unit, /\nExecStart=\/bin\/sh \/usr\/local\/bin\/twelve-run release\n/);
  assert.doesNotMatch(unit, /Restart=/);
});

test('the target wants every instance of the formation: web ones named by their PORT', () => {
  assert.deepEqual(instances(plan), ['shop-web@5000.service', 'shop-web@5001.service', 'shop-worker@1.service']);
  assert.equal(targetUnit(plan), [
    '[Unit]',
    'Description=shop, release v4 at its formation (exported by twelve)',
    'Wants=shop-web@5000.service',
    'Wants=shop-web@5001.service',
    'Wants=shop-worker@1.service',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n'));
});

test('the EnvironmentFile quotes values as systemd reads them', () => {
  assert.equal(environmentFile(plan.config), 'GREETING="hi \\"there\\" \\$HOME\\\\"\nMULTI="a\nb"\n');
});

test('install.sh makes the user, unpacks the root, installs the 0600 env file and the units, and starts the target', () => {
  assert.equal(installScript(plan, layout, ['shop-web@.service', 'shop.target']), [
    '#!/bin/sh',
    '# Installs release v4 of shop as systemd units: twelve export systemd wrote this (docs/export.md).',
    'set -eu',
    'cd "$(dirname "$0")"',
    "id -u 'twelve-shop' >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /app --shell /usr/sbin/nologin 'twelve-shop'",
    "mkdir -p '/var/lib/twelve/shop/v4'",
    "tar -xpf 'shop-v4-rootfs.tar' -C '/var/lib/twelve/shop/v4' --numeric-owner",
    "chown -R 'twelve-shop': '/var/lib/twelve/shop/v4/app'",
    "touch '/var/lib/twelve/shop/v4/etc/resolv.conf' '/var/lib/twelve/shop/v4/etc/hosts'",
    "install -d -m 0755 '/etc/twelve'",
    "install -m 0600 'shop.env' '/etc/twelve/shop.env'",
    "install -m 0644 'shop-web@.service' 'shop.target' /etc/systemd/system/",
    'systemctl daemon-reload',
    "systemctl enable 'shop.target'",
    "systemctl restart 'shop.target'",
    '',
  ].join('\n'));
});
