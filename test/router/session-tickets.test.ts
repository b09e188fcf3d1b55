import assert from 'node:assert/strict';
import { test } from 'node:test';
import type tls from 'node:tls';
import { SessionTickets } from '../../src/router/session-tickets.js';

type Callback = (name: Buffer, iv: Buffer, encrypt: boolean) => Array<number | Buffer>;

/** A stand-in for Node's native context: only the ticket hook. */
function fakeContext(): { context: tls.SecureContext; callback: () => Callback } {
  const native: { enableTicketKeyCallback: () => void; onticketkeycallback?: Callback; enabled?: boolean } = {
    enableTicketKeyCallback() { native.enabled = true; },
  };
  return { context: { context: native } as unknown as tls.SecureContext, callback: () => { assert.ok(native.enabled); return native.onticketkeycallback!; } };
}

const IV = Buffer.alloc(16);

test('issues tickets under one key, takes them back with a renewal, and drops names it does not know', () => {
  const { context, callback } = fakeContext();
  assert.equal(new SessionTickets(60_000).attach(context), true);
  const [status, hmac, aes, name, iv] = callback()(Buffer.alloc(16), IV, true) as [number, Buffer, Buffer, Buffer, Buffer];
  assert.equal(status, 1);
  assert.equal(aes.length, 16);
  assert.equal(name.length, 16);
  assert.equal(iv.length, 16);
  assert.deepEqual(callback()(name, IV, false), [2, hmac, aes]);
  const [dropped, ...sizes] = callback()(Buffer.alloc(16, 7), IV, false) as [number, Buffer, Buffer];
  assert.equal(dropped, 0);
  assert.equal(sizes[1].length, 16);
});

test('rotates the key each period and keeps the last one for one more, so a ticket holds at least a period', () => {
  let now = 0;
  const { context, callback } = fakeContext();
  new SessionTickets(1000, () => now).attach(context);
  const first = callback()(Buffer.alloc(16), IV, true)[3] as Buffer;
  now = 1500;
  const second = callback()(Buffer.alloc(16), IV, true)[3] as Buffer;
  assert.notDeepEqual(second, first);
  assert.equal(callback()(first, IV, false)[0], 2);
  now = 2600;
  assert.equal(callback()(first, IV, false)[0], 0);
  assert.equal(callback()(second, IV, false)[0], 2);
});

test('changes nothing where Node has no ticket hook', () => {
  assert.equal(new SessionTickets(1000).attach({ context: {} } as unknown as tls.SecureContext), false);
});
