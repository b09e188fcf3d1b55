import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { describe, it } from 'node:test';
import { isTwelveError } from '../../src/errors.js';
import { PortAllocator } from '../../src/run/port-allocator.js';

function listen(port: number, host?: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host }, () => resolve(server));
  });
}

/** Whether a port can be bound on 127.0.0.1 right now. */
async function canBind(port: number): Promise<boolean> {
  try {
    const server = await listen(port, '127.0.0.1');
    await new Promise((resolve) => server.close(resolve));
    return true;
  } catch {
    return false;
  }
}

/**
 * The first of five ports that were all free a moment ago, in 10000-19999: below the kernel's ephemeral
 * range (32768 up on Linux), where a port from listen(0) would be and where the outgoing connections of
 * tests running beside this one take their local ports (one of them took a port of the five now and
 * then), and below twelve's own range for web processes (20000-29999), which the tests' platforms use.
 */
async function freeBase(): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const base = 10_000 + Math.floor(Math.random() * 9_995);
    const free = await Promise.all([0, 1, 2, 3, 4].map((i) => canBind(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('found no five free ports in a row in 10000-19999');
}

describe('PortAllocator', () => {
  it('never hands out the same port twice, even to concurrent callers, until it is released', async () => {
    const base = await freeBase();
    const ports = new PortAllocator([base, base + 4]);
    const first = await Promise.all([1, 2, 3, 4, 5].map(() => ports.allocate()));
    assert.equal(new Set(first).size, 5);
    for (const port of first) assert.ok(port >= base && port <= base + 4);
    await assert.rejects(ports.allocate(), (error) => isTwelveError(error) && /no free port left/.test(error.message));
    ports.release(first[2]!);
    assert.equal(await ports.allocate(), first[2]);
  });

  it('skips a port something is listening on, on 127.0.0.1 or on all addresses', async () => {
    const base = await freeBase();
    const loopback = await listen(base, '127.0.0.1');
    const everywhere = await listen(base + 1);
    try {
      const ports = new PortAllocator([base, base + 2]);
      assert.equal(await ports.allocate(), base + 2);
    } finally {
      loopback.close();
      everywhere.close();
    }
  });

  it('goes round the range instead of handing a just-released port straight back', async () => {
    const base = await freeBase();
    const ports = new PortAllocator([base, base + 2]);
    const a = await ports.allocate();
    ports.release(a);
    const b = await ports.allocate();
    assert.notEqual(b, a);
  });
});
