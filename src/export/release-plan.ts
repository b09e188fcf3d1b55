/**
 * What every export target is made from, read once from the store: the release's process types and
 * config, the formation, domains, the health check and timeouts, and which config vars point at
 * services twelve runs on this machine (which the target cannot reach: exported with a warning).
 */
import { parseHealthcheck, type Healthcheck } from '../build/healthcheck.js';
import type { Db } from '../store/database.js';
import { attachmentsOfApp, getAddonById } from '../store/addons.js';
import { listDomains } from '../store/domains.js';
import { formationForRelease, getFormation, getFormationSizes } from '../store/formation.js';
import { DEFAULT_SIZE, findSize, type ProcessSize, webConcurrency } from '../run/process-size.js';
import type { ExportSubject } from './export-subject.js';

export interface ReleasePlan {
  app: string;
  version: number;
  /** Long-running types and their Procfile commands (the release command is apart). */
  processTypes: Record<string, string>;
  releaseCommand: string | undefined;
  formation: Record<string, number>;
  config: Record<string, string>;
  domains: string[];
  healthcheck: Healthcheck | undefined;
  bootTimeoutSeconds: number;
  stopTimeoutSeconds: number;
  /** Config keys whose service twelve runs here (DATABASE_URL of a provisioned PostgreSQL, ...). */
  localAddonKeys: string[];
  /** The stacks the build installed (node, python): their Heroku defaults apply (docs/environment.md). */
  stacks: string[];
  /** Each type's size (`ps:resize`), the release command's under `release`. */
  sizes: Record<string, ProcessSize>;
}

/**
 * The variables twelve gives a process of this size besides the config: WEB_CONCURRENCY (for one CPU:
 * the target's CPUs are not known here) and MEMORY_AVAILABLE, as in docs/environment.md.
 */
export function sizeEnv(plan: ReleasePlan, type: string): Record<string, string> {
  const size = plan.sizes[type] ?? findSize(DEFAULT_SIZE);
  return { WEB_CONCURRENCY: String(webConcurrency(size, 1, plan.stacks)), MEMORY_AVAILABLE: String(size.memoryMb) };
}

export function releasePlan(db: Db, subject: ExportSubject, timeouts: { bootTimeoutMs: number; stopTimeoutMs: number }): ReleasePlan {
  const { app, release, manifest } = subject;
  const sizes = getFormationSizes(db, app.id);
  const processTypes = Object.fromEntries(Object.entries(release.processTypes).filter(([type]) => type !== 'release'));
  const localAddonKeys = attachmentsOfApp(db, app.id)
    .filter((attachment) => getAddonById(db, attachment.addonId).provider === 'twelve')
    .map((attachment) => `${attachment.name}_URL`)
    .filter((key) => release.config[key] !== undefined);
  return {
    app: app.name,
    version: release.version,
    processTypes,
    releaseCommand: release.processTypes.release,
    formation: formationForRelease(getFormation(db, app.id), release.processTypes),
    config: release.config,
    domains: listDomains(db, app.id).map((domain) => domain.hostname),
    healthcheck: parseHealthcheck(manifest.appJson),
    bootTimeoutSeconds: Math.ceil(timeouts.bootTimeoutMs / 1000),
    stopTimeoutSeconds: Math.ceil(timeouts.stopTimeoutMs / 1000),
    localAddonKeys,
    stacks: Object.keys(manifest.runtimes ?? {}),
    sizes: Object.fromEntries(Object.keys(release.processTypes).map((type) => [type, findSize(sizes[type] ?? DEFAULT_SIZE)])),
  };
}

/** The warning each target prints for config it carries but cannot make work. */
export function localAddonWarnings(plan: ReleasePlan): string[] {
  return plan.localAddonKeys.map((key) =>
    `${key} points at a service twelve runs on this machine: it is exported as it is; attach a service the target can reach and set ${key} to it`);
}
