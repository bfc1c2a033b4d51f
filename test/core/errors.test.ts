import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('docs/errors.md', () => {
  it('lists exactly the error codes that src/ raises', () => {
    const raised = new Set<string>();
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/super\(\s*'([a-z_]+)'/g)) raised.add(m[1]!);
    }
    const documented = new Set<string>();
    for (const m of readFileSync(join(ROOT, 'docs/errors.md'), 'utf8').matchAll(/^\| `([a-z_]+)` \|/gm)) documented.add(m[1]!);
    assert.ok(raised.size > 10, `found only ${raised.size} codes: the scan is broken`);
    assert.deepEqual([...raised].filter((c) => !documented.has(c)).sort(), [], 'codes raised but not documented');
    assert.deepEqual([...documented].filter((c) => !raised.has(c)).sort(), [], 'codes documented but never raised');
  });
});
