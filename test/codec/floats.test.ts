import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ByteWriter, DecodeError } from '../../src/core/index.ts';
import { decodeGorilla, encodeGorilla, halves } from '../../src/codec/floats.ts';
import { decodeGorillaReference } from './gorillaReference.ts';
import { bitsToFloat, hex, STALE_NAN } from './helpers.ts';

/** Bits of `v` as [hi, lo]. */
const bitsOf = (values: Float64Array): number[] => Array.from(halves(values));

function encodeWith(encode: typeof encodeGorilla, values: Float64Array, start = 0, end = values.length): Uint8Array {
  const w = new ByteWriter(16);
  w.u8(0xa5); // something before the section, so offsets other than 0 are exercised
  encode(w, halves(values), start, end);
  return w.finish().slice(1);
}

type Outcome = { end: number; bits: number[] } | { error: string };

function decodeWith(decode: typeof decodeGorilla, buf: Uint8Array, pos: number, end: number, n: number): Outcome {
  const out = new Float64Array(n);
  out.fill(bitsToFloat(0x12345678, 0x9abcdef0));
  try {
    const at = decode(buf, pos, end, n, out);
    return { end: at, bits: bitsOf(out) };
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    return { error: err.message };
  }
}

/** Decodes `buf[pos, end)` with the optimised and the reference decoder and asserts identical outcomes. */
function sameDecode(buf: Uint8Array, pos: number, end: number, n: number, context: string): Outcome {
  const want = decodeWith(decodeGorillaReference, buf, pos, end, n);
  const got = decodeWith(decodeGorilla, buf, pos, end, n);
  assert.deepEqual(got, want, context);
  return got;
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const special = fc.constantFrom(
  NaN,
  -NaN,
  STALE_NAN,
  bitsToFloat(0x7ff00000, 1),
  bitsToFloat(0xfff80000, 1),
  bitsToFloat(0x7ff7ffff, 0xffffffff),
  bitsToFloat(0x80000000, 1),
  bitsToFloat(0, 1),
  Infinity,
  -Infinity,
  0,
  -0,
  Number.MIN_VALUE,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
);

/** Float sequences that hit every Gorilla case: repeats, reused and new windows, 1..64 meaningful bits, leading zeros capped at 31. */
const sequenceArb = fc
  .record({
    first: fc.oneof(fc.tuple(u32, u32), special.map((v) => bitsOf(Float64Array.of(v)) as [number, number])),
    steps: fc.array(
      fc.oneof(
        fc.constant({ kind: 'repeat' as const }),
        fc.record({ kind: fc.constant('flip' as const), hi: u32, lo: u32 }),
        fc.record({ kind: fc.constant('low' as const), lo: fc.integer({ min: 1, max: 0xffffffff }), shift: fc.nat(31) }),
        fc.record({ kind: fc.constant('set' as const), v: fc.oneof(special, fc.double(), fc.integer({ min: -1000, max: 1000 }).map((c) => c / 100)) }),
      ),
      { maxLength: 300 },
    ),
  })
  .map(({ first, steps }) => {
    const u = new Uint32Array(2 * (steps.length + 1));
    u[0] = first[1];
    u[1] = first[0];
    for (let i = 1; i <= steps.length; i++) {
      const s = steps[i - 1]!;
      let lo = u[2 * i - 2]!;
      let hi = u[2 * i - 1]!;
      if (s.kind === 'flip') {
        hi ^= s.hi;
        lo ^= s.lo;
      } else if (s.kind === 'low') {
        lo ^= s.lo >>> s.shift;
      } else if (s.kind === 'set') {
        const b = bitsOf(Float64Array.of(s.v));
        lo = b[0]!;
        hi = b[1]!;
      }
      u[2 * i] = lo;
      u[2 * i + 1] = hi;
    }
    return new Float64Array(u.buffer);
  });

describe('Gorilla XOR floats against the reference codec', () => {
  it('golden bytes', () => {
    const values = new Float64Array([
      1.5, 1.5, 1.75, -0, 0, NaN, STALE_NAN, STALE_NAN, Infinity, -Infinity, bitsToFloat(0x80000000, 1), 0, Number.MIN_VALUE, 3 * Number.MIN_VALUE,
      bitsToFloat(0xfff80000, 1), 123.456, 123.457, 123.458, Number.MAX_VALUE,
    ]);
    const bytes = encodeWith(encodeGorilla, values);
    assert.equal(
      hex(bytes),
      '3ff80000000000006d0780ebffe80027ffbfc000000002d99c000000000001c00f0ffffc000000000000700100000000000000030000000000000000c00000000000000057ffc00000000000157f4dba5e353f7ced000000083339178fc000000e147adea651fd8915810624dd28',
    );
    const out = new Float64Array(values.length);
    assert.equal(decodeGorilla(bytes, 0, bytes.length, values.length, out), bytes.length);
    assert.deepEqual(bitsOf(out), bitsOf(values));
  });

  it('encodes the same bytes and decodes the same bits (property)', () => {
    fc.assert(
      fc.property(sequenceArb, fc.nat(3), fc.nat(5), (values, lead, trail) => {
        const bytes = encodeWith(encodeGorilla, values);
        const framed = new Uint8Array(lead + bytes.length + trail).fill(0xff);
        framed.set(bytes, lead);
        const got = sameDecode(framed, lead, lead + bytes.length, values.length, hex(bytes));
        assert.ok('bits' in got && got.end === lead + bytes.length);
        assert.deepEqual(got.bits, bitsOf(values));
        // Sub-ranges encode the same as their copies.
        const s = Math.floor(values.length / 3);
        assert.equal(hex(encodeWith(encodeGorilla, values, s, values.length)), hex(encodeWith(encodeGorilla, values.slice(s))));
      }),
      { numRuns: 1500 },
    );
  });

  it('truncated streams, wrong counts and mutations behave exactly as the reference', () => {
    fc.assert(
      fc.property(sequenceArb, fc.nat(), fc.integer({ min: -3, max: 3 }), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 3 }), (values, cut, dn, edits) => {
        const bytes = encodeWith(encodeGorilla, values);
        for (const [at, v] of edits) if (bytes.length > 0) bytes[at % bytes.length] = v;
        const end = edits.length === 0 && dn === 0 ? cut % (bytes.length + 1) : bytes.length;
        sameDecode(bytes, 0, end, Math.max(1, values.length + dn), `${hex(bytes)} to ${end}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('garbage behaves exactly as the reference', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.integer({ min: 1, max: 2000 }), fc.nat(4), (bytes, n, lead) => {
        const framed = new Uint8Array(lead + bytes.length + 4).fill(0xff);
        framed.set(bytes, lead);
        sameDecode(framed, lead, lead + bytes.length, n, hex(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it('streams larger than the reused scratch, then small ones again', () => {
    let seed = 7;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (const n of [150_000, 3]) {
      const u = new Uint32Array(2 * n);
      for (let i = 0; i < u.length; i++) u[i] = next() ^ (next() << 16);
      const values = new Float64Array(u.buffer);
      const bytes = encodeWith(encodeGorilla, values);
      const got = sameDecode(bytes, 0, bytes.length, n, `${n} random values`);
      assert.ok('bits' in got && got.end === bytes.length);
      assert.deepEqual(got.bits, bitsOf(values));
    }
  });

  it('long runs of repeats and zero bytes', () => {
    for (const n of [1, 2, 63, 64, 65, 1000, 100_000]) {
      for (const len of [0, 7, 8, 9, 12, 16, 100]) {
        const bytes = new Uint8Array(len);
        bytes[0] = 0x40;
        sameDecode(bytes, 0, len, n, `n ${n}, ${len} bytes`);
      }
    }
  });
});
