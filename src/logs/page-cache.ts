/**
 * Keeping the log twelve writes from piling up in the page cache: a few megabytes behind the write
 * position, the written pages are handed back (`posix_fadvise` with `POSIX_FADV_DONTNEED`: first their
 * writeback starts, then, once clean, they are freed), so the next writes reuse them and the newest
 * megabytes stay cached for readers. Why it matters on a VM, and what it saves: docs/logs.md.
 *
 * Node.js has no binding for posix_fadvise, so it is a small addon (native/page-cache.c) that `npm ci`
 * builds with node-gyp. Where it could not be built, twelve runs without it (`available` says so, and
 * `twelve serve` logs it once).
 */
import { loadAddon } from '../native-addon.js';

interface PageCacheAddon {
  /** posix_fadvise(fd, offset, length, POSIX_FADV_DONTNEED): 0, or the error number. */
  dropCache(fd: number, offset: number, length: number): number;
}

const loaded = loadAddon<PageCacheAddon>('page_cache');

/** Whether pages can be dropped here; if not, why. */
export const pageCacheControl = { available: loaded.addon !== null, error: loaded.error };

/** Asks the kernel to write back and drop the cached pages of [offset, offset + length) (0: to the end). */
export function dropCachedPages(fd: number, offset: number, length: number): void {
  // An error (a file system that ignores the advice) only means the pages stay cached: nothing to report.
  loaded.addon?.dropCache(fd, offset, length);
}

/** How far behind the write position pages are dropped: a step's writeback is started one step before. */
export const DROP_STEP_BYTES = 4 * 1024 * 1024;

/**
 * The pages of one file being appended to, dropped a step behind the write position. At each step, the
 * newest step's writeback is started and every clean page before it is freed: the pages written back
 * since the last step, and any a slow disk had not written back by then. A segment is at most 16 MiB,
 * so asking again for the whole front of the file costs a walk of a few thousand cache slots.
 */
export class WrittenPages {
  /** Writeback was started for everything below this. */
  private started: number;

  constructor(private readonly fd: number, private position: number) {
    this.started = position;
  }

  /** `bytes` more were appended. */
  wrote(bytes: number): void {
    this.position += bytes;
    if (this.position - this.started < DROP_STEP_BYTES) return;
    if (this.started > 0) dropCachedPages(this.fd, 0, this.started);
    dropCachedPages(this.fd, this.started, this.position - this.started);
    this.started = this.position;
  }

  /** The file is about to be closed: what is clean goes, the rest is written back (and stays cached). */
  closing(): void {
    dropCachedPages(this.fd, 0, 0);
  }
}
