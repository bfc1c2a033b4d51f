import { MAX_TIMESTAMP, MIN_TIMESTAMP, parseRfc3339, type Timestamp } from '../../core/index.ts';

const NANOS_PER_MS = 1_000_000n;

// InfluxQL's duration units, in nanoseconds (`u` and `µ` are microseconds, as in InfluxQL).
const UNIT_NANOS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  u: 1_000n,
  µ: 1_000n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};
const DURATION_PART = /(\d+)(ns|us|u|µ|ms|s|m|h|d|w)/y;

/**
 * An InfluxQL-style duration (`"10s"`, `"1h30m"`, `"500ms"`, `"1u"`) in nanoseconds.
 * @throws RangeError naming the input
 */
export function parseDurationNanos(text: string): bigint {
  let total = 0n;
  DURATION_PART.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    DURATION_PART.lastIndex = at;
    const m = DURATION_PART.exec(text);
    if (m === null) break;
    total += BigInt(m[1]!) * UNIT_NANOS[m[2]!]!;
    at = DURATION_PART.lastIndex;
  }
  if (text === '' || at !== text.length) {
    throw new RangeError(`invalid duration "${text}": expected integers with units ns, us, ms, s, m, h, d, w, e.g. "1m" or "1h30m"`);
  }
  return total;
}

const RELATIVE = /^now(?:([+-])(.+))?$/;

/**
 * A point in time as the native API accepts it: RFC3339 with up to nanosecond fraction, `now`,
 * `now-1h` / `now+5m`, or a JSON integer of milliseconds since the epoch.
 * @throws RangeError naming the input
 */
export function parseTimeValue(value: unknown, now: Timestamp): Timestamp {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`expected an integer number of milliseconds, got ${value}`);
    return checkRange(BigInt(value) * NANOS_PER_MS, String(value));
  }
  if (typeof value !== 'string') throw new TypeError(`expected an RFC3339 time, "now", "now-<duration>" or integer milliseconds, got ${JSON.stringify(value)}`);
  const relative = RELATIVE.exec(value);
  if (relative !== null) {
    if (relative[1] === undefined) return now;
    const delta = parseDurationNanos(relative[2]!);
    return checkRange(relative[1] === '-' ? now - delta : now + delta, value);
  }
  const ns = parseRfc3339(value);
  if (ns === undefined) throw new RangeError(`invalid time "${value}": expected RFC3339 (e.g. "2026-11-25T00:00:00Z"), "now", "now-1h" or integer milliseconds`);
  return checkRange(ns, value);
}

function checkRange(ns: bigint, text: string): Timestamp {
  if (ns < MIN_TIMESTAMP || ns > MAX_TIMESTAMP) throw new RangeError(`time "${text}" is outside the representable range`);
  return ns;
}

/** Units of the `epoch` parameter (InfluxDB's names), in nanoseconds. */
export const EPOCH_NANOS = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n } as const;
export type Epoch = keyof typeof EPOCH_NANOS;
