/**
 * What the kernel knows of a syslog drain's TCP connection when the receiver closes it: how many bytes
 * written to it were never acknowledged, and whether the receiver reset it. Syslog over TCP has no
 * acknowledgements of its own; TCP's tell which of the last bytes the receiver's machine took. A receiver
 * that closed having read everything leaves nothing unacknowledged; bytes that reached it after it closed
 * are unacknowledged until its reset arrives, and after that the reset is the pending error.
 *
 * Node.js has no binding for either (SIOCOUTQ, SO_ERROR), so it is a small addon, native/socket-state.c,
 * built with the page-cache one. Without it, `read` says nothing (null), and a receiver's orderly close
 * is taken at its word.
 */
import type { Socket } from 'node:net';
import { loadAddon } from '../../native-addon.js';

interface SocketStateAddon {
  unacknowledged(fd: number): number;
  pendingError(fd: number): number;
}

const { addon } = loadAddon<SocketStateAddon>('socket_state');

export interface SocketState {
  /** Bytes written that the peer has not acknowledged. */
  unacknowledged: number;
  /** The pending error (ECONNRESET: the peer reset the connection), 0 if none. */
  error: number;
}

function descriptorOf(socket: Socket): number | null {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : null;
}

/**
 * The state of a plain TCP socket that is still open, or null (no addon, or no descriptor, as over TLS).
 * Reading the pending error clears it: only once the receiver has closed, never while it may still.
 */
export function readSocketState(socket: Socket): SocketState | null {
  const unacknowledged = readUnacknowledged(socket);
  const fd = descriptorOf(socket);
  if (unacknowledged === null || fd === null) return null;
  const error = addon!.pendingError(fd);
  return error < 0 ? null : { unacknowledged, error };
}

/** Bytes written that the peer has not acknowledged, leaving the pending error alone; null if not known. */
export function readUnacknowledged(socket: Socket): number | null {
  const fd = descriptorOf(socket);
  if (!addon || fd === null) return null;
  const unacknowledged = addon.unacknowledged(fd);
  return unacknowledged < 0 ? null : unacknowledged;
}
