/** A syslog drain over TCP or TLS: one long-lived connection, octet-counted RFC 5424 frames. */
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { constants } from 'node:os';
import { connect as connectTls } from 'node:tls';
import type { DrainTarget } from './drain-url.js';
import { readSocketState } from './socket-state.js';
import { frames } from './syslog-frame.js';
import type { Batch, Transport, TransportOptions } from './transport.js';

/** How long a closing connection may take to say goodbye before it is cut. */
const CLOSE_GRACE_MS = 2000;

/**
 * Syslog over TCP has no acknowledgements: a write succeeds once the bytes are queued here. A receiver that
 * closes having read everything closes in order (FIN) and has lost nothing; bytes that reach it after it
 * closed, or that it had not read, are gone, and it resets the connection (RST). Measured with rsyslog
 * stopped while lines flowed: orderly closes lost nothing, the others the last 10-40 lines. So when a
 * receiver closes, the kernel is asked (socket-state.ts) how many bytes it never acknowledged; and when it
 * resets, what was written in the last AT_RISK_MS is the bound reported (which bytes it had read is not
 * known here).
 */
const AT_RISK_MS = 1000;

/** `ECONNRESET` for 104, as Node.js names system errors. */
function errnoName(errno: number): string {
  return Object.entries(constants.errno).find(([, value]) => value === errno)?.[0] ?? `errno ${errno}`;
}

export class SyslogTransport implements Transport {
  private socket: Socket | null = null;
  /** Writes to the current connection in the last AT_RISK_MS: when, how many messages, how many bytes. */
  private recentWrites: Array<{ at: number; count: number; bytes: number }> = [];

  constructor(private readonly target: DrainTarget, private readonly options: TransportOptions) {}

  async send({ events }: Batch): Promise<void> {
    const socket = this.socket ?? await this.connect();
    const bytes = frames(events);
    await new Promise<void>((resolve, reject) => {
      socket.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
    const now = Date.now();
    this.recentWrites.push({ at: now, count: events.length, bytes: bytes.length });
    while (this.recentWrites[0]!.at < now - AT_RISK_MS) this.recentWrites.shift();
  }

  close(): void {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    // end() first: over TLS it sends close_notify, without which receivers log every stop as an error
    // (rsyslog: "TLS connection was non-properly terminated"). destroy() if the receiver does not answer.
    socket.end();
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private connect(): Promise<Socket> {
    const { host, port } = this.target;
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const socket = this.target.kind === 'syslog+tls'
        // SNI takes a host name only (RFC 6066): an IP address would be refused, with a warning each time.
        ? connectTls({ host, port, ...(isIP(host) === 0 ? { servername: host } : {}), ...this.options.tls })
        : connectTcp({ host, port });
      const ready = this.target.kind === 'syslog+tls' ? 'secureConnect' : 'connect';
      socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no connection to ${host}:${port} within ${timeoutMs} ms`)));
      socket.once(ready, () => {
        socket.setTimeout(0);
        socket.setKeepAlive(true, 30_000);
        this.socket = socket;
        this.recentWrites = [];
        resolve(socket);
      });
      let failure: string | null = null;
      let unacknowledged = 0;
      socket.on('error', (error: NodeJS.ErrnoException) => {
        failure = error.code ?? error.message;
        reject(error);
      });
      // The receiver went away (or said goodbye): what it never took is looked for, and the next batch
      // reconnects.
      socket.on('end', () => {
        const state = readSocketState(socket);
        if (state?.error) failure = errnoName(state.error);
        else unacknowledged = state?.unacknowledged ?? 0;
        socket.destroy();
      });
      socket.on('close', () => {
        if (this.socket === socket) {
          this.socket = null;
          const atRisk = failure ? this.messagesSince(Date.now() - AT_RISK_MS) : this.lastMessagesOf(unacknowledged);
          const how = failure ? `reset (${failure})` : unacknowledged > 0 ? `closed with ${unacknowledged} bytes not acknowledged` : 'closed';
          this.options.onDisconnect?.(`connection to ${host}:${port} ${how}`, atRisk);
        }
        reject(new Error(`connection to ${host}:${port} closed`));
      });
      // Syslog receivers send nothing back; reading keeps 'end' coming when they close.
      socket.resume();
    });
  }

  /** Messages written since `since` (epoch ms). */
  private messagesSince(since: number): number {
    return this.recentWrites.filter((write) => write.at >= since).reduce((sum, write) => sum + write.count, 0);
  }

  /** Messages of the last writes that hold the last `bytes` bytes written (those of a write cut across, all). */
  private lastMessagesOf(bytes: number): number {
    let messages = 0;
    for (let i = this.recentWrites.length - 1; i >= 0 && bytes > 0; i -= 1) {
      messages += this.recentWrites[i]!.count;
      bytes -= this.recentWrites[i]!.bytes;
    }
    return messages;
  }

  /** Whether the connection is open now. */
  get connected(): boolean {
    return this.socket !== null;
  }
}
