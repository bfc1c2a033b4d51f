/**
 * Time in RusTs is integer nanoseconds since the Unix epoch, exactly.
 *
 * A float64 of nanoseconds is wrong for almost every timestamp with sub-millisecond digits
 * (its ULP near 1.8e18 is 256 ns), and a BigInt per sample costs 4x more than the split form.
 * So single values (API edges, time ranges) are `bigint`, and columns on hot paths are split into
 * integer milliseconds (a float64, exact up to year ~287,000) plus the nanoseconds within that
 * millisecond (an int32 in [0, 999_999]). The split uses floor division, so it also holds for
 * instants before 1970.
 */

/** Nanoseconds since the Unix epoch. */
export type Timestamp = bigint;

/** InfluxDB's representable range: int64 minus the two values it reserves as sentinels. */
export const MIN_TIMESTAMP: Timestamp = -9223372036854775806n;
export const MAX_TIMESTAMP: Timestamp = 9223372036854775806n;

export const NANOS_PER_MILLI = 1_000_000;

/** The wall clock as a Timestamp (millisecond resolution, as Date.now). */
export function nowTimestamp(): Timestamp {
  return BigInt(Date.now()) * 1_000_000n;
}
const NANOS_PER_MILLI_BIG = 1_000_000n;

/** The millisecond part of a split timestamp. */
export function timestampMillis(ts: Timestamp): number {
  let ms = ts / NANOS_PER_MILLI_BIG;
  if (ts < 0n && ms * NANOS_PER_MILLI_BIG !== ts) ms -= 1n;
  return Number(ms);
}

/** The nanoseconds-within-the-millisecond part of a split timestamp, in [0, 999_999]. */
export function timestampSubMillis(ts: Timestamp): number {
  let sub = ts % NANOS_PER_MILLI_BIG;
  if (sub < 0n) sub += NANOS_PER_MILLI_BIG;
  return Number(sub);
}

export function joinTimestamp(ms: number, subMs: number): Timestamp {
  return BigInt(ms) * NANOS_PER_MILLI_BIG + BigInt(subMs);
}

export function isRepresentable(ts: Timestamp): boolean {
  return ts >= MIN_TIMESTAMP && ts <= MAX_TIMESTAMP;
}

/** Lexicographic order of two split timestamps: negative, zero or positive. */
export function compareSplit(aMs: number, aSub: number, bMs: number, bSub: number): number {
  return aMs !== bMs ? aMs - bMs : aSub - bSub;
}

/** A closed interval [min, max] of time; both ends are included, as in PromQL and InfluxQL. */
export interface TimeRange {
  readonly min: Timestamp;
  readonly max: Timestamp;
}

export const ALL_TIME: TimeRange = { min: MIN_TIMESTAMP, max: MAX_TIMESTAMP };

/** A time range in split form, computed once per query so scans compare numbers only. */
export interface SplitTimeRange {
  readonly minMs: number;
  readonly minSub: number;
  readonly maxMs: number;
  readonly maxSub: number;
}

export function splitRange(range: TimeRange): SplitTimeRange {
  return {
    minMs: timestampMillis(range.min),
    minSub: timestampSubMillis(range.min),
    maxMs: timestampMillis(range.max),
    maxSub: timestampSubMillis(range.max),
  };
}

export function inSplitRange(r: SplitTimeRange, ms: number, sub: number): boolean {
  return compareSplit(ms, sub, r.minMs, r.minSub) >= 0 && compareSplit(ms, sub, r.maxMs, r.maxSub) <= 0;
}

export function rangesOverlap(a: TimeRange, b: TimeRange): boolean {
  return a.min <= b.max && b.min <= a.max;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC3339 time with up to nanosecond fraction and any offset, exactly; undefined when `text`
 * is not one or names no real date (February 30th, hour 24).
 */
export function parseRfc3339(text: string): Timestamp | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  const ms = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  const check = new Date(ms);
  if (Number.isNaN(ms) || check.getUTCDate() !== day || check.getUTCMonth() !== month! - 1 || hour! > 23 || minute! > 59 || second! > 59) return undefined;
  const ns = BigInt(ms) * NANOS_PER_MILLI_BIG + BigInt((m[7] ?? '').padEnd(9, '0'));
  if (m[9] === undefined) return ns;
  const offset = BigInt(Number(m[10]) * 60 + Number(m[11])) * 60_000_000_000n;
  return m[9] === '+' ? ns - offset : ns + offset;
}

/** RFC3339 with the fraction InfluxDB prints: nanoseconds with trailing zeros cut, none when zero. */
export function formatRfc3339Nano(ts: Timestamp): string {
  const ms = timestampMillis(ts);
  const nanos = BigInt(((ms % 1000) + 1000) % 1000) * NANOS_PER_MILLI_BIG + BigInt(timestampSubMillis(ts));
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ for years 0..9999
  const head = iso.slice(0, iso.indexOf('.'));
  if (nanos === 0n) return `${head}Z`;
  return `${head}.${nanos.toString().padStart(9, '0').replace(/0+$/, '')}Z`;
}

/** InfluxQL's duration units in nanoseconds (`u` and `µ` are microseconds; InfluxQL has no `us`). */
export const INFLUXQL_DURATION_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  u: 1_000n,
  µ: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};
/** InfluxQL's units and `us`, which the native API and the `epoch` parameter accept too. */
export const DURATION_UNIT_NANOS: Readonly<Record<string, bigint>> = { ...INFLUXQL_DURATION_UNITS, us: 1_000n };
const DURATION_PART = /(\d+)(ns|us|u|µ|ms|s|m|h|d|w)/y;

/**
 * Nanoseconds of an InfluxQL-style duration (`10s`, `1h30m`, `500ms`, `5u`): integers each with a
 * unit of `units`, summed; undefined when `text` is not one.
 */
export function parseDurationNanos(text: string, units: Readonly<Record<string, bigint>> = DURATION_UNIT_NANOS): bigint | undefined {
  if (text === '') return undefined;
  let total = 0n;
  let at = 0;
  while (at < text.length) {
    DURATION_PART.lastIndex = at;
    const m = DURATION_PART.exec(text);
    const unit = m === null ? undefined : units[m[2]!];
    if (m === null || unit === undefined) return undefined;
    total += BigInt(m[1]!) * unit;
    at = DURATION_PART.lastIndex;
  }
  return total;
}

/**
 * A duration as Go's `time.Duration.String()` prints it (`0s`, `1h0m0s`, `1.5s`, `300ms`), which
 * InfluxDB uses for retention policy durations.
 */
export function formatGoDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const sign = nanos < 0n ? '-' : '';
  const n = nanos < 0n ? -nanos : nanos;
  if (n < 1_000n) return `${sign}${n}ns`;
  if (n < 1_000_000n) return `${sign}${fraction(n, 1_000n)}µs`;
  if (n < 1_000_000_000n) return `${sign}${fraction(n, 1_000_000n)}ms`;
  const hours = n / 3_600_000_000_000n;
  const minutes = (n / 60_000_000_000n) % 60n;
  const seconds = fraction(n % 60_000_000_000n, 1_000_000_000n);
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

/** `n / unit` in decimal without trailing zeros: 1500n, 1000n -> "1.5". */
function fraction(n: bigint, unit: bigint): string {
  const whole = n / unit;
  const rest = n % unit;
  if (rest === 0n) return String(whole);
  const digits = rest.toString().padStart(unit.toString().length - 1, '0').replace(/0+$/, '');
  return `${whole}.${digits}`;
}
