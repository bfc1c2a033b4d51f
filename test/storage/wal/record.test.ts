import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  Column,
  DecodeError,
  FieldType,
  MAX_INT64,
  MAX_UINT64,
  MIN_INT64,
  WriteBatch,
  batchOf,
  booleanValue,
  floatValue,
  integerValue,
  stringValue,
  unsignedValue,
  type ColumnValues,
} from '../../../src/core/index.ts';
import { WalRecordType, decodeWriteBatch, encodeWriteBatch, walRecordType } from '../../../src/storage/wal/index.ts';

type TypedColumn = Float64Array | Int32Array | BigInt64Array | BigUint64Array | Uint8Array;
const rawBytes = (a: TypedColumn, n: number): Buffer => Buffer.from(a.buffer, a.byteOffset, n * a.BYTES_PER_ELEMENT);

/** Same series, tags, fields, timestamps and values, floats compared bit for bit. */
function assertSameBatch(got: WriteBatch, want: WriteBatch): void {
  assert.equal(got.series.length, want.series.length, 'series count');
  for (let s = 0; s < want.series.length; s++) {
    const g = got.series[s]!;
    const w = want.series[s]!;
    assert.equal(g.key, w.key);
    assert.equal(g.measurement, w.measurement, `measurement of ${w.key}`);
    assert.deepEqual(g.tags, w.tags, `tags of ${w.key}`);
    assert.equal(g.fields.length, w.fields.length, `fields of ${w.key}`);
    for (let f = 0; f < w.fields.length; f++) {
      const gc = g.fields[f]!.column;
      const wc = w.fields[f]!.column;
      const where = `${w.key} ${w.fields[f]!.name}`;
      assert.equal(g.fields[f]!.name, w.fields[f]!.name);
      assert.equal(gc.type, wc.type, `type of ${where}`);
      assert.equal(gc.length, wc.length, `length of ${where}`);
      const n = wc.length;
      assert.ok(rawBytes(gc.ms, n).equals(rawBytes(wc.ms, n)), `ms of ${where}`);
      assert.ok(rawBytes(gc.sub, n).equals(rawBytes(wc.sub, n)), `sub of ${where}`);
      if (wc.type === FieldType.String) assert.deepEqual((gc.values as string[]).slice(0, n), (wc.values as string[]).slice(0, n));
      else assert.ok(rawBytes(gc.values as TypedColumn, n).equals(rawBytes(wc.values as TypedColumn, n)), `values of ${where}`);
    }
  }
}

function roundTrip(batch: WriteBatch): void {
  const bytes = encodeWriteBatch(batch);
  assert.equal(walRecordType(bytes), WalRecordType.WriteBatch);
  // Decoding must not depend on the record sitting at the start of its buffer, nor on alignment.
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  assertSameBatch(decodeWriteBatch(shifted.subarray(3)), batch);
}

const SPECIAL_FLOAT_BITS = [
  0x7ff0000000000002n, // Prometheus staleness marker
  0x7ff8000000000000n, // the canonical quiet NaN
  0xfff8000000000001n, // a negative NaN with a payload
  0x7ff0000000000001n, // a signalling NaN
  0x7ff0000000000000n, // +Inf
  0xfff0000000000000n, // -Inf
  0x8000000000000000n, // -0
  0x0000000000000001n, // the smallest subnormal
];

const ms = fc.oneof(fc.integer({ min: -9_223_372_036_854, max: 9_223_372_036_854 }), fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }));
const sub = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 999_999 }));
const text = fc.string({ unit: 'grapheme', maxLength: 12 });

const valuesOf = (type: FieldType, n: number): fc.Arbitrary<ColumnValues> => {
  switch (type) {
    case FieldType.Float:
      return fc
        .array(fc.oneof(fc.bigInt({ min: 0n, max: MAX_UINT64 }), fc.constantFrom(...SPECIAL_FLOAT_BITS)), { minLength: n, maxLength: n })
        .map((bits) => new Float64Array(BigUint64Array.from(bits).buffer));
    case FieldType.Integer:
      return fc
        .array(fc.oneof(fc.bigInt({ min: MIN_INT64, max: MAX_INT64 }), fc.constantFrom(MIN_INT64, MAX_INT64, 0n, -1n)), { minLength: n, maxLength: n })
        .map((v) => BigInt64Array.from(v));
    case FieldType.Unsigned:
      return fc.array(fc.oneof(fc.bigInt({ min: 0n, max: MAX_UINT64 }), fc.constantFrom(0n, MAX_UINT64)), { minLength: n, maxLength: n }).map((v) => BigUint64Array.from(v));
    case FieldType.String:
      return fc.array(fc.oneof(text, fc.string({ unit: 'binary', maxLength: 40 })), { minLength: n, maxLength: n });
    case FieldType.Boolean:
      return fc.array(fc.boolean(), { minLength: n, maxLength: n }).map((v) => Uint8Array.from(v, (b) => (b ? 1 : 0)));
  }
};

