/**
 * Real drain receivers for tests: rsyslog (Debian) on a loopback TCP port, plain or TLS, and a node:http
 * logplex receiver.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RSYSLOGD = ['/usr/sbin/rsyslogd', '/usr/bin/rsyslogd'].find((path) => existsSync(path));
/** rsyslog's GnuTLS network stream driver (Debian package rsyslog-gnutls), which its TLS inputs need. */
export const RSYSLOG_GTLS = ['/usr/lib/x86_64-linux-gnu/rsyslog', '/usr/lib/aarch64-linux-gnu/rsyslog', '/usr/lib/rsyslog', '/usr/lib64/rsyslog']
  .map((dir) => join(dir, 'lmnsd_gtls.so')).find((path) => existsSync(path));

export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * rsyslogd in the foreground with its own config: imtcp on 127.0.0.1:port, every message to one file.
 * With `tls: true` the input speaks TLS (gtls driver, clients not asked for certificates) with a
 * certificate for 127.0.0.1 and localhost signed by a CA made for this receiver alone; `ca` is its PEM.
 */
export class Rsyslog {
  readonly dir = mkdtempSync(join(tmpdir(), 'twelve-rsyslog-'));
  readonly output = join(this.dir, 'messages.log');
  /** The PEM of the CA that signed the receiver's certificate (TLS receivers only). */
  readonly ca: string | undefined;
  private readonly tls: boolean;
  private child: ChildProcess | null = null;
  private log = '';

  constructor(readonly port: number, options: { tls?: boolean } = {}) {
    this.tls = options.tls ?? false;
    let tlsGlobals = '';
    let tlsInput = '';
    if (this.tls) {
      const files = makeCertificates(this.dir);
      this.ca = readFileSync(files.ca, 'utf8');
      tlsGlobals = ` DefaultNetstreamDriverCAFile="${files.ca}" DefaultNetstreamDriverCertFile="${files.cert}" DefaultNetstreamDriverKeyFile="${files.key}"`;
      tlsInput = ' StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon"';
    }
    writeFileSync(join(this.dir, 'rsyslog.conf'), `
global(workDirectory="${this.dir}" maxMessageSize="64k"${tlsGlobals})
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="${port}"${tlsInput})
template(name="line" type="string" string="%hostname% %app-name% %procid% %msg%\\n")
*.* action(type="omfile" file="${this.output}" template="line")
`);
  }

  async start(): Promise<void> {
    this.child = spawn(RSYSLOGD!, ['-n', '-f', join(this.dir, 'rsyslog.conf'), '-i', join(this.dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => { this.log += chunk.toString(); });
    this.child.stderr!.on('data', (chunk: Buffer) => { this.log += chunk.toString(); });
    const child = this.child;
    await waitUntil(`rsyslogd to listen on ${this.port}`, async () => {
      if (child.exitCode !== null) throw new Error(`rsyslogd exited ${child.exitCode}: ${this.log}`);
      // A TLS receiver is ready once a handshake with its certificate succeeds, not at the first accept.
      return this.tls ? canHandshake(this.port, this.ca!) : canConnect(this.port);
    });
  }

  /** The messages received so far: `host app-name procid msg` per line. */
  lines(): string[] {
    try {
      return readFileSync(this.output, 'utf8').split('\n').filter((line) => line !== '');
    } catch {
      return [];
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    // rsyslogd stops at once on SIGTERM; one that does not is killed rather than left behind.
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  /** What rsyslogd printed on stdout and stderr (its own errors, e.g. failed TLS handshakes). */
  diagnostics(): string {
    return this.log;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

function canHandshake(port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTls({ host: '127.0.0.1', port, ca });
    socket.once('secureConnect', () => { socket.end(); resolve(true); });
    socket.once('error', () => { socket.destroy(); resolve(false); });
  });
}

/**
 * A throwaway CA and a server certificate it signs for 127.0.0.1 and localhost (P-256 keys, valid two
 * days), written into `dir` by the openssl command.
 */
export function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ecKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=twelve test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', '-new', ...ecKey, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(file('server.ext'), [
    'subjectAltName=IP:127.0.0.1,DNS:localhost', 'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth', '',
  ].join('\n'));
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-set_serial', '1',
    '-days', '2', '-extfile', file('server.ext'), '-out', file('server.pem'));
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
}

/** Splits a logplex-1 body into its syslog messages (octet counting). */
export function parseFrames(body: Buffer): string[] {
  const messages: string[] = [];
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(32, at);
    const length = Number(body.toString('utf8', at, space));
    messages.push(body.toString('utf8', space + 1, space + 1 + length));
    at = space + 1 + length;
  }
  return messages;
}

/**
 * A logplex-1 HTTP receiver; `failing` makes it answer 503 (a receiver that is down), `refusing` answer
 * that status to every batch, and bodies over `maxBodyBytes` get 413 (as nginx's client_max_body_size).
 */
export class HttpReceiver {
  readonly messages: string[] = [];
  readonly requests: Array<{ headers: IncomingMessage['headers']; count: number }> = [];
  /** Every POST, taken or not: its frame id, its messages and the status answered. */
  readonly attempts: Array<{ frameId: string; messages: string[]; bytes: number; status: number }> = [];
  failing = false;
  refusing: number | null = null;
  maxBodyBytes = Infinity;
  private server: Server | null = null;
  port = 0;

  /** Listens on a free port, or again on the one it had (a receiver that was stopped and comes back). */
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const messages = parseFrames(body);
        const status = this.failing ? 503 : this.refusing ?? (body.length > this.maxBodyBytes ? 413 : 204);
        this.attempts.push({ frameId: String(req.headers['logplex-frame-id']), messages, bytes: body.length, status });
        if (status !== 204) {
          res.writeHead(status).end();
          return;
        }
        this.requests.push({ headers: req.headers, count: messages.length });
        this.messages.push(...messages);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /**
   * Waits until no connection is left, closing the idle ones: a request sent before a test changes how the
   * receiver answers (`failing`) is then answered the old way, however late the receiver reads it.
   */
  async quiesce(): Promise<void> {
    await waitUntil('the receiver to have no connection left', async () => {
      this.server?.closeIdleConnections();
      const open = await new Promise<number>((resolve) => this.server?.getConnections((_error, count) => resolve(count)) ?? resolve(0));
      return open === 0;
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/**
 * A TCP receiver that accepts connections and reads nothing (until a test resumes one), so what arrives
 * stays unread: destroying a connection then resets it (RST), as rsyslog does when stopped with lines unread.
 */
export class SilentReceiver {
  readonly connections: Socket[] = [];
  private readonly server = createNetServer({ pauseOnConnect: true }, (socket) => { this.connections.push(socket); });

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this.port;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops listening; the connections stay until `dispose`. */
  stopListening(): void {
    this.server.close();
  }

  dispose(): void {
    for (const socket of this.connections) socket.destroy();
    this.server.close();
  }
}
