/**
 * A live tail of twelve's log API in the CLI's format (format=frames over HTTP/1.1, chunked), read as
 * cheaply as Node.js can: a raw socket reading into one reused buffer (net's `onread`), decoding only the
 * chunk sizes and frame headers and counting lines from them. It does not decode the lines: what a
 * reader does with them is the reader's cost, not twelve's.
 *
 * Why not node:http: its client hands every read a freshly allocated buffer, and on this machine the page
 * faults of that memory cost the reader about 200 ms of CPU per 90 MB (against 20-40 ms into one reused
 * buffer), on the same two cores as the writer and twelve. The limit it is compared with, `wc -l`, reads
 * into one buffer too.
 */
import net from 'node:net';

export interface FrameTail {
  /**
   * Resolves once the response head has come: twelve subscribes the tail before it sends the head
   * (src/api/log-stream.ts), so no line written after this is missed.
   */
  ready: Promise<void>;
  /** Lines received so far (from the frame headers). */
  count(): number;
  /** When the last bytes arrived (epoch ms). */
  at(): number;
  close(): void;
}

const NEWLINE = 0x0a;

export function openFrameTail(port: number, path: string, token: string): FrameTail {
  const buffer = Buffer.allocUnsafe(256 * 1024);
  let count = 0;
  let lastAt = 0;
  // HTTP: the response head, then chunks (a hex size line, the data, CRLF).
  let head = '';
  let inHead = true;
  let headCame: () => void = () => {};
  let failed: (error: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => { headCame = resolve; failed = reject; });
  ready.catch(() => {}); // a failure before anyone waits must not end the bench as "unhandled"
  let sizeLine = '';
  let chunkLeft = -1; // -1: reading a size line; then bytes of the chunk still to come
  let crlfLeft = 0;
  // Frames inside the chunk data: a JSON header line, then `bytes` bytes of lines.
  let frameHeader = '';
  let skip = 0;

  const onFrameData = (chunk: Buffer, from: number, to: number) => {
    for (let at = from; at < to;) {
      if (skip > 0) {
        const taken = Math.min(skip, to - at);
        skip -= taken;
        at += taken;
        continue;
      }
      const newline = chunk.indexOf(NEWLINE, at);
      const end = newline === -1 || newline >= to ? to : newline;
      frameHeader += chunk.toString('utf8', at, end);
      if (end === to) break;
      const frame = JSON.parse(frameHeader) as { firstId: number; lastId: number; bytes: number };
      count += frame.lastId - frame.firstId + 1;
      skip = frame.bytes;
      frameHeader = '';
      at = newline + 1;
    }
  };

  const onRead = (chunk: Buffer) => {
    let at = 0;
    if (inHead) {
      const before = head.length;
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      if (!head.startsWith('HTTP/1.1 200')) {
        failed(new Error(`the log API answered: ${head.slice(0, head.indexOf('\r\n'))}`));
        socket.destroy();
        return;
      }
      inHead = false;
      headCame();
      at = end + 4 - before;
    }
    while (at < chunk.length) {
      if (crlfLeft > 0) {
        const taken = Math.min(crlfLeft, chunk.length - at);
        crlfLeft -= taken;
        at += taken;
      } else if (chunkLeft > 0) {
        const to = Math.min(chunk.length, at + chunkLeft);
        onFrameData(chunk, at, to);
        chunkLeft -= to - at;
        at = to;
        if (chunkLeft === 0) {
          chunkLeft = -1;
          crlfLeft = 2;
        }
      } else {
        const newline = chunk.indexOf(NEWLINE, at);
        sizeLine += chunk.toString('latin1', at, newline === -1 ? chunk.length : newline);
        if (newline === -1) break;
        chunkLeft = parseInt(sizeLine, 16); // the line ends with \r, which parseInt ignores
        sizeLine = '';
        at = newline + 1;
        if (chunkLeft === 0) return; // the last chunk: the stream is over
      }
    }
    lastAt = Date.now();
  };

  const socket = net.connect({ host: '127.0.0.1', port, onread: { buffer, callback: (nread) => { onRead(buffer.subarray(0, nread)); return true; } } });
  socket.on('error', (error) => failed(error));
  socket.on('close', () => failed(new Error('the log API closed the tail before its response head')));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n\r\n`);
  return { ready, count: () => count, at: () => lastAt, close: () => socket.destroy() };
}
