/**
 * How twelve reads what a supervised process writes to stdout and stderr.
 *
 * libuv's stdio pipes hand every read a freshly allocated 64 KiB buffer, and on this kind of machine the
 * page faults of that memory cost more CPU than everything twelve does with the bytes: a Node.js parent
 * doing nothing but read 90 MB of a child's output spent 200-280 ms of CPU on it, against 25-60 ms
 * reading into one reused buffer (the numbers are in docs/logs.md). So each stream of a supervised
 * process is a connected pair of Unix sockets that twelve makes itself (the kind of socket libuv uses for
 * its own stdio pipes): the child gets one end as its fd 1 or 2, which libuv makes blocking in the child
 * as it does for its own pipes, and twelve reads the other end with net's `onread` into one buffer shared
 * by every process. A chunk is therefore only valid during the call that hands it over; whoever keeps
 * bytes copies them (the line splitter keeps only a partial line; the log store and live tails copy
 * what they keep, see log-bus.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export interface ProcessOutput {
  /**
   * Starts reading: `onChunk` gets each read (its bytes are valid only during the call), `onEnd` is
   * called once, when every holder of the writing end has closed it or the stream was destroyed.
   */
  read(onChunk: (bytes: Buffer) => void, onEnd: () => void): void;
  /** Cuts the stream (a descendant that left the process group still holds the writing end). */
  destroy(): void;
}

/**
 * One read buffer for every process: an `onread` callback runs to its end before the next read. As big
 * as a socket's send buffer (208 KiB by default), so one read can take all a busy writer has queued:
 * every read costs a write to disk and one to each tail, whatever its size. (Measured: 90 MB written
 * as fast as a child can took 900-1,200 reads of 75-100 KiB; reads of 64 KiB would be 1,400 at least.)
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

/**
 * A private directory (mode 0700, so no other user can connect in between) for the moment a pair is
 * made, removed again as soon as the pair is connected: nothing is left behind, even by a twelve that
 * is killed.
 */
function privateDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'twelve-stdio-'));
}

/** A child's output stream read through a socket pair (see the top of this file). */
export class SocketOutput implements ProcessOutput {
  private onChunk: (bytes: Buffer) => void = () => {};
  private onEnd: () => void = () => {};
  private ended = false;

  private constructor(private readonly reader: net.Socket, private childEnd: net.Socket | null) {
    reader.on('error', () => {}); // a reset ends the stream; 'close' follows
    reader.once('close', () => this.end());
  }

  /** Makes a connected pair: give `childEnd` to spawn, then call `spawned`. */
  static async open(): Promise<SocketOutput> {
    const dir = privateDirectory();
    const path = join(dir, 'output.sock');
    const server = net.createServer({ pauseOnConnect: true });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, resolve);
      });
      // An accept that fails (no file descriptors left) must fail the start, not leave it waiting.
      const accepted = new Promise<net.Socket>((resolve, reject) => {
        server.once('connection', resolve);
        server.once('error', reject);
      });
      accepted.catch(() => {}); // awaited below; handled now so a failure while connecting is not "unhandled"
      let output: SocketOutput | null = null;
      const reader = net.connect({
        path,
        onread: {
          buffer: READ_BUFFER,
          callback: (nread) => {
            output?.onChunk(READ_BUFFER.subarray(0, nread));
            return true; // keep reading
          },
        },
      });
      await new Promise<void>((resolve, reject) => {
        reader.once('connect', resolve);
        reader.once('error', reject);
      });
      // Nothing is read before read() says where it goes: the child may write before its spawn is reported.
      reader.pause();
      const childEnd = await accepted;
      // The child's end may go to the spawn helper over IPC. Sent with a link to the server that accepted
      // it, Node would track it there for cluster's sake, with listeners that are never removed (one set
      // per process started); that server is closed below anyway.
      (childEnd as unknown as { server: net.Server | null }).server = null;
      output = new SocketOutput(reader, childEnd);
      return output;
    } finally {
      server.close(); // also removes the socket file
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The end the child writes into, for spawn's `stdio`. */
  get forChild(): net.Socket {
    if (!this.childEnd) throw new Error('the child end of this output was already handed over');
    return this.childEnd;
  }

  /** The child has its own copy of its end (or could not be spawned): twelve closes its copy. */
  spawned(): void {
    this.childEnd?.destroy();
    this.childEnd = null;
  }

  read(onChunk: (bytes: Buffer) => void, onEnd: () => void): void {
    this.onChunk = onChunk;
    this.onEnd = onEnd;
    if (this.ended) onEnd();
    else this.reader.resume();
  }

  destroy(): void {
    this.spawned();
    this.reader.destroy();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onChunk = () => {};
    this.onEnd();
  }
}

/** A child's output read from the pipe Node's spawn made (`stdio: 'pipe'`), for one-off runs. */
export function streamOutput(stream: Readable | null): ProcessOutput {
  return {
    read(onChunk, onEnd) {
      if (!stream) {
        onEnd();
        return;
      }
      stream.on('data', onChunk);
      stream.on('error', () => {}); // an error ends the stream; 'close' follows
      stream.once('close', onEnd);
    },
    destroy() {
      stream?.destroy();
    },
  };
}

/** A process's stdout and stderr: one socket for both, or one each (stdout's first). */
export type ProcessOutputs = readonly [SocketOutput] | readonly [SocketOutput, SocketOutput];

/** Two socket outputs (stdout, stderr); both are closed again if the second cannot be made. */
export async function openSocketOutputs(): Promise<[SocketOutput, SocketOutput]> {
  const stdout = await SocketOutput.open();
  try {
    return [stdout, await SocketOutput.open()];
  } catch (error) {
    stdout.destroy();
    throw error;
  }
}
