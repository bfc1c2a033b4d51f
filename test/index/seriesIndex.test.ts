import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CorruptionError, canonicalSeriesKey, seriesIdOf } from '../../src/core/index.ts';
import { MEASUREMENT_NAME, RoaringBitmap32, SeriesIndex, type Matcher } from '../../src/index/index.ts';
import { addSeries, indexOf, type TestSeries } from './helpers.ts';

const SERIES: TestSeries[] = [
  { measurement: 'cpu', tags: { host: 'b', region: 'us' } },
  { measurement: 'cpu', tags: { host: 'a' } },
  { measurement: 'mem', tags: { host: 'a', env: 'prod' } },
  { measurement: 'disk', tags: { host: 'c', 'dev ice': 'sd,a=1' } },
];

describe('SeriesIndex.getOrAdd(key, measurement, tags)', () => {
  it('assigns dense refs in insertion order and returns the same ref for a known key', () => {
    const idx = new SeriesIndex();
    const f = (s: TestSeries, want: number) => assert.equal(addSeries(idx, s), want, `for ${JSON.stringify(s)}`);
    f(SERIES[0]!, 0);
    f(SERIES[1]!, 1);
    f(SERIES[0]!, 0);
    f({ measurement: 'cpu', tags: { region: 'us', host: 'b' } }, 0);
    f({ measurement: 'cpu', tags: { host: 'a', region: '' } }, 1);
    f(SERIES[2]!, 2);
    assert.equal(idx.size, 3);
    assert.equal(idx.refLimit, 3);
  });

  it('knows each series by ref and by key', () => {
    const idx = indexOf(SERIES);
    const key = canonicalSeriesKey('disk', [{ key: 'dev ice', value: 'sd,a=1' }, { key: 'host', value: 'c' }]);
    assert.equal(idx.refOf(key), 3);
    assert.equal(idx.refOf('nope'), undefined);
    assert.deepEqual(idx.seriesOf(3), {
      ref: 3,
      key,
      measurement: 'disk',
      tags: [{ key: 'dev ice', value: 'sd,a=1' }, { key: 'host', value: 'c' }],
      id: seriesIdOf(key),
    });
    assert.equal(idx.seriesOf(4), undefined);
    const id = seriesIdOf(key);
    assert.equal(idx.idOf(3), id);
    assert.equal(idx.idLoOf(3), Number(id & 0xffffffffn));
    assert.equal(idx.idHiOf(3), Number(id >> 32n));
  });
});

describe('SeriesIndex listings', () => {
  const idx = indexOf(SERIES);
  const refs = (...r: number[]) => new RoaringBitmap32(r);
  const f = (got: string[], want: string[]) => assert.deepEqual(got, want);
  it('lists measurements, tag keys and tag values, sorted, optionally within a set of series', () => {
    f(idx.measurements(), ['cpu', 'disk', 'mem']);
    f(idx.measurements(refs(1, 2)), ['cpu', 'mem']);
    f(idx.measurements(refs()), []);
    f(idx.tagKeys(), ['dev ice', 'env', 'host', 'region']);
    f(idx.tagKeys(refs(1)), ['host']);
    f(idx.tagKeys(refs(0, 2)), ['env', 'host', 'region']);
    f(idx.tagValues('host'), ['a', 'b', 'c']);
    f(idx.tagValues('host', refs(0, 1)), ['a', 'b']);
    f(idx.tagValues('host', refs(1, 2)), ['a']);
    f(idx.tagValues('region', refs(1)), []);
    f(idx.tagValues('nope'), []);
    f(idx.tagValues(MEASUREMENT_NAME), ['cpu', 'disk', 'mem']);
    f(idx.tagValues(MEASUREMENT_NAME, refs(3)), ['disk']);
    f(idx.tagValues('host', idx.select([{ name: MEASUREMENT_NAME, op: '=', value: 'cpu' }])), ['a', 'b']);
    assert.equal(idx.seriesCount, 4);
  });
});

describe('SeriesIndex.remove(refs)', () => {
  it('drops series from every posting list and never reuses their refs', () => {
    const idx = indexOf(SERIES);
    assert.equal(idx.remove([0, 2, 2, 17]), 2);
    assert.equal(idx.remove([0]), 0);
    assert.equal(idx.size, 2);
    assert.equal(idx.seriesOf(0), undefined);
    assert.deepEqual(idx.measurements(), ['cpu', 'disk']);
    assert.deepEqual(idx.tagKeys(), ['dev ice', 'host']);
    assert.deepEqual(idx.tagValues('host'), ['a', 'c']);
    assert.deepEqual(idx.select([{ name: 'host', op: '=~', value: '.*' }]).toArray(), [1, 3]);
    assert.deepEqual(idx.select([{ name: 'region', op: '=', value: '' }]).toArray(), [1, 3]);
    assert.deepEqual(idx.select([]).toArray(), [1, 3]);
    assert.equal(addSeries(idx, SERIES[0]!), 4);
    assert.deepEqual(idx.select([{ name: 'region', op: '=', value: 'us' }]).toArray(), [4]);
  });

  it('accepts a bitmap selected from the same index', () => {
    const idx = indexOf(SERIES);
    assert.equal(idx.remove(idx.select([{ name: 'host', op: '=', value: 'a' }])), 2);
    assert.deepEqual(idx.liveRefs().toArray(), [0, 3]);
  });
});

