import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CopyPool } from '../../src/logs/copy-pool.js';

describe('CopyPool', () => {
  it('keeps every live copy intact while the source is reused, and reuses a block once all its copies are released', () => {
    const pool = new CopyPool();
    const source = Buffer.alloc(200 * 1024);
    const copies = [];
    // Six copies of 200 KiB: five fill the first 1 MiB block, the sixth opens a second one.
    for (let i = 0; i < 6; i++) {
      source.fill(65 + i);
      copies.push(pool.copy(source));
    }
    source.fill(0);
    copies.forEach((copy, i) => assert.ok(copy.bytes.every((byte) => byte === 65 + i), `copy ${i} intact`));
    assert.equal(pool.freeBlocks, 0);
    for (const copy of copies.slice(0, 4)) copy.release();
    assert.equal(pool.freeBlocks, 0, 'the first block still holds a live copy');
    copies[4]!.release();
    copies[4]!.release(); // twice changes nothing
    assert.equal(pool.freeBlocks, 1);
    // The next copy lands in the block in use, not in new memory.
    const next = pool.copy(source.subarray(0, 1024));
    assert.equal(next.bytes.buffer, copies[5]!.bytes.buffer);
  });

  it('gives a copy bigger than a quarter block memory of its own', () => {
    const pool = new CopyPool();
    const big = pool.copy(Buffer.alloc(300 * 1024, 1));
    const small = pool.copy(Buffer.alloc(10, 2));
    assert.notEqual(big.bytes.buffer, small.bytes.buffer);
    big.release();
    assert.equal(pool.freeBlocks, 0);
  });
});
