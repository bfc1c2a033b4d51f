import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { matchesValue, type Matcher } from '../../src/index/index.ts';
// Internal: only to check that the shortcut path is really the one taken.
import { compileMatcher } from '../../src/index/matcher.ts';

const escape = (s: string) => s.replace(/[\\.+*?()|[\]{}^$]/g, (c) => '\\' + c);
const full = (pattern: string, value: string) => RE2JS.compile(pattern, RE2JS.DOTALL).testExact(value);
const kindOf = (pattern: string) => compileMatcher({ name: 't', op: '=~', value: pattern }).predicate.kind;

describe('regex shortcuts', () => {
  const f = (pattern: string, kind: string) => assert.equal(kindOf(pattern), kind, `for ${JSON.stringify(pattern)}`);
  it('recognise the common shapes, and only them', () => {
    f('abc', 'set');
    f('a|b|c', 'set');
    f('(a|b)', 'set');
    f('(?:a|b)', 'set');
    f('10\\.0\\.0\\.1|x', 'set');
    f('', 'set');
    f('a|', 'set');
    f('.*', 'any');
    f('.+', 'nonEmpty');
    f('foo.*', 'prefix');
    f('foo\\..*', 'prefix');
    f('foo\\.*', 're');
    f('(a|b).*', 're');
    f('(a)|(b)', 're');
    f('(?i)abc', 're');
    f('a\\d', 're');
    f('a]', 're');
  });

  const CHARS = ['a', 'b', '.', '|', '(', ')', '*', '+', '?', '\\', '[', ']', '{', '}', '^', '$', '\n', 'é', '-', ' '];
  const literal = fc.array(fc.constantFrom(...CHARS), { maxLength: 5 }).map((a) => a.join(''));
  const value = fc.oneof(literal, fc.string({ maxLength: 6 }));
  const pattern = fc.oneof(
    fc.array(literal, { minLength: 1, maxLength: 4 }).map((alts) => alts.map(escape).join('|')),
    fc.array(literal, { minLength: 1, maxLength: 4 }).map((alts) => '(' + alts.map(escape).join('|') + ')'),
    fc.array(literal, { minLength: 1, maxLength: 4 }).map((alts) => '(?:' + alts.map(escape).join('|') + ')'),
    literal.map((p) => escape(p) + '.*'),
    fc.constantFrom('.*', '.+'),
  );

  it('agree with the full regex path', () => {
    fc.assert(
      fc.property(pattern, fc.array(value, { maxLength: 8 }), (p, values) => {
        assert.notEqual(kindOf(p), 're', `shortcut not taken for ${JSON.stringify(p)}`);
        // The alternatives themselves, and prefixes of them, are the interesting values.
        const probes = [...values, '', p, p.replace(/\\/g, '')];
        for (const v of probes) {
          for (const op of ['=~', '!~'] as const) {
            const m: Matcher = { name: 't', op, value: p };
            const want = full(p, v) !== (op === '!~');
            assert.equal(matchesValue(m, v), want, `for ${JSON.stringify(p)} ${op} ${JSON.stringify(v)}`);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('agree with the full regex path on the alternatives themselves', () => {
    fc.assert(
      fc.property(fc.array(literal, { minLength: 1, maxLength: 4 }), fc.boolean(), (alts, wrap) => {
        const p = wrap ? '(' + alts.map(escape).join('|') + ')' : alts.map(escape).join('|');
        for (const v of [...alts, ...alts.map((a) => a + 'x'), ...alts.map((a) => a.slice(1))]) {
          assert.equal(matchesValue({ name: 't', op: '=~', value: p }, v), full(p, v), `for ${JSON.stringify(p)} =~ ${JSON.stringify(v)}`);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
