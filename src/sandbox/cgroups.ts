/**
 * A cgroup per sandboxed process, for its size's limits: memory (killed past twice its quota, as Heroku's
 * R15) and tasks. cgroup v2 where the machine has the unified hierarchy with its controllers, v1's memory
 * and pids controllers otherwise (a hybrid machine); where neither is writable, twelve says so once and
 * runs processes without these limits. Each process's group sits under twelve's own cgroup.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Limits {
  memoryMb: number;
  maxTasks: number;
}

interface Layout {
  version: 1 | 2;
  /** v2: one directory; v1: the memory controller's and the pids controller's. */
  memory: string;
  pids: string;
}

const ROOT = '/sys/fs/cgroup';

/** Where twelve's processes' groups go, under the cgroup twelve itself runs in; null when it cannot write there. */
export function findLayout(procCgroup = readText('/proc/self/cgroup')): Layout | null {
  const lines = procCgroup.split('\n').filter((line) => line !== '');
  const unified = lines.find((line) => line.startsWith('0::'))?.slice(3);
  const v1 = (name: string) => lines.map((line) => line.split(':')).find((parts) => parts[1]?.split(',').includes(name))?.[2];
  const memory = v1('memory');
  const pids = v1('pids');
  const candidates: Layout[] = [];
  if (memory !== undefined && pids !== undefined) candidates.push({ version: 1, memory: join(ROOT, 'memory', memory, 'twelve'), pids: join(ROOT, 'pids', pids, 'twelve') });
  if (unified !== undefined && readText(join(ROOT, 'cgroup.controllers')).includes('memory')) {
    // v2 allows no process in an inner group with controllers on: twelve's groups are its cgroup's siblings.
    const dir = join(ROOT, unified, '..', 'twelve');
    candidates.push({ version: 2, memory: dir, pids: dir });
  }
  for (const layout of candidates) {
    try {
      mkdirSync(layout.memory, { recursive: true });
      mkdirSync(layout.pids, { recursive: true });
      if (layout.version === 2) enableControllers(layout.memory);
      return layout;
    } catch {
      // not writable here (not root, or a read-only /sys): the next kind, or none
    }
  }
  return null;
}

function enableControllers(dir: string): void {
  writeFileSync(join(dir, 'cgroup.subtree_control'), '+memory +pids');
}

export class ProcessCgroups {
  constructor(private readonly layout: Layout | null) {}

  get available(): boolean {
    return this.layout !== null;
  }

  /** Makes the process's groups with its limits; returns the cgroup.procs files it joins (none without cgroups). */
  create(id: string, limits: Limits): string[] {
    const layout = this.layout;
    if (!layout) return [];
    const memory = join(layout.memory, id);
    const pids = join(layout.pids, id);
    mkdirSync(memory, { recursive: true });
    const hardLimit = String(limits.memoryMb * 2 * 1024 * 1024);
    if (layout.version === 1) {
      mkdirSync(pids, { recursive: true });
      writeFileSync(join(memory, 'memory.limit_in_bytes'), hardLimit);
      writeFileSync(join(pids, 'pids.max'), String(limits.maxTasks));
      return [join(memory, 'cgroup.procs'), join(pids, 'cgroup.procs')];
    }
    writeFileSync(join(memory, 'memory.max'), hardLimit);
    writeFileSync(join(memory, 'memory.swap.max'), '0');
    writeFileSync(join(memory, 'pids.max'), String(limits.maxTasks));
    return [join(memory, 'cgroup.procs')];
  }

  /** The process's memory now, in bytes (every process it started, page cache included, as Heroku's memory_total). */
  memoryBytes(id: string): number | null {
    const layout = this.layout;
    if (!layout) return null;
    const file = join(layout.memory, id, layout.version === 1 ? 'memory.usage_in_bytes' : 'memory.current');
    const value = Number(readText(file));
    return readText(file) === '' || !Number.isFinite(value) ? null : value;
  }

  /** Whether the kernel killed something of the process for its memory limit. */
  oomKilled(id: string): boolean {
    const layout = this.layout;
    if (!layout) return false;
    const text = readText(join(layout.memory, id, layout.version === 1 ? 'memory.oom_control' : 'memory.events'));
    return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0) > 0;
  }

  /** Removes the process's groups once it is gone; a group still busy is left for the next start to remove. */
  remove(id: string): void {
    const layout = this.layout;
    if (!layout) return;
    for (const dir of new Set([join(layout.memory, id), join(layout.pids, id)])) {
      try {
        if (existsSync(dir)) rmdirSync(dir);
      } catch {
        // EBUSY: a process of it lingers (a zombie being reaped); the group is empty soon and harmless meanwhile
      }
    }
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return ''; // no cgroups here, or the group is gone: the callers read '' as "nothing to tell"
  }
}
