/**
 * Dev/prod parity (factor X) made visible: two apps' stacks, runtimes, process types, addons, config
 * keys and source commits, and the list of ways they differ. Pure; values never enter it, and scale
 * (how many processes of a type) is shown but not counted, since production usually runs more.
 */

export interface ParitySide {
  app: string;
  release: number | null;
  stack: string | null;
  runtimes: Record<string, string>;
  sourceSha: string | null;
  processTypes: string[];
  formation: Record<string, number>;
  /** By attachment name: DATABASE -> postgres 15.8 (twelve) or postgres (external). */
  addons: Record<string, { kind: string; provider: string; version: string | null }>;
  configKeys: string[];
}

export interface Parity {
  a: ParitySide;
  b: ParitySide;
  differences: string[];
  keysOnlyInA: string[];
  keysOnlyInB: string[];
}

function addonLabel(addon: ParitySide['addons'][string] | undefined): string {
  if (!addon) return '(none)';
  return `${addon.kind}${addon.version ? ` ${addon.version}` : ''}${addon.provider === 'external' ? ' (external)' : ''}`;
}

function onlyIn(left: string[], right: string[]): string[] {
  const other = new Set(right);
  return left.filter((item) => !other.has(item)).sort();
}

export function compareParity(a: ParitySide, b: ParitySide): Parity {
  const differences: string[] = [];
  const differ = (what: string, left: string, right: string) => {
    if (left !== right) differences.push(`${what}: ${left} vs ${right}`);
  };
  differ('stack', a.stack ?? '(never deployed)', b.stack ?? '(never deployed)');
  for (const runtime of [...new Set([...Object.keys(a.runtimes), ...Object.keys(b.runtimes)])].sort()) {
    differ(`runtime ${runtime}`, a.runtimes[runtime] ?? '(none)', b.runtimes[runtime] ?? '(none)');
  }
  differ('source commit', a.sourceSha ?? '(not from git)', b.sourceSha ?? '(not from git)');
  const typesOnlyA = onlyIn(a.processTypes, b.processTypes);
  const typesOnlyB = onlyIn(b.processTypes, a.processTypes);
  if (typesOnlyA.length) differences.push(`process types only in ${a.app}: ${typesOnlyA.join(', ')}`);
  if (typesOnlyB.length) differences.push(`process types only in ${b.app}: ${typesOnlyB.join(', ')}`);
  for (const as of [...new Set([...Object.keys(a.addons), ...Object.keys(b.addons)])].sort()) {
    differ(`addon ${as}`, addonLabel(a.addons[as]), addonLabel(b.addons[as]));
  }
  const keysOnlyInA = onlyIn(a.configKeys, b.configKeys);
  const keysOnlyInB = onlyIn(b.configKeys, a.configKeys);
  if (keysOnlyInA.length) differences.push(`config keys only in ${a.app}: ${keysOnlyInA.join(', ')}`);
  if (keysOnlyInB.length) differences.push(`config keys only in ${b.app}: ${keysOnlyInB.join(', ')}`);
  return { a, b, differences, keysOnlyInA, keysOnlyInB };
}

/** Two columns: what each app has, row by row, then the differences (values never shown). */
export function renderParity(parity: Parity): string {
  const { a, b } = parity;
  const rows: Array<[string, string, string]> = [['', a.app, b.app]];
  rows.push(['release', a.release ? `v${a.release}` : '-', b.release ? `v${b.release}` : '-']);
  rows.push(['stack', a.stack ?? '-', b.stack ?? '-']);
  for (const runtime of [...new Set([...Object.keys(a.runtimes), ...Object.keys(b.runtimes)])].sort()) {
    rows.push([runtime, a.runtimes[runtime] ?? '-', b.runtimes[runtime] ?? '-']);
  }
  rows.push(['commit', a.sourceSha?.slice(0, 12) ?? '-', b.sourceSha?.slice(0, 12) ?? '-']);
  for (const type of [...new Set([...a.processTypes, ...b.processTypes])].sort()) {
    const count = (side: ParitySide) => (side.processTypes.includes(type) ? String(side.formation[type] ?? 0) : '-');
    rows.push([`ps ${type}`, count(a), count(b)]);
  }
  for (const as of [...new Set([...Object.keys(a.addons), ...Object.keys(b.addons)])].sort()) {
    rows.push([`addon ${as}`, a.addons[as] ? addonLabel(a.addons[as]) : '-', b.addons[as] ? addonLabel(b.addons[as]) : '-']);
  }
  for (const key of [...new Set([...a.configKeys, ...b.configKeys])].sort()) {
    rows.push([`config ${key}`, a.configKeys.includes(key) ? 'set' : '-', b.configKeys.includes(key) ? 'set' : '-']);
  }
  const widths = [0, 1].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  const table = rows.map(([what, left, right]) => `${what.padEnd(widths[0]!)}  ${left.padEnd(widths[1]!)}  ${right}`.trimEnd());
  const verdict = parity.differences.length === 0
    ? ['', `${a.app} and ${b.app} are at parity (values and scale aside).`]
    : ['', `${parity.differences.length} difference(s):`, ...parity.differences.map((line) => `  - ${line}`)];
  return [...table, ...verdict].join('\n');
}