const MATCHERS: Matcher[][] = [
  [],
  [{ name: MEASUREMENT_NAME, op: '=', value: 'cpu' }],
  [{ name: 'host', op: '=~', value: 'a|c' }],
  [{ name: 'region', op: '=', value: '' }],
  [{ name: 'env', op: '!=', value: 'prod' }, { name: 'host', op: '=~', value: '.+' }],
];

function assertSameIndex(got: SeriesIndex, want: SeriesIndex): void {
  assert.equal(got.size, want.size);
  assert.equal(got.refLimit, want.refLimit);
  assert.deepEqual(got.measurements(), want.measurements());
  assert.deepEqual(got.tagKeys(), want.tagKeys());
  for (const k of want.tagKeys()) assert.deepEqual(got.tagValues(k), want.tagValues(k));
  for (let ref = 0; ref < want.refLimit; ref++) {
    assert.deepEqual(got.seriesOf(ref), want.seriesOf(ref));
    const key = want.keyOf(ref);
    if (key !== undefined) assert.equal(got.refOf(key), ref);
  }
  for (const m of MATCHERS) assert.deepEqual(got.select(m).toArray(), want.select(m).toArray());
}

describe('SeriesIndex.serialize() and deserialize(bytes)', () => {
  it('round-trips, also after removals, and keeps assigning refs after the last one', () => {
    const idx = indexOf(SERIES);
    assertSameIndex(SeriesIndex.deserialize(idx.serialize()), idx);
    idx.remove([1, 3]);
    const back = SeriesIndex.deserialize(idx.serialize());
    assertSameIndex(back, idx);
    assert.equal(addSeries(back, SERIES[1]!), 4);
    assert.equal(addSeries(back, SERIES[0]!), 0);
  });

  it('round-trips an empty index', () => {
    const idx = new SeriesIndex();
    assertSameIndex(SeriesIndex.deserialize(idx.serialize()), idx);
  });

  it('round-trips random series sets with random removals', () => {
    const VALUES = ['a', 'b', 'c', 'ü', 'x y', 'a,b=c', '\\', '😀'];
    const seriesArb = fc.record({
      measurement: fc.constantFrom('cpu', 'mem', 'disk io'),
      tags: fc.dictionary(fc.constantFrom('host', 'region', 'env', 'k=v'), fc.constantFrom(...VALUES), { maxKeys: 4 }),
    });
    fc.assert(
      fc.property(fc.array(seriesArb, { maxLength: 60 }), fc.array(fc.nat(70), { maxLength: 20 }), (series, removals) => {
        const idx = indexOf(series);
        idx.remove(removals);
        const back = SeriesIndex.deserialize(idx.serialize());
        assertSameIndex(back, idx);
        assert.deepEqual(Buffer.from(back.serialize()), Buffer.from(idx.serialize()));
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic for the same history', () => {
    assert.deepEqual(Buffer.from(indexOf(SERIES).serialize()), Buffer.from(indexOf(SERIES).serialize()));
  });
});

describe('SeriesIndex.deserialize(corrupt bytes)', () => {
  const good = Buffer.from(indexOf(SERIES).serialize());
  const f = (bytes: Uint8Array, want: RegExp) =>
    assert.throws(
      () => SeriesIndex.deserialize(bytes, 'idx/series.ridx'),
      (err: unknown) => err instanceof CorruptionError && err.file === 'idx/series.ridx' && want.test(err.message),
      `want CorruptionError matching ${want}`,
    );
  const flip = (at: number) => {
    const b = Buffer.from(good);
    b[at]! ^= 0x10;
    return b;
  };

  it('rejects damage with a CorruptionError naming the file', () => {
    f(new Uint8Array(0), /shorter than the 28-byte minimum/);
    f(good.subarray(0, 20), /shorter/);
    f(good.subarray(0, good.length - 1), /checksum mismatch/);
    f(Buffer.concat([good, Buffer.from([0])]), /checksum mismatch/);
    f(flip(0), /bad magic/);
    f(flip(9), /checksum mismatch/);
    f(flip(40), /checksum mismatch/);
    f(flip(good.length - 1), /checksum mismatch/);
  });

  it('rejects any single flipped byte or truncation', () => {
    for (let at = 0; at < good.length; at++) f(flip(at), /./);
    for (let len = 0; len < good.length; len++) f(good.subarray(0, len), /./);
  });

  it('checks structure behind a valid checksum', async () => {
    const { crc32c } = await import('@node-rs/crc32');
    const resign = (b: Buffer) => {
      b.writeUInt32LE(crc32c(b.subarray(0, b.length - 4)), b.length - 4);
      return b;
    };
    const withU32 = (at: number, v: number) => {
      const b = Buffer.from(good);
      b.writeUInt32LE(v, at);
      return resign(b);
    };
    f(withU32(8, 2), /unsupported series index version 2/);
    f(withU32(12, 1), /unknown flags/);
    f(withU32(16, 3), /live ref 3 is not below ref count 3|needs/);
    f(withU32(16, 1000), /needs/);
    f(withU32(20, 5), /live bitmap holds 4 refs, header says 5/);
    // Random garbage with a valid checksum and header never escapes as anything but CorruptionError.
    fc.assert(
      fc.property(fc.nat(good.length - 29), fc.uint8Array({ minLength: 1, maxLength: 8 }), (at, junk) => {
        const b = Buffer.from(good);
        b.set(junk.subarray(0, b.length - 4 - (24 + at)), 24 + at);
        resign(b);
        try {
          SeriesIndex.deserialize(b, 'idx/series.ridx');
        } catch (err) {
          assert.ok(err instanceof CorruptionError, `got ${String(err)}`);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
