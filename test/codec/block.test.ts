import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Column, DecodeError, FieldType, MAX_TIMESTAMP, MIN_TIMESTAMP } from '../../src/core/index.ts';
import {
  BLOCK_HEADER_SIZE,
  Compression,
  decodeBlock,
  encodeBlock,
  readBlockHeader,
  TimestampEncoding,
  ValueEncoding,
  type EncodeOptions,
} from '../../src/codec/index.ts';
import {
  assertSameColumn,
  booleansArb,
  columnOf,
  floatsArb,
  hex,
  intsArb,
  regular,
  STALE_NAN,
  bitsToFloat,
  stringsArb,
  timestampsArb,
  uintsArb,
  type Values,
} from './helpers.ts';

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;
const MAX_UINT64 = 2n ** 64n - 1n;

function roundTrip(column: Column, options?: EncodeOptions, start = 0, end = column.length): Uint8Array {
  const block = encodeBlock(column, start, end, options);
  const context = `(options ${JSON.stringify(options ?? {})}, block ${hex(block).slice(0, 200)})`;
  assertSameColumn(decodeBlock(block), column, start, end, context);
  const h = readBlockHeader(block);
  assert.equal(h.count, end - start);
  assert.equal(h.blockLength, block.length);
  if (end > start) {
    assert.deepEqual([h.minMs, h.minSub, h.maxMs, h.maxSub], [column.ms[start], column.sub[start], column.ms[end - 1], column.sub[end - 1]]);
  }
  return block;
}

const compressionArb = fc.constantFrom<Compression | undefined>(undefined, Compression.None, Compression.Lz4, Compression.Zstd);
const tsEncodingArb = fc.constantFrom<TimestampEncoding | undefined>(undefined, TimestampEncoding.DeltaOfDelta, TimestampEncoding.Gorilla);

function property(type: FieldType, valuesArb: (n: number) => fc.Arbitrary<Values>, alwaysValid: readonly (ValueEncoding | undefined)[]): void {
  fc.assert(
    fc.property(
      timestampsArb().chain((ts) => fc.tuple(fc.constant(ts), valuesArb(ts.length))),
      compressionArb,
      tsEncodingArb,
      fc.constantFrom(...alwaysValid),
      ([ts, values], compression, timestampEncoding, valueEncoding) => {
        const column = columnOf(type, ts, values);
        roundTrip(column, { compression, timestampEncoding, valueEncoding });
      },
    ),
    { numRuns: 300 },
  );
}

