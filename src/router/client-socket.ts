/**
 * Reads an accepted client connection with net's `onread`: each read lands in one shared buffer and
 * reaches the connection directly, without the stream machinery of a 'data' event (a freshly allocated
 * read buffer, a push through the Readable's state, an emit). The backend sockets are read the same
 * way (backend-pool.ts). Node.js offers `onread` only to sockets it creates from a handle or a file
 * descriptor, not to the ones a server accepts, so the accepted socket (the server pauses it on
 * connect, so it has read nothing) gives its handle to a new socket made with `onread`, the way
 * net.Server makes its sockets. If a later Node.js has no such handle, the accepted socket is used with
 * 'data' events as before. See docs/router.md for what it gave.
 */
import net from 'node:net';

/** Read by one callback at a time, which copies what it keeps (a request arrives in one read, mostly). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

interface WithHandle {
  _handle: object | null;
}

/** The socket to use for `accepted` from now on; `onBytes` gets each read as bytes of its own. */
export function readClientSocket(accepted: net.Socket, onBytes: (bytes: Buffer) => void): net.Socket {
  const handle = (accepted as unknown as WithHandle)._handle;
  // A TLS socket's handle carries the decryption: its plaintext comes only through the stream.
  if (!handle || accepted.destroyed || (accepted as { encrypted?: boolean }).encrypted === true) {
    accepted.on('data', onBytes);
    if (accepted.isPaused()) accepted.resume();
    return accepted;
  }
  (accepted as unknown as WithHandle)._handle = null;
  const socket = new net.Socket({
    handle, allowHalfOpen: true, readable: true, writable: true,
    onread: {
      buffer: READ_BUFFER,
      callback: (nread: number) => {
        onBytes(Buffer.from(READ_BUFFER.subarray(0, nread)));
        return true; // keep reading: backpressure pauses the socket itself
      },
    },
  } as net.SocketConstructorOpts);
  // The accepted socket no longer holds the handle: destroying it closes nothing, and the server
  // counts the connection as gone (the router keeps its own list of connections).
  accepted.destroy();
  return socket;
}
