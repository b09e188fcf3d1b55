import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { FACTORS } from '../../src/factors/report.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs', 'factors.md'), 'utf8');

/** GitHub's anchor of a heading: lowercase, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^#+ (.+)$/gm)].map((match) => match[1]!.toLowerCase().replace(/[^\w\s-]/g, '').trim().replace(/\s+/g, '-')));
}

function checkIdsInCode(): Set<string> {
  const ids = new Set<string>();
  const dir = join(ROOT, 'src', 'factors');
  const files = [...readdirSync(dir).map((file) => join(dir, file)), ...readdirSync(join(dir, 'checks')).map((file) => join(dir, 'checks', file))];
  for (const file of files.filter((name) => name.endsWith('.ts'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/check: '([a-z-]+)'|finding\('(?:pass|warn|fail)', '([a-z-]+)'/g)) ids.add(match[1] ?? match[2]!);
  }
  return ids;
}

describe('docs/factors.md', () => {
  it('has a section for every factor a report links to', () => {
    const found = anchors(DOC);
    assert.deepEqual(FACTORS.filter((factor) => !found.has(factor.anchor)).map((factor) => factor.anchor), []);
  });

  it('has a section for every check a finding links to', () => {
    const found = anchors(DOC);
    const ids = checkIdsInCode();
    assert.ok(ids.size > 25, `only ${ids.size} check ids found in the code`);
    assert.deepEqual([...ids].filter((id) => !found.has(id)).sort(), []);
  });
});
