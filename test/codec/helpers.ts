import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Column, FieldType, MAX_TIMESTAMP, MIN_TIMESTAMP, timestampMillis, timestampSubMillis } from '../../src/core/index.ts';

export type Values = number[] | bigint[] | string[] | boolean[];

/** A column from parallel timestamps (ns) and values. */
export function columnOf(type: FieldType, timestamps: readonly bigint[], values: Values): Column {
  const c = new Column(type, timestamps.length);
  timestamps.forEach((ts, i) => {
    const ms = timestampMillis(ts);
    const sub = timestampSubMillis(ts);
    const v = values[i]!;
    if (typeof v === 'number') c.pushFloat(ms, sub, v);
    else if (typeof v === 'bigint') c.pushBigInt(ms, sub, v);
    else if (typeof v === 'string') c.pushString(ms, sub, v);
    else c.pushBoolean(ms, sub, v);
  });
  return c;
}

/** Timestamps start, start + step, ... in ns. */
export function regular(n: number, startNs = 1_795_478_400_000_000_000n, stepNs = 10_000_000_000n): bigint[] {
  return Array.from({ length: n }, (_, i) => startNs + BigInt(i) * stepNs);
}

function floatBits(values: Float64Array, i: number): string {
  const u = new Uint32Array(values.buffer, values.byteOffset + i * 8, 2);
  return u[1]!.toString(16).padStart(8, '0') + u[0]!.toString(16).padStart(8, '0');
}

/** Asserts that `got` holds exactly the points [start, end) of `want`: floats compared by bits. */
export function assertSameColumn(got: Column, want: Column, start = 0, end = want.length, context = ''): void {
  const n = end - start;
  assert.equal(got.type, want.type, `type ${context}`);
  assert.equal(got.length, n, `length ${context}`);
  for (let i = 0; i < n; i++) {
    const j = start + i;
    if (got.ms[i] !== want.ms[j] || got.sub[i] !== want.sub[j]) {
      assert.fail(`timestamp ${i}: got (${got.ms[i]}, ${got.sub[i]}), want (${want.ms[j]}, ${want.sub[j]}) ${context}`);
    }
    if (want.type === FieldType.Float) {
      const g = floatBits(got.values as Float64Array, i);
      const w = floatBits(want.values as Float64Array, j);
      if (g !== w) assert.fail(`value ${i}: got bits ${g}, want ${w} ${context}`);
    } else if (want.type === FieldType.Boolean) {
      if ((got.values as Uint8Array)[i] !== ((want.values as Uint8Array)[j] ? 1 : 0)) assert.fail(`value ${i} differs ${context}`);
    } else if ((got.values as ArrayLike<unknown>)[i] !== (want.values as ArrayLike<unknown>)[j]) {
      assert.fail(`value ${i}: got ${String((got.values as ArrayLike<unknown>)[i])}, want ${String((want.values as ArrayLike<unknown>)[j])} ${context}`);
    }
  }
}

export const STALE_NAN = bitsToFloat(0x7ff00000, 0x00000002);

export function bitsToFloat(hi: number, lo: number): number {
  const u = new Uint32Array([lo >>> 0, hi >>> 0]);
  return new Float64Array(u.buffer)[0]!;
}

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');

// ---- arbitraries

