/**
 * A release as systemd units, built from the release plan alone (no I/O): a template unit per process
 * type run inside the release's root filesystem (the exported image, unpacked), the release phase as a
 * oneshot every process requires, a target that wants each instance of the formation, the config as an
 * EnvironmentFile, and the install script that puts them in place.
 */
import { ENTRYPOINT_PATH, shellQuote } from './entrypoint-script.js';
import { APP_DIR, DEFAULT_PORT, imagePath } from './image-config.js';
import { stackDefaults } from '../run/process-env.js';
import { DEFAULT_SIZE, findSize } from '../run/process-size.js';
import { type ReleasePlan, sizeEnv } from './release-plan.js';

export interface SystemdLayout {
  /** Where install.sh unpacks the release's root filesystem, e.g. /var/lib/twelve/shop/v3. */
  root: string;
  /** The EnvironmentFile, e.g. /etc/twelve/shop.env. */
  envFile: string;
  /** The system user the processes run as. */
  user: string;
  /** The rootfs tarball's name beside the units. */
  tarball: string;
  manifestPath: string[];
}


export function systemdLayout(plan: ReleasePlan, manifestPath: string[]): SystemdLayout {
  return {
    root: `/var/lib/twelve/${plan.app}/v${plan.version}`,
    envFile: `/etc/twelve/${plan.app}.env`,
    user: `twelve-${plan.app}`,
    tarball: `${plan.app}-v${plan.version}-rootfs.tar`,
    manifestPath,
  };
}

/** The unit name of a process type: `shop-web@.service`. */
export function unitName(plan: ReleasePlan, type: string): string {
  return `${plan.app}-${type}@.service`;
}

/** Web instances are named by their PORT (shop-web@5000), as foreman's export does; others by number. */
export function instances(plan: ReleasePlan): string[] {
  return Object.keys(plan.processTypes).sort().flatMap((type) => Array.from({ length: plan.formation[type] ?? 0 }, (_, index) =>
    `${plan.app}-${type}@${type === 'web' ? DEFAULT_PORT + index : index + 1}.service`));
}

/** What every unit of the release runs inside: its root, its user, its config, and the sandbox. */
function serviceBody(plan: ReleasePlan, layout: SystemdLayout, type: string): string[] {
  const size = plan.sizes[type] ?? findSize(DEFAULT_SIZE);
  const env = {
    PATH: imagePath(layout.manifestPath), HOME: APP_DIR, LANG: 'C.UTF-8', SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt',
    ...stackDefaults(plan.stacks, APP_DIR),
    TWELVE_APP: plan.app, TWELVE_RELEASE_VERSION: `v${plan.version}`,
  };
  return [
    `RootDirectory=${layout.root}`,
    'BindReadOnlyPaths=/etc/resolv.conf /etc/hosts',
    `User=${layout.user}`,
    `Group=${layout.user}`,
    `EnvironmentFile=${layout.envFile}`,
    ...Object.entries(env).map(([key, value]) => `Environment=${key}=${value}`),
    `WorkingDirectory=${APP_DIR}`,
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'NoNewPrivileges=yes',
    // The size: over its memory the kernel reclaims hard, at twice it the process is killed (twelve's R15).
    `MemoryHigh=${size.memoryMb}M`,
    `MemoryMax=${size.memoryMb * 2}M`,
    `TasksMax=${size.maxTasks}`,
    ...Object.entries(sizeEnv(plan, type)).map(([key, value]) => `Environment=${key}=${value}`),
    // /bin/sh is there inside the root and outside it, where `systemd-analyze verify` looks for it.
    `ExecStart=/bin/sh ${ENTRYPOINT_PATH} ${type}`,
  ];
}

