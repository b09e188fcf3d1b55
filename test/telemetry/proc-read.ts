/** The test's own reading of /proc, independent of twelve's: RSS of a process and its children. */
import { readFileSync } from 'node:fs';

export function processFamilyRss(pid: number): number {
  let rss = 0;
  const kb = /^Rss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  rss += Number(kb![1]) * 1024;
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  for (const child of children ? children.split(' ') : []) rss += processFamilyRss(Number(child));
  return rss;
}
