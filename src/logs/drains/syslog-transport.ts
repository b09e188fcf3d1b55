/** A syslog drain over TCP or TLS: one long-lived connection, octet-counted RFC 5424 frames. */
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { LogEvent } from '../log-event.js';
import type { DrainTarget } from './drain-url.js';
import { frames } from './syslog-frame.js';
import type { Transport, TransportOptions } from './transport.js';

/** How long a closing connection may take to say goodbye before it is cut. */
const CLOSE_GRACE_MS = 2000;

export class SyslogTransport implements Transport {
  private socket: Socket | null = null;

  constructor(private readonly target: DrainTarget, private readonly options: TransportOptions) {}

  async send(events: LogEvent[]): Promise<void> {
    const socket = this.socket ?? await this.connect();
    await new Promise<void>((resolve, reject) => {
      socket.write(frames(events), (error) => (error ? reject(error) : resolve()));
    });
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
        resolve(socket);
      });
      socket.on('error', reject);
      // The receiver went away (or said goodbye): the next batch reconnects.
      socket.on('end', () => socket.destroy());
      socket.on('close', () => {
        if (this.socket === socket) {
          this.socket = null;
          this.options.onDisconnect?.(`connection to ${host}:${port} closed`);
        }
        reject(new Error(`connection to ${host}:${port} closed`));
      });
      // Syslog receivers send nothing back; reading keeps 'end' coming when they close.
      socket.resume();
    });
  }

  /** Whether the connection is open now. */
  get connected(): boolean {
    return this.socket !== null;
  }
}
