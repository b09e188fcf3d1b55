/** Drain URLs in one normal form, and which drain `drains:remove` means by what the user typed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findDrain } from '../../src/logs/drains/drain-match.js';
import { DrainManager } from '../../src/logs/drains/drain-manager.js';
import { normalizeDrainUrl } from '../../src/logs/drains/drain-url.js';
import { LogBus } from '../../src/logs/log-bus.js';
import { insertApp } from '../../src/store/apps.js';
import { testDatabase } from './drain-setup.js';

const database = testDatabase();

describe('a drain URL in its normal form', () => {
  it('lower-cases scheme and host, drops a default port and a syslog URL\'s lone slash, and keeps the rest', () => {
    const spellings = {
      'HTTP://127.0.0.1:5801/drain': 'http://127.0.0.1:5801/drain',
      'https://U:P@Logs.Example.COM:443': 'https://U:P@logs.example.com/',
      'syslog+tcp://h:5802/': 'syslog+tcp://h:5802',
      'SYSLOG+TCP://Logs.Internal:514': 'syslog+tcp://logs.internal',
      'syslog+tls://u:p@[::1]:6514/': 'syslog+tls://u:p@[::1]',
      'syslog+tcp://h:5802/x?y': 'syslog+tcp://h:5802/x?y',
    };
    for (const [typed, normal] of Object.entries(spellings)) assert.equal(normalizeDrainUrl(typed), normal, typed);
    assert.throws(() => normalizeDrainUrl('ftp://h'), { code: 'INVALID_DRAIN_URL' });
  });
});

describe('the drain drains:remove means', () => {
  const drains = [
    { id: 'id-1', token: 'd.token-1', url: 'http://u:p@127.0.0.1:5801/x' },
    { id: 'id-2', token: 'd.token-2', url: 'syslog+tcp://h:5802' },
    // Stored as typed before twelve normalized URLs.
    { id: 'id-3', token: 'd.token-3', url: 'HTTP://127.0.0.1:5801/drain' },
  ];
  const named = (given: string) => findDrain(drains, given).id;

  it('is found by its URL as typed, as shown (password masked) or without credentials, in any spelling', () => {
    const ways = {
      'http://u:p@127.0.0.1:5801/x': 'id-1',
      'http://u:***@127.0.0.1:5801/x': 'id-1',
      'http://127.0.0.1:5801/x': 'id-1',
      'syslog+tcp://h:5802/': 'id-2',
      'http://127.0.0.1:5801/drain': 'id-3',
    };
    for (const [given, id] of Object.entries(ways)) assert.equal(named(given), id, given);
  });

  it('is found by its token or its id', () => {
    assert.equal(named('d.token-2'), 'id-2');
    assert.equal(named('id-3'), 'id-3');
  });

  it('is none when nothing fits, and none but a clear error when a URL fits several', () => {
    assert.throws(() => named('http://u:q@127.0.0.1:5801/x'), { code: 'DRAIN_NOT_FOUND' });
    assert.throws(() => named('nonsense'), { code: 'DRAIN_NOT_FOUND' });
    const twoUsers = [...drains, { id: 'id-4', token: 'd.token-4', url: 'http://v:q@127.0.0.1:5801/x' }];
    assert.throws(() => findDrain(twoUsers, 'http://127.0.0.1:5801/x'), { code: 'DRAIN_AMBIGUOUS', message: /fits 2 of the app's drains; name one by its token or id/ });
    assert.equal(findDrain(twoUsers, 'http://v:***@127.0.0.1:5801/x').id, 'id-4');
  });
});

describe('drains added and removed', () => {
  it('are stored normalized, a duplicate in another spelling is refused, and each is removed as `twelve drains` shows it', async () => {
    const app = insertApp(database(), 'named');
    const bus = new LogBus();
    // Nothing listens on these ports: the drains only wait, retrying seldom.
    const drains = new DrainManager(database(), bus, { firstRetryMs: 60_000 });
    try {
      const http = drains.add(app.id, 'HTTP://U:Secret@127.0.0.1:1/Drain');
      assert.equal(http.url, 'http://U:***@127.0.0.1:1/Drain');
      assert.throws(() => drains.add(app.id, 'http://U:Secret@127.0.0.1:1/Drain'), { code: 'DRAIN_EXISTS' });
      const syslog = drains.add(app.id, 'syslog+tcp://Localhost:1/');
      assert.throws(() => drains.add(app.id, 'syslog+tcp://localhost:1'), { code: 'DRAIN_EXISTS' });
      const other = drains.add(app.id, 'syslog+tcp://localhost:2');

      assert.equal(drains.remove(app.id, http.url).id, http.id, 'by the URL shown, password masked');
      assert.equal(drains.remove(app.id, syslog.token).id, syslog.id, 'by the token drains:add printed');
      assert.equal(drains.remove(app.id, 'syslog+tcp://LOCALHOST:2/').id, other.id, 'by the URL in another spelling');
      assert.deepEqual(drains.list(app.id), []);
    } finally {
      await drains.close(0);
    }
  });

  it('rows stored as typed by an older twelve are compared, shown and removed normalized', async () => {
    const app = insertApp(database(), 'older');
    database().prepare('INSERT INTO drains (id, app_id, url, token, created_at, sent_through) VALUES (?, ?, ?, ?, ?, 0)')
      .run('old-1', app.id, 'HTTP://127.0.0.1:1/drain', 'd.old', new Date().toISOString());
    const drains = new DrainManager(database(), new LogBus(), { firstRetryMs: 60_000 });
    try {
      drains.restore();
      assert.equal(drains.list(app.id)[0]!.url, 'http://127.0.0.1:1/drain');
      assert.throws(() => drains.add(app.id, 'http://127.0.0.1:1/drain'), { code: 'DRAIN_EXISTS' });
      assert.equal(drains.remove(app.id, 'http://127.0.0.1:1/drain').id, 'old-1');
      assert.deepEqual(database().prepare('SELECT id FROM drains WHERE app_id = ?').all(app.id), []);
    } finally {
      await drains.close(0);
    }
  });
});
