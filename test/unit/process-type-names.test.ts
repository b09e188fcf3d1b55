/** Process types and formation keys are looked up by name: names every object has must never match. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFormation } from '../../src/config/release-config.js';
import { TwelveError, type ErrorCode } from '../../src/errors.js';
import { validateScale } from '../../src/flows/formation-change.js';

const BUILTIN = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'];

function refused(code: ErrorCode, pattern: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof TwelveError && error.code === code && pattern.test(error.message);
}

test('ps:scale refuses a type the Procfile lacks even when every object has it', () => {
  const processTypes = { web: 'node server.js' };
  for (const name of BUILTIN) {
    // As the API gets it: parsed JSON, where "__proto__" is an own key.
    const body = JSON.parse(`{"${name}": 0}`) as unknown;
    assert.throws(() => validateScale(body, processTypes), refused('UNKNOWN_PROCESS_TYPE', new RegExp(`no ${name} process type`)), name);
  }
  assert.deepEqual(validateScale({ web: 0 }, processTypes), { web: 0 });
});

test('app.json\'s formation refuses those names as types', () => {
  for (const name of BUILTIN) {
    const appJson = JSON.parse(`{"formation": {"${name}": {"quantity": 1}}}`) as Record<string, unknown>;
    assert.throws(() => readFormation(appJson), refused('INVALID_APP_JSON', new RegExp(`formation\\.${name} cannot be a process type`)), name);
  }
  assert.deepEqual(readFormation({ formation: { web: { quantity: 2 } } }), { web: 2 });
});
