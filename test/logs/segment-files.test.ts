/**
 * Reading an app's segment files when the file system refuses: a missing log is an empty one, anything
 * else (EACCES, or here ENOTDIR and EISDIR, which root gets too) is reported, not shown as an empty log.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { LogStore } from '../../src/logs/log-store.js';
import { listSegments, segmentName } from '../../src/logs/segment-files.js';

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'twelve-segment-files-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

it('lists no segments for a log dir that is not there, and throws for one that cannot be read', () => {
  assert.deepEqual(listSegments(join(dir, 'absent')), []);
  const notADir = join(dir, 'not-a-dir');
  writeFileSync(notADir, '');
  assert.throws(() => listSegments(notADir), { code: 'ENOTDIR' });
});

it('reports a log dir it cannot read, and reads nothing from it', () => {
  const reported: Array<{ app: string; code: string | undefined }> = [];
  writeFileSync(join(dir, 'blocked'), '');
  const store = new LogStore({
    dirFor: (app) => join(dir, app),
    onUnreadable: (app, error) => reported.push({ app, code: (error as NodeJS.ErrnoException).code }),
  });
  try {
    assert.deepEqual(store.read('blocked'), []);
    assert.equal(store.size('blocked'), 0);
    assert.deepEqual(reported.slice(0, 2), [{ app: 'blocked', code: 'ENOTDIR' }, { app: 'blocked', code: 'ENOTDIR' }]);
  } finally {
    store.close();
  }
});

it('reports a segment it cannot read', () => {
  const reported: string[] = [];
  const store = new LogStore({ dirFor: (app) => join(dir, app), onUnreadable: (_app, error) => reported.push(String((error as NodeJS.ErrnoException).code)) });
  try {
    store.appendBlock('torn', 1, Date.now(), 'app', 'web.1', Buffer.from('kept\n'), 1);
    assert.deepEqual(store.read('torn').map((event) => event.text), ['kept']);
    mkdirSync(join(dir, 'torn', segmentName(2)));
    const fresh = new LogStore({ dirFor: (app) => join(dir, app), onUnreadable: (_app, error) => reported.push(String((error as NodeJS.ErrnoException).code)) });
    try {
      assert.deepEqual(fresh.read('torn'), []);
      assert.deepEqual(reported, ['EISDIR']);
    } finally {
      fresh.close();
    }
  } finally {
    store.close();
  }
});
