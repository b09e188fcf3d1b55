/** Pure renderers: each turns an API answer into the text a command prints, Heroku style. */
import type { AppInfo, AppView, DeployEvent, ProcessView, ReleaseView } from '../api/types.js';
import { alignColumns, formatAgo, formatDateTime, formatKeyValues } from './format.js';

export function renderApps(apps: AppView[]): string {
  if (apps.length === 0) return 'You have no apps. Create one with `twelve apps:create NAME`.';
  const rows = apps.map((app) => [app.name, app.currentRelease === null ? '(not deployed)' : `v${app.currentRelease}`, app.url]);
  return `=== Apps\n${alignColumns(rows)}`;
}

function typeNames(processTypes: AppInfo['processTypes'] | undefined): string[] {
  return processTypes ? Object.keys(processTypes) : [];
}

/** `web: 1, worker: 0`, or `web at 1, worker at 0` for ps:scale. */
export function renderFormation(formation: Record<string, number>, separator = ': '): string {
  return Object.entries(formation).map(([type, count]) => `${type}${separator}${count}`).join(', ');
}

export function renderAppInfo(info: AppInfo): string {
  const pairs: Array<[string, string]> = [
    ['Created', formatDateTime(info.createdAt)],
    ['Current Release', info.release ? `v${info.release.version} (${info.release.description})` : '(not deployed)'],
    ['Processes', renderFormation(info.formation ?? {}) || '(none)'],
    ['Process Types', typeNames(info.processTypes).join(', ') || '(none)'],
  ];
  if (info.build) {
    pairs.push(['Stack', info.build.stacks?.join(', ') || info.build.stack || '(unknown)']);
    pairs.push(['Runtimes', Object.entries(info.build.runtimes ?? {}).map(([name, version]) => `${name} ${version}`).join(', ') || '(none)']);
    if (info.build.sourceSha) pairs.push(['Source Commit', info.build.sourceSha]);
  }
  pairs.push(['Web URL', info.url]);
  return `=== ${info.name}\n${formatKeyValues(pairs)}`;
}

/** A release's marker column: `current`, or its status when it is not plainly a past success. */
function releaseMarker(release: ReleaseView): string {
  if (release.current) return 'current';
  return release.status === 'succeeded' ? '' : release.status;
}

export function renderReleases(app: string, releases: ReleaseView[]): string {
  if (releases.length === 0) return `${app} has no releases yet. Deploy with \`twelve deploy -a ${app}\`.`;
  const current = releases.find((release) => release.current);
  const title = `=== ${app} Releases${current ? ` - Current: v${current.version}` : ''}`;
  const rows = releases.map((release) => [`v${release.version}`, release.description, releaseMarker(release), formatDateTime(release.createdAt)]);
  return `${title}\n${alignColumns(rows)}`;
}

export function renderConfig(app: string, config: Record<string, string>): string {
  const keys = Object.keys(config).sort();
  if (keys.length === 0) return `${app} has no config vars.`;
  return `=== ${app} Config Vars\n${formatKeyValues(keys.map((key) => [key, config[key]!]))}`;
}

function processLine(process: ProcessView, now: Date): string {
  const facts = [`${process.state} ${formatDateTime(process.since)} (${formatAgo(process.since, now)})`];
  if (process.pid !== null && process.pid !== undefined) facts.push(`pid ${process.pid}`);
  if (process.port !== null && process.port !== undefined) facts.push(`port ${process.port}`);
  if (process.restarts > 0) facts.push(`${process.restarts} restart${process.restarts === 1 ? '' : 's'}`);
  return `${process.name}: ${facts.join(', ')}`;
}

/**
 * `heroku ps`: a `=== TYPE (COUNT): COMMAND` heading per type, web first, then one line per process.
 * @example renderProcesses('hello', [web1]) // '=== web (1): node server.js\nweb.1: up 2026/11/26 16:00:00 (~ 3m ago), pid 42, port 20001'
 */
export function renderProcesses(app: string, processes: ProcessView[], now: Date = new Date()): string {
  if (processes.length === 0) return `No processes on ${app}. Start some with \`twelve ps:scale web=1 -a ${app}\`.`;
  const byType = new Map<string, ProcessView[]>();
  for (const process of processes) {
    const group = byType.get(process.type) ?? [];
    group.push(process);
    byType.set(process.type, group);
  }
  const types = [...byType.keys()].sort((a, b) => (a === 'web' ? -1 : b === 'web' ? 1 : a.localeCompare(b)));
  return types.map((type) => {
    const group = byType.get(type)!.sort((a, b) => a.number - b.number || a.release - b.release);
    const newest = group.reduce((a, b) => (b.release > a.release ? b : a));
    return [`=== ${type} (${group.length}): ${newest.command}`, ...group.map((process) => processLine(process, now))].join('\n');
  }).join('\n\n');
}

const STAGE_TITLES: Record<string, string> = { build: 'Building', release: 'Releasing', run: 'Starting processes' };

/**
 * The lines a deploy event prints, or undefined for an error (printed as an error instead). Build output
 * is printed as is: buildpacks already write their own `-----> ` headings.
 * @example renderDeployEvent({ type: 'done', release, url: 'http://hello.localhost:5000/' })
 *   // '-----> released v1\n       http://hello.localhost:5000/'
 */
export function renderDeployEvent(event: DeployEvent): string | undefined {
  switch (event.type) {
    case 'stage': return `-----> ${STAGE_TITLES[event.stage] ?? event.stage}`;
    case 'output': return event.text;
    case 'done': return `-----> released v${event.release.version}\n       ${event.url}`;
    default: return undefined;
  }
}
