/**
 * fill(): what an aggregate reports for the buckets of a group's grid that hold no point (GROUP BY
 * time only). It runs on an aggregate's per-bucket points in the query's order, before
 * transformations and math see them, as influxd's fill iterator does.
 *
 * - null (default): the bucket's row shows null, except count(), which shows 0;
 * - none: no row for the bucket (unless another column has a value there);
 * - a number: that number, truncated towards zero for integer aggregates; string and boolean
 *   aggregates stay null;
 * - previous: the last value before it in the query's order, null before the first;
 * - linear: interpolated between the nearest values on both sides (integers truncated towards
 *   zero), null at the ends.
 *
 * Aux fields of a lone selector (`max(v), host`) show the fill number under fill(number), the
 * previous point's under fill(previous), null otherwise. top, bottom, distinct and integral are
 * not filled (influxd does not fill them).
 */
import { FieldType } from '../core/index.ts';
import type { BucketTime } from './accumulators.ts';
import type { ResultValue } from './plan.ts';
import type { Fill } from './plan.ts';
import { Points } from './points.ts';

export interface BucketSpan {
  /** First and last bucket in the query's order (first > last for ORDER BY time DESC). */
  readonly first: number;
  readonly last: number;
  /** Bucket width in ns, for linear interpolation in influxd's arithmetic. */
  readonly interval: number;
}

function fillValue(value: number, type: FieldType): ResultValue | undefined {
  if (type === FieldType.Float) return value;
  if (type === FieldType.Integer) return BigInt(Math.trunc(value));
  if (type === FieldType.Unsigned) return value < 0 ? undefined : BigInt(Math.trunc(value));
  return undefined;
}

function linear(b: number, b0: number, v0: ResultValue, b1: number, v1: ResultValue, interval: number, type: FieldType): ResultValue | undefined {
  if (type !== FieldType.Float && type !== FieldType.Integer && type !== FieldType.Unsigned) return undefined;
  const m = (type === FieldType.Float ? (v1 as number) - (v0 as number) : Number((v1 as bigint) - (v0 as bigint))) / ((b1 - b0) * interval);
  const y = m * ((b - b0) * interval) + Number(v0);
  return type === FieldType.Float ? y : BigInt(Math.trunc(y));
}

/** The points of one aggregate with its empty buckets filled; `isCount` makes fill(null) report 0. */
export function applyFill(points: Points, fill: Fill, span: BucketSpan, time: BucketTime, isCount: boolean): Points {
  if (fill.kind === 'none') return points;
  if (fill.kind === 'null' && !isCount) {
    points.grid = true;
    return points;
  }
  const out = new Points(points.type, points.length);
  out.grid = true;
  const step = span.first <= span.last ? 1 : -1;
  const constant = fill.kind === 'null' ? 0n : fill.kind === 'value' ? fillValue(fill.value, points.type) : undefined;
  let k = 0;
  let prevBucket = NaN;
  let prevValue: ResultValue | undefined;
  let prevSource = -1;
  for (let b = span.first; step > 0 ? b <= span.last : b >= span.last; b += step) {
    if (k < points.length && points.bucket[k] === b) {
      while (k < points.length && points.bucket[k] === b) {
        out.push(points.ms[k]!, points.sub[k]!, b, points.values[k]!, points.sources[k]);
        prevValue = points.values[k]!;
        prevSource = points.sources[k]!;
        k++;
      }
      prevBucket = b;
      continue;
    }
    let value: ResultValue | undefined;
    if (fill.kind === 'previous') value = prevValue;
    else if (fill.kind === 'linear') {
      if (prevValue !== undefined && k < points.length) value = linear(b, prevBucket, prevValue, points.bucket[k]!, points.values[k]!, span.interval, points.type);
    } else value = constant;
    if (value === undefined) continue;
    const t = time(b);
    // fill(previous) repeats the previous point, aux fields included.
    out.push(t.ms, t.sub, b, value, fill.kind === 'previous' ? prevSource : -1);
  }
  return out;
}
