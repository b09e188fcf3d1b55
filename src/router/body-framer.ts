/**
 * Body framing without buffering: a framer is fed the bytes that follow a head and says how many of
 * them belong to the body, so the proxy forwards exactly those (chunked bodies stay chunked, byte for
 * byte) and knows where the next message starts. Chunk syntax is checked strictly: CRLF only, hex sizes
 * without padding tricks, no whitespace, bounded extensions and trailers.
 */
import { TOKEN } from './http-syntax.js';

export interface BodyFramer {
  /** Consumes body bytes from `buf[start..]`; returns how many belong to the body. Check `error` after. */
  feed(buf: Buffer, start: number): number;
  /** The whole body went past. */
  done: boolean;
  /** Set when the bytes break the framing or the size limit; the message cannot be relayed any further. */
  error: string | undefined;
  /** Payload bytes so far (chunk data only, for chunked bodies). */
  dataBytes: number;
}

/** A body of Content-Length bytes. */
export class LengthFramer implements BodyFramer {
  done: boolean;
  error: string | undefined;
  dataBytes = 0;
  constructor(private remaining: number) {
    this.done = remaining === 0;
  }

  feed(buf: Buffer, start: number): number {
    const take = Math.min(this.remaining, buf.length - start);
    this.remaining -= take;
    this.dataBytes += take;
    if (this.remaining === 0) this.done = true;
    return take;
  }
}

/** A body that ends when the connection does (responses only). */
export class UntilCloseFramer implements BodyFramer {
  done = false;
  error: string | undefined;
  dataBytes = 0;
  feed(buf: Buffer, start: number): number {
    this.dataBytes += buf.length - start;
    return buf.length - start;
  }
}

const enum State { SizeStart, Size, ExtName, ExtValue, SizeLf, Data, DataCr, DataLf, TrailerStart, TrailerLine, TrailerLf, EndLf }

const MAX_SIZE_DIGITS = 12;
/** 1 for the bytes of a token (tchar). */
const TOKEN_CHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN_CHAR[c.charCodeAt(0)] = 1;
const FRAMING_TRAILERS = new Set(['transfer-encoding', 'content-length', 'host']);
const MAX_LINE_EXTRA = 4096;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** A chunked body (RFC 9112 7.1), up to `maxDataBytes` of payload. */
export class ChunkedFramer implements BodyFramer {
  done = false;
  error: string | undefined;
  dataBytes = 0;
  private state = State.SizeStart;
  private size = 0;
  private digits = 0;
  /** Bytes of chunk extensions or trailer lines so far: bounded so a client cannot stream them forever. */
  private extra = 0;
  /** The trailer line being read (bounded by MAX_LINE_EXTRA). */
  private trailer = '';
  private extChars = 0;

  constructor(private readonly maxDataBytes = Number.MAX_SAFE_INTEGER) {}

  feed(buf: Buffer, start: number): number {
    let i = start;
    const end = buf.length;
    while (i < end && !this.done) {
      if (this.state === State.Data) {
        const take = Math.min(this.size, end - i);
        this.size -= take;
        i += take;
        if (this.size === 0) this.state = State.DataCr;
        continue;
      }
      const c = buf[i]!;
      i++;
      if (!this.step(c)) return i - start;
    }
    return i - start;
  }

  /** One byte of framing; false when it is an error. */
  private step(c: number): boolean {
    switch (this.state) {
      case State.SizeStart:
      case State.Size: {
        const digit = hexValue(c);
        if (digit !== -1) {
          if (++this.digits > MAX_SIZE_DIGITS) return this.fail('chunk size too long');
          this.size = this.size * 16 + digit;
          this.state = State.Size;
          return true;
        }
        if (this.state === State.SizeStart) return this.fail('invalid chunk size');
        if (c === 13) this.state = State.SizeLf;
        else if (c === 59) this.startExt(State.ExtName);
        else return this.fail('invalid chunk size');
        return true;
      }
      // Extensions: `;name` or `;name=value`, tokens only (no quoted strings, no whitespace): stricter than the RFC, never looser than llhttp.
      case State.ExtName:
      case State.ExtValue:
        if (++this.extra > MAX_LINE_EXTRA) return this.fail('chunk extension too long');
        if (TOKEN_CHAR[c] === 1) {
          this.extChars += 1;
          return true;
        }
        if (this.extChars === 0) return this.fail('invalid chunk extension');
        if (c === 13) this.state = State.SizeLf;
        else if (c === 59) this.startExt(State.ExtName);
        else if (c === 61 && this.state === State.ExtName) this.startExt(State.ExtValue);
        else return this.fail('invalid chunk extension');
        return true;
      case State.SizeLf:
        if (c !== 10) return this.fail('bare CR in chunk size line');
        this.dataBytes += this.size;
        if (this.dataBytes > this.maxDataBytes) return this.fail('body too large');
        this.digits = 0;
        this.state = this.size === 0 ? State.TrailerStart : State.Data;
        return true;
      case State.DataCr:
        if (c !== 13) return this.fail('chunk data longer than its size');
        this.state = State.DataLf;
        return true;
      case State.DataLf:
        if (c !== 10) return this.fail('bare CR after chunk data');
        this.state = State.SizeStart;
        return true;
      case State.TrailerStart:
        if (c === 13) this.state = State.EndLf;
        else if (c === 32 || c === 9) return this.fail('obs-fold in trailer');
        else return this.trailerByte(c);
        return true;
      case State.TrailerLine:
        if (c === 13) {
          this.state = State.TrailerLf;
          return this.trailerLineDone();
        }
        return this.trailerByte(c);
      case State.TrailerLf:
        if (c !== 10) return this.fail('bare CR in trailer');
        this.state = State.TrailerStart;
        return true;
      case State.EndLf:
        if (c !== 10) return this.fail('bare CR after last chunk');
        this.done = true;
        return true;
      default:
        return this.fail('chunk framing');
    }
  }

  private startExt(state: State): void {
    this.state = state;
    this.extChars = 0;
  }

  private trailerByte(c: number): boolean {
    if ((c < 32 && c !== 9) || c === 127 || ++this.extra > MAX_LINE_EXTRA) return this.fail('invalid trailer');
    this.state = State.TrailerLine;
    this.trailer += String.fromCharCode(c);
    return true;
  }

  /** A trailer is a header field like any other, and may not carry framing (RFC 9110 6.5.1). */
  private trailerLineDone(): boolean {
    const line = this.trailer;
    this.trailer = '';
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) return this.fail('invalid trailer');
    if (FRAMING_TRAILERS.has(name.toLowerCase())) return this.fail('framing header in trailer');
    return true;
  }

  private fail(reason: string): false {
    this.error = reason;
    return false;
  }
}
