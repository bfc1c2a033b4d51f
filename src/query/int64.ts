/**
 * Exact int64/uint64 arithmetic over columns without a BigInt per point. Reading a BigInt64Array
 * element allocates a BigInt; reading the same bytes as two int32 words does not. So aggregates
 * over integer fields compare, sum and copy words, and make one BigInt per result.
 *
 * Word 2i is the low half of element i and word 2i+1 the high half: little-endian, which every
 * platform Node 20 ships for is (checked below, so a port would fail loudly rather than wrongly).
 */

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('RusTs query execution assumes a little-endian host');

export type IntValues = BigInt64Array | BigUint64Array;

export const TWO32 = 4294967296;
const TWO52 = 4503599627370496;
const TWO32N = 4294967296n;

/** The 32-bit words of an int64/uint64 array, sharing its memory. */
export function wordsOf(values: IntValues): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** Element `i` as a number: exact while its magnitude is below 2^53, rounded beyond (as InfluxDB's float64 conversions are). */
export function wordNumber(w: Int32Array, i: number, unsigned: boolean): number {
  const hi = unsigned ? w[2 * i + 1]! >>> 0 : w[2 * i + 1]!;
  return hi * TWO32 + (w[2 * i]! >>> 0);
}

/** Sign of a[i] - b[j], exactly. */
export function compareWords(a: Int32Array, i: number, b: Int32Array, j: number, unsigned: boolean): number {
  const ah = a[2 * i + 1]!;
  const bh = b[2 * j + 1]!;
  if (ah !== bh) return unsigned ? (ah >>> 0) - (bh >>> 0) : ah - bh;
  return (a[2 * i]! >>> 0) - (b[2 * j]! >>> 0);
}

export function copyWord(dst: Int32Array, i: number, src: Int32Array, j: number): void {
  dst[2 * i] = src[2 * j]!;
  dst[2 * i + 1] = src[2 * j + 1]!;
}

/**
 * A running int64 sum kept as two float64s, `hi * 2^32 + lo`, each exact: `lo` collects the low
 * words (carried into `hi` before it could lose a bit) and `hi` the signed high words, reduced
 * modulo 2^32 when large since the result wraps at 64 bits anyway, as Go's int64 addition does.
 */
export function addWords(sums: Float64Array, at: number, w: Int32Array, from: number, to: number, unsigned: boolean): void {
  let hi = sums[2 * at]!;
  let lo = sums[2 * at + 1]!;
  for (let i = from; i < to; i++) {
    lo += w[2 * i]! >>> 0;
    hi += unsigned ? w[2 * i + 1]! >>> 0 : w[2 * i + 1]!;
    if (lo >= TWO52) {
      const carry = Math.floor(lo / TWO32);
      lo -= carry * TWO32;
      hi += carry;
    }
    if (hi >= TWO52 || hi <= -TWO52) hi %= TWO32;
  }
  sums[2 * at] = hi;
  sums[2 * at + 1] = lo;
}

/** Folds one two-part sum into another (see addWords). */
export function mergeSums(dst: Float64Array, at: number, hi: number, lo: number): void {
  let h = dst[2 * at]! + hi;
  let l = dst[2 * at + 1]! + lo;
  if (l >= TWO52) {
    const carry = Math.floor(l / TWO32);
    l -= carry * TWO32;
    h += carry;
  }
  if (h >= TWO52 || h <= -TWO52) h %= TWO32;
  dst[2 * at] = h;
  dst[2 * at + 1] = l;
}

/** The exact value of a two-part sum, wrapped to 64 bits. */
export function sumValue(hi: number, lo: number, unsigned: boolean): bigint {
  const v = BigInt(hi) * TWO32N + BigInt(lo);
  return unsigned ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v);
}

/** Points [from, to) of an integer column as float64s. */
export function intsToFloats(values: IntValues, from: number, to: number, unsigned: boolean, out = new Float64Array(to - from)): Float64Array {
  const w = wordsOf(values);
  for (let i = from; i < to; i++) out[i - from] = wordNumber(w, i, unsigned);
  return out;
}
