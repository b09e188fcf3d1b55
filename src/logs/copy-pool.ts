/**
 * Copies of log bytes that must outlive the read buffer they came in (a process's output is read into
 * one reused buffer) until a socket has sent them: a live tail's frames. Copies are carved one after the
 * other out of 1 MiB blocks, and a block is used again once every copy in it has been sent, because a
 * fresh allocation per copy pays page faults whenever the allocator has handed memory back (what the
 * pool saved: docs/logs.md).
 */

const BLOCK_BYTES = 1024 * 1024;
/** Copies bigger than this get memory of their own: a block holds at least a few. */
const LARGEST_POOLED = BLOCK_BYTES / 4;
/** Free blocks kept for reuse; more are left to the garbage collector. */
const KEEP_FREE = 8;

interface Block {
  buffer: Buffer;
  used: number;
  /** Copies carved from this block and not released yet. */
  live: number;
}

/** A copy and what to call once it has been sent (calling it more than once does nothing). */
export interface PooledCopy {
  bytes: Buffer;
  release: () => void;
}

const noop = (): void => {};

export class CopyPool {
  private current: Block | null = null;
  private readonly free: Block[] = [];

  copy(bytes: Buffer): PooledCopy {
    if (bytes.length > LARGEST_POOLED) return { bytes: Buffer.from(bytes), release: noop };
    let block = this.current;
    if (!block || block.used + bytes.length > BLOCK_BYTES) {
      if (block && block.live === 0) this.recycle(block);
      block = this.free.pop() ?? { buffer: Buffer.allocUnsafeSlow(BLOCK_BYTES), used: 0, live: 0 };
      this.current = block;
    }
    const start = block.used;
    bytes.copy(block.buffer, start);
    block.used += bytes.length;
    block.live += 1;
    let released = false;
    const owner = block;
    return {
      bytes: block.buffer.subarray(start, start + bytes.length),
      release: () => {
        if (released) return;
        released = true;
        owner.live -= 1;
        if (owner.live === 0 && owner !== this.current) this.recycle(owner);
      },
    };
  }

  /** Blocks ready for reuse (for tests and metrics). */
  get freeBlocks(): number {
    return this.free.length;
  }

  private recycle(block: Block): void {
    block.used = 0;
    if (this.free.length < KEEP_FREE) this.free.push(block);
  }
}

/** The pool every live tail of this process copies into. */
export const tailCopies = new CopyPool();