const column: fc.Arbitrary<Column> = fc
  .record({ type: fc.constantFrom(...Object.values(FieldType)), n: fc.integer({ min: 0, max: 20 }), allSubZero: fc.boolean() })
  .chain(({ type, n, allSubZero }) =>
    fc.record({
      ms: fc.array(ms, { minLength: n, maxLength: n }),
      sub: fc.array(allSubZero ? fc.constant(0) : sub, { minLength: n, maxLength: n }),
      values: valuesOf(type, n),
      // Spare capacity past `length`, as a growing column has: it must not be encoded.
      spare: fc.integer({ min: 0, max: 3 }),
    }).map(({ ms, sub, values, spare }) => {
      const c = Column.of(type, Float64Array.from(ms), Int32Array.from(sub), values, n);
      if (spare > 0) c.reserve(n + spare);
      return c;
    }),
  );

const batch: fc.Arbitrary<WriteBatch> = fc
  .array(
    fc.record({
      measurement: text,
      tags: fc.uniqueArray(fc.record({ key: text, value: text }), { selector: (t) => t.key, maxLength: 4 }),
      fields: fc.array(fc.record({ name: text, column }), { maxLength: 4 }),
    }),
    { maxLength: 6 },
  )
  .map((series) => {
    const b = new WriteBatch();
    for (const s of series) {
      // Plain objects: fast-check's records have no prototype, which deepEqual would see.
      const entry = b.seriesFor(s.measurement, s.tags.map((t) => ({ key: t.key, value: t.value })));
      for (const f of s.fields) entry.fields.push({ name: f.name, column: f.column });
    }
    return b;
  });

describe('encodeWriteBatch / decodeWriteBatch', () => {
  it('round-trips any batch: every field type, NaN payloads, int64 extremes, unicode, escapes', () => {
    fc.assert(fc.property(batch, roundTrip), { numRuns: 300 });
  });

  it('round-trips the empty batch in 5 bytes', () => {
    const empty = new WriteBatch();
    assert.deepEqual([...encodeWriteBatch(empty)], [1, 0, 0, 0, 0]);
    roundTrip(empty);
  });

  it('round-trips points added one by one, sub-millisecond timestamps included', () => {
    roundTrip(
      batchOf([
        { measurement: 'cpu', tags: [{ key: 'host', value: 'a b,c=d\\' }], fields: [{ key: 'f', value: floatValue(0.5) }], timestamp: 1_700_000_000_123_456_789n },
        { measurement: 'cpu', tags: [{ key: 'host', value: 'a b,c=d\\' }], fields: [{ key: 'i', value: integerValue(MIN_INT64) }], timestamp: -1n },
        { measurement: 'm', tags: [], fields: [{ key: 'u', value: unsignedValue(MAX_UINT64) }, { key: 's', value: stringValue('日本語 🙂') }, { key: 'b', value: booleanValue(true) }], timestamp: 0n },
      ]),
    );
  });

  it('round-trips long columns of every type (copied in bulk, not through the small-array path)', () => {
    const b = new WriteBatch();
    const series = b.seriesFor('long', [{ key: 't', value: 'v' }]);
    for (const type of Object.values(FieldType)) {
      const column = series.column(`f${type}`, type);
      for (let i = 0; i < 1000; i++) {
        const value =
          type === FieldType.Float ? floatValue(i / 3)
          : type === FieldType.Integer ? integerValue(BigInt(i) * -7919n)
          : type === FieldType.Unsigned ? unsignedValue(BigInt(i) * 104729n)
          : type === FieldType.String ? stringValue(`s${i}`)
          : booleanValue(i % 3 === 0);
        column.pushValue(1_700_000_000_000 + i, i % 2 === 0 ? 0 : i, value);
      }
    }
    roundTrip(b);
  });

  it('writes the documented layout (golden bytes)', () => {
    const b = batchOf([{ measurement: 'cpu', tags: [{ key: 'host', value: 'a' }], fields: [{ key: 'usage', value: floatValue(1.5) }], timestamp: 1_000_000_000n }]);
    const hex = Buffer.from(encodeWriteBatch(b)).toString('hex');
    const want = [
      '01', // type WriteBatch
      '01000000', // 1 series
      '0a000000', Buffer.from('cpu,host=a').toString('hex'),
      '01000000', // 1 field
      '05000000', Buffer.from('usage').toString('hex'),
      '01', // Float
      '01', // every sub is 0: no sub column
      '01000000', // 1 point
      '0000000000408f40', // ms 1000.0
      '000000000000f83f', // 1.5
    ].join('');
    assert.equal(hex, want);
  });

  it('writes the same bytes from a series key given as bytes (what decode workers pass along)', () => {
    const points = [
      { measurement: 'cpu', tags: [{ key: 'host', value: 'ä,b' }], fields: [{ key: 'usage', value: floatValue(1.5) }], timestamp: 1_000_000_000n },
      { measurement: 'mem', tags: [], fields: [{ key: 'free', value: integerValue(7n) }], timestamp: 2_000_000_000n },
    ];
    const plain = batchOf(points);
    const withBytes = new WriteBatch();
    for (const series of plain.series) withBytes.seriesByKey(series.key, series.measurement, series.tags, Buffer.from(series.key, 'utf8')).fields.push(...series.fields);
    assert.deepEqual(Buffer.from(encodeWriteBatch(withBytes)), Buffer.from(encodeWriteBatch(plain)));
  });

  it('writes the sub column only when some sub-millisecond part is not 0', () => {
    const at = (ts: bigint): number =>
      encodeWriteBatch(batchOf([{ measurement: 'm', tags: [], fields: [{ key: 'v', value: floatValue(1) }], timestamp: ts }])).length;
    assert.equal(at(1_000_000_001n) - at(1_000_000_000n), 4);
  });
});

