import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  Column,
  ColumnArena,
  FieldType,
  booleanValue,
  floatValue,
  integerValue,
  stringValue,
  unsignedValue,
  type FieldValue,
  MAX_TIMESTAMP,
  MIN_TIMESTAMP,
  canonicalSeriesKey,
  joinTimestamp,
  measurementOfKey,
  parseSeriesKey,
  sortTags,
  timestampMillis,
  timestampSubMillis,
} from '../../src/core/index.ts';

describe('split timestamps', () => {
  const f = (ns: bigint, ms: number, sub: number): void => {
    assert.equal(timestampMillis(ns), ms, `ms of ${ns}`);
    assert.equal(timestampSubMillis(ns), sub, `sub of ${ns}`);
    assert.equal(joinTimestamp(ms, sub), ns, `join of ${ms}, ${sub}`);
  };
  it('splits by floor division, before and after 1970', () => {
    f(0n, 0, 0);
    f(1n, 0, 1);
    f(-1n, -1, 999_999);
    f(1_764_028_800_123_456_789n, 1_764_028_800_123, 456_789);
    f(-1_000_000n, -1, 0);
    f(MAX_TIMESTAMP, 9_223_372_036_854, 775_806);
    f(MIN_TIMESTAMP, -9_223_372_036_855, 224_194);
  });
  it('round-trips every representable timestamp exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: MIN_TIMESTAMP, max: MAX_TIMESTAMP }), (ns) => {
        const sub = timestampSubMillis(ns);
        return sub >= 0 && sub < 1_000_000 && joinTimestamp(timestampMillis(ns), sub) === ns;
      }),
    );
  });
});

describe('canonicalSeriesKey(measurement, tags)', () => {
  const f = (measurement: string, tags: Array<[string, string]>, want: string): void => {
    const sorted = sortTags(tags.map(([key, value]) => ({ key, value })));
    assert.equal(canonicalSeriesKey(measurement, sorted), want, `for ${measurement} ${JSON.stringify(tags)}`);
  };
  it('sorts tags, escapes specials and drops empty values', () => {
    f('cpu', [], 'cpu');
    f('cpu', [['host', 'a'], ['dc', 'x']], 'cpu,dc=x,host=a');
    f('c p,u', [['k=1', 'v,2'], ['e', '']], 'c\\ p\\,u,k\\=1=v\\,2');
    f('back\\slash', [['a', 'x\\']], 'back\\\\slash,a=x\\\\');
    // A space alone is escaped too (the key format is stored: it must not change with the input).
    f('c pu', [['k', 'a b']], 'c\\ pu,k=a\\ b');
  });
  it('parses keys back, with or without escapes, and refuses a tag without "="', () => {
    assert.deepEqual(parseSeriesKey('cpu'), { measurement: 'cpu', tags: [] });
    assert.deepEqual(parseSeriesKey('c=pu,dc=x,host=a=b'), { measurement: 'c=pu', tags: [{ key: 'dc', value: 'x' }, { key: 'host', value: 'a=b' }] });
    assert.deepEqual(parseSeriesKey('c\\ pu,dc=x\\,y,host=a'), { measurement: 'c pu', tags: [{ key: 'dc', value: 'x,y' }, { key: 'host', value: 'a' }] });
    for (const key of ['cpu,host', 'cpu,a=1,b', 'cpu,a=1,', 'c\\ pu,host', 'c\\ pu,a=1,b']) assert.throws(() => parseSeriesKey(key), /tag without "="/, key);
  });
  it('refuses duplicate tag keys', () => {
    assert.throws(() => sortTags([{ key: 'a', value: '1' }, { key: 'a', value: '2' }]), /duplicate tag key "a"/);
  });
  it('is injective: parsing gives back the measurement and the non-empty tags', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', ',', '=', '\\', 'é', '"'), maxLength: 6 });
    fc.assert(
      fc.property(text, fc.uniqueArray(fc.tuple(text, text), { selector: ([k]) => k, maxLength: 4 }), (measurement, pairs) => {
        const tags = sortTags(pairs.map(([key, value]) => ({ key, value }))).filter((t) => t.value !== '');
        const key = canonicalSeriesKey(measurement, tags);
        const parsed = parseSeriesKey(key);
        assert.equal(parsed.measurement, measurement);
        assert.equal(measurementOfKey(key), measurement);
        assert.deepEqual(parsed.tags, tags);
      }),
    );
  });
});

