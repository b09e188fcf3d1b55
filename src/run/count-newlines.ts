/**
 * Counting the lines of a block of process output, 64 bytes per step. Every line gets an id, so twelve
 * must know how many lines each read holds; a WebAssembly loop that compares 16 bytes at once (SIMD) does
 * it in less than half the time of one `indexOf` per line (docs/logs.md, `npm run bench -- line-count`).
 * The module is built from count-newlines.wat beside this file; a test checks that the bytes below are
 * that source compiled. Where WebAssembly SIMD is missing, the count falls back to `indexOf`.
 */

/** count-newlines.wat compiled (wat2wasm --enable-simd), base64. */
const MODULE_BASE64 = 'AGFzbQEAAAABBwFgAn9/AX8DAgEABQMBAAYHEgIGbWVtb3J5AgAFY291bnQAAAqLAQGIAQIBfwF7QQr9DyEDAkADQCAAQcAAaiABSw0BIAIgAP0ABAAgA/0j/WRpIAD9AAQQIAP9I/1kaWogAP0ABCAgA/0j/WRpIAD9AAQwIAP9I/1kaWpqaiECIABBwABqIQAMAAsLAkADQCAAIAFPDQEgAiAALQAAQQpGaiECIABBAWohAAwACwsgAgs=';

export const COUNT_NEWLINES_MODULE = Buffer.from(MODULE_BASE64, 'base64');

const NEWLINE = 10;
/** A block of a few lines is counted by indexOf as quickly, without the copy. */
const SMALL = 256;

/** The part of the WebAssembly API used here (TypeScript declares it only in its DOM library). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
};

interface Counter {
  scratch: Buffer;
  count: (from: number, to: number) => number;
}

function loadCounter(): Counter | null {
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(COUNT_NEWLINES_MODULE));
    const exports = instance.exports as { memory: { buffer: ArrayBuffer }; count: (from: number, to: number) => number };
    // The whole memory (its size is the .wat's) is where blocks are copied to be counted.
    return { scratch: Buffer.from(exports.memory.buffer), count: exports.count };
  } catch {
    return null; // this Node.js cannot run the module (no WebAssembly, or no SIMD): indexOf does it
  }
}

const counter = loadCounter();

/** How many newline bytes `bytes` holds. */
export function countNewlines(bytes: Buffer): number {
  if (counter === null || bytes.length < SMALL) return countByIndexOf(bytes);
  let total = 0;
  const room = counter.scratch.length;
  for (let at = 0; at < bytes.length; at += room) {
    const piece = bytes.subarray(at, Math.min(bytes.length, at + room));
    counter.scratch.set(piece, 0);
    total += counter.count(0, piece.length);
  }
  return total;
}

/** The same count, one native search per line: the fallback, and the reference the tests compare with. */
export function countByIndexOf(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) count += 1;
  return count;
}

/** Whether the SIMD module is in use (false where WebAssembly SIMD is missing). */
export const countsWithSimd = counter !== null;