describe('decodeWriteBatch on bad input', () => {
  const valid = encodeWriteBatch(
    batchOf([
      { measurement: 'cpu', tags: [{ key: 'h', value: 'x' }], fields: [{ key: 'a', value: floatValue(1) }, { key: 's', value: stringValue('hello') }], timestamp: 5n },
    ]),
  );

  const f = (bytes: Uint8Array, why: RegExp): void => {
    assert.throws(() => decodeWriteBatch(bytes), (err: unknown) => err instanceof DecodeError && why.test(err.message), `for ${Buffer.from(bytes).toString('hex')}`);
  };

  it('names what it could not decode', () => {
    f(new Uint8Array(0), /record type/);
    f(Uint8Array.of(2, 0, 0, 0, 0), /type 2/);
    f(Uint8Array.of(1, 0xff, 0xff, 0xff, 0xff), /4294967295 series/);
    f(Uint8Array.of(1, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0), /series key/);
    f(Buffer.concat([valid, Uint8Array.of(0)]), /1 bytes left over/);
  });

  it('rejects every truncation of a valid record', () => {
    for (let n = 0; n < valid.length; n++) {
      assert.throws(() => decodeWriteBatch(valid.subarray(0, n)), DecodeError, `prefix of ${n} bytes`);
    }
  });

  it('rejects an unknown field type and unknown flags', () => {
    const typeAt = 1 + 4 + 4 + 'cpu,h=x'.length + 4 + 4 + 1;
    const bad = Buffer.from(valid);
    bad[typeAt] = 9;
    f(bad, /unknown field type 9/);
    const flags = Buffer.from(valid);
    flags[typeAt + 1] = 0x80;
    f(flags, /unknown flags 0x80/);
  });

  it('throws only DecodeError on random bytes, and never allocates for counts it cannot hold', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, typed) => {
        if (typed && bytes.length > 0) bytes[0] = 1;
        try {
          decodeWriteBatch(bytes);
        } catch (err) {
          assert.ok(err instanceof DecodeError, `got ${String(err)}`);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('throws only DecodeError on a valid record with bytes flipped', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.nat(valid.length - 1), byte: fc.nat(255) }), { minLength: 1, maxLength: 4 }), (edits) => {
        const bytes = Buffer.from(valid);
        for (const e of edits) bytes[e.at] = e.byte;
        try {
          decodeWriteBatch(bytes);
        } catch (err) {
          assert.ok(err instanceof DecodeError, `got ${String(err)}`);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
