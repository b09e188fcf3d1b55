/** A syslog drain over TCP or TLS: one long-lived connection, octet-counted RFC 5424 frames. */
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { constants } from 'node:os';
import { connect as connectTls } from 'node:tls';
import { errorText } from '../../errors.js';
import type { DrainTarget } from './drain-url.js';
import { readSocketState } from './socket-state.js';
import { frames } from './syslog-frame.js';
import { SyslogConnection } from './syslog-connection.js';
import type { Batch, Transport, TransportOptions } from './transport.js';

/** How long a closing connection may take to say goodbye before it is cut. */
const CLOSE_GRACE_MS = 2000;

/**
 * Syslog over TCP has no acknowledgements: a write succeeds once the bytes are queued here. A receiver that
 * closes having read everything closes in order (FIN) and has lost nothing; bytes that reach it after it
 * closed, or that it had not read, are gone, and it resets the connection (RST). Measured with rsyslog
 * stopped while lines flowed: orderly closes lost nothing, the others the last 10-40 lines. So when a
 * receiver closes, the kernel is asked (socket-state.ts) how many bytes it never acknowledged; and when it
 * resets, what it had not acknowledged when last looked at, and what was written in the last AT_RISK_MS,
 * is the bound reported (which acknowledged bytes it had read is not known here).
 */
const AT_RISK_MS = 1000;

/** `ECONNRESET` for 104, as Node.js names system errors. */
function errnoName(errno: number): string {
  return Object.entries(constants.errno).find(([, value]) => value === errno)?.[0] ?? `errno ${errno}`;
}

export class SyslogTransport implements Transport {
  private connection: SyslogConnection | null = null;
  /** Closed for good (the drain was removed, or twelve stops): no new connection is made. */
  private closed = false;

  constructor(private readonly target: DrainTarget, private readonly options: TransportOptions) {}

  async send({ events }: Batch): Promise<void> {
    if (this.closed) throw new Error('the drain is stopped');
    const connection = this.connection ?? await this.connect();
    try {
      // A connection that ended (its 'close' may be a turn away) is not written to: Node.js would fail the
      // write with "Cannot call write after a stream was destroyed", hiding why it ended.
      if (!connection.socket.writable) throw new Error(`connection to ${this.where()} closed`);
      await connection.write(frames(events), events.length);
    } catch (error) {
      // What ended the connection (a reset, say) is the error to show, and the batch is retried.
      throw new Error(await connection.closedReason() ?? errorText(error));
    }
  }

  close(): void {
    this.closed = true;
    const connection = this.connection;
    this.connection = null;
    if (!connection) return;
    connection.stopWatching();
    // end() first: over TLS it sends close_notify, without which receivers log every stop as an error
    // (rsyslog: "TLS connection was non-properly terminated"). destroy() if the receiver does not answer.
    connection.socket.end();
    setTimeout(() => connection.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private where(): string {
    return `${this.target.host}:${this.target.port}`;
  }

  private connect(): Promise<SyslogConnection> {
    const { host, port } = this.target;
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const socket: Socket = this.target.kind === 'syslog+tls'
        // SNI takes a host name only (RFC 6066): an IP address would be refused, with a warning each time.
        ? connectTls({ host, port, ...(isIP(host) === 0 ? { servername: host } : {}), ...this.options.tls })
        : connectTcp({ host, port });
      const connection = new SyslogConnection(socket, AT_RISK_MS, this.options);
      const ready = this.target.kind === 'syslog+tls' ? 'secureConnect' : 'connect';
      socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no connection to ${host}:${port} within ${timeoutMs} ms`)));
      socket.once(ready, () => {
        socket.setTimeout(0);
        socket.setKeepAlive(true, 30_000);
        this.connection = connection;
        connection.watch();
        resolve(connection);
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
        else {
          unacknowledged = state?.unacknowledged ?? 0;
          connection.observe(unacknowledged);
        }
        socket.destroy();
      });
      socket.on('close', () => {
        connection.stopWatching();
        const how = failure ? `reset (${failure})` : unacknowledged > 0 ? `closed with ${unacknowledged} bytes not acknowledged` : 'closed';
        const reason = `connection to ${host}:${port} ${how}`;
        connection.closed(reason);
        if (this.connection === connection) {
          this.connection = null;
          const atRisk = connection.ledger.atRisk(failure ? Date.now() - AT_RISK_MS : Infinity);
          this.options.onDisconnect?.(reason, atRisk);
        }
        reject(new Error(`connection to ${host}:${port} closed`));
      });
      // Syslog receivers send nothing back; reading keeps 'end' coming when they close.
      socket.resume();
    });
  }
}
