import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BadMatcherError, MEASUREMENT_NAME, matchesEmpty, type Matcher, type MatchOp } from '../../src/index/index.ts';
import { fmt, indexOf, oracleSelect, type TestSeries } from './helpers.ts';

const N = MEASUREMENT_NAME;
const m = (name: string, op: MatchOp, value: string): Matcher => ({ name, op, value });

// refs 0..6 in this order.
const SERIES: TestSeries[] = [
  { measurement: 'cpu', tags: { host: 'a', region: 'us' } },
  { measurement: 'cpu', tags: { host: 'b', region: 'eu' } },
  { measurement: 'cpu', tags: { host: 'c' } },
  { measurement: 'mem', tags: { host: 'a', region: 'us', env: 'prod' } },
  { measurement: 'mem', tags: { host: 'a.b', env: 'dev|test' } },
  { measurement: 'http_requests_total', tags: { path: '/api\nv1', code: '200' } },
  { measurement: 'up', tags: {} },
];

describe('SeriesIndex.select(matchers)', () => {
  const idx = indexOf(SERIES);
  const f = (matchers: Matcher[], want: number[]) => {
    const got = idx.select(matchers).toArray();
    assert.deepEqual(got, want, `for ${fmt(matchers)} got [${got}], want [${want}]`);
    assert.deepEqual(got, oracleSelect(SERIES, matchers), `oracle disagrees for ${fmt(matchers)}`);
  };

  it('answers every operator on the measurement', () => {
    f([m(N, '=', 'cpu')], [0, 1, 2]);
    f([m(N, '!=', 'cpu')], [3, 4, 5, 6]);
    f([m(N, '=~', 'cpu|up')], [0, 1, 2, 6]);
    f([m(N, '!~', 'cpu|up')], [3, 4, 5]);
    f([m(N, '=~', 'http_.*')], [5]);
    f([m(N, '=~', '.*_total')], [5]);
    f([m(N, '=', 'nope')], []);
  });

  it('answers every operator on a tag', () => {
    f([m('host', '=', 'a')], [0, 3]);
    f([m('host', '!=', 'a')], [1, 2, 4, 5, 6]);
    f([m('host', '=~', 'a|b')], [0, 1, 3]);
    f([m('host', '=~', '(a|b)')], [0, 1, 3]);
    f([m('host', '=~', 'a\\.b')], [4]);
    f([m('host', '=~', 'a.b')], [4]);
    f([m('host', '=~', '[bc]')], [1, 2]);
    f([m('host', '!~', '[bc]')], [0, 3, 4, 5, 6]);
    f([m('env', '=', 'dev|test')], [4]);
    f([m('env', '=~', 'dev|test')], []);
  });

  it('treats a missing tag as the empty value', () => {
    f([m('region', '=', '')], [2, 4, 5, 6]);
    f([m('region', '!=', '')], [0, 1, 3]);
    f([m('region', '!=', 'us')], [1, 2, 4, 5, 6]);
    f([m('region', '=~', '.*')], [0, 1, 2, 3, 4, 5, 6]);
    f([m('region', '=~', '.+')], [0, 1, 3]);
    f([m('region', '!~', '.+')], [2, 4, 5, 6]);
    f([m('region', '!~', '.*')], []);
    f([m('region', '=~', 'us|')], [0, 2, 3, 4, 5, 6]);
    f([m('region', '=~', '(?:eu)?')], [1, 2, 4, 5, 6]);
    f([m('region', '!~', 'us|')], [1]);
    f([m('nosuchtag', '=', '')], [0, 1, 2, 3, 4, 5, 6]);
    f([m('nosuchtag', '=', 'x')], []);
    f([m('nosuchtag', '!=', 'x')], [0, 1, 2, 3, 4, 5, 6]);
    f([m('nosuchtag', '=~', '.+')], []);
  });

  it('anchors regexes and lets . match a newline', () => {
    f([m('host', '=~', 'a')], [0, 3]);
    f([m('host', '=~', '.*a.*')], [0, 3, 4]);
    f([m('path', '=~', '/api.v1')], [5]);
    f([m('path', '=~', '/api.*')], [5]);
    f([m('path', '=~', 'api')], []);
  });

  it('intersects and subtracts conjunctions', () => {
    f([m(N, '=', 'cpu'), m('host', '=', 'a')], [0]);
    f([m(N, '=', 'cpu'), m('region', '=', '')], [2]);
    f([m(N, '=~', 'cpu|mem'), m('host', '!=', 'a'), m('region', '!=', 'eu')], [2, 4]);
    f([m('host', '=~', '.+'), m('env', '=~', '.+'), m('env', '!~', 'prod')], [4]);
    f([m(N, '=', 'cpu'), m(N, '=', 'mem')], []);
    f([m('host', '=', 'a'), m('host', '!=', 'a')], []);
    f([m('region', '=', ''), m('env', '=', '')], [2, 5, 6]);
  });

  it('returns every live series for an empty matcher list', () => {
    f([], [0, 1, 2, 3, 4, 5, 6]);
  });

  it('returns a bitmap the caller owns', () => {
    const got = idx.select([m(N, '=', 'cpu')]);
    got.add(99);
    got.remove(0);
    f([m(N, '=', 'cpu')], [0, 1, 2]);
  });

  it('throws BadMatcherError naming the pattern', () => {
    for (const bad of ['(a', 'a)', '*', '[z-a]', 'a{2,1}', 'a\\']) {
      assert.throws(() => idx.select([m('host', '=~', bad)]), (err: unknown) => {
        assert.ok(err instanceof BadMatcherError, `for ${bad} got ${String(err)}`);
        assert.equal(err.code, 'bad_matcher');
        assert.ok(err.message.includes(bad), `message "${err.message}" does not name "${bad}"`);
        return true;
      });
    }
    assert.throws(() => idx.select([{ name: 'host', op: '==' as MatchOp, value: 'a' }]), BadMatcherError);
  });

  it('matches a pathological backtracking pattern in linear time', () => {
    const idx2 = indexOf([{ measurement: 'm', tags: { t: 'a'.repeat(40) + 'X' } }, { measurement: 'm', tags: { t: 'a'.repeat(40) } }]);
    const start = performance.now();
    const got = idx2.select([m('t', '=~', '(a+)+$')]).toArray();
    const ms = performance.now() - start;
    assert.deepEqual(got, [1]);
    // A backtracking engine needs about 2^40 steps here; the bound is only a tripwire.
    assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
  });
});

