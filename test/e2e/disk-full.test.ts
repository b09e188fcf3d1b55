/**
 * A full disk under a real `twelve serve`: its data dir on a small tmpfs, filled by a file the test
 * writes. Writes fail as DISK_FULL with what to do, the app that fills it can still be stopped and
 * destroyed, and twelve's own log says each failure once rather than once a flush.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { copyFixture, TestPlatform, waitFor } from './harness.js';

const mountPoint = mkdtempSync(join(tmpdir(), 'twelve-full-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m,mode=0700', 'tmpfs', mountPoint], { stdio: 'ignore' });
  mounted = true;
} catch {
  // Mounting needs root (CAP_SYS_ADMIN); the test says it was skipped.
}
const platform = new TestPlatform({ TWELVE_DATA_DIR: join(mountPoint, 'data') });

before(async () => {
  if (!mounted) return;
  await platform.start();
  await platform.ok('apps:create', 'site');
  await platform.ok('deploy', copyFixture('procfile-only'), '-a', 'site');
});
after(async () => {
  if (mounted) {
    await platform.dispose();
    execFileSync('umount', ['-l', mountPoint]);
  }
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Writes zeros until the file system has no room left. */
function fillDisk(): void {
  const fd = openSync(join(mountPoint, 'filler'), 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

async function failsWithDiskFull(...args: string[]): Promise<void> {
  const result = await platform.cli(...args);
  assert.notEqual(result.code, 0, `twelve ${args.join(' ')} should fail`);
  assert.match(result.stderr, /the disk of twelve's data dir is full[\s\S]*free space there/, `twelve ${args.join(' ')}: ${result.stderr}`);
  assert.doesNotMatch(result.stderr, /bug in twelve/);
}

test('on a full disk: DISK_FULL with what to do, the app can be stopped, scaled to 0 and destroyed, and each failure is logged once', { skip: !mounted && 'needs root to mount a tmpfs' }, async () => {
  assert.equal((await platform.get('site')).status, 200);
  fillDisk();

  await failsWithDiskFull('config:set', 'X=1', '-a', 'site');
  await failsWithDiskFull('deploy', copyFixture('procfile-only'), '-a', 'site');

  // The app keeps writing (every request is a line of its own and one of the router's): each flush fails.
  for (let i = 0; i < 50; i++) assert.equal((await platform.get('site')).status, 200);
  await waitFor('the log store to fail a flush', () => platform.output.includes('could not write log lines to disk'));

  await platform.ok('ps:stop', 'web', '-a', 'site');
  await waitFor('web.1 to stop', async () => !(await platform.ok('ps', '-a', 'site')).stdout.includes('web.1'));
  await platform.ok('ps:scale', 'web=0', '-a', 'site');
  await platform.ok('apps:destroy', '-a', 'site', '--confirm', 'site');
  assert.doesNotMatch((await platform.ok('apps')).stdout, /site/);

  assert.match(platform.output, /gave up the reserve so that this can be recorded/);
  const lost = platform.output.split('\n').filter((line) => line.includes('"could not write log lines to disk; they are lost"'));
  assert.equal(lost.length, 1, lost.join('\n'));
});
