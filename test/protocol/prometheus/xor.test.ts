import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { XOR_CHUNK_SAMPLES, decodeXorChunk, encodeXorChunk } from '../../../src/protocol/prometheus/xor.ts';

const ONE = 0x3ff0000000000000n;
const STALE_NAN = 0x7ff0000000000002n;
const SPECIAL_VALUE_BITS = [
  0n, // +0
  0x8000000000000000n, // -0
  ONE,
  0x4000000000000000n, // 2.0
  0x7ff8000000000000n, // the NaN JS produces
  0xfff8000000000000n, // negative quiet NaN
  0x7ff0000000000001n, // signalling NaN, smallest payload
  STALE_NAN,
  0x7fffffffffffffffn, // NaN, every payload bit set
  0x7ff0000000000000n, // +Inf
  0xfff0000000000000n, // -Inf
  0x7fefffffffffffffn, // largest finite
  0xffefffffffffffffn, // most negative finite
  0x0000000000000001n, // smallest subnormal
  0x0010000000000000n, // smallest normal
];
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** A Float64Array holding exactly these bit patterns, written through integers so no NaN is canonicalised on the way. */
function valuesFromBits(bits: readonly bigint[]): Float64Array {
  const values = new Float64Array(bits.length);
  const view = new BigUint64Array(values.buffer);
  bits.forEach((b, i) => (view[i] = b));
  return values;
}

function bitsOfValues(values: Float64Array): bigint[] {
  return [...new BigUint64Array(values.buffer, values.byteOffset, values.length)];
}

function decodedBits(decoded: { hi: number[]; lo: number[] }): bigint[] {
  return decoded.hi.map((hi, i) => (BigInt(hi) << 32n) | BigInt(decoded.lo[i]!));
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Bytes from a written-out bit string (spaces are for reading only); a partial last byte is zero-padded. */
function bytesFromBitString(bitString: string): Uint8Array {
  const bits = bitString.replace(/ /g, '');
  assert.match(bits, /^[01]*$/);
  const bytes = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i] === '1') bytes[i >> 3]! |= 0x80 >> (i & 7);
  return bytes;
}

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

const bits64 = (value: bigint): string => BigInt.asUintN(64, value).toString(2).padStart(64, '0');

/**
 * A slow, literal model of Prometheus's appender, built from the written rules with BigInt and bit
 * strings: it shares no arithmetic with the module, so agreeing byte for byte on random data means
 * something. Go appends a zero byte after a whole-byte write that ends on a byte boundary; the model
 * records each write's width to reproduce that.
 */
function referenceChunk(ms: readonly number[], valueBits: readonly bigint[]): Uint8Array {
  let stream = '';
  let lastWriteWidth = 0;
  const put = (value: bigint, width: number): void => {
    stream += BigInt.asUintN(width, value).toString(2).padStart(width, '0');
    lastWriteWidth = width;
  };
  const putUvarintBytes = (value: bigint): void => {
    let u = BigInt.asUintN(64, value);
    for (; u >= 0x80n; u >>= 7n) put((u & 0x7fn) | 0x80n, 8);
    put(u, 8);
  };
  const times = ms.map((t) => BigInt(t));
  const t0 = times[0]!;
  putUvarintBytes(t0 >= 0n ? 2n * t0 : -2n * t0 - 1n);
  put(valueBits[0]!, 64);
  let leading = -1;
  let trailing = 0;
  let prevDelta = 0n;
  for (let n = 1; n < times.length; n++) {
    const delta = times[n]! - times[n - 1]!;
    if (n === 1) putUvarintBytes(delta);
    else {
      const dod = delta - prevDelta;
      if (dod === 0n) put(0n, 1);
      else if (dod >= -8191n && dod <= 8192n) (put(0b10n, 2), put(dod, 14));
      else if (dod >= -65535n && dod <= 65536n) (put(0b110n, 3), put(dod, 17));
      else if (dod >= -524287n && dod <= 524288n) (put(0b1110n, 4), put(dod, 20));
      else (put(0b1111n, 4), put(dod, 64));
    }
    prevDelta = delta;

    const xor = valueBits[n]! ^ valueBits[n - 1]!;
    if (xor === 0n) {
      put(0n, 1);
      continue;
    }
    put(1n, 1);
    const binary = xor.toString(2);
    const leadingZeros = Math.min(64 - binary.length, 31);
    const trailingZeros = binary.length - 1 - binary.lastIndexOf('1');
    if (leading >= 0 && leadingZeros >= leading && trailingZeros >= trailing) {
      put(0n, 1);
      put(xor >> BigInt(trailing), 64 - leading - trailing);
    } else {
      leading = leadingZeros;
      trailing = trailingZeros;
      const significant = 64 - leading - trailing;
      put(1n, 1);
      put(BigInt(leading), 5);
      put(BigInt(significant), 6); // 64 wraps to 0 in six bits
      put(xor >> BigInt(trailing), significant);
    }
  }
  const goPaddingByte = stream.length % 8 === 0 && lastWriteWidth % 8 === 0;
  const header = new Uint8Array([times.length >> 8, times.length & 0xff]);
  return concatBytes(header, bytesFromBitString(stream), new Uint8Array(goPaddingByte ? 1 : 0));
}