describe('matchesEmpty(matcher)', () => {
  const f = (matcher: Matcher, want: boolean) => assert.equal(matchesEmpty(matcher), want, `for ${fmt([matcher])}`);
  it('says whether a matcher selects series lacking the tag', () => {
    f(m('t', '=', ''), true);
    f(m('t', '=', 'x'), false);
    f(m('t', '!=', 'x'), true);
    f(m('t', '!=', ''), false);
    f(m('t', '=~', '.*'), true);
    f(m('t', '=~', '.+'), false);
    f(m('t', '!~', '.+'), true);
    f(m('t', '=~', 'a|'), true);
    f(m('t', '=~', 'a*'), true);
    f(m('t', '!~', 'a*'), false);
  });
});

// Small alphabets so that random matchers often hit random series.
const MEASUREMENTS = ['cpu', 'mem', 'a.b', 'c|d'];
const TAG_KEYS = ['host', 'region', 'env'];
const VALUES = ['', 'a', 'b', 'ab', 'a.b', 'a|b', 'x\ny', 'é', 'A', '.*'];
const PATTERNS = [
  '.*', '.+', '', '|', 'a', 'b', 'a|b', '(a|b)', '(?:ab|)', 'a.*', 'a\\.b', 'a.b', 'a\\|b', 'b|', '.*b', '[ab]+', 'x.y',
  '(?i)a', 'a+', 'é.*', '\\.\\*', 'cpu|mem', 'c\\|d', '(cpu)', 'a\\.b|mem', '.*e.*', '(a).*', 'ab.*', '[^a]*',
];

const seriesArb = fc.record({
  measurement: fc.constantFrom(...MEASUREMENTS),
  tags: fc.dictionary(fc.constantFrom(...TAG_KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 }),
});
const matcherArb: fc.Arbitrary<Matcher> = fc.oneof(
  fc.record({ name: fc.constantFrom(N, ...TAG_KEYS, 'missing'), op: fc.constantFrom<MatchOp>('=', '!='), value: fc.constantFrom(...VALUES, ...MEASUREMENTS) }),
  fc.record({ name: fc.constantFrom(N, ...TAG_KEYS, 'missing'), op: fc.constantFrom<MatchOp>('=~', '!~'), value: fc.constantFrom(...PATTERNS) }),
);

describe('SeriesIndex.select against a brute-force oracle', () => {
  it('agrees on random series sets and random conjunctions', () => {
    fc.assert(
      fc.property(fc.array(seriesArb, { maxLength: 40 }), fc.array(matcherArb, { maxLength: 4 }), (series, matchers) => {
        const got = indexOf(series).select(matchers).toArray();
        assert.deepEqual(got, oracleSelect(series, matchers), `for ${fmt(matchers)}`);
      }),
      { numRuns: 2000 },
    );
  });
});
