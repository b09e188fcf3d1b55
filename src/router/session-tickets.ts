/**
 * TLS session tickets whose keys twelve keeps in memory and rotates, and that are renewed on every
 * resumed handshake. Node's own tickets resume a TLS 1.3 session once: a resumed TLS 1.3 handshake
 * gets no new ticket from it, and clients use a TLS 1.3 ticket only once (RFC 8446 C.4: browsers,
 * curl, wrk), so every other new connection paid a full handshake (docs/https.md#session-resumption).
 */
import { randomBytes } from 'node:crypto';
import type tls from 'node:tls';

/** One key: its name (sent in the ticket), an HMAC key and an AES-128 key, as Node's callback takes them. */
interface TicketKey {
  name: Buffer;
  hmac: Buffer;
  aes: Buffer;
  madeAt: number;
}

/**
 * Node's native secure context, as far as tickets go: `enableTicketKeyCallback` makes OpenSSL ask
 * `onticketkeycallback` for the key of each ticket (Node's own test of ticket renewal uses the same hook;
 * it is not in Node's public API, so `attach` checks for it).
 */
interface NativeContext {
  enableTicketKeyCallback?: () => void;
  onticketkeycallback?: TicketKeyCallback;
}

/** `[status, hmacKey, aesKey]`, and for a new ticket also `[..., name, iv]`. */
type TicketKeyCallback = (name: Buffer, iv: Buffer, encrypt: boolean) => Array<number | Buffer>;

/** OpenSSL's answers from a ticket key callback: 0 not ours (full handshake), 1 good, 2 good and send a new ticket. */
const NOT_OURS = 0;
const GOOD = 1;
const GOOD_RENEW = 2;

export class SessionTickets {
  private current: TicketKey;
  private previous: TicketKey | undefined;

  /**
   * `rotateMs`: how long one key encrypts new tickets; it decrypts them for as long again, so a ticket
   * stays good for at least `rotateMs` (make it the server's sessionTimeout).
   */
  constructor(private readonly rotateMs: number, private readonly now: () => number = Date.now) {
    this.current = this.makeKey();
  }

  /**
   * Hands the tickets of the server with `context` (its default context: OpenSSL asks that one, whatever
   * SNI chose) to these keys. Returns false, changing nothing, where Node has no such hook: Node's own
   * tickets then serve (one resumption per full handshake over TLS 1.3).
   */
  attach(context: tls.SecureContext): boolean {
    const native = (context as tls.SecureContext & { context?: NativeContext }).context;
    if (typeof native?.enableTicketKeyCallback !== 'function') return false;
    native.enableTicketKeyCallback();
    const callback: TicketKeyCallback = (name, _iv, encrypt) => encrypt ? this.forNewTicket() : this.forTicket(name);
    native.onticketkeycallback = callback;
    return true;
  }

  /** The key, and a fresh IV, for a ticket being issued. */
  private forNewTicket(): Array<number | Buffer> {
    const key = this.rotated();
    return [GOOD, key.hmac, key.aes, key.name, randomBytes(16)];
  }

  /** The key a client's ticket names; renewed whenever good, so a client always has an unused ticket. */
  private forTicket(name: Buffer): Array<number | Buffer> {
    const current = this.rotated();
    const key = [current, this.previous].find((candidate) => candidate?.name.equals(name));
    // Node wants a key of the right size even for a ticket it will drop.
    return key ? [GOOD_RENEW, key.hmac, key.aes] : [NOT_OURS, current.hmac, current.aes];
  }

  /** The current key, rotated first when it has encrypted for `rotateMs`. */
  private rotated(): TicketKey {
    const now = this.now();
    if (now - this.current.madeAt >= this.rotateMs) {
      // After two periods idle the current key is too old to keep even as the previous one.
      this.previous = now - this.current.madeAt < 2 * this.rotateMs ? this.current : undefined;
      this.current = this.makeKey();
    }
    return this.current;
  }

  private makeKey(): TicketKey {
    return { name: randomBytes(16), hmac: randomBytes(32), aes: randomBytes(16), madeAt: this.now() };
  }
}
