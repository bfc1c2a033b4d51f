/**
 * Numeric field values: floats (`1`, `-1.5`, `1e3`), integers (`1i`) and unsigned (`1u`).
 *
 * Floats are read by Clinger's fast path: a mantissa below 2^53 and a decimal exponent within
 * ±22 are both exact float64s, so one IEEE multiplication or division gives the correctly rounded
 * value, bit for bit what Number() gives. Plain decimals of up to 19 significant digits (the
 * 16-17 of full-precision floats) are read exactly by exactQuotient. Other forms go to
 * Number(), and every error to slowNumber, which follows influxd's scanNumber for the messages.
 * The tests check both paths bit for bit against Number(), near-halfway cases included.
 */
import { FieldType } from '../../core/index.ts';
import { INVALID_FLOAT, INVALID_NUMBER, integerError } from './errors.ts';
import type { ParseOut } from './out.ts';
import { COMMA, DOT, isLineEnd, isValueEnd, latin1, MINUS, NL, PLUS, SPACE, ZERO } from './scan.ts';

/** Mantissas below this are exact in a float64, whatever rounding the digit loop did on the way. */
export const EXACT_MANTISSA = 2 ** 53;

// Every 10^k with k <= 22 is a float64 without rounding.
export const POW10 = new Float64Array(23);
POW10[0] = 1;
for (let k = 1; k < 23; k++) POW10[k] = POW10[k - 1]! * 10;

const LOWER_E = 0x65;
const UPPER_E = 0x45;
const LOWER_I = 0x69;
const LOWER_U = 0x75;

/** The number at `start` into `out`; returns the index after it, or -1 with `out.err` set. */
export function parseNumber(buf: Buffer, start: number, len: number, out: ParseOut): number {
  let i = start;
  let neg = false;
  if (buf[i] === MINUS) {
    neg = true;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let exp10 = 0;
  let dot = false;
  let c = 0;
  for (; i < len; i++) {
    c = buf[i]!;
    const d = c - ZERO;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      if (dot) exp10--;
    } else if (c === DOT && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (digits === 0) return slowNumber(buf, start, len, out);
  let scientific = false;
  if (i < len && (c === LOWER_E || c === UPPER_E)) {
    scientific = true;
    i++;
    let expNeg = false;
    if (i < len && (buf[i] === MINUS || buf[i] === PLUS)) {
      expNeg = buf[i] === MINUS;
      i++;
    }
    let e = 0;
    let expDigits = 0;
    for (; i < len; i++) {
      const d = buf[i]! - ZERO;
      if (d < 0 || d > 9) break;
      if (e < 100000) e = e * 10 + d;
      expDigits++;
    }
    if (expDigits === 0) return slowNumber(buf, start, len, out);
    exp10 += expNeg ? -e : e;
  }
  if (i < len) {
    c = buf[i]!;
    if (c === COMMA || c === SPACE || c === NL) {
      // a float
    } else if ((c === LOWER_I || c === LOWER_U) && !dot && !scientific && isValueEnd(buf, i + 1, len)) {
      if (mantissa >= EXACT_MANTISSA || (c === LOWER_U && neg)) return slowNumber(buf, start, len, out);
      out.type = c === LOWER_I ? FieldType.Integer : FieldType.Unsigned;
      out.obj = BigInt(neg ? -mantissa : mantissa);
      return i + 1;
    } else if (!isLineEnd(buf, i, len)) {
      return slowNumber(buf, start, len, out);
    }
  }
  let value = NaN;
  if (mantissa < EXACT_MANTISSA && exp10 >= -22 && exp10 <= 22) {
    value = exp10 < 0 ? mantissa / POW10[-exp10]! : mantissa * POW10[exp10]!;
    if (neg) value = -value;
  } else {
    value = scientific ? toNumber(buf, start, i) : plainDecimal(buf, start, i);
    if (value !== value) return out.fail(INVALID_FLOAT);
  }
  out.type = FieldType.Float;
  out.num = value;
  return i;
}

/**
 * `[-]digits[.digits]` in [start, end), however many digits: exactly by longDecimal when it
 * can, else by Number(); NaN when it overflows.
 */
export function plainDecimal(buf: Buffer, start: number, end: number): number {
  const value = longDecimal(buf, start, end);
  return value === value ? value : toNumber(buf, start, end);
}

/** Number() of the text in [start, end), or NaN when that is not finite (Go's ParseFloat fails on overflow). */
function toNumber(buf: Buffer, start: number, end: number): number {
  const value = Number(latin1(buf, start, end));
  return Number.isFinite(value) ? value : NaN;
}

/**
 * `[-]digits[.digits]` in [start, end) with too many digits for Clinger's fast path: read as
 * M / 10^k exactly when M has at most 19 significant digits and k <= 22 (full-precision
 * float64s printed in decimal have 17), else NaN.
 */
function longDecimal(buf: Buffer, start: number, end: number): number {
  let i = start;
  const neg = buf[i] === MINUS;
  if (neg) i++;
  let high = 0;
  let low = 0;
  let lowDigits = 0;
  let significant = 0;
  let k = 0;
  let dot = false;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c === DOT) {
      dot = true;
      continue;
    }
    const d = c - ZERO;
    if (dot) k++;
    if (significant === 0 && d === 0) continue;
    if (significant < 15) {
      high = high * 10 + d;
    } else {
      low = low * 10 + d;
      lowDigits++;
    }
    significant++;
  }
  if (significant > 19 || k > 22) return NaN;
  const value = exactQuotient(high, lowDigits, low, k);
  return neg ? -value : value;
}

