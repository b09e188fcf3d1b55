/**
 * The framing of an attached `twelve run` connection (after an HTTP Upgrade, a raw byte stream both
 * ways): each frame is one type byte, a 4-byte big-endian payload length, then the payload. Shared by
 * the API and the CLI, so it depends on nothing.
 *
 * client -> twelve: `i` stdin bytes, `c` stdin closed, `s` signal (`TERM`: stop gracefully, `KILL`)
 * twelve -> client: `o` stdout bytes, `e` stderr bytes, `x` exit (JSON `{status, code, signal}`),
 *                   `!` error (JSON error envelope), then the connection ends
 */

export type FrameType = 'i' | 'c' | 's' | 'o' | 'e' | 'x' | '!';

/** A frame's payload may not be larger: output chunks are at most 64 KiB, so this bounds a broken peer. */
export const MAX_FRAME_BYTES = 1024 * 1024;
const HEADER_BYTES = 5;

/** @example encodeFrame('o', 'hi\n') // <Buffer 6f 00 00 00 03 68 69 0a> */
export function encodeFrame(type: FrameType, payload: Buffer | string = ''): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(type, 0, 'latin1');
  header.writeUInt32BE(body.length, 1);
  return Buffer.concat([header, body]);
}

/** Reassembles frames from chunks as they arrive; throws on a frame larger than MAX_FRAME_BYTES. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (type: FrameType, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= HEADER_BYTES) {
      const length = this.pending.readUInt32BE(1);
      if (length > MAX_FRAME_BYTES) throw new Error(`a frame of ${length} bytes is larger than ${MAX_FRAME_BYTES}`);
      if (this.pending.length < HEADER_BYTES + length) return;
      const type = this.pending.toString('latin1', 0, 1) as FrameType;
      const payload = this.pending.subarray(HEADER_BYTES, HEADER_BYTES + length);
      this.pending = this.pending.subarray(HEADER_BYTES + length);
      this.onFrame(type, payload);
    }
  }
}