function encodeAll(ms: readonly number[], valueBits: readonly bigint[]): Uint8Array {
  return encodeXorChunk(Float64Array.from(ms), valuesFromBits(valueBits), 0, ms.length);
}

function assertRoundTrip(ms: readonly number[], valueBits: readonly bigint[]): void {
  const chunk = encodeAll(ms, valueBits);
  assert.equal(hex(chunk), hex(referenceChunk(ms, valueBits)), 'bytes differ from the reference model');
  const decoded = decodeXorChunk(chunk);
  assert.deepEqual(decoded.ms, [...ms]);
  assert.deepEqual(decodedBits(decoded), [...valueBits]);
}

const header = (count: number) => new Uint8Array([count >> 8, count & 0xff]);

describe('encodeXorChunk golden vectors (derived by hand from the format rules)', () => {
  it('one sample: varint timestamp, raw value, and Go\'s padding byte', () => {
    // zig-zag(1000) = 2000 = 0x7d0 -> varint d0 0f; 1.0 = 3ff0000000000000. The value is a whole-byte write ending
    // on a byte boundary, after which Go's bit stream has already appended an empty byte: 13 bytes, not 12.
    const chunk = encodeXorChunk(new Float64Array([1000]), new Float64Array([1]), 0, 1);
    assert.equal(hex(chunk), '0001' + 'd00f' + '3ff0000000000000' + '00');
  });

  it('one sample at a negative time', () => {
    // zig-zag(-1) = 1; zig-zag(-65) = 129 -> 81 01.
    assert.equal(hex(encodeXorChunk(new Float64Array([-1]), new Float64Array([1]), 0, 1)), '0001' + '01' + '3ff0000000000000' + '00');
    assert.equal(hex(encodeXorChunk(new Float64Array([-65]), new Float64Array([1]), 0, 1)), '0001' + '8101' + '3ff0000000000000' + '00');
  });

  it('two samples, value unchanged: uvarint delta then a single 0 bit', () => {
    const chunk = encodeXorChunk(new Float64Array([1000, 1015]), new Float64Array([1, 1]), 0, 2);
    assert.equal(hex(chunk), '0002' + 'd00f' + '3ff0000000000000' + '0f' + '00');
  });

  it('two samples, 1.0 then 2.0: a new window with 1 leading zero, 11 significant bits', () => {
    // xor = 7ff0000000000000: leading 1, trailing 52 -> 1 1 00001 001011 11111111111
    const chunk = encodeXorChunk(new Float64Array([1000, 1015]), new Float64Array([1, 2]), 0, 2);
    assert.equal(hex(chunk), '0002' + 'd00f' + '3ff0000000000000' + '0f' + 'c25fff');
  });

  it('the stale marker comes out with its payload', () => {
    const chunk = encodeXorChunk(new Float64Array([1000]), valuesFromBits([STALE_NAN]), 0, 1);
    assert.equal(hex(chunk), '0001' + 'd00f' + '7ff0000000000002' + '00');
  });

  describe('third sample: delta-of-delta in each size class', () => {
    // t = 0, 1_000_000, 2_000_000 + dod; every value 1.0, so each value costs one 0 bit.
    // varint(0) = 00; uvarint(1_000_000) = c0 84 3d.
    const firstTwo = '00000000' + bits64(ONE) + '11000000 10000100 00111101' + '0';
    const cases: Array<[dod: number, bits: string]> = [
      [0, '0'],
      [1, '10 00000000000001'],
      [-1, '10 11111111111111'],
      [8192, '10 10000000000000'],
      [-8191, '10 10000000000001'],
      [8193, '110 00010000000000001'],
      [-8192, '110 11110000000000000'],
      [65536, '110 10000000000000000'],
      [-65535, '110 10000000000000001'],
      [65537, '1110 00010000000000000001'],
      [-65536, '1110 11110000000000000000'],
      [524288, '1110 10000000000000000000'],
      [-524287, '1110 10000000000000000001'],
      [524289, '1111 ' + '0'.repeat(44) + '10000000000000000001'],
      [-524288, '1111 ' + '1'.repeat(45) + '0'.repeat(19)],
    ];
    for (const [dod, dodBits] of cases) {
      it(`dod ${dod}`, () => {
        const ms = [0, 1_000_000, 2_000_000 + dod];
        const chunk = encodeXorChunk(Float64Array.from(ms), new Float64Array([1, 1, 1]), 0, 3);
        assert.equal(hex(chunk), hex(concatBytes(header(3), bytesFromBitString(firstTwo + dodBits + '0'))));
        assert.deepEqual(decodeXorChunk(chunk).ms, ms);
      });
    }
  });

  it('clamps leading zeros at 31 and reuses that window', () => {
    // 1.0 -> 1.0 ^ 1: xor = 1, 63 leading zeros clamped to 31, trailing 0 -> 33 significant bits.
    // Then xor = 2: leading 31 >= 31 and trailing 1 >= 0, so the stored 33-bit window is reused.
    const valueBits = [ONE, ONE | 1n, ONE | 3n];
    const chunk = encodeXorChunk(new Float64Array([1000, 1015, 1030]), valuesFromBits(valueBits), 0, 3);
    const expected =
      '11010000 00001111' + bits64(ONE) + '00001111' +
      '1 1 11111 100001 ' + '0'.repeat(32) + '1' +
      '0 ' + '1 0 ' + '0'.repeat(31) + '10';
    assert.equal(hex(chunk), hex(concatBytes(header(3), bytesFromBitString(expected))));
    assert.deepEqual(decodedBits(decodeXorChunk(chunk)), valueBits);
  });

  it('writes a 64-bit window as 0 significant bits, and pads after an aligned 64-bit reuse', () => {
    // xor = 8000000000000001: leading 0, trailing 0 -> 64 significant bits, written as 000000.
    // Then xor = 0x100 reuses the 64-bit window; that write ends exactly on a byte boundary
    // (13 + 64 + 1 + 2 + 64 = 144 bits after the tDelta byte), so Go leaves its empty byte behind.
    const v1 = ONE ^ 0x8000000000000001n;
    const v2 = v1 ^ 0x100n;
    const chunk = encodeXorChunk(new Float64Array([1000, 1015, 1030]), valuesFromBits([ONE, v1, v2]), 0, 3);
    const expected =
      '11010000 00001111' + bits64(ONE) + '00001111' +
      '1 1 00000 000000 ' + '1' + '0'.repeat(62) + '1' +
      '0 ' + '1 0 ' + bits64(0x100n);
    assert.equal(hex(chunk), hex(concatBytes(header(3), bytesFromBitString(expected), new Uint8Array(1))));
    assert.deepEqual(decodedBits(decodeXorChunk(chunk)), [ONE, v1, v2]);
  });

  it('writes the count big-endian, up to 65535', () => {
    const count = 65535;
    const ms = Float64Array.from({ length: count }, (_, i) => 1_700_000_000_000 + i * 15_000);
    const chunk = encodeXorChunk(ms, new Float64Array(count), 0, count);
    assert.equal(hex(chunk.subarray(0, 2)), 'ffff');
    // zig-zag(1.7e12) < 2^42: 6 varint bytes; 64 value bits; uvarint(15000): 2 bytes; a 0 value bit;
    // then a 0 dod bit and a 0 value bit per later sample: 48 + 64 + 16 + 1 + 65533 * 2 = 131195 bits.
    assert.equal(chunk.length, 2 + Math.ceil(131195 / 8));
    assert.equal(decodeXorChunk(chunk).ms.length, count);
  });
});