// Dekker's splitter, 2^27 + 1: splits a float64 into two halves whose products are exact.
const SPLITTER = 134217729;

/** The rounding error of `product` = fl(a * b), exactly (Dekker's TwoProduct, for finite products far from overflow and underflow). */
function productError(a: number, b: number, product: number): number {
  let t = SPLITTER * a;
  const aHigh = t - (t - a);
  const aLow = a - aHigh;
  t = SPLITTER * b;
  const bHigh = t - (t - b);
  const bLow = b - bHigh;
  return aHigh * bHigh - product + aHigh * bLow + aLow * bHigh + aLow * bLow;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
// Float64Array and Uint32Array share the host's byte order; the high word holds sign and exponent.
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const TOLERANCE = 2 ** -30;

/**
 * M / 10^k correctly rounded, where M = high * 10^r + low < 10^19 (high < 10^15, r <= 4) and
 * k <= 22; NaN when it is too close to halfway between two float64s to decide here (about one
 * value in 2^29).
 *
 * The quotient x = fl(fl(M) / 10^k) is within about one unit in the last place (ulp) of M / 10^k.
 * The remainder R = M - x * 10^k is computed exactly enough with error-free products: M = A + m
 * with A = fl(high * 10^r), x * 10^k = P + p, A - P is exact (they are within a factor of 2)
 * and m, p are small. x is then right when |R| < ulp(x) * 10^k / 2, and one ulp off (in the
 * direction of R) when |R| is between one and three times that.
 */
export function exactQuotient(high: number, r: number, low: number, k: number): number {
  const scaleR = POW10[r]!;
  const a = high * scaleR;
  const m = productError(high, scaleR, a) + low;
  const divisor = POW10[k]!;
  const x = (a + m) / divisor;
  const p = x * divisor;
  const remainder = a - p + (m - productError(x, divisor, p));
  bits[0] = x;
  const exponent = (words[HIGH]! >>> 20) & 0x7ff;
  const isPowerOfTwo = (words[HIGH]! & 0xfffff) === 0 && words[1 - HIGH] === 0;
  words[HIGH] = (exponent - 52) << 20; // ulp(x): x's exponent less 52, mantissa 0
  words[1 - HIGH] = 0;
  const ulp = bits[0]!;
  const half = (ulp * divisor) / 2;
  const size = Math.abs(remainder);
  if (size < half * (1 - TOLERANCE)) return x;
  if (size > half * (1 + TOLERANCE) && size < 3 * half * (1 - TOLERANCE)) {
    if (remainder > 0) return x + ulp;
    if (!isPowerOfTwo) return x - ulp; // below a power of two the ulp halves
  }
  return NaN;
}

/** influxd's scanNumber, for the rare forms and every error: same checks, same messages. */
function slowNumber(buf: Buffer, start: number, len: number, out: ParseOut): number {
  let i = start;
  let isInt = false;
  let isUnsigned = false;
  if (buf[i] === MINUS) {
    i++;
    if (isValueEnd(buf, i, len)) return out.fail(INVALID_NUMBER);
  }
  let decimal = false;
  let scientific = false;
  while (!isValueEnd(buf, i, len)) {
    const c = buf[i]!;
    if (isInt || isUnsigned) return out.fail(INVALID_NUMBER); // nothing may follow the suffix
    if (c === LOWER_I && i > start) {
      isInt = true;
      i++;
      continue;
    }
    if (c === LOWER_U && i > start) {
      isUnsigned = true;
      i++;
      continue;
    }
    if (c === DOT) {
      if (decimal) return out.fail(INVALID_NUMBER);
      decimal = true;
    }
    if (i > start && (c === LOWER_E || c === UPPER_E)) {
      scientific = true;
      i++;
      continue;
    }
    if ((c === PLUS || c === MINUS) && (buf[i - 1] === LOWER_E || buf[i - 1] === UPPER_E)) {
      i++;
      continue;
    }
    if (!((c >= ZERO && c <= ZERO + 9) || c === DOT)) return out.fail(INVALID_NUMBER);
    i++;
  }
  if ((isInt || isUnsigned) && (decimal || scientific)) return out.fail(INVALID_NUMBER);
  let numericDigits = i - start;
  if (isInt || isUnsigned) numericDigits--;
  if (decimal) numericDigits--;
  if (buf[start] === MINUS) numericDigits--;
  if (numericDigits <= 0) return out.fail(INVALID_NUMBER);
  if (isInt || isUnsigned) {
    const text = buf.toString('latin1', start, i - 1);
    // Both forms are plain digits with an optional '-' here, so BigInt() cannot throw.
    if (isUnsigned && text.charCodeAt(0) === MINUS) return out.fail(integerError(true, text, false));
    const value = BigInt(text);
    const inRange = isInt ? value >= -(2n ** 63n) && value < 2n ** 63n : value < 2n ** 64n;
    if (!inRange) return out.fail(integerError(isUnsigned, text, true));
    out.type = isInt ? FieldType.Integer : FieldType.Unsigned;
    out.obj = value;
    return i;
  }
  const value = Number(buf.toString('latin1', start, i));
  // Go's ParseFloat rejects what Number() makes NaN (`1e`, `1e5e5`) and overflows (±Inf).
  if (!Number.isFinite(value)) return out.fail(INVALID_FLOAT);
  out.type = FieldType.Float;
  out.num = value;
  return i;
}