describe('Column.sortedUnique()', () => {
  it('sorts by time and keeps the last pushed of equal timestamps', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 2 }), fc.double()), { maxLength: 40 }), (points) => {
        const column = new Column(FieldType.Float);
        for (const [ms, sub, v] of points) column.pushFloat(ms, sub, v);
        const want = new Map<string, [number, number, number]>();
        for (const [ms, sub, v] of points) want.set(`${ms}/${sub}`, [ms, sub, v]);
        const expected = [...want.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        const got = column.sortedUnique();
        const actual: Array<[number, number, number]> = [];
        for (let i = 0; i < got.length; i++) actual.push([got.ms[i]!, got.sub[i]!, (got.values as Float64Array)[i]!]);
        assert.deepEqual(actual, expected);
      }),
    );
  });
  it('merges long sorted runs that arrived out of order, last write winning', () => {
    // The shape of concurrent writers' batches: each run sorted, runs overlapping in time.
    const run = fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 60 }).map((ts) => [...new Set(ts)].sort((a, b) => a - b));
    fc.assert(
      fc.property(fc.array(run, { minLength: 2, maxLength: 12 }), (runs) => {
        const column = new Column(FieldType.Float);
        const want = new Map<number, number>();
        let v = 0;
        for (const r of runs) for (const ms of r) { column.pushFloat(ms, 0, ++v); want.set(ms, v); }
        const got = column.sortedUnique();
        const actual = Array.from({ length: got.length }, (_, i) => [got.ms[i]!, (got.values as Float64Array)[i]!]);
        assert.deepEqual(actual, [...want].sort((a, b) => a[0] - b[0]));
      }),
    );
  });
  it('copies small and large ranges alike, for every type', () => {
    for (const n of [1, 5, 16, 17, 100]) {
      const src = new Column(FieldType.String);
      for (let i = 0; i < n; i++) src.pushString(i, 0, `s${i}`);
      const dst = new Column(FieldType.String, 2);
      dst.pushString(-1, 0, 'first');
      dst.pushRange(src, 0, n);
      assert.equal(dst.length, n + 1);
      assert.equal((dst.values as string[])[n], `s${n - 1}`);
      assert.equal(dst.ms[n], n - 1);
    }
  });
});

describe('Column storage', () => {
  const floats = (column: Column): number[] => Array.from(column.values as Float64Array).slice(0, column.length);
  it('lets empty columns grow independently', () => {
    const a = new Column(FieldType.Float, 0);
    const b = new Column(FieldType.Float, 0);
    a.pushFloat(1, 0, 1.5);
    assert.deepEqual([b.length, b.capacity, floats(a)], [0, 0, [1.5]]);
    const s = new Column(FieldType.String, 0);
    s.pushString(1, 0, 'x');
    assert.deepEqual([new Column(FieldType.String, 0).values, (s.values as string[])[0]], [[], 'x']);
  });
  it('cuts independent columns of every type from an arena, which move out when they grow', () => {
    const points: FieldValue[][] = [
      [floatValue(1.5), floatValue(-2.5), floatValue(3.5)],
      [integerValue(1n), integerValue(-2n), integerValue(3n)],
      [unsignedValue(1n), unsignedValue(2n), unsignedValue(3n)],
      [booleanValue(true), booleanValue(false), booleanValue(true)],
      [stringValue('a'), stringValue('b'), stringValue('c')],
    ];
    const types = points.map((p) => p[0]!.type);
    const arena = new ColumnArena(types.reduce((n, t) => n + ColumnArena.bytesFor(t, 3), 0));
    const columns = types.map((t) => new Column(t, 3, arena));
    columns.forEach((c, k) => points[k]!.forEach((v, i) => c.pushValue(i, i * 7, v)));
    columns[0]!.pushFloat(3, 0, 4.5); // beyond its capacity: a buffer of its own
    assert.deepEqual(floats(columns[0]!), [1.5, -2.5, 3.5, 4.5]);
    columns.forEach((c, k) => {
      for (let i = 0; i < 3; i++) assert.deepEqual([c.ms[i], c.sub[i], c.valueAt(i)], [i, i * 7, points[k]![i]], `type ${c.type} point ${i}`);
    });
    assert.equal(new Column(FieldType.Float, 2, arena).capacity, 2); // a full arena: arrays of its own
  });
});
