import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProcfile } from '../../src/build/procfile.js';
import { TwelveError } from '../../src/errors.js';

function invalidAt(line: number | null, message?: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof TwelveError);
    assert.equal(error.code, 'INVALID_PROCFILE');
    assert.deepEqual(error.details, { line });
    if (message) assert.match(error.message, message);
    return true;
  };
}

describe('parseProcfile', () => {
  it('reads one type per line, in order', () => {
    const types = parseProcfile('web: node server.js\nworker: node worker.js\n');
    assert.deepEqual(types, { web: 'node server.js', worker: 'node worker.js' });
    assert.deepEqual(Object.keys(types), ['web', 'worker']);
  });

  it('ignores blank lines, whitespace-only lines and # comments', () => {
    assert.deepEqual(parseProcfile('# processes\n\n   \nweb: npm start\n  # indented comment\n'), { web: 'npm start' });
  });

  it('accepts CRLF line endings and a byte order mark', () => {
    assert.deepEqual(parseProcfile('\uFEFFweb: a\r\nworker: b\r\n'), { web: 'a', worker: 'b' });
  });

  it('accepts letters, digits, _ and - in types', () => {
    assert.deepEqual(parseProcfile('Web_2-x: run'), { 'Web_2-x': 'run' });
  });

  it('keeps the command as written, colons, quotes and $VARS included', () => {
    assert.deepEqual(parseProcfile(`web: sh -c "echo a:b && exec python3 -m http.server $PORT"`), {
      web: 'sh -c "echo a:b && exec python3 -m http.server $PORT"',
    });
  });

  it('allows no space after the colon and trims around the command', () => {
    assert.deepEqual(parseProcfile('web:node server.js   \n'), { web: 'node server.js' });
  });

  it('rejects a line without a colon, naming its line number', () => {
    assert.throws(() => parseProcfile('web: a\n\nworker node worker.js'), invalidAt(3, /^Procfile line 3: expected `type: command`/));
  });

  it('rejects a type with characters outside [A-Za-z0-9_-]', () => {
    assert.throws(() => parseProcfile('web.1: a'), invalidAt(1));
    assert.throws(() => parseProcfile('my web: a'), invalidAt(1));
  });

  it('rejects a type without a command', () => {
    assert.throws(() => parseProcfile('web: a\nworker:   '), invalidAt(2, /worker has no command/));
  });

  it('rejects names every JavaScript object has as types: constructor, __proto__, toString', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assert.throws(() => parseProcfile(`web: a\n${name}: b`), invalidAt(2, new RegExp(`${name} cannot be a process type`)));
    }
  });

  it('rejects a type declared twice, pointing at both lines', () => {
    assert.throws(() => parseProcfile('web: a\n# c\nweb: b'), invalidAt(3, /web is already declared on line 1/));
  });

  it('rejects an empty Procfile and one holding only comments', () => {
    assert.throws(() => parseProcfile(''), invalidAt(null, /declares no process types/));
    assert.throws(() => parseProcfile('# nothing\n\n'), invalidAt(null));
  });

  it('clips a very long bad line in the message', () => {
    assert.throws(() => parseProcfile('x'.repeat(500)), (error: unknown) => error instanceof TwelveError && error.message.length < 200);
  });
});
