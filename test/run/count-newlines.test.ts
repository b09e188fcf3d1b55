import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import wabtInit from 'wabt';
import { COUNT_NEWLINES_MODULE, countByIndexOf, countNewlines, countsWithSimd } from '../../src/run/count-newlines.js';

/** Random bytes with newlines at a given density, deterministic per seed. */
function randomBytes(length: number, newlineEvery: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state % newlineEvery === 0 ? 10 : 32 + (state >>> 8) % 200;
  }
  return bytes;
}

describe('countNewlines', () => {
  it('uses WebAssembly SIMD on this machine', () => {
    assert.equal(countsWithSimd, true);
  });

  it('counts as indexOf does, around every edge of the 64-byte steps and of its memory', () => {
    const lengths = [0, 1, 15, 16, 17, 63, 64, 65, 255, 256, 257, 1000, 90 * 700, 6 * 65536 - 1, 6 * 65536, 6 * 65536 + 1, 1_000_003];
    for (const [i, length] of lengths.entries()) {
      for (const every of [2, 7, 91, 5000]) {
        const bytes = randomBytes(length, every, i * 31 + every);
        assert.equal(countNewlines(bytes), countByIndexOf(bytes), `${length} bytes, a newline every ~${every}`);
      }
    }
  });

  it('counts a block of nothing but newlines, and one with none', () => {
    assert.equal(countNewlines(Buffer.alloc(100_000, 10)), 100_000);
    assert.equal(countNewlines(Buffer.alloc(100_000, 65)), 0);
  });

  it('counts a view into a bigger buffer, not the buffer around it', () => {
    const bytes = Buffer.alloc(10_000, 65);
    for (const at of [0, 1, 2, 5_000, 9_000, 9_500]) bytes[at] = 10;
    assert.equal(countNewlines(bytes.subarray(3, 9_000)), 1);
    assert.equal(countNewlines(bytes.subarray(2, 9_001)), 3);
  });

  it('holds the .wat beside it, compiled', async () => {
    const wabt = await wabtInit();
    // From dist/test/run/ to the source beside src/run/count-newlines.ts.
    const source = readFileSync(new URL('../../../src/run/wasm/count-newlines.wat', import.meta.url), 'utf8');
    const compiled = wabt.parseWat('count-newlines.wat', source, { simd: true }).toBinary({}).buffer;
    assert.deepEqual(Buffer.from(compiled), COUNT_NEWLINES_MODULE, 'rebuild the base64 in count-newlines.ts from the .wat');
  });
});