/** Strictly increasing ns timestamps: random, regular, jittered, with huge gaps, before 1970, sub-ms or not. */
export const timestampsArb = (maxLength = 300): fc.Arbitrary<bigint[]> =>
  fc.oneof(
    fc
      .uniqueArray(fc.bigInt(MIN_TIMESTAMP, MAX_TIMESTAMP), { maxLength })
      .map((ts) => ts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))),
    fc
      .record({
        start: fc.bigInt(-2_000_000_000_000_000_000n, 2_000_000_000_000_000_000n),
        n: fc.nat(maxLength),
        stepMs: fc.oneof(fc.constantFrom(1n, 1000n, 10_000n, 60_000n), fc.bigInt(1n, 10n ** 9n)),
        jitter: fc.constantFrom(0, 0, 1, 100, 5000),
        subMs: fc.boolean(),
        seed: fc.integer(),
      })
      .map(({ start, n, stepMs, jitter, subMs, seed }) => {
        let s = seed >>> 0;
        const rand = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
        const startNs = subMs ? start : (start / 1_000_000n) * 1_000_000n;
        const out: bigint[] = [];
        let t = startNs;
        for (let i = 0; i < n; i++) {
          out.push(t);
          // Jitter stays below the step so the sequence keeps increasing.
          const j = jitter > 0 && BigInt(jitter) * 2n < stepMs ? BigInt(Math.floor(rand() * jitter * 2) - jitter) : 0n;
          t += (stepMs + j) * 1_000_000n + (subMs ? BigInt(Math.floor(rand() * 999_999)) : 0n);
        }
        return out;
      }),
    // Huge gaps: a few points far apart, down to the representable limits.
    fc.constantFrom<bigint[]>(
      [MIN_TIMESTAMP, -1n, 0n, MAX_TIMESTAMP],
      [MIN_TIMESTAMP, MAX_TIMESTAMP],
      [-1_000_000n, -999_999n, 1n, 999_999n, 1_000_000n],
      [0n, 1n, 2n, 3n],
    ),
  );

const floatFromBits = fc.tuple(fc.integer(), fc.integer()).map(([hi, lo]) => bitsToFloat(hi, lo));
const specialFloat = fc.constantFrom(NaN, -0, 0, Infinity, -Infinity, STALE_NAN, bitsToFloat(0xfff80000, 1), bitsToFloat(0x7ff7ffff, 0xffffffff), Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE);
const decimalFloat = fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 6 })).map(([m, e]) => m / 10 ** e);

/** n floats of one flavour: anything, decimals, constant, or decimals with a few specials. */
export const floatsArb = (n: number): fc.Arbitrary<number[]> =>
  fc.oneof(
    fc.array(fc.oneof(fc.double(), floatFromBits, specialFloat, decimalFloat), { minLength: n, maxLength: n }),
    fc.array(decimalFloat, { minLength: n, maxLength: n }),
    fc.oneof(decimalFloat, specialFloat, floatFromBits).map((v) => new Array<number>(n).fill(v)),
    fc.array(fc.integer({ min: -100, max: 100 }).map((c) => c / 100), { minLength: n, maxLength: n }),
    fc.array(fc.oneof({ weight: 9, arbitrary: decimalFloat }, { weight: 1, arbitrary: specialFloat }), { minLength: n, maxLength: n }),
  );

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;
const MAX_UINT64 = 2n ** 64n - 1n;

export const intsArb = (n: number): fc.Arbitrary<bigint[]> =>
  fc.oneof(
    fc.array(fc.oneof(fc.bigInt(MIN_INT64, MAX_INT64), fc.constantFrom(MIN_INT64, MAX_INT64, 0n, -1n, 1n)), { minLength: n, maxLength: n }),
    fc.array(fc.bigInt(-1000n, 1000n), { minLength: n, maxLength: n }),
    fc.bigInt(MIN_INT64, MAX_INT64).map((v) => new Array<bigint>(n).fill(v)),
  );

export const uintsArb = (n: number): fc.Arbitrary<bigint[]> =>
  fc.oneof(
    fc.array(fc.oneof(fc.bigInt(0n, MAX_UINT64), fc.constantFrom(0n, 1n, MAX_UINT64, 2n ** 63n, MAX_INT64)), { minLength: n, maxLength: n }),
    fc.bigInt(0n, MAX_UINT64).map((v) => new Array<bigint>(n).fill(v)),
  );

export const stringsArb = (n: number): fc.Arbitrary<string[]> =>
  fc.oneof(
    fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { minLength: n, maxLength: n }),
    fc.array(fc.constantFrom('', 'ok', 'error', 'héllo wörld', '😀👍🏽', 'x'.repeat(200)), { minLength: n, maxLength: n }),
    fc.string({ unit: 'grapheme' }).map((s) => new Array<string>(n).fill(s)),
  );

export const booleansArb = (n: number): fc.Arbitrary<boolean[]> =>
  fc.oneof(fc.array(fc.boolean(), { minLength: n, maxLength: n }), fc.boolean().map((b) => new Array<boolean>(n).fill(b)));
