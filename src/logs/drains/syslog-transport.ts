/** A syslog drain over TCP or TLS: one long-lived connection, octet-counted RFC 5424 frames. */
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { LogEvent } from '../log-event.js';
import type { DrainTarget } from './drain-url.js';
import { frames } from './syslog-frame.js';
import type { Transport, TransportOptions } from './transport.js';

/** How long a closing connection may take to say goodbye before it is cut. */
const CLOSE_GRACE_MS = 2000;

/**
 * How far back messages count as at risk when a receiver resets the connection. Syslog over TCP has no
 * acknowledgements: a write succeeds once the bytes are queued here. A receiver that closes having read
 * everything closes in order (FIN), and nothing was lost (measured with rsyslog, stopped while lines
 * flowed); one that closes with bytes unread resets it (RST), and those bytes, the last ones written, are
 * gone. Which of them is not known here: what was written in the last second is the bound reported.
 */
const AT_RISK_MS = 1000;

export class SyslogTransport implements Transport {
  private socket: Socket | null = null;
  /** Writes to the current connection in the last AT_RISK_MS: when, and how many messages. */
  private recentWrites: Array<{ at: number; count: number }> = [];

  constructor(private readonly target: DrainTarget, private readonly options: TransportOptions) {}

  async send(events: LogEvent[]): Promise<void> {
    const socket = this.socket ?? await this.connect();
    await new Promise<void>((resolve, reject) => {
      socket.write(frames(events), (error) => (error ? reject(error) : resolve()));
    });
    const now = Date.now();
    this.recentWrites.push({ at: now, count: events.length });
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
      let failure: Error | null = null;
      socket.on('error', (error) => {
        failure = error;
        reject(error);
      });
      // The receiver went away (or said goodbye): the next batch reconnects.
      socket.on('end', () => socket.destroy());
      socket.on('close', () => {
        if (this.socket === socket) {
          this.socket = null;
          const since = Date.now() - AT_RISK_MS;
          const atRisk = failure ? this.recentWrites.filter((write) => write.at >= since).reduce((sum, write) => sum + write.count, 0) : 0;
          this.options.onDisconnect?.(`connection to ${host}:${port} ${failure ? `reset (${(failure as NodeJS.ErrnoException).code ?? failure.message})` : 'closed'}`, atRisk);
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
