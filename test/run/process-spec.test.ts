import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { processArgv, processName, spawnEnv, type ProcessSpec } from '../../src/run/process-spec.js';

const spec = (type: string): ProcessSpec => ({
  app: 'shop', appId: 1, releaseVersion: 3, type, number: 2, command: 'node server.js', cwd: '/srv/shop',
  env: { PATH: '/usr/bin', DATABASE_URL: 'postgres://x' },
});

describe('process spec', () => {
  it('names a process type.number', () => {
    assert.equal(processName(spec('web')), 'web.2');
  });

  it('gives a web process PORT and DYNO on top of the caller env', () => {
    assert.deepEqual(spawnEnv(spec('web'), 20001), { PATH: '/usr/bin', DATABASE_URL: 'postgres://x', DYNO: 'web.2', PORT: '20001' });
  });

  it('gives other types DYNO but no PORT', () => {
    assert.deepEqual(spawnEnv(spec('worker'), null), { PATH: '/usr/bin', DATABASE_URL: 'postgres://x', DYNO: 'worker.2' });
  });

  it('runs the Procfile command through /bin/sh -c, exec-ing a simple one', () => {
    assert.deepEqual(processArgv(spec('web')), { file: '/bin/sh', args: ['-c', 'exec node server.js'] });
    assert.deepEqual(processArgv({ command: 'npm run a && npm start' }), { file: '/bin/sh', args: ['-c', 'npm run a && npm start'] });
  });
});
