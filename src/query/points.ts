/**
 * The two intermediate shapes of aggregate execution.
 *
 * `Points` is what each projection becomes per group: a time-ordered run of non-null values (one
 * per bucket for an aggregate, several for distinct/top/bottom, one per input point for a
 * transformation), with times in split form and the bucket each point belongs to. Values are
 * result cells already (numbers, bigints, strings, booleans): there is one per output row, so
 * nothing here is per input point.
 *
 * `Merged` is the raw points of one field across the series of a group, merged into one
 * time-ordered column (series in key order on equal times, as influxd does), for the functions that
 * need every point of a bucket (median, percentile, mode, distinct, top, bottom, integral) or the
 * whole stream (transformations over raw points).
 */
import { Column, FieldType, joinTimestamp, type ColumnValues, type Timestamp } from '../core/index.ts';
import type { ResultValue } from './plan.ts';

export class Points {
  length = 0;
  ms: Float64Array;
  sub: Int32Array;
  bucket: Float64Array;
  values: ResultValue[] = [];
  /** For selectors on the point-keeping path: the index of each selected point in its `Merged` input (aux fields are read there), -1 for a filled bucket. */
  readonly sources: number[] = [];
  /** Present at every bucket of the group's grid (null where no value), as fill(null) and the fills that leave gaps are. */
  grid = false;

  constructor(
    /** The type of the values: float, integer, unsigned (bigint), string or boolean. */
    readonly type: FieldType,
    capacity = 8,
  ) {
    this.ms = new Float64Array(capacity);
    this.sub = new Int32Array(capacity);
    this.bucket = new Float64Array(capacity);
  }

  push(ms: number, sub: number, bucket: number, value: ResultValue, source?: number): void {
    if (this.length === this.ms.length) this.grow();
    const i = this.length++;
    this.ms[i] = ms;
    this.sub[i] = sub;
    this.bucket[i] = bucket;
    this.values.push(value);
    this.sources.push(source ?? -1);
  }

  private grow(): void {
    const cap = Math.max(8, this.ms.length * 2);
    const ms = new Float64Array(cap);
    const sub = new Int32Array(cap);
    const bucket = new Float64Array(cap);
    ms.set(this.ms);
    sub.set(this.sub);
    bucket.set(this.bucket);
    this.ms = ms;
    this.sub = sub;
    this.bucket = bucket;
  }

  timeAt(i: number): Timestamp {
    return joinTimestamp(this.ms[i]!, this.sub[i]!);
  }

  /** Reverses the points in place: ORDER BY time DESC runs fills and transformations backwards. */
  reverse(): this {
    const n = this.length;
    this.ms.subarray(0, n).reverse();
    this.sub.subarray(0, n).reverse();
    this.bucket.subarray(0, n).reverse();
    this.values.reverse();
    this.sources.reverse();
    return this;
  }
}

/** The value of point `i` of a column as a result cell (one BigInt for int64/uint64). */
export function cellOf(column: { readonly type: FieldType; readonly values: ColumnValues }, i: number): ResultValue {
  switch (column.type) {
    case FieldType.Float:
      return (column.values as Float64Array)[i]!;
    case FieldType.Integer:
      return (column.values as BigInt64Array)[i]!;
    case FieldType.Unsigned:
      return (column.values as BigUint64Array)[i]!;
    case FieldType.String:
      return (column.values as string[])[i]!;
    case FieldType.Boolean:
      return (column.values as Uint8Array)[i] === 1;
  }
}

/** One field's points across a group's series, in time order; `src`/`pos` say where each came from. */
export interface Merged {
  readonly column: Column;
  /** Index of the source series (in the group's key order) of each point. */
  readonly src: Int32Array;
  /** Index of each point in its source series' column. */
  readonly pos: Int32Array;
}

/** Merges time-sorted columns (in key order of their series) into one; on equal times the earlier column's point comes first. */
export function mergeSorted(columns: ReadonlyArray<Column | undefined>): Merged | undefined {
  let runs: Merged[] = [];
  columns.forEach((column, s) => {
    if (column === undefined || column.length === 0) return;
    const src = new Int32Array(column.length).fill(s);
    const pos = new Int32Array(column.length);
    for (let i = 0; i < pos.length; i++) pos[i] = i;
    runs.push({ column, src, pos });
  });
  if (runs.length === 0) return undefined;
  // Pairwise rounds keep the order of runs, so equal times keep series key order: O(n log k).
  while (runs.length > 1) {
    const next: Merged[] = [];
    for (let i = 0; i + 1 < runs.length; i += 2) next.push(mergeTwo(runs[i]!, runs[i + 1]!));
    if (runs.length % 2 === 1) next.push(runs[runs.length - 1]!);
    runs = next;
  }
  return runs[0]!;
}

function mergeTwo(a: Merged, b: Merged): Merged {
  const na = a.column.length;
  const nb = b.column.length;
  const out = new Column(a.column.type, na + nb);
  const src = new Int32Array(na + nb);
  const pos = new Int32Array(na + nb);
  const take = (from: Merged, start: number, end: number): void => {
    src.set(from.src.subarray(start, end), out.length);
    pos.set(from.pos.subarray(start, end), out.length);
    out.pushRange(from.column, start, end);
  };
  const { ms: am, sub: as } = a.column;
  const { ms: bm, sub: bs } = b.column;
  let i = 0;
  let j = 0;
  // Copy runs rather than points: series of a group mostly interleave in long runs or not at all.
  while (i < na && j < nb) {
    const runA = upperBound(am, as, i, na, bm[j]!, bs[j]!);
    if (runA > i) {
      take(a, i, runA);
      i = runA;
      if (i >= na) break;
    }
    const runB = lowerBound(bm, bs, j, nb, am[i]!, as[i]!);
    take(b, j, runB);
    j = runB;
  }
  if (i < na) take(a, i, na);
  if (j < nb) take(b, j, nb);
  return { column: out, src, pos };
}

/** First index in [from, to) of a sorted column whose time is >= (ms, sub). */
export function lowerBound(ms: Float64Array, sub: Int32Array, from: number, to: number, tMs: number, tSub: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ms[mid]! < tMs || (ms[mid] === tMs && sub[mid]! < tSub)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [from, to) of a sorted column whose time is > (ms, sub). */
export function upperBound(ms: Float64Array, sub: Int32Array, from: number, to: number, tMs: number, tSub: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ms[mid]! < tMs || (ms[mid] === tMs && sub[mid]! <= tSub)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
