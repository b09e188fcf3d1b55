/**
 * A few megabytes held on the data dir's disk for the writes that free space. When an app fills the
 * disk, `ps:scale TYPE=0` and `apps:destroy` must still be able to record what they did, or the user
 * could not stop the app that fills it. The reserve is a plain file: given up when such a write finds
 * no room, made again at the next start and after an app is destroyed.
 */
import { closeSync, existsSync, openSync, rmSync, statfsSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type pino from 'pino';
import { isDiskFull } from './errors.js';

export const RESERVE_BYTES = 4 * 1024 * 1024;

export class DiskReserve {
  constructor(private readonly file: string, private readonly logger: pino.Logger, private readonly bytes = RESERVE_BYTES) {}

  /**
   * Makes the reserve whole; where there is no room for it, says so and goes on without. It is made only
   * when as much room is left beside it: taking the last free bytes back would fail the very next write.
   */
  fill(): boolean {
    try {
      const have = statSync(this.file, { throwIfNoEntry: false })?.size ?? 0;
      if (have >= this.bytes) return true;
      const disk = statfsSync(dirname(this.file));
      if (disk.bavail * disk.bsize < 2 * (this.bytes - have)) {
        this.logger.warn({ file: this.file }, 'too little room on the data dir\'s disk to remake its reserve; it is remade at the next start or app destroyed with room to spare');
        return false;
      }
      const fd = openSync(this.file, 'a', 0o600);
      try {
        // Written, not truncated up to size: a sparse file would hold no blocks to give back.
        const zeros = Buffer.alloc(64 * 1024);
        for (let size = have; size < this.bytes; size += zeros.length) writeSync(fd, zeros);
      } finally {
        closeSync(fd);
      }
      return true;
    } catch (error) {
      if (!isDiskFull(error)) throw error;
      rmSync(this.file, { force: true });
      this.logger.warn({ file: this.file }, 'no room on the data dir\'s disk for its reserve: stopping or destroying an app may fail to record itself until there is room');
      return false;
    }
  }

  /** Runs `write`; when it finds the disk full, gives the reserve up and runs it once more. */
  async spendIfFull<T>(what: string, write: () => T | Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!isDiskFull(error) || !existsSync(this.file)) throw error;
      rmSync(this.file, { force: true });
      this.logger.warn({ what }, 'the data dir\'s disk is full: gave up the reserve so that this can be recorded');
      return await write();
    }
  }
}
