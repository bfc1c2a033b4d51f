/**
 * The functions that need every point of a bucket, computed over a group's points merged in time
 * order (`Merged`): median, percentile, mode, distinct, count(distinct), top, bottom, sample, integral, and
 * the selectors when aux fields ride along (the winner's series and time are needed to read them).
 * These are the only aggregates for which the executor keeps a group's points; they are bounded by
 * `QueryContext.maxPoints` like everything loaded.
 *
 * InfluxDB's rules, checked against influxd 1.6:
 * - median of an even count is the mean of the two middle values, a float;
 * - percentile is nearest-rank, `floor(n * p / 100 + 0.5) - 1`, null outside [0, n), keeps the
 *   type and, as a selector, the point's time;
 * - mode is the most frequent value, with influxd's odd tie rule (see modeIndex); for booleans
 *   true wins ties;
 * - distinct lists each value once, ordered by its first time, then by value (its last time under
 *   ORDER BY DESC);
 * - top/bottom keep the N largest/smallest points (earlier time first on equal values), then list
 *   them by time; with tag arguments only the best point per tag combination competes;
 * - sample keeps N points drawn at random (every point of a bucket of at most N), listed by time,
 *   then by value at equal times;
 * - integral is the trapezoid rule over the time-ordered points; at a bucket edge the value is
 *   interpolated linearly, the area up to the edge closes the bucket and the rest opens the next
 *   one holding a point.
 */
import { FieldType, type Column } from '../core/index.ts';
import { argExtreme, type BucketTime } from './accumulators.ts';
import type { TimeGrid } from './buckets.ts';
import type { Slot } from './compile.ts';
import { compareWords, wordNumber, wordsOf, type IntValues } from './int64.ts';
import type { ResultValue } from './plan.ts';
import { cellOf, Points, type Merged } from './points.ts';

export interface CollectContext {
  /** undefined without GROUP BY time: all points are bucket 0. */
  readonly grid: TimeGrid | undefined;
  readonly time: BucketTime;
  /** Selectors keep their point's time (a lone selector without GROUP BY time). */
  readonly pointTime: boolean;
  /** The value of tag `key` in source series `src` of the merged points. */
  readonly tagOf: (src: number, key: string) => string;
  /** ORDER BY time DESC: distinct() then takes each value's last point, as influxd reads backwards. */
  readonly desc: boolean;
}

/** The result type of a point-keeping slot over a field of `type`. */
export function collectedResultType(slot: Slot, type: FieldType): FieldType {
  if (slot.ofDistinct || slot.fn === 'count') return FieldType.Integer;
  if (slot.fn === 'median' || slot.fn === 'integral' || slot.fn === 'mean' || slot.fn === 'stddev') return FieldType.Float;
  return type;
}

/** Calls `fn` for each run of points [from, to) in one bucket. */
export function forEachBucket(column: Column, grid: TimeGrid | undefined, fn: (b: number, from: number, to: number) => void): void {
  const n = column.length;
  if (n === 0) return;
  if (grid === undefined) {
    fn(0, 0, n);
    return;
  }
  let i = 0;
  while (i < n) {
    const b = grid.bucketOf(column.ms[i]!, column.sub[i]!);
    const end = grid.runEnd(column.ms, column.sub, i, n, b);
    fn(b, i, end);
    i = end;
  }
}

/** Values [from, to) as float64s. */
function numbers(column: Column, from: number, to: number): Float64Array {
  if (column.type === FieldType.Float) return (column.values as Float64Array).slice(from, to);
  const w = wordsOf(column.values as IntValues);
  const out = new Float64Array(to - from);
  const unsigned = column.type === FieldType.Unsigned;
  for (let i = from; i < to; i++) out[i - from] = wordNumber(w, i, unsigned);
  return out;
}

/** Sign of column[i] - column[j] by value. */
function valueComparator(column: Column): (i: number, j: number) => number {
  switch (column.type) {
    case FieldType.Float: {
      const v = column.values as Float64Array;
      return (i, j) => (v[i]! < v[j]! ? -1 : v[i]! > v[j]! ? 1 : 0);
    }
    case FieldType.Integer:
    case FieldType.Unsigned: {
      const w = wordsOf(column.values as IntValues);
      const unsigned = column.type === FieldType.Unsigned;
      return (i, j) => compareWords(w, i, w, j, unsigned);
    }
    case FieldType.String: {
      const v = column.values as string[];
      return (i, j) => (v[i]! < v[j]! ? -1 : v[i]! > v[j]! ? 1 : 0);
    }
    case FieldType.Boolean: {
      const v = column.values as Uint8Array;
      return (i, j) => v[i]! - v[j]!;
    }
  }
}

function timeComparator(column: Column): (i: number, j: number) => number {
  const { ms, sub } = column;
  return (i, j) => ms[i]! - ms[j]! || sub[i]! - sub[j]!;
}

