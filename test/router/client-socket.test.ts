import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { readClientSocket } from '../../src/router/client-socket.js';
import { waitFor } from './helpers.js';

/** A server that pauses what it accepts, as the router's does, and a client connected to it. */
async function acceptedPair(): Promise<{ server: net.Server; accepted: net.Socket; client: net.Socket }> {
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  return { server, accepted: await accepted, client };
}

test('hands each read over as bytes of its own, though the next read reuses the buffer', async () => {
  const { server, accepted, client } = await acceptedPair();
  const reads: Buffer[] = [];
  const socket = readClientSocket(accepted, (bytes) => reads.push(bytes));
  try {
    client.write('GET / HTTP/1.1\r\nHo');
    await waitFor(() => reads.length === 1, 'the first read');
    client.write('st: a.localhost\r\n\r\n');
    await waitFor(() => reads.length === 2, 'the second read');
    // A view of the shared buffer would now hold the second read's bytes.
    assert.equal(reads[0]!.toString(), 'GET / HTTP/1.1\r\nHo');
    assert.equal(reads[1]!.toString(), 'st: a.localhost\r\n\r\n');
  } finally {
    client.destroy();
    socket.destroy();
    server.close();
  }
});

test('the new socket answers, knows its peer, stays open after the client ends, and leaves the server no connection', async () => {
  const { server, accepted, client } = await acceptedPair();
  const socket = readClientSocket(accepted, () => {});
  try {
    assert.equal(socket.remoteAddress, '127.0.0.1');
    assert.equal(socket.localPort, (server.address() as net.AddressInfo).port);
    const ended = new Promise<void>((resolve) => socket.once('end', resolve));
    let answer = '';
    client.on('data', (chunk: Buffer) => { answer += chunk.toString(); });
    client.end();
    await ended;
    socket.end('still here'); // half-open: the client's FIN does not close our side
    await waitFor(() => answer === 'still here', 'the answer after the client ended');
    const count = await new Promise<number>((resolve, reject) => server.getConnections((error, n) => (error ? reject(error) : resolve(n))));
    assert.equal(count, 0);
  } finally {
    socket.destroy();
    server.close();
  }
});
