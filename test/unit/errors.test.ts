import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERRORS, errorText, TwelveError } from '../../src/errors.js';

test('documents every error code of the catalogue in docs/errors.md', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  for (const code of Object.keys(ERRORS)) assert.ok(doc.includes(`\`${code}\``), `${code} is missing from docs/errors.md`);
});

test('gives every error an HTTP status and a hint that says what to do', () => {
  for (const [code, entry] of Object.entries(ERRORS)) {
    assert.ok(entry.status >= 400 && entry.status < 600, code);
    assert.ok(entry.hint.length > 10, code);
  }
  const error = new TwelveError('APP_NOT_FOUND', 'no app named x', { app: 'x' });
  assert.deepEqual(JSON.parse(JSON.stringify(error)), { code: 'APP_NOT_FOUND', message: 'no app named x', hint: ERRORS.APP_NOT_FOUND.hint, details: { app: 'x' } });
});

test('tells the message of anything thrown, and is the only place in src/ that spells it out', () => {
  assert.equal(errorText(new TypeError('bad')), 'bad');
  assert.equal(errorText('plain'), 'plain');
  assert.equal(errorText(undefined), 'undefined');
  const src = new URL('../../../src/', import.meta.url);
  const copies = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && file !== 'errors.ts')
    .filter((file) => /instanceof Error \? \w+\.message|as Error\)\.message/.test(readFileSync(new URL(file, src), 'utf8')));
  assert.deepEqual(copies, [], 'use errorText from src/errors.ts');
});