function indexRange(from: number, to: number): Uint32Array {
  const out = new Uint32Array(to - from);
  for (let i = 0; i < out.length; i++) out[i] = from + i;
  return out;
}

/** Computes a point-keeping slot over the merged points of its field. */
export function collectSlot(slot: Slot, merged: Merged, ctx: CollectContext): Points {
  const column = merged.column;
  const out = new Points(collectedResultType(slot, column.type));
  if (slot.fn === 'integral') {
    integral(column, slot.unit, ctx, out);
    return out;
  }
  const byValue = valueComparator(column);
  const byTime = timeComparator(column);
  forEachBucket(column, ctx.grid, (b, from, to) => {
    const bt = ctx.time(b);
    const emit = (value: ResultValue, i?: number): void => {
      if (ctx.pointTime && i !== undefined) out.push(column.ms[i]!, column.sub[i]!, b, value, i);
      else out.push(bt.ms, bt.sub, b, value, i);
    };
    if (slot.ofDistinct) {
      emit(BigInt(distinctIndexes(column, from, to, byValue, false).length));
      return;
    }
    switch (slot.fn) {
      case 'median': {
        const v = numbers(column, from, to).sort();
        const n = v.length;
        emit(n % 2 === 1 ? v[n >> 1]! : v[n / 2 - 1]! + (v[n / 2]! - v[n / 2 - 1]!) / 2);
        return;
      }
      case 'percentile': {
        const idx = indexRange(from, to).sort((i, j) => byValue(i, j) || byTime(i, j));
        const at = Math.floor((idx.length * slot.n) / 100 + 0.5) - 1;
        if (at >= 0 && at < idx.length) emit(cellOf(column, idx[at]!), idx[at]!);
        return;
      }
      case 'mode': {
        const i = modeIndex(column, from, to, byValue, byTime);
        emit(cellOf(column, i));
        return;
      }
      case 'distinct': {
        const firsts = distinctIndexes(column, from, to, byValue, ctx.desc);
        // Under DESC the executor reverses every slot's points; pre-reverse so a bucket's values keep this order.
        if (ctx.desc) firsts.reverse();
        for (const i of firsts) emit(cellOf(column, i));
        return;
      }
      case 'top':
      case 'bottom': {
        for (const i of topIndexes(slot, merged, from, to, byValue, byTime, ctx)) {
          out.push(column.ms[i]!, column.sub[i]!, b, cellOf(column, i), i);
        }
        return;
      }
      case 'sample': {
        for (const i of sampleIndexes(from, to, slot.n).sort((i, j) => byTime(i, j) || byValue(i, j))) out.push(column.ms[i]!, column.sub[i]!, b, cellOf(column, i), i);
        return;
      }
      case 'min':
      case 'max': {
        // Ties go to the earlier time: argExtreme keeps the first of equal values, and points are in time order.
        const i = argExtreme(column, from, to, slot.fn === 'max');
        emit(cellOf(column, i), i);
        return;
      }
      case 'first':
      case 'last': {
        let i = slot.fn === 'first' ? from : to - 1;
        // Equal times in several series: the larger value wins.
        const step = slot.fn === 'first' ? 1 : -1;
        for (let k = i + step; k >= from && k < to && byTime(k, i) === 0; k += step) if (byValue(k, i) > 0) i = k;
        emit(cellOf(column, i), i);
        return;
      }
      default:
        throw new Error(`${slot.fn} is not a point-keeping aggregate`);
    }
  });
  return out;
}

/**
 * mode() as influxd computes it: points sorted by value (stably, so equal values keep time order),
 * then a scan that counts a value from its second point on, and on equal counts keeps the earlier
 * mode unless the new value's first point is later than the last point counted for it. So a value
 * seen once wins only when every value is (the smallest then), and ties mostly go to the larger.
 */
function modeIndex(column: Column, from: number, to: number, byValue: (i: number, j: number) => number, byTime: (i: number, j: number) => number): number {
  if (column.type === FieldType.Boolean) {
    // Booleans are counted: true wins ties.
    const v = column.values as Uint8Array;
    let trues = 0;
    let aTrue = -1;
    let aFalse = -1;
    for (let i = from; i < to; i++) {
      if (v[i] === 1) {
        trues++;
        aTrue = i;
      } else aFalse = i;
    }
    return trues >= to - from - trues ? aTrue : aFalse;
  }
  const idx = indexRange(from, to).sort((i, j) => byValue(i, j) || i - j);
  let mostFreq = 0;
  let currFreq = 0;
  let curr = idx[0]!;
  let currFirst = idx[0]!;
  let most = idx[0]!;
  let mostAt = idx[0]!;
  for (const p of idx) {
    if (byValue(p, curr) !== 0) {
      currFreq = 1;
      curr = p;
      currFirst = p;
      continue;
    }
    currFreq++;
    if (mostFreq > currFreq || (mostFreq === currFreq && byTime(currFirst, mostAt) > 0)) continue;
    mostFreq = currFreq;
    most = p;
    mostAt = p;
  }
  return most;
}

