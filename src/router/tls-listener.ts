/**
 * The router's second public port: a TLS server (Node's own `tls`) whose decrypted connections go to the
 * same ClientConnection as plain ones. The certificate is chosen per server name (SNI) by a
 * CertificateSource, so a certificate added or renewed is served from the next handshake on, while
 * connections already open keep theirs.
 */
import type net from 'node:net';
import tls from 'node:tls';
import { SessionTickets } from './session-tickets.js';

/** How long a session may be resumed (seconds), and so how long a ticket key encrypts. */
const SESSION_TIMEOUT_S = 3600;

/** Where the TLS listener gets the certificate for a server name; the certs layer implements it. */
export interface CertificateSource {
  /** The context (key and chain) for a lowercased server name; rejecting or undefined fails that handshake only. */
  contextFor(servername: string): Promise<tls.SecureContext | undefined>;
  /** The PEM key and chain for clients that send no server name (an IP address in the URL). */
  fallback(): Promise<{ key: string; cert: string }>;
}

/**
 * A TLS server for TLS 1.2 and 1.3, ALPN http/1.1, with session tickets (session-tickets.ts: keys kept
 * in memory and rotated, a new ticket on each resumption; a ticket holds for an hour within one run of twelve).
 */
export interface TlsListener {
  server: tls.Server;
  /** Cuts the connections still in their handshake: at shutdown, so close() does not wait for them. */
  cutHandshakes(): void;
}

/** `handshakeTimeoutMs`: how long a client may take from connecting to a finished handshake (slowloris). */
export async function createTlsServer(certificates: CertificateSource, handshakeTimeoutMs: number, onSecureConnection: (socket: tls.TLSSocket) => void,
  onHandshakeError: (error: Error) => void): Promise<TlsListener> {
  /** The TCP connections whose handshake is not done. */
  const handshaking = new Set<net.Socket>();
  const server = tls.createServer({
    ...await certificates.fallback(),
    noDelay: true,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ALPNProtocols: ['http/1.1'],
    handshakeTimeout: handshakeTimeoutMs,
    sessionTimeout: SESSION_TIMEOUT_S,
    SNICallback: (servername, callback) => {
      certificates.contextFor(servername.toLowerCase()).then((context) => callback(null, context), (error: Error) => callback(error));
    },
  }, (socket) => {
    const raw = (socket as tls.TLSSocket & { _parent?: net.Socket })._parent;
    if (raw) {
      handshaking.delete(raw);
      raw.setTimeout(0);
    }
    // Half-open only once secure: a server made allowHalfOpen ignores a client's FIN during the handshake
    // and holds that socket until handshakeTimeout. After it, a client may send its requests and FIN as on plain.
    socket.allowHalfOpen = true;
    onSecureConnection(socket);
  });
  // The server's own context is private to Node (`_sharedCreds`); without it, Node's tickets serve.
  const ownContext = (server as tls.Server & { _sharedCreds?: tls.SecureContext })._sharedCreds;
  if (ownContext) new SessionTickets(SESSION_TIMEOUT_S * 1000).attach(ownContext);
  server.on('tlsClientError', onHandshakeError);
  // Node's handshakeTimeout starts at the ClientHello: a client that connects and says nothing would hold
  // its socket (and close()) forever without a deadline of its own.
  server.on('connection', (raw: net.Socket) => {
    handshaking.add(raw);
    raw.once('close', () => handshaking.delete(raw));
    raw.setTimeout(handshakeTimeoutMs, () => raw.destroy());
  });
  return { server, cutHandshakes: () => { for (const raw of handshaking) raw.destroy(); } };
}
