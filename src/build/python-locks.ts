/**
 * Python lock files read directly: pipenv, poetry and uv are not installed on this machine, so twelve
 * turns Pipfile.lock, poetry.lock and uv.lock into the pinned requirements list pip installs, taking the
 * app's runtime packages only (no dev groups). Pure: text in, requirement lines out.
 */
import { parse as parseToml } from 'smol-toml';
import { errorText, TwelveError } from '../errors.js';

export type LockFile = 'Pipfile.lock' | 'poetry.lock' | 'uv.lock';

function invalid(file: LockFile, reason: string): TwelveError {
  return new TwelveError('BUILD_FAILED', `${file} could not be read: ${reason}`, { step: `read ${file}`, exitCode: null });
}

/**
 * Pipfile.lock's "default" section (its "develop" section holds the dev packages).
 * @example requirementsFromPipfileLock('{"default": {"flask": {"version": "==3.0.0"}}}') // ['flask==3.0.0']
 */
export function requirementsFromPipfileLock(text: string): string[] {
  let lock: { default?: Record<string, Record<string, unknown>> };
  try {
    lock = JSON.parse(text) as typeof lock;
  } catch (error) {
    throw invalid('Pipfile.lock', errorText(error));
  }
  return Object.entries(lock.default ?? {}).map(([name, entry]) => {
    const extras = Array.isArray(entry.extras) && entry.extras.length > 0 ? `[${entry.extras.join(',')}]` : '';
    const markers = typeof entry.markers === 'string' ? ` ; ${entry.markers}` : '';
    if (typeof entry.git === 'string') return `${name}${extras} @ git+${entry.git}${typeof entry.ref === 'string' ? `@${entry.ref}` : ''}${markers}`;
    if (typeof entry.file === 'string') return `${name}${extras} @ ${entry.file}${markers}`;
    if (typeof entry.path === 'string') return `${entry.path}${markers}`;
    if (typeof entry.version !== 'string') throw invalid('Pipfile.lock', `"${name}" has no version`);
    return `${name}${extras}${entry.version}${markers}`;
  });
}

interface PoetryPackage {
  name: string;
  version: string;
  optional?: boolean;
  category?: string;
  groups?: string[];
  markers?: string | Record<string, string>;
  source?: { type?: string; url?: string; resolved_reference?: string; reference?: string };
}

/**
 * poetry.lock's packages of the main group: `groups` (lock format 2.1) or `category` (older) says which.
 * @example requirementsFromPoetryLock('[[package]]\nname = "flask"\nversion = "3.0.0"\ncategory = "main"\n') // ['flask==3.0.0']
 */
export function requirementsFromPoetryLock(text: string): string[] {
  const lock = toml('poetry.lock', text) as { package?: PoetryPackage[] };
  return (lock.package ?? [])
    .filter((pkg) => !pkg.optional && (pkg.groups ? pkg.groups.includes('main') : (pkg.category ?? 'main') === 'main'))
    .map((pkg) => {
      const marker = typeof pkg.markers === 'string' ? ` ; ${pkg.markers}` : typeof pkg.markers?.main === 'string' ? ` ; ${pkg.markers.main}` : '';
      const source = pkg.source;
      if (source?.type === 'git') return `${pkg.name} @ git+${source.url}@${source.resolved_reference ?? source.reference}${marker}`;
      if (source?.type === 'url') return `${pkg.name} @ ${source.url}${marker}`;
      if (source?.type === 'directory' || source?.type === 'file') return `${source.url}${marker}`;
      return `${pkg.name}==${pkg.version}${marker}`;
    });
}

interface UvDependency {
  name: string;
  marker?: string;
  extra?: string[];
}

interface UvPackage {
  name: string;
  version?: string;
  source?: { registry?: string; git?: string; url?: string; virtual?: string; editable?: string; directory?: string; path?: string };
  dependencies?: UvDependency[];
  'optional-dependencies'?: Record<string, UvDependency[]>;
}

/**
 * uv.lock's packages the project needs at run time: walked from the project's own `dependencies`
 * (its `dev-dependencies` are left out), extras followed. A package reached only through a marked
 * edge keeps that edge's marker, so a Windows-only dependency is not installed on Linux.
 */
export function requirementsFromUvLock(text: string): string[] {
  const lock = toml('uv.lock', text) as { package?: UvPackage[] };
  const packages = lock.package ?? [];
  const byName = new Map(packages.map((pkg) => [normalize(pkg.name), pkg]));
  const roots = packages.filter((pkg) => pkg.source?.virtual !== undefined || pkg.source?.editable === '.');
  if (roots.length === 0) throw invalid('uv.lock', 'it names no project (a package whose source is the project directory itself)');
  const markers = new Map<string, string | null>();
  const queue: Array<{ dep: UvDependency; marker: string | null }> = roots.flatMap((root) => (root.dependencies ?? []).map((dep) => ({ dep, marker: dep.marker ?? null })));
  while (queue.length > 0) {
    const { dep, marker } = queue.shift()!;
    const name = normalize(dep.name);
    const known = markers.get(name);
    // Seen without a marker: nothing to widen. Seen with one: an unmarked edge widens it to always.
    if (known === null || (known !== undefined && marker !== null)) continue;
    markers.set(name, marker);
    const pkg = byName.get(name);
    if (!pkg) throw invalid('uv.lock', `"${dep.name}" is a dependency but has no [[package]] entry`);
    const next = [...(pkg.dependencies ?? []), ...(dep.extra ?? []).flatMap((extra) => pkg['optional-dependencies']?.[extra] ?? [])];
    for (const child of next) queue.push({ dep: child, marker: marker ?? child.marker ?? null });
  }
  return [...markers].map(([name, marker]) => {
    const pkg = byName.get(name)!;
    const suffix = marker ? ` ; ${marker}` : '';
    if (pkg.source?.git) return `${pkg.name} @ git+${pkg.source.git.replace(/#.*$/, '').replace(/\?rev=/, '@')}${suffix}`;
    if (pkg.source?.url) return `${pkg.name} @ ${pkg.source.url}${suffix}`;
    if (pkg.source?.directory ?? pkg.source?.path ?? pkg.source?.editable) return `./${pkg.source.directory ?? pkg.source.path ?? pkg.source.editable}${suffix}`;
    return `${pkg.name}==${pkg.version}${suffix}`;
  });
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function toml(file: LockFile, text: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw invalid(file, errorText(error).split('\n')[0]!);
  }
}
