/**
 * Prometheus's text format, as far as re-exposing an app's own metrics needs: read families (HELP, TYPE
 * and their samples), add `app`, `type` and `dyno` to every sample (an app's own label of those names
 * becomes `exported_NAME`, as Prometheus does), and merge families of the same name from several
 * processes and from twelve's own text, since a family may appear only once in a scrape.
 */

export interface Family {
  name: string;
  help: string | undefined;
  type: string;
  /** Sample lines, already relabelled. */
  samples: string[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+.*)$/;
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created', '_info'];

/** Splits `{a="x",b="y\""}` into pairs, keeping each value as written (escapes and all). */
export function parseLabels(block: string): Array<[string, string]> | null {
  const pairs: Array<[string, string]> = [];
  let i = 1;
  const end = block.length - 1;
  while (i < end) {
    while (block[i] === ' ' || block[i] === ',') i += 1;
    if (i >= end) break;
    const eq = block.indexOf('=', i);
    if (eq < 0 || block[eq + 1] !== '"') return null;
    const name = block.slice(i, eq).trim();
    let j = eq + 2;
    while (j < end && block[j] !== '"') j += block[j] === '\\' ? 2 : 1;
    if (j >= end + 1 || block[j] !== '"') return null;
    pairs.push([name, block.slice(eq + 2, j)]);
    i = j + 1;
  }
  return pairs;
}

function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** The sample line with `added` labels first; null when the line is not a sample. */
export function relabel(line: string, added: Record<string, string>): { name: string; line: string } | null {
  const match = SAMPLE.exec(line);
  if (!match) return null;
  const [, name, block, rest] = match;
  const own = block ? parseLabels(block) : [];
  if (own === null) return null;
  const labels = Object.entries(added).map(([key, value]) => `${key}="${escapeValue(value)}"`);
  for (const [key, value] of own) labels.push(`${Object.hasOwn(added, key) ? `exported_${key}` : key}="${value}"`);
  return { name: name!, line: `${name}{${labels.join(',')}} ${rest}` };
}

/** The family a sample belongs to: the current one when its name is the family's (or with a histogram's, summary's or counter's suffix). */
function belongs(sample: string, family: string): boolean {
  return sample === family || SUFFIXES.some((suffix) => sample === family + suffix);
}

/** Reads an exposition text into families, relabelling every sample with `added`. */
export function parseExposition(text: string, added: Record<string, string>): Family[] {
  const families = new Map<string, Family>();
  let current: Family | undefined;
  const family = (name: string): Family => {
    let found = families.get(name);
    if (!found) families.set(name, (found = { name, help: undefined, type: 'untyped', samples: [] }));
    return found;
  };
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '') continue;
    const meta = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
    if (meta) {
      current = family(meta[2]!);
      if (meta[1] === 'HELP') current.help = meta[3] ?? '';
      else current.type = (meta[3] ?? 'untyped').trim();
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = relabel(line, added);
    if (!sample) continue;
    const owner = current && belongs(sample.name, current.name) ? current : family(sample.name);
    owner.samples.push(sample.line);
  }
  return [...families.values()];
}

/** Families of several processes joined by name; a name seen with two types keeps the first. */
export function mergeFamilies(lists: readonly Family[][]): { families: Family[]; conflicts: number } {
  const merged = new Map<string, Family>();
  let conflicts = 0;
  for (const list of lists) {
    for (const family of list) {
      const seen = merged.get(family.name);
      if (!seen) merged.set(family.name, { ...family, samples: [...family.samples] });
      else if (seen.type !== family.type) conflicts += 1;
      else seen.samples.push(...family.samples);
    }
  }
  return { families: [...merged.values()], conflicts };
}

/**
 * twelve's own text with the apps' families joined in: a family twelve has too (a Node app's
 * `process_cpu_seconds_total`) gets the app's samples inside its block, the others come after.
 */
export function appendFamilies(own: string, families: readonly Family[]): { text: string; conflicts: number } {
  const blocks = own.trimEnd().split('\n\n');
  const byName = new Map<string, { index: number; type: string }>();
  blocks.forEach((block, index) => {
    const type = /^# TYPE (\S+) (\S+)$/m.exec(block);
    if (type) byName.set(type[1]!, { index, type: type[2]! });
  });
  let conflicts = 0;
  for (const family of families) {
    if (family.samples.length === 0) continue;
    const existing = byName.get(family.name);
    if (existing) {
      if (existing.type === family.type) blocks[existing.index] += `\n${family.samples.join('\n')}`;
      else conflicts += 1;
      continue;
    }
    const head = [`# HELP ${family.name} ${family.help ?? `${family.name} (from the app)`}`, `# TYPE ${family.name} ${family.type}`];
    blocks.push([...head, ...family.samples].join('\n'));
  }
  return { text: `${blocks.join('\n\n')}\n`, conflicts };
}