/** Indexes of each distinct value's first point (last, `backwards`), ordered by that point's time, then by value. */
function distinctIndexes(column: Column, from: number, to: number, byValue: (i: number, j: number) => number, backwards: boolean): number[] {
  const seen = new Set<ResultValue>();
  const firsts: number[] = [];
  for (let k = from; k < to; k++) {
    const i = backwards ? to - 1 - (k - from) : k;
    const v = cellOf(column, i);
    if (seen.has(v)) continue;
    seen.add(v);
    firsts.push(i);
  }
  const { ms, sub } = column;
  return firsts.sort((i, j) => ms[i]! - ms[j]! || sub[i]! - sub[j]! || byValue(i, j));
}

function topIndexes(
  slot: Slot,
  merged: Merged,
  from: number,
  to: number,
  byValue: (i: number, j: number) => number,
  byTime: (i: number, j: number) => number,
  ctx: CollectContext,
): number[] {
  const sign = slot.fn === 'top' ? -1 : 1;
  // Best first: larger (top) or smaller (bottom) values, then earlier times.
  const better = (i: number, j: number): number => sign * byValue(i, j) || byTime(i, j);
  let candidates: number[];
  if (slot.tags.length === 0) {
    candidates = Array.from(indexRange(from, to));
  } else {
    const best = new Map<string, number>();
    for (let i = from; i < to; i++) {
      const key = slot.tags.map((t) => ctx.tagOf(merged.src[i]!, t)).join('\u0000');
      const current = best.get(key);
      if (current === undefined || better(i, current) < 0) best.set(key, i);
    }
    candidates = [...best.values()];
  }
  return candidates
    .sort(better)
    .slice(0, slot.n)
    .sort((i, j) => byTime(i, j) || sign * byValue(i, j));
}

/**
 * `n` points of [from, to) drawn uniformly (reservoir sampling, random like influxd's, so only a
 * bucket of at most `n` points has a reproducible answer: all of them).
 */
function sampleIndexes(from: number, to: number, n: number): number[] {
  const picked: number[] = [];
  for (let i = from; i < to; i++) {
    if (picked.length < n) picked.push(i);
    else {
      const k = Math.floor(Math.random() * (i - from + 1));
      if (k < n) picked[k] = i;
    }
  }
  return picked;
}

/** integral(): see the module comment; mirrors influxd's reducer, bucket edges included. */
function integral(column: Column, unit: number, ctx: CollectContext, out: Points): void {
  const n = column.length;
  if (n === 0) return;
  const v = numbers(column, 0, n);
  const { ms, sub } = column;
  const grid = ctx.grid;
  // Times in ns relative to the first point: exact below 2^53 ns (104 days) of span.
  const t0 = ms[0]!;
  const t = (i: number): number => (ms[i]! - t0) * 1e6 + sub[i]!;
  let bucket = grid === undefined ? 0 : grid.bucketOf(ms[0]!, sub[0]!);
  const edge = (b: number): number => {
    const s = ctx.time(b + 1);
    return (s.ms - t0) * 1e6 + s.sub;
  };
  let windowEnd = grid === undefined ? Infinity : edge(bucket);
  const windowStart = (b: number): number => {
    const s = ctx.time(b);
    return (s.ms - t0) * 1e6 + s.sub;
  };
  let prevT = t(0);
  let prevV = v[0]!;
  let sum = 0;
  // Without GROUP BY time influxd reports the integral at time 0, whatever the range.
  const emit = (b: number, value: number): void => {
    const s = grid === undefined ? { ms: 0, sub: 0 } : ctx.time(b);
    out.push(s.ms, s.sub, b, value);
  };
  for (let i = 1; i < n; i++) {
    const ti = t(i);
    if (ti === prevT) {
      prevV = v[i]!;
      continue;
    }
    if (ti >= windowEnd) {
      if (prevT !== windowEnd) {
        const value = ((v[i]! - prevV) / (ti - prevT)) * (windowEnd - prevT) + prevV;
        sum += 0.5 * (value + prevV) * ((windowEnd - prevT) / unit);
        prevV = value;
        prevT = windowEnd;
      }
      emit(bucket, sum);
      bucket = grid!.bucketOf(ms[i]!, sub[i]!);
      windowEnd = edge(bucket);
      sum = 0;
    }
    sum += 0.5 * (v[i]! + prevV) * ((ti - prevT) / unit);
    prevT = ti;
    prevV = v[i]!;
  }
  // influxd drops a last bucket whose only point sits at its start: it has no area.
  if (grid === undefined || prevT !== windowStart(bucket)) emit(bucket, sum);
}
