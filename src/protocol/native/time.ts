import { MAX_TIMESTAMP, MIN_TIMESTAMP, parseDurationNanos, parseRfc3339, type Timestamp } from '../../core/index.ts';

const NANOS_PER_MS = 1_000_000n;

/**
 * A duration of the native API (`"10s"`, `"1h30m"`, `"500ms"`, `"1us"`) in nanoseconds.
 * @throws RangeError naming the input
 */
export function parseDuration(text: string): bigint {
  const nanos = parseDurationNanos(text);
  if (nanos === undefined) throw new RangeError(`invalid duration "${text}": expected integers with units ns, us, ms, s, m, h, d, w, e.g. "1m" or "1h30m"`);
  return nanos;
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
    const delta = parseDuration(relative[2]!);
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
