/**
 * Keep-alive connections to the web processes, per backend: idle sockets wait for the next request,
 * busy ones are counted, so the fleet can drain a process (no request in flight, no idle socket left)
 * before it sends SIGTERM. Each socket's listeners are attached once and hand events to its owner.
 */
import net from 'node:net';
import type { Backend } from './route-table.js';

/** Who a busy backend socket reports to: the exchange that holds it. */
export interface BackendOwner {
  onBackendConnect(): void;
  onBackendData(chunk: Buffer): void;
  onBackendDrain(): void;
  /** The socket closed or failed; `error` is set when it failed. */
  onBackendClose(error: NodeJS.ErrnoException | undefined): void;
}

/** One TCP connection to a web process. */
export class BackendSocket {
  owner: BackendOwner | undefined;
  /** Had carried a request before the current one (a reset on it may mean the process closed it while idle). */
  reused = false;
  connected = false;
  /** Counted in its backend's busy sockets (from acquire until release, detach or close). */
  counted = false;
  private error: NodeJS.ErrnoException | undefined;

  /** What the socket read (a copy: the read buffer is shared and reused by the next read). */
  onRead(bytes: Buffer): void {
    if (!this.owner) return void this.socket.destroy(); // An idle socket has nothing to say: whatever it sends is garbage.
    try {
      this.owner.onBackendData(Buffer.from(bytes));
    } catch {
      // A bug in the proxy must cost one exchange, not the router: the close reaches the owner as a failure.
      this.socket.destroy();
    }
  }

  constructor(readonly socket: net.Socket, readonly backendId: string, readonly port: number, private readonly pool: BackendPool) {
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.connected = true;
      this.owner?.onBackendConnect();
    });
    socket.on('drain', () => this.owner?.onBackendDrain());
    socket.on('error', (error: NodeJS.ErrnoException) => { this.error = error; });
    socket.on('close', () => {
      this.pool.forget(this);
      const owner = this.owner;
      this.owner = undefined;
      owner?.onBackendClose(this.error ?? Object.assign(new Error('backend closed the connection'), { code: 'ECONNRESET' }));
    });
  }
}

interface BackendEntry {
  port: number;
  idle: BackendSocket[];
  /** Sockets handed out for a request and not yet back (tunnels are not counted). */
  busy: number;
  /** Set by drain(): sockets coming back are closed instead of kept. */
  draining: boolean;
  waiters: Array<() => void>;
}

/** Every backend socket reads into this; what is read is copied out before the next read. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** Most idle sockets kept per backend (nginx's `keepalive 64` in the benchmark's upstream). */
const MAX_IDLE = 64;

export class BackendPool {
  private readonly entries = new Map<string, BackendEntry>();

  /** A socket to `backend` for one request: an idle one when there is one (`connected`), else a new one. */
  acquire(backend: Backend, owner: BackendOwner): BackendSocket {
    const entry = this.entry(backend);
    entry.draining = false;
    entry.busy += 1;
    const socket = entry.idle.pop() ?? this.connect(backend);
    socket.reused = socket.connected;
    socket.owner = owner;
    socket.counted = true;
    return socket;
  }

  /** Gives a socket back after a complete exchange; `keep` says whether it may carry another request. */
  release(backendSocket: BackendSocket, keep: boolean): void {
    backendSocket.owner = undefined;
    if (!backendSocket.counted) return;
    backendSocket.counted = false;
    const entry = this.entries.get(backendSocket.backendId);
    if (entry && entry.port === backendSocket.port) {
      this.done(entry);
      if (keep && !entry.draining && entry.idle.length < MAX_IDLE && !backendSocket.socket.destroyed) {
        entry.idle.push(backendSocket);
        return;
      }
    }
    backendSocket.socket.destroy();
  }

  /** The socket leaves the pool for good while still open: it became a tunnel (websocket). */
  detach(backendSocket: BackendSocket): void {
    if (!backendSocket.counted) return;
    backendSocket.counted = false;
    const entry = this.entries.get(backendSocket.backendId);
    if (entry && entry.port === backendSocket.port) this.done(entry);
  }

  /** Called by a socket that closed: drop it from the idle list, and from the busy count if it was busy. */
  forget(backendSocket: BackendSocket): void {
    const entry = this.entries.get(backendSocket.backendId);
    if (!entry || entry.port !== backendSocket.port) return;
    const index = entry.idle.indexOf(backendSocket);
    if (index !== -1) entry.idle.splice(index, 1);
    if (backendSocket.counted) {
      backendSocket.counted = false;
      this.done(entry);
    }
  }

  /** Requests in flight to the backend. */
  inFlight(backendId: string): number {
    return this.entries.get(backendId)?.busy ?? 0;
  }

  /** Closes idle sockets now and sockets as they come back; resolves once no request is in flight. */
  drain(backendId: string): Promise<void> {
    const entry = this.entries.get(backendId);
    if (!entry) return Promise.resolve();
    entry.draining = true;
    for (const idle of entry.idle.splice(0)) idle.socket.destroy();
    if (entry.busy === 0) return Promise.resolve();
    return new Promise((resolve) => entry.waiters.push(resolve));
  }

  /** Closes every socket, idle or busy (the router is shutting down). */
  destroyAll(): void {
    for (const entry of this.entries.values()) for (const idle of entry.idle.splice(0)) idle.socket.destroy();
  }

  private connect(backend: Backend): BackendSocket {
    // onread: reads land in one buffer and reach the socket's owner directly, without a stream 'data'
    // event and its bookkeeping for each read.
    let owner: BackendSocket | undefined;
    const socket = net.connect({
      port: backend.port, host: '127.0.0.1',
      onread: {
        buffer: READ_BUFFER,
        callback: (nread) => {
          owner?.onRead(READ_BUFFER.subarray(0, nread));
          return true; // keep reading: backpressure pauses the socket itself
        },
      },
    });
    owner = new BackendSocket(socket, backend.id, backend.port, this);
    return owner;
  }

  private entry(backend: Backend): BackendEntry {
    let entry = this.entries.get(backend.id);
    if (entry && entry.port !== backend.port) {
      // The id now names a process on another port: the old sockets lead nowhere useful.
      for (const idle of entry.idle.splice(0)) idle.socket.destroy();
      entry = undefined;
    }
    if (!entry) {
      entry = { port: backend.port, idle: [], busy: 0, draining: false, waiters: [] };
      this.entries.set(backend.id, entry);
    }
    return entry;
  }

  private done(entry: BackendEntry): void {
    entry.busy -= 1;
    if (entry.busy === 0) for (const resolve of entry.waiters.splice(0)) resolve();
  }
}
