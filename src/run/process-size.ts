/**
 * Process sizes, as Heroku's dyno sizes: how much memory a process may use (R14 past it, killed with R15
 * at twice it), how many processes and threads it may have, and the WEB_CONCURRENCY an app is told.
 */
import { TwelveError } from '../errors.js';

export interface ProcessSize {
  name: string;
  memoryMb: number;
  /** Processes and threads, counted together (the pids cgroup). */
  maxTasks: number;
}

export const SIZES: readonly ProcessSize[] = [
  { name: '1x', memoryMb: 512, maxTasks: 256 },
  { name: '2x', memoryMb: 1024, maxTasks: 512 },
  { name: 'performance-m', memoryMb: 2560, maxTasks: 16384 },
  { name: 'performance-l', memoryMb: 14336, maxTasks: 32768 },
];

/** Heroku's names for the same sizes. */
const ALIASES: Record<string, string> = { 'standard-1x': '1x', 'standard-2x': '2x', basic: '1x', eco: '1x', hobby: '1x', free: '1x', 'performance-l-ram': 'performance-l' };

export const DEFAULT_SIZE = '1x';

/** @example findSize('standard-2x').memoryMb // 1024 */
export function findSize(name: string): ProcessSize {
  const key = name.toLowerCase();
  const canonical = Object.hasOwn(ALIASES, key) ? ALIASES[key]! : key;
  const size = SIZES.find((candidate) => candidate.name === canonical);
  if (!size) throw new TwelveError('INVALID_SIZE', `unknown size "${name}": use one of ${SIZES.map((known) => known.name).join(', ')}`);
  return size;
}

/**
 * WEB_CONCURRENCY as Heroku's buildpacks compute it: Python's is the lower of 2 x CPUs + 1 and one worker
 * per 256 MB; every other stack's is one per 512 MB (Node's WEB_MEMORY default), at least 1.
 */
export function webConcurrency(size: ProcessSize, cpus: number, stacks: readonly string[]): number {
  if (stacks.includes('python')) return Math.max(1, Math.min(2 * cpus + 1, Math.floor(size.memoryMb / 256)));
  return Math.max(1, Math.floor(size.memoryMb / 512));
}
