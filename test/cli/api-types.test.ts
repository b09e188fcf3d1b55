/** The CLI reads the API's answers with the API's own types (src/api/types.ts), and loads none of its code. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { it } from 'node:test';

it('imports nothing of src/api/ at run time: the response types come in as `import type`, which the compiler erases', () => {
  const cli = new URL('../../src/cli/', import.meta.url);
  const loading = readdirSync(cli, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .filter((file) => /(from|import\()\s*'(\.\.\/)+api\//.test(readFileSync(new URL(file, cli), 'utf8')));
  assert.deepEqual(loading, []);
});