// ---- random data ---------------------------------------------------------------------------------

const SAME_DELTA = -1;
const deltaArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(SAME_DELTA) },
  { weight: 3, arbitrary: fc.integer({ min: 14_000, max: 16_000 }) }, // a jittery 15 s scrape
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 1_200_000 }) }, // straddles the 14/17/20-bit classes
  { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 2n ** 50n }).map(Number) }, // needs the 64-bit dod
);
type ValueStep = readonly ['same'] | readonly ['bits', bigint] | readonly ['flip', bigint];
const valueStepArb: fc.Arbitrary<ValueStep> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(['same'] as const) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_VALUE_BITS).map((b) => ['bits', b] as const) },
  { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((b) => ['bits', b] as const) },
  { weight: 2, arbitrary: fc.double().map((d) => ['bits', new BigUint64Array(new Float64Array([d]).buffer)[0]!] as const) },
  { weight: 2, arbitrary: fc.integer({ min: -1000, max: 1_000_000 }).map((n) => ['bits', bitsOfValues(new Float64Array([n]))[0]!] as const) },
  // Small changes to the previous value keep the XOR window reusable; shifting spreads them across the word.
  { weight: 4, arbitrary: fc.tuple(fc.bigInt({ min: 1n, max: 0xffffn }), fc.integer({ min: 0, max: 48 })).map(([b, s]) => ['flip', b << BigInt(s)] as const) },
);
const firstTimeArb = fc.oneof(
  fc.constant(1_700_000_000_000),
  fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
  fc.bigInt({ min: -(2n ** 53n - 1n), max: 2n ** 53n - 1n }).map(Number),
);

