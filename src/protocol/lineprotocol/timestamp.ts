/**
 * Timestamps: an optional '-' and digits in the request's precision, turned into the split form
 * (ms, ns within the ms; see core/time.ts) from the digits themselves: no float rounding, no BigInt.
 */
import { BAD_TIMESTAMP, POINT_IS_INVALID, TIME_OUTSIDE_RANGE, timestampError } from './errors.ts';
import type { ParseOut } from './out.ts';
import { CR, isLineEnd, MINUS, SPACE, ZERO } from './scan.ts';

export type Precision = 'ns' | 'us' | 'ms' | 's' | 'm' | 'h';

/** How a precision's digits become (ms, sub): the last `lowDigits` digits times `lowScale` are the sub-ms ns, the rest times `msScale` the ms. */
export interface Scale {
  readonly lowDigits: number;
  readonly lowScale: number;
  readonly msScale: number;
}

const SCALES: Record<Precision, Scale> = {
  ns: { lowDigits: 6, lowScale: 1, msScale: 1 },
  us: { lowDigits: 3, lowScale: 1000, msScale: 1 },
  ms: { lowDigits: 0, lowScale: 0, msScale: 1 },
  s: { lowDigits: 0, lowScale: 0, msScale: 1000 },
  m: { lowDigits: 0, lowScale: 0, msScale: 60_000 },
  h: { lowDigits: 0, lowScale: 0, msScale: 3_600_000 },
};

export function scaleOf(precision: Precision): Scale {
  const scale = SCALES[precision];
  if (scale === undefined) throw new TypeError(`unknown precision ${String(precision)}`);
  return scale;
}

// Bounds of InfluxDB's time range (MIN/MAX_TIMESTAMP) in split form, so range checks compare numbers.
const MAX_MS = 9223372036854;
const MAX_SUB = 775806;
const MIN_MS = -9223372036855;
const MIN_SUB = 224194;

// 2^63 - 1 split after its 10th digit, and into ms and sub: each part is exact in a float64.
const INT64_HIGH = 9223372036;
const INT64_LOW = 854775807;
const INT64_MS = 9223372036854;
const INT64_SUB = 775807;

/** Whether the 19 digits at `at` are beyond int64: above 2^63 - 1, or 2^63 when negated. */
function beyondInt64(buf: Buffer, at: number, neg: boolean): boolean {
  let high = 0;
  for (let j = at; j < at + 10; j++) high = high * 10 + (buf[j]! - ZERO);
  if (high !== INT64_HIGH) return high > INT64_HIGH;
  let low = 0;
  for (let j = at + 10; j < at + 19; j++) low = low * 10 + (buf[j]! - ZERO);
  return low > (neg ? INT64_LOW + 1 : INT64_LOW);
}

/**
 * The timestamp at `start` into `out.ms`/`out.sub`. Returns the index of the line end ('\n' or
 * len), or -1 with `out.err` set. Only spaces may follow it, as in influxd.
 */
export function parseTimestamp(buf: Buffer, start: number, len: number, scale: Scale, out: ParseOut): number {
  let i = start;
  const neg = buf[i] === MINUS;
  if (neg) i++;
  const digitsStart = i;
  while (i < len && buf[i]! >= ZERO && buf[i]! <= ZERO + 9) i++;
  const digitsEnd = i;
  if (i < len && buf[i] !== SPACE && !isLineEnd(buf, i, len)) return out.fail(BAD_TIMESTAMP);
  let end = i;
  while (end < len && buf[end] === SPACE) end++;
  if (end < len && !isLineEnd(buf, end, len)) return out.fail(POINT_IS_INVALID);
  if (end < len && buf[end] === CR) end++; // now at '\n'

  if (digitsEnd === digitsStart) return out.fail(timestampError(buf.toString('latin1', start, digitsEnd), false));
  let ds = digitsStart;
  while (ds < digitsEnd - 1 && buf[ds] === ZERO) ds++;
  const significant = digitsEnd - ds;
  if (significant > 19) return out.fail(timestampError(buf.toString('latin1', start, digitsEnd), true));
  const lowStart = Math.max(ds, digitsEnd - scale.lowDigits);
  let high = 0;
  for (let j = ds; j < lowStart; j++) high = high * 10 + (buf[j]! - ZERO);
  let low = 0;
  for (let j = lowStart; j < digitsEnd; j++) low = low * 10 + (buf[j]! - ZERO);
  if (significant === 19) {
    // In ns, the 13 high digits are exact and compare as they are; other precisions read the digits again.
    const beyond = scale.lowDigits === 6 ? high > INT64_MS || (high === INT64_MS && low > INT64_SUB + (neg ? 1 : 0)) : beyondInt64(buf, ds, neg);
    if (beyond) return out.fail(timestampError(buf.toString('latin1', start, digitsEnd), true));
  }
  // Past 2^53 the products round, but such values are far outside the range checked below.
  let ms = high * scale.msScale;
  let sub = low * scale.lowScale;
  if (neg) {
    if (sub > 0) {
      ms = -ms - 1;
      sub = 1_000_000 - sub;
    } else {
      ms = 0 - ms; // 0 - 0 is +0, never -0
    }
  }
  if (ms > MAX_MS || (ms === MAX_MS && sub > MAX_SUB) || ms < MIN_MS || (ms === MIN_MS && sub < MIN_SUB)) {
    return out.fail(TIME_OUTSIDE_RANGE);
  }
  out.ms = ms;
  out.sub = sub;
  return end;
}
