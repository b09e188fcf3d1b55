import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyScaleChanges, parseConfigAssignments, parseReleaseVersion, parseScaleArgs } from '../../src/cli/arguments.js';
import { CliError } from '../../src/cli/cli-error.js';

describe('parseConfigAssignments', () => {
  it('splits on the first = so values may contain =', () => {
    assert.deepEqual(parseConfigAssignments(['A=1', 'URL=postgres://x?a=b&c=d']), { A: '1', URL: 'postgres://x?a=b&c=d' });
  });

  it('reads KEY= as the empty string', () => {
    assert.deepEqual(parseConfigAssignments(['EMPTY=']), { EMPTY: '' });
  });

  it('keeps spaces and quotes in values as the shell passed them', () => {
    assert.deepEqual(parseConfigAssignments(['GREETING=hello world', 'Q="x"']), { GREETING: 'hello world', Q: '"x"' });
  });

  it('rejects an argument without = or without a key', () => {
    assert.throws(() => parseConfigAssignments(['GREETING']), (error: CliError) => error.code === 'INVALID_ARGUMENT' && /GREETING is not KEY=VALUE/.test(error.message));
    assert.throws(() => parseConfigAssignments(['=x']), CliError);
  });

  it('rejects no arguments at all', () => {
    assert.throws(() => parseConfigAssignments([]), CliError);
  });
});

describe('parseScaleArgs', () => {
  it('reads TYPE=N as an absolute count', () => {
    assert.deepEqual(parseScaleArgs(['web=3', 'worker=0']), [
      { type: 'web', kind: 'set', quantity: 3 },
      { type: 'worker', kind: 'set', quantity: 0 },
    ]);
  });

  it('reads TYPE+N and TYPE-N as changes', () => {
    assert.deepEqual(parseScaleArgs(['web+2', 'worker-1']), [
      { type: 'web', kind: 'add', quantity: 2 },
      { type: 'worker', kind: 'add', quantity: -1 },
    ]);
  });

  it('allows dashes in a type name', () => {
    assert.deepEqual(parseScaleArgs(['queue-worker=2']), [{ type: 'queue-worker', kind: 'set', quantity: 2 }]);
  });

  it('rejects anything that is not TYPE=N', () => {
    for (const bad of ['web', 'web=', 'web=x', '=2', 'web=1.5', 'web=-1']) {
      assert.throws(() => parseScaleArgs([bad]), CliError, bad);
    }
  });
});

describe('applyScaleChanges', () => {
  it('applies changes to the current formation and never goes below zero', () => {
    const changes = parseScaleArgs(['web+2', 'worker-5', 'clock=1']);
    assert.deepEqual(applyScaleChanges(changes, { web: 1, worker: 2 }), { web: 3, worker: 0, clock: 1 });
  });

  it('sends only the types named', () => {
    assert.deepEqual(applyScaleChanges(parseScaleArgs(['web=2']), { web: 1, worker: 1 }), { web: 2 });
  });
});

describe('parseReleaseVersion', () => {
  it('reads v3 and 3', () => {
    assert.equal(parseReleaseVersion('v3'), 3);
    assert.equal(parseReleaseVersion('3'), 3);
    assert.equal(parseReleaseVersion('V12'), 12);
  });

  it('rejects what is not a release number', () => {
    for (const bad of ['v', 'v0', 'three', '-1', '1.5', '']) assert.throws(() => parseReleaseVersion(bad), CliError, bad);
  });
});
