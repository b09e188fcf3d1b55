/** TWELVE_METRICS=off: nothing is measured, and asking for metrics says why. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { TestPlatform } from '../e2e/harness.js';

const platform = new TestPlatform({ TWELVE_METRICS: 'off' });
before(() => platform.start());
after(() => platform.dispose());

test('/metrics and twelve metrics answer METRICS_OFF', async () => {
  const token = readFileSync(join(platform.dataDir, 'api-token'), 'utf8').trim();
  const response = await fetch(`http://127.0.0.1:${platform.apiPort}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 409);
  assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'METRICS_OFF');
  await platform.ok('apps:create', 'quiet');
  const cli = await platform.cli('metrics', '-a', 'quiet');
  assert.notEqual(cli.code, 0);
  assert.match(cli.stderr, /TWELVE_METRICS=off/);
});