/** Builds increasing safe-integer timestamps and value bits from drawn steps. */
function materialise(firstTime: number, deltas: readonly number[], steps: readonly ValueStep[], firstBits: bigint) {
  const ms = [firstTime];
  let previousDelta = 15_000;
  for (const drawn of deltas) {
    const delta = drawn === SAME_DELTA ? previousDelta : drawn;
    const span = ms[ms.length - 1]! - ms[0]! + delta;
    ms.push(ms[ms.length - 1]! + (span > MAX_SAFE ? 1 : delta));
    previousDelta = delta;
  }
  const overflow = ms[ms.length - 1]! - MAX_SAFE; // keep the whole series inside ±(2^53 - 1) without changing deltas
  const shifted = overflow > 0 ? ms.map((t) => t - overflow) : ms;
  const valueBits = [firstBits];
  for (const step of steps) {
    const prev = valueBits[valueBits.length - 1]!;
    valueBits.push(step[0] === 'same' ? prev : step[0] === 'bits' ? step[1] : prev ^ step[1]);
  }
  return { ms: shifted, valueBits };
}

function seriesArb(count: fc.Arbitrary<number>) {
  return count.chain((n) =>
    fc
      .tuple(
        firstTimeArb,
        fc.array(deltaArb, { minLength: n - 1, maxLength: n - 1 }),
        fc.array(valueStepArb, { minLength: n - 1, maxLength: n - 1 }),
        fc.constantFrom(...SPECIAL_VALUE_BITS),
      )
      .map(([firstTime, deltas, steps, firstBits]) => materialise(firstTime, deltas, steps, firstBits)),
  );
}

describe('encodeXorChunk on random data', () => {
  it('matches the reference model byte for byte and round-trips (1..200 samples)', () => {
    fc.assert(
      fc.property(seriesArb(fc.oneof(fc.constantFrom(1, 2, 3, XOR_CHUNK_SAMPLES), fc.integer({ min: 1, max: 200 }))), ({ ms, valueBits }) => {
        assertRoundTrip(ms, valueBits);
      }),
      { numRuns: 400 },
    );
  });

  it('handles a full 65535-sample chunk', () => {
    fc.assert(
      fc.property(seriesArb(fc.constant(65535)), ({ ms, valueBits }) => {
        assertRoundTrip(ms, valueBits);
      }),
      { numRuns: 2, endOnFailure: true }, // shrinking 65535-sample series takes minutes
    );
  });

  it('keeps the stale marker and other NaN payloads bit for bit', () => {
    const valueBits = [STALE_NAN, ONE, STALE_NAN, STALE_NAN, 0x7ff8000000000000n, STALE_NAN, 0xfff0000000000001n, STALE_NAN];
    const ms = valueBits.map((_, i) => 1_700_000_000_000 + i * 15_000);
    assertRoundTrip(ms, valueBits);
    const decoded = decodeXorChunk(encodeAll(ms, valueBits));
    assert.equal(decoded.hi[0], 0x7ff00000);
    assert.equal(decoded.lo[0], 2);
    assert.equal(decoded.lo[2], 2);
  });

  it('handles timestamps at the edges of the safe range, where deltas pass 2^53', () => {
    const edge = MAX_SAFE;
    const series: number[][] = [
      [-edge, edge], // delta 2^54 - 2
      [-edge, edge - 1], // delta 2^54 - 3, not representable as a double
      [-edge + 1, edge - 2, edge], // first delta 2^54 - 5 rounds to 2^54 - 4 as a double; the true dod is -2^54 + 7
      [-edge, 0, edge], // equal huge deltas: dod 0
      [-edge, -1, edge], // dod 2 between deltas of 2^53 - 2 and 2^53
      [-edge, 1, 2, edge], // a tiny delta between two huge ones
      [-edge, -edge + 1, edge - 1, edge], // dod about 2^54
      [0, 2 ** 52, 2 ** 53, 2 ** 53 + 2 ** 52], // beyond 2^53 but every delta exact
      [-(2 ** 62), 0, 2 ** 62], // int64-range integral doubles
    ];
    for (const ms of series) assertRoundTrip(ms, ms.map((_, i) => (i % 2 === 0 ? ONE : STALE_NAN)));
  });

  it('encodes decreasing timestamps the way Go wraps its uint64 deltas', () => {
    assertRoundTrip([5000, 1000, 3000, -7], [ONE, ONE, ONE, ONE]);
  });
});

