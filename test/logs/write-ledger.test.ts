import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WriteLedger } from '../../src/logs/drains/write-ledger.js';

describe('a syslog connection\'s write ledger', () => {
  it('puts at risk every write not wholly acknowledged, and for a reset the last moments\' writes too', () => {
    const ledger = new WriteLedger(1000);
    ledger.record(10, 100, 0);
    ledger.record(20, 100, 500);
    ledger.record(30, 100, 5000);
    assert.equal(ledger.observe(150, 5000), true);
    assert.equal(ledger.observe(150, 5000), false, 'no progress');
    assert.equal(ledger.atRisk(), 50, 'the write cut across counts whole');
    assert.equal(ledger.outstanding, 150);
    ledger.observe(300, 5100);
    assert.equal(ledger.atRisk(), 0);
    assert.equal(ledger.atRisk(5100 - 1000), 30, 'acknowledged, but written in the last second');
  });
});
