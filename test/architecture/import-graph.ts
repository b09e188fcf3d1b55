/**
 * src/'s import graph and the rules it must keep (docs/architecture.md#layers): a folder imports only
 * folders of lower layers, and no folders and no files import each other in a cycle. Pure functions
 * over a list of imports, so a small made-up graph tests the checks themselves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** One relative import: `from` and `to` are paths under src/ (`run/fleet.ts`). */
export interface Import {
  from: string;
  to: string;
  line: number;
}

/**
 * Every relative import of every .ts file under `srcDir`: `import … from`, `export … from`, bare
 * `import '…'` and `import('…')` with a string literal. Type-only imports count: a type names the
 * module it comes from, and a layer that needs a higher one's types depends on its shape.
 */
export function readImports(srcDir: string): Import[] {
  const imports: Import[] = [];
  for (const file of tsFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    const from = toPosix(relative(srcDir, file));
    for (const { fileName, pos } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const to = posix.normalize(posix.join(posix.dirname(from), fileName)).replace(/\.js$/, '.ts');
      imports.push({ from, to, line: text.slice(0, pos).split('\n').length });
    }
  }
  return imports;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** The unit a layer holds: a top-level folder (`run/fleet.ts` → `run/`) or a file at src/'s root (`errors.ts`). */
export function unitOf(file: string): string {
  const slash = file.indexOf('/');
  return slash === -1 ? file : file.slice(0, slash + 1);
}

function where(imp: Import): string {
  return `src/${imp.from}:${imp.line} imports src/${imp.to}`;
}

/**
 * Layers bottom first, each a list of units. A unit may import units of lower layers only: not a
 * higher layer, and not a peer in its own layer (peers that need each other share a piece that belongs
 * lower down). Returns one message per offending import, and one per unit that is in no layer.
 */
export function layerViolations(imports: Import[], layers: string[][]): string[] {
  const layerOf = new Map<string, number>();
  layers.forEach((units, index) => units.forEach((unit) => layerOf.set(unit, index)));
  const messages: string[] = [];
  const unplaced = new Set<string>();
  for (const imp of imports) {
    const [from, to] = [unitOf(imp.from), unitOf(imp.to)];
    for (const unit of [from, to]) if (!layerOf.has(unit)) unplaced.add(unit);
    if (from === to || !layerOf.has(from) || !layerOf.has(to)) continue;
    const [low, high] = [layerOf.get(from)!, layerOf.get(to)!];
    if (high > low) messages.push(`${where(imp)}: ${from} (layer ${low + 1}) may not import ${to} (layer ${high + 1}, above it)`);
    else if (high === low) messages.push(`${where(imp)}: ${from} and ${to} are peers in layer ${low + 1} and may not import each other`);
  }
  for (const unit of unplaced) messages.push(`src/${unit} is in no layer: place it in test/architecture/layers.ts and in docs/architecture.md's table`);
  return messages;
}

/**
 * Cycles between units (`folders`) or between files, each told as the imports that close it: one
 * message per set of units that reach each other, naming the whole set when it holds more than one cycle.
 */
export function cycles(imports: Import[], by: 'folders' | 'files'): string[] {
  const key = by === 'folders' ? unitOf : (file: string) => file;
  const edges = new Map<string, Map<string, Import>>();
  for (const imp of imports) {
    const [from, to] = [key(imp.from), key(imp.to)];
    if (from === to) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, imp);
  }
  const next = (node: string) => [...(edges.get(node)?.keys() ?? [])];
  return components([...edges.keys()], next).map((component) => {
    const path = cycleThrough(component, next);
    const steps = path.slice(1).map((node, i) => where(edges.get(path[i]!)!.get(node)!));
    const knot = component.length > path.length - 1 ? ` (one cycle among ${component.join(', ')})` : '';
    return `${by === 'folders' ? 'folder' : 'file'} cycle ${path.join(' -> ')}: ${steps.join('; ')}${knot}`;
  });
}

/** Tarjan's strongly connected components of more than one node. */
function components(nodes: string[], next: (node: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const other of next(node)) {
      if (!index.has(other)) {
        visit(other);
        low.set(node, Math.min(low.get(node)!, low.get(other)!));
      } else if (onStack.has(other)) {
        low.set(node, Math.min(low.get(node)!, index.get(other)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of [...nodes].sort()) if (!index.has(node)) visit(node);
  return found;
}

/** The shortest cycle from the component's first node back to it, within the component. */
function cycleThrough(component: string[], next: (node: string) => string[]): string[] {
  const members = new Set(component);
  const start = component[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const other of next(node)) {
      if (!members.has(other)) continue;
      if (other === start) {
        const back: string[] = [];
        for (let at = node; at !== start; at = cameFrom.get(at)!) back.push(at);
        return [start, ...back.reverse(), start];
      }
      if (!cameFrom.has(other)) {
        cameFrom.set(other, node);
        queue.push(other);
      }
    }
  }
  return [...component, start];
}

/** src/ of the checkout (the tests run from dist/test/architecture/). */
export const SRC_DIR = fileURLToPath(new URL('../../../src', import.meta.url));