export function processUnit(plan: ReleasePlan, layout: SystemdLayout, type: string): string {
  const release = plan.releaseCommand === undefined ? [] : [`Requires=${plan.app}-release.service`, `After=${plan.app}-release.service`];
  return `${[
    '[Unit]',
    `Description=${plan.app} ${type} process %i (release v${plan.version}, exported by twelve)`,
    `PartOf=${plan.app}.target`,
    ...release,
    'After=network-online.target',
    'Wants=network-online.target',
    // Restarts never stop for good, as twelve's do not: no start limit.
    'StartLimitIntervalSec=0',
    '',
    '[Service]',
    'Type=simple',
    ...serviceBody(plan, layout, type),
    `Environment=DYNO=${type}.%i`,
    ...(type === 'web' ? ['Environment=PORT=%i'] : [`Environment=PORT=${DEFAULT_PORT}`]),
    'Restart=on-failure',
    'RestartSec=1s',
    'KillSignal=SIGTERM',
    'KillMode=mixed',
    `TimeoutStopSec=${plan.stopTimeoutSeconds}s`,
    `TimeoutStartSec=${plan.bootTimeoutSeconds}s`,
    '',
    '[Install]',
    `WantedBy=${plan.app}.target`,
  ].join('\n')}\n`;
}

export function releaseUnit(plan: ReleasePlan, layout: SystemdLayout): string {
  return `${[
    '[Unit]',
    `Description=${plan.app} release phase of v${plan.version} (exported by twelve)`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    // Once it has succeeded, the processes that require it start; it does not run again until the next release.
    'RemainAfterExit=yes',
    ...serviceBody(plan, layout, 'release'),
    'Environment=DYNO=release.1',
    `TimeoutStartSec=${Math.max(plan.bootTimeoutSeconds, 60) * 10}s`,
  ].join('\n')}\n`;
}

export function targetUnit(plan: ReleasePlan): string {
  return `${[
    '[Unit]',
    `Description=${plan.app}, release v${plan.version} at its formation (exported by twelve)`,
    ...instances(plan).map((instance) => `Wants=${instance}`),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ].join('\n')}\n`;
}

/**
 * The config as systemd reads an EnvironmentFile: KEY="value", with \, ", ` and $ escaped; a newline
 * stays a newline inside the quotes (systemd would keep the backslash of a \n).
 */
export function environmentFile(config: Record<string, string>): string {
  return Object.keys(config).sort().map((key) => {
    const value = config[key]!.replace(/[\\"`$]/g, (char) => `\\${char}`);
    return `${key}="${value}"\n`;
  }).join('');
}

export function installScript(plan: ReleasePlan, layout: SystemdLayout, unitFiles: string[]): string {
  const q = shellQuote;
  return `${[
    '#!/bin/sh',
    `# Installs release v${plan.version} of ${plan.app} as systemd units: twelve export systemd wrote this (docs/export.md).`,
    'set -eu',
    'cd "$(dirname "$0")"',
    `id -u ${q(layout.user)} >/dev/null 2>&1 || useradd --system --no-create-home --home-dir ${APP_DIR} --shell /usr/sbin/nologin ${q(layout.user)}`,
    `mkdir -p ${q(layout.root)}`,
    `tar -xpf ${q(layout.tarball)} -C ${q(layout.root)} --numeric-owner`,
    `chown -R ${q(layout.user)}: ${q(`${layout.root}${APP_DIR}`)}`,
    `touch ${q(`${layout.root}/etc/resolv.conf`)} ${q(`${layout.root}/etc/hosts`)}`,
    `install -d -m 0755 ${q(layout.envFile.replace(/\/[^/]+$/, ''))}`,
    `install -m 0600 ${q(`${plan.app}.env`)} ${q(layout.envFile)}`,
    `install -m 0644 ${unitFiles.map(q).join(' ')} /etc/systemd/system/`,
    'systemctl daemon-reload',
    `systemctl enable ${q(`${plan.app}.target`)}`,
    `systemctl restart ${q(`${plan.app}.target`)}`,
  ].join('\n')}\n`;
}
