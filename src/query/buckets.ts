/**
 * GROUP BY time buckets: bucket starts are `k * interval + offset` (epoch-aligned), numbered from
 * an origin bucket so that the executor indexes dense per-bucket arrays with small integers.
 *
 * Points arrive in split form (integer ms + ns within the ms, see core/time.ts). When the interval
 * and offset are whole milliseconds, which is every interval InfluxQL users write but `time(1500us)`,
 * bucket boundaries fall on whole milliseconds and the bucket of a point is one float division of
 * its ms, exact. Otherwise the point's distance from the origin in ns is a float64, exact for spans
 * under 2^53 ns (104 days) — far more buckets than any query may produce at a sub-ms interval.
 */
import { timestampMillis, timestampSubMillis, type Timestamp } from '../core/index.ts';

const NANOS_PER_MS = 1_000_000n;

/** The start of the bucket that holds `t`. */
export function bucketStartOf(t: Timestamp, interval: bigint, offset: bigint): Timestamp {
  let rem = (t - offset) % interval;
  if (rem < 0n) rem += interval;
  return t - rem;
}

export class TimeGrid {
  readonly interval: bigint;
  readonly offset: bigint;
  private readonly wholeMs: boolean;
  private readonly intervalMs: number;
  private readonly intervalNs: number;
  private origin: Timestamp | undefined;
  private originMs = 0;
  private originSub = 0;

  /** `origin`, when given, is any time inside bucket 0; otherwise the first point asked about fixes it. */
  constructor(interval: bigint, offset: bigint, origin?: Timestamp) {
    this.interval = interval;
    this.offset = offset;
    this.wholeMs = interval % NANOS_PER_MS === 0n && offset % NANOS_PER_MS === 0n;
    this.intervalMs = Number(interval / NANOS_PER_MS);
    this.intervalNs = Number(interval);
    if (origin !== undefined) this.setOrigin(origin);
  }

  private setOrigin(t: Timestamp): void {
    const start = bucketStartOf(t, this.interval, this.offset);
    this.origin = start;
    this.originMs = timestampMillis(start);
    this.originSub = timestampSubMillis(start);
  }

  /** The bucket number of a point. */
  bucketOf(ms: number, sub: number): number {
    if (this.origin === undefined) this.setOrigin(BigInt(ms) * NANOS_PER_MS + BigInt(sub));
    if (this.wholeMs) return Math.floor((ms - this.originMs) / this.intervalMs);
    return Math.floor(((ms - this.originMs) * 1e6 + (sub - this.originSub)) / this.intervalNs);
  }

  bucketOfTime(t: Timestamp): number {
    return this.bucketOf(timestampMillis(t), timestampSubMillis(t));
  }

  /** The start of bucket `b` (the origin must be set). */
  startOf(b: number): Timestamp {
    return this.origin! + BigInt(b) * this.interval;
  }

  /** The start of bucket `b` in split form; without a BigInt when the interval is whole milliseconds. */
  splitStartOf(b: number): { ms: number; sub: number } {
    if (this.wholeMs) return { ms: this.originMs + b * this.intervalMs, sub: 0 };
    const start = this.startOf(b);
    return { ms: timestampMillis(start), sub: timestampSubMillis(start) };
  }

  /**
   * The first index in [from, to) of sorted split times whose bucket is after `b`: the end of the
   * run of points in bucket `b` that starts at `from`.
   */
  runEnd(ms: Float64Array, sub: Int32Array, from: number, to: number, b: number): number {
    let i = from + 1;
    if (this.wholeMs) {
      const endMs = this.originMs + (b + 1) * this.intervalMs;
      while (i < to && ms[i]! < endMs) i++;
      return i;
    }
    while (i < to && this.bucketOf(ms[i]!, sub[i]!) === b) i++;
    return i;
  }
}
