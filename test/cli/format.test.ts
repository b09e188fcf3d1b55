import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatError, CliError } from '../../src/cli/cli-error.js';
import { alignColumns, formatAgo, formatDateTime, formatKeyValues } from '../../src/cli/format.js';
import { colourFor, formatLogEvent } from '../../src/cli/log-lines.js';

describe('alignColumns', () => {
  it('pads every column but the last to its widest cell, two spaces apart', () => {
    assert.equal(alignColumns([['v10', 'Deploy abc', 'current'], ['v9', 'Set A', '']]), 'v10  Deploy abc  current\nv9   Set A');
  });

  it('returns an empty string for no rows', () => {
    assert.equal(alignColumns([]), '');
  });
});

describe('formatKeyValues', () => {
  it('aligns values after the longest key, as heroku config does', () => {
    assert.equal(formatKeyValues([['A', '1'], ['GREETING', 'hello'], ['EMPTY', '']]), 'A:        1\nGREETING: hello\nEMPTY:');
  });
});

describe('formatDateTime and formatAgo', () => {
  it('prints local time as YYYY/MM/DD HH:MM:SS', () => {
    assert.equal(formatDateTime(new Date(2026, 10, 26, 16, 0, 5)), '2026/11/26 16:00:05');
  });

  it('says roughly how long ago in s, m, h or d', () => {
    const now = new Date('2026-11-26T16:00:00Z');
    assert.equal(formatAgo('2026-11-26T15:59:50Z', now), '~ 10s ago');
    assert.equal(formatAgo('2026-11-26T15:57:00Z', now), '~ 3m ago');
    assert.equal(formatAgo('2026-11-26T13:00:00Z', now), '~ 3h ago');
    assert.equal(formatAgo('2026-11-24T16:00:00Z', now), '~ 2d ago');
    assert.equal(formatAgo('2026-11-26T16:00:09Z', now), '~ 0s ago', 'a clock slightly ahead is not negative');
  });
});

describe('formatError', () => {
  it('prints the message and the hint behind Heroku arrows', () => {
    assert.equal(formatError(new CliError('APP_NOT_FOUND', 'no app named shop', 'Run `twelve apps`.')),
      ' ▸    no app named shop\n ▸    Run `twelve apps`.\n');
  });

  it('prints a plain error without a hint line', () => {
    assert.equal(formatError(new Error('boom')), ' ▸    boom\n');
  });
});

describe('formatLogEvent', () => {
  const event = { time: '2026-11-26T16:00:00.000Z', source: 'app' as const, process: 'web.1', text: 'listening' };

  it('prints Heroku log lines without colour', () => {
    assert.equal(formatLogEvent(event, false), '2026-11-26T16:00:00.000Z app[web.1]: listening');
  });

  it('colours the source[process] part with a colour fixed per process', () => {
    const line = formatLogEvent(event, true);
    assert.equal(line, `2026-11-26T16:00:00.000Z \x1b[${colourFor('web.1')}mapp[web.1]:\x1b[0m listening`);
    assert.equal(colourFor('web.1'), colourFor('web.1'));
    assert.notEqual(colourFor('web.1'), colourFor('web.2'));
  });
});
