import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CRASH_COUNTER_RESET_MS, MAX_RESTART_DELAY_MS, restartDelayMs } from '../../src/run/restart-delay.js';

describe('restartDelayMs', () => {
  it('restarts at once after the first crash', () => {
    assert.equal(restartDelayMs(1), 0);
    assert.equal(restartDelayMs(0), 0);
  });

  it('doubles from one second for each further crash in a row', () => {
    assert.deepEqual([2, 3, 4, 5, 6, 7].map(restartDelayMs), [1000, 2000, 4000, 8000, 16_000, 32_000]);
  });

  it('never waits longer than a minute, however long the crash loop', () => {
    assert.equal(MAX_RESTART_DELAY_MS, 60_000);
    assert.equal(restartDelayMs(8), 60_000);
    assert.equal(restartDelayMs(1000), 60_000);
    assert.equal(restartDelayMs(Number.MAX_SAFE_INTEGER), 60_000);
  });

  it('treats nonsense counts as a first crash', () => {
    assert.equal(restartDelayMs(-3), 0);
    assert.equal(restartDelayMs(Number.NaN), 0);
  });

  it('resets the crash counter after 30 s up', () => {
    assert.equal(CRASH_COUNTER_RESET_MS, 30_000);
  });
});