describe('encodeXorChunk ranges and errors', () => {
  it('encodes a middle slice exactly as the same points on their own', () => {
    fc.assert(
      fc.property(seriesArb(fc.integer({ min: 2, max: 300 })), fc.nat(), fc.nat(), ({ ms, valueBits }, a, b) => {
        const start = a % ms.length;
        const end = start + 1 + (b % (ms.length - start));
        // Values behind a non-zero byteOffset, to check the bit view starts at the right place.
        const backing = new Float64Array(valueBits.length + 3);
        new BigUint64Array(backing.buffer).set(valueBits, 3);
        const values = backing.subarray(3);
        const chunk = encodeXorChunk(Float64Array.from(ms), values, start, end);
        assert.equal(hex(chunk), hex(encodeAll(ms.slice(start, end), valueBits.slice(start, end))));
      }),
      { numRuns: 200 },
    );
  });

  it('throws a RangeError unless end - start is 1..65535', () => {
    const ms = new Float64Array(70_000).map((_, i) => i);
    const values = new Float64Array(70_000);
    for (const [start, end] of [[0, 0], [5, 5], [5, 4], [0, 65536], [0, 69_999]]) {
      assert.throws(() => encodeXorChunk(ms, values, start!, end!), { name: 'RangeError', message: /1\.\.65535 samples/ });
    }
    assert.doesNotThrow(() => encodeXorChunk(ms, values, 100, 100 + 65535));
  });

  it('throws a RangeError for a range outside the arrays', () => {
    const ms = new Float64Array([1, 2, 3]);
    assert.throws(() => encodeXorChunk(ms, new Float64Array(3), 2, 4), RangeError);
    assert.throws(() => encodeXorChunk(ms, new Float64Array(2), 0, 3), RangeError);
    assert.throws(() => encodeXorChunk(ms, new Float64Array(3), -1, 1), RangeError);
    assert.throws(() => encodeXorChunk(ms, new Float64Array(3), 0.5, 1.5), RangeError);
  });

  it('rejects timestamps that are not integers in the int64 range, and recovers afterwards', () => {
    const bad = [
      [1000.5],
      [1000, 1015.5],
      [1000, 1015, 1030.25],
      [1000, 1015, Number.NaN],
      [1000, 1015, 1030, Number.POSITIVE_INFINITY],
      [2 ** 63],
    ];
    for (const ms of bad) {
      assert.throws(() => encodeXorChunk(Float64Array.from(ms), new Float64Array(ms.length).fill(Math.PI), 0, ms.length), RangeError, `for ${ms}`);
      // A failed encode leaves bits in the shared scratch buffer; the next chunk must not pick them up.
      assertRoundTrip([1000, 1015, 1030], [ONE, ONE, ONE]);
    }
  });
});

describe('decodeXorChunk', () => {
  it('rejects a truncated chunk and a missing header', () => {
    const chunk = encodeAll([1000, 1015, 1030], [ONE, 0x4000000000000000n, ONE]);
    assert.throws(() => decodeXorChunk(chunk.subarray(0, chunk.length - 2)), RangeError);
    assert.throws(() => decodeXorChunk(new Uint8Array(1)), RangeError);
    assert.deepEqual(decodeXorChunk(new Uint8Array(2)), { ms: [], hi: [], lo: [] });
  });
});