describe('encodeBlock/decodeBlock round trip (property)', () => {
  it('float', () => property(FieldType.Float, floatsArb, [undefined, ValueEncoding.FloatGorilla]));
  it('integer', () => property(FieldType.Integer, intsArb, [undefined, ValueEncoding.IntDelta]));
  it('unsigned', () => property(FieldType.Unsigned, uintsArb, [undefined, ValueEncoding.IntDelta]));
  it('string', () => property(FieldType.String, stringsArb, [undefined, ValueEncoding.StringPlain, ValueEncoding.StringDict]));
  it('boolean', () => property(FieldType.Boolean, booleansArb, [undefined, ValueEncoding.BoolBits]));

  it('float, forced decimal and const', () => {
    // One exponent per block, so that every mantissa stays below 2^51.
    const decimals = (n: number): fc.Arbitrary<number[]> =>
      fc.integer({ min: 0, max: 15 }).chain((e) => fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }).map((m) => m / 10 ** e), { minLength: n, maxLength: n }));
    fc.assert(
      fc.property(
        timestampsArb(200).chain((ts) => fc.tuple(fc.constant(ts), decimals(ts.length), fc.double())),
        compressionArb,
        ([ts, values, constant], compression) => {
          roundTrip(columnOf(FieldType.Float, ts, values), { compression, valueEncoding: ValueEncoding.FloatDecimal });
          if (ts.length > 0) roundTrip(columnOf(FieldType.Float, ts, values.map(() => constant)), { compression, valueEncoding: ValueEncoding.FloatConst });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sub-ranges of a column', () => {
    fc.assert(
      fc.property(
        timestampsArb(200).chain((ts) => fc.tuple(fc.constant(ts), floatsArb(ts.length), fc.nat(ts.length), fc.nat(ts.length))),
        ([ts, values, a, b]) => {
          roundTrip(columnOf(FieldType.Float, ts, values), undefined, Math.min(a, b), Math.max(a, b));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('encodeBlock/decodeBlock edge cases', () => {
  // One line per case: field type, timestamps, values, forced options; round-trips and checks the encodings chosen.
  const f = (type: FieldType, ts: bigint[], values: Values, options: EncodeOptions, want: { ts?: TimestampEncoding; values?: ValueEncoding } = {}): void => {
    const block = roundTrip(columnOf(type, ts, values), options);
    const h = readBlockHeader(block);
    if (want.ts !== undefined) assert.equal(h.timestampEncoding, want.ts, `timestamp encoding for ${String(values.slice(0, 5))}`);
    if (want.values !== undefined) assert.equal(h.valueEncoding, want.values, `value encoding for ${String(values.slice(0, 5))}`);
  };
  const F = FieldType;
  const V = ValueEncoding;
  const T = TimestampEncoding;
  const r = regular;

  it('float', () => {
    f(F.Float, [], [], {}, { ts: T.Const });
    f(F.Float, r(1), [1.5], {}, { ts: T.Const, values: V.FloatConst });
    f(F.Float, r(1), [-0], {}, { values: V.FloatConst });
    f(F.Float, r(5), [0, 0, 0, 0, 0], {}, { ts: T.Const, values: V.FloatConst });
    f(F.Float, r(4), [STALE_NAN, STALE_NAN, STALE_NAN, STALE_NAN], {}, { values: V.FloatConst });
    f(F.Float, r(4), [1.25, 2.5, -3.75, 100], {}, { values: V.FloatDecimal });
    f(F.Float, r(3), [0.1, 0.2, 0.3], {}, { values: V.FloatDecimal });
    f(F.Float, r(4), [0.1, 0.2, 0.30000000000000004, 0.3], {}, { values: V.FloatGorilla });
    f(F.Float, r(4), [1, 2, -0, 3], {}, { values: V.FloatGorilla });
    f(F.Float, r(4), [1, NaN, 2, 3], {}, { values: V.FloatGorilla });
    f(F.Float, r(4), [1, Infinity, -Infinity, 3], {}, { values: V.FloatGorilla });
    f(F.Float, r(5), [STALE_NAN, 1, bitsToFloat(0x7ff80000, 0xdead), bitsToFloat(0xfff00000, 1), -0], {}, { values: V.FloatGorilla });
    f(F.Float, r(3), [Math.PI, Math.E, Math.SQRT2], {}, { values: V.FloatGorilla });
    f(F.Float, r(3), [2 ** 60, 1e300, 5e-324], {}, { values: V.FloatGorilla });
    f(F.Float, r(3), [2 ** 50, -(2 ** 50), 1], { valueEncoding: V.FloatDecimal }, { values: V.FloatDecimal });
    f(F.Float, r(3), [2 ** 50, -(2 ** 50), 1], {}, {});
    f(F.Float, r(3), [1e-15, 2e-15, 123456789.123456], {}, {});
    f(F.Float, r(3), [100, -100.5, 50], { valueEncoding: V.FloatDecimal }, { values: V.FloatDecimal });
    f(F.Float, r(3), [1, 2, 3], { valueEncoding: V.FloatGorilla, compression: Compression.Zstd }, { values: V.FloatGorilla });
    f(F.Float, r(3), [7, 7, 7], { valueEncoding: V.FloatConst, compression: Compression.Lz4 }, { values: V.FloatConst });
  });

  it('timestamps', () => {
    f(F.Float, [-1n], [1], {}, { ts: T.Const });
    f(F.Float, [MIN_TIMESTAMP, MAX_TIMESTAMP], [1, 2], {}, { ts: T.Const });
    f(F.Float, [MIN_TIMESTAMP, 0n, MAX_TIMESTAMP], [1, 2, 3], {}, {});
    f(F.Float, [MIN_TIMESTAMP, 0n, MAX_TIMESTAMP], [1, 2, 3], { timestampEncoding: T.Gorilla }, { ts: T.Gorilla });
    f(F.Float, [-3_000_000_000_000n, -2_000_000_000_000n, -1_000_000_000_000n], [1, 2, 3], {}, { ts: T.Const });
    f(F.Float, [1n, 2n, 3n], [1, 2, 3], {}, { ts: T.Const });
    f(F.Float, [0n, 1_000_001n, 1_999_999n, 5_000_000n], [1, 2, 3, 4], {}, {});
    f(F.Float, [0n, 10_000_000n, 20_000_000n, 31_000_000n, 40_000_000n], [1, 2, 3, 4, 5], {}, {});
    f(F.Float, [0n, 10_000_000n, 20_000_000n, 31_000_000n, 40_000_000n], [1, 2, 3, 4, 5], { timestampEncoding: T.DeltaOfDelta }, { ts: T.DeltaOfDelta });
    f(F.Float, [0n, 1n, 10n ** 18n, 10n ** 18n + 1n], [1, 2, 3, 4], { timestampEncoding: T.Gorilla }, { ts: T.Gorilla });
  });

  it('integer and unsigned', () => {
    f(F.Integer, r(3), [MIN_INT64, MAX_INT64, MIN_INT64], {}, { values: V.IntDelta });
    f(F.Integer, r(4), [0n, -1n, MAX_INT64, 1n], {}, { values: V.IntDelta });
    f(F.Integer, r(3), [MIN_INT64, MIN_INT64, MIN_INT64], {}, { values: V.IntConst });
    f(F.Integer, r(1), [MAX_INT64], {}, {});
    f(F.Integer, [], [], {}, {});
    f(F.Unsigned, r(3), [0n, MAX_UINT64, 0n], {}, { values: V.IntDelta });
    f(F.Unsigned, r(4), [MAX_UINT64, MAX_UINT64 - 1n, 2n ** 63n, 2n ** 63n - 1n], {}, { values: V.IntDelta });
    f(F.Unsigned, r(2), [MAX_UINT64, MAX_UINT64], {}, { values: V.IntConst });
  });

  it('string and boolean', () => {
    f(F.String, r(3), ['', '', ''], {}, { values: V.StringDict });
    f(F.String, r(4), ['a', 'b', 'a', 'b'], {}, { values: V.StringDict });
    f(F.String, r(3), ['héllo', '日本語', '😀'], {}, { values: V.StringPlain });
    f(F.String, r(2), ['x'.repeat(100_000), ''], {}, {});
    f(F.String, r(4), ['\u0000', 'a\u0000b', '\uffff', '\u{10ffff}'], { valueEncoding: V.StringDict }, { values: V.StringDict });
    f(F.String, [], [], {}, {});
    f(F.Boolean, r(3), [true, true, true], {}, { values: V.BoolConst });
    f(F.Boolean, r(9), [true, false, true, true, false, false, false, true, true], {}, { values: V.BoolBits });
    f(F.Boolean, r(1), [false], {}, { values: V.BoolConst });
    f(F.Boolean, [], [], {}, { values: V.BoolBits });
  });
});

describe('encodeBlock rejects what it cannot store', () => {
  const f = (ts: bigint[], pattern: RegExp): void => {
    assert.throws(() => encodeBlock(columnOf(FieldType.Float, ts, ts.map(() => 1))), pattern, `for ${ts}`);
  };
  it('unsorted or duplicate timestamps', () => {
    f([2n, 1n], /timestamp 1 .* is not after timestamp 0/);
    f([1n, 1n], /timestamp 1 .* is not after/);
    f([1_000_000n, 2_000_000n, 2_000_000n], /timestamp 2 .* is not after/);
    f([5_000_000n, 4_999_999n], /is not after/);
  });
  it('forced encodings that cannot hold the data', () => {
    const c = columnOf(FieldType.Float, regular(3), [1, Math.PI, 2]);
    assert.throws(() => encodeBlock(c, 0, 3, { valueEncoding: ValueEncoding.FloatDecimal }), /decimal/);
    assert.throws(() => encodeBlock(c, 0, 3, { valueEncoding: ValueEncoding.FloatConst }), /const/);
    assert.throws(() => encodeBlock(c, 0, 3, { valueEncoding: ValueEncoding.IntDelta }), /not for floats/);
    const irregular = columnOf(FieldType.Float, [0n, 1_000_000n, 3_000_000n], [1, 2, 3]);
    assert.throws(() => encodeBlock(irregular, 0, 3, { timestampEncoding: TimestampEncoding.Const }), /irregular/);
  });
  it('a lone surrogate', () => {
    assert.throws(() => encodeBlock(columnOf(FieldType.String, regular(1), ['a\ud800b'])), /lone surrogate/);
  });
  it('a bad range', () => {
    assert.throws(() => encodeBlock(columnOf(FieldType.Float, regular(2), [1, 2]), 1, 3), /range/);
  });
});

describe('block bytes (golden)', () => {
  const f = (column: Column, options: EncodeOptions, want: string): void => {
    const block = encodeBlock(column, 0, column.length, options);
    assert.equal(hex(block), want.replace(/[\s|]/g, ''), `for ${JSON.stringify(options)}`);
    // The same bytes decode at any offset inside a larger buffer.
    const framed = new Uint8Array(block.length + 7);
    framed.set(block, 3);
    assertSameColumn(decodeBlock(framed.subarray(3)), column);
  };
  const ts = [1_000n, 2_000_000n, 3_000_000n];

  it('encodes small blocks to the documented bytes', () => {
    // header: version 1, float, ts dod-varint, decimal, none, flags 1 | count 3 | min (0 ms, 1000 ns) | max (3 ms, 0) | ts 6 bytes | values 4 | stored 10
    // ts: dod 2, -1 (zigzag 4, 1); subs 1000 (e8 07), 0, 0 | values: e=1, m = 15, -5, 0 -> deltas 15, -20, 5 -> zigzag 30, 39, 10
    f(columnOf(FieldType.Float, ts, [1.5, -0.5, 0]), { compression: Compression.None },
      '01 01 02 02 00 01 03000000 | 0000000000000000 e8030000 | 0300000000000000 00000000 | 06000000 04000000 0a000000 | 04 01 e807 00 00 | 01 1e 27 0a');
    // Const timestamps, const float 1.0 (0x3ff0000000000000 little-endian)
    f(columnOf(FieldType.Float, regular(3, 0n, 1_000_000n), [1, 1, 1]), {},
      '01 01 01 03 00 00 03000000 | 0000000000000000 00000000 | 0200000000000000 00000000 | 00000000 08000000 08000000 | 000000000000f03f');
    // Integer: MIN_INT64, MAX_INT64 -> deltas MIN, -1 -> zigzag 2^64-1 (ten bytes ff..01), 1
    f(columnOf(FieldType.Integer, [0n, 1_000_000n], [MIN_INT64, MAX_INT64]), { compression: Compression.None },
      '01 02 01 04 00 00 02000000 | 0000000000000000 00000000 | 0100000000000000 00000000 | 00000000 0b000000 0b000000 | ffffffffffffffffff01 01');
    // Booleans true, false, true -> bits 0b101
    f(columnOf(FieldType.Boolean, [0n, 1_000_000n, 2_000_000n], [true, false, true]), {},
      '01 05 01 08 00 00 03000000 | 0000000000000000 00000000 | 0200000000000000 00000000 | 00000000 01000000 01000000 | 05');
    // Strings: dictionary of "a", "" and indexes 0, 1, 0
    f(columnOf(FieldType.String, [0n, 1_000_000n, 2_000_000n], ['a', '', 'a']), { valueEncoding: ValueEncoding.StringDict },
      '01 04 01 07 00 00 03000000 | 0000000000000000 00000000 | 0200000000000000 00000000 | 00000000 07000000 07000000 | 02 0161 00 00 01 00');
    // Gorilla timestamps: dods 1, 0 (ms), from 0 ms -> '10' + (1 + 63 = 64 in 7 bits) + '0' -> 1010 0000 0000 0000 -> a0 00
    f(columnOf(FieldType.Boolean, [0n, 1_000_000n, 2_000_000n], [false, false, false]), { timestampEncoding: TimestampEncoding.Gorilla },
      '01 05 03 09 00 00 03000000 | 0000000000000000 00000000 | 0200000000000000 00000000 | 02000000 01000000 03000000 | a000 00');
  });
});

describe('decodeBlock rejects bad input with DecodeError', () => {
  const sample = (): Uint8Array[] => {
    const blocks: Uint8Array[] = [];
    const ts = [0n, 1_500n, 10_000_000n, 20_000_000n, 31_000_123n, 10n ** 15n];
    const opts: EncodeOptions[] = [
      { compression: Compression.None },
      { compression: Compression.Zstd },
      { compression: Compression.Lz4 },
      { compression: Compression.None, timestampEncoding: TimestampEncoding.Gorilla },
    ];
    for (const o of opts) {
      blocks.push(encodeBlock(columnOf(FieldType.Float, ts, [1.5, 2.25, NaN, -0, 1e300, 3]), 0, 6, o));
      blocks.push(encodeBlock(columnOf(FieldType.Float, ts, [1.5, 2.25, 3, -4, 5.5, 6]), 0, 6, o));
      blocks.push(encodeBlock(columnOf(FieldType.Integer, ts, [1n, MIN_INT64, 3n, MAX_INT64, 0n, -5n]), 0, 6, o));
      blocks.push(encodeBlock(columnOf(FieldType.String, ts, ['a', 'bé', 'a', '', '😀', 'a']), 0, 6, o));
      blocks.push(encodeBlock(columnOf(FieldType.Boolean, ts, [true, false, true, true, false, true]), 0, 6, o));
    }
    blocks.push(encodeBlock(columnOf(FieldType.Float, regular(3000), Array.from({ length: 3000 }, (_, i) => (i % 97) / 4))));
    return blocks;
  };

  const decodeOrDecodeError = (bytes: Uint8Array, context: string): void => {
    try {
      decodeBlock(bytes);
    } catch (err) {
      if (!(err instanceof DecodeError)) assert.fail(`${context}: threw ${String(err)} instead of DecodeError`);
    }
  };

  it('truncated at every length', () => {
    for (const block of sample()) {
      for (let n = 0; n < block.length; n++) {
        assert.throws(() => decodeBlock(block.subarray(0, n)), DecodeError, `block ${hex(block).slice(0, 80)} cut to ${n}`);
      }
    }
  });

  const f = (mutate: (b: Uint8Array) => void, pattern: RegExp): void => {
    const b = encodeBlock(columnOf(FieldType.Float, regular(3), [1, 2, 3]), 0, 3, { compression: Compression.None });
    mutate(b);
    assert.throws(() => decodeBlock(b), (err: unknown) => err instanceof DecodeError && pattern.test(err.message));
  };
  it('bad header fields', () => {
    f((b) => (b[0] = 2), /unknown block version 2/);
    f((b) => (b[1] = 9), /unknown field type 9/);
    f((b) => (b[2] = 4), /unknown timestamp encoding 4/);
    f((b) => (b[3] = ValueEncoding.IntDelta), /value encoding 4 is not one of field type 1/);
    f((b) => (b[4] = 3), /unknown compression 3/);
    f((b) => (b[5] = 2), /unknown flags/);
    f((b) => new DataView(b.buffer).setUint32(6, 2 ** 21, true), /exceed the maximum/);
    f((b) => new DataView(b.buffer).setUint32(6, 0xffffffff, true), /exceed the maximum/);
    f((b) => new DataView(b.buffer).setUint32(42, 1000, true), /payload|cut/);
    f((b) => new DataView(b.buffer).setUint32(38, 0x7fffffff, true), /sections of/);
    f((b) => (b[22] = 7), /interval|disagree|timestamp/);
  });

  it('random byte mutations never escape as anything but DecodeError', () => {
    const blocks = sample();
    let mutations = 0;
    fc.assert(
      fc.property(fc.nat(blocks.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }), (which, edits) => {
        const b = blocks[which]!.slice();
        // Mostly the payload: header mutations are caught early and are covered above.
        for (const [at, v] of edits) b[at % 3 === 0 ? at % BLOCK_HEADER_SIZE : BLOCK_HEADER_SIZE + (at % (b.length - BLOCK_HEADER_SIZE))] = v;
        mutations++;
        decodeOrDecodeError(b, `block ${which} edits ${JSON.stringify(edits)}`);
      }),
      { numRuns: 5000 },
    );
    assert.equal(mutations, 5000);
  });

  it('random garbage never escapes as anything but DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(1, 2, 3, 4, 5), fc.nat(9), (bytes, type, enc) => {
        // A plausible header over garbage, so decoders see it.
        const b = new Uint8Array(BLOCK_HEADER_SIZE + bytes.length);
        b.set(bytes, BLOCK_HEADER_SIZE);
        const v = new DataView(b.buffer);
        b[0] = 1;
        b[1] = type;
        b[2] = 1 + (enc % 3);
        b[3] = enc;
        b[4] = 0;
        v.setUint32(6, bytes[0] ?? 0, true);
        v.setUint32(22, 1000, true);
        v.setUint32(34, Math.min(bytes.length, bytes[1] ?? 0), true);
        v.setUint32(38, bytes.length - Math.min(bytes.length, bytes[1] ?? 0), true);
        v.setUint32(42, bytes.length, true);
        decodeOrDecodeError(b, `garbage ${hex(b)}`);
      }),
      { numRuns: 3000 },
    );
  });
});
