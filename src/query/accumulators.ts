/**
 * Streaming aggregates: count, sum, mean, stddev, spread, min, max, first, last. Each keeps dense
 * per-bucket state for one group in typed arrays and takes a series' points one bucket-run at a
 * time, so a query over millions of points holds O(groups x buckets) numbers and never the points.
 *
 * Runs help twice: the inner loops are tight loops over one typed array, and the selectors compare
 * with the bucket's current winner once per run (first/last need no loop at all, since a series'
 * points are sorted and unique in time).
 *
 * InfluxDB's rules, checked against influxd 1.6: count is an integer; sum keeps the field's type
 * (int64 wraps like Go's); mean is a float; stddev is the sample deviation, null for one point;
 * spread, min and max keep the type; min/max break ties by the earlier time, first/last (same
 * time in two series) by the larger value.
 */
import { FieldType, type Column } from '../core/index.ts';
import { addWords, compareWords, copyWord, sumValue, wordNumber, wordsOf, type IntValues } from './int64.ts';
import type { Slot } from './compile.ts';
import type { ResultValue } from './plan.ts';
import type { Points } from './points.ts';

/** The split start time of a bucket. */
export type BucketTime = (bucket: number) => { readonly ms: number; readonly sub: number };

export interface Accumulator {
  /** Adds points [from, to) of `column`, all in bucket `b`. */
  add(b: number, column: Column, from: number, to: number): void;
  /** The first and last bucket holding a point, or undefined when none does. */
  extent(): readonly [number, number] | undefined;
  /** Appends one point per bucket that holds any, in bucket order: at the bucket's start, or at the selected point's time when `pointTime`. */
  finish(out: Points, time: BucketTime, pointTime: boolean): void;
}

/** Result types of the streaming aggregates for a field type. */
export function streamingResultType(fn: string, type: FieldType): FieldType {
  if (fn === 'count') return FieldType.Integer;
  if (fn === 'mean' || fn === 'stddev') return FieldType.Float;
  return type;
}

const STREAMING = new Set(['count', 'sum', 'mean', 'stddev', 'spread', 'min', 'max', 'first', 'last']);

/** Whether a slot runs on a streaming accumulator; aux fields need the selected point itself, so they take the point-keeping path. */
export function isStreaming(slot: Slot, hasAux: boolean): boolean {
  return !hasAux && !slot.ofDistinct && STREAMING.has(slot.fn);
}

/** A streaming accumulator for the slot, or undefined when the function needs every point of a bucket. */
export function streamingAccumulator(slot: Slot, type: FieldType, hint: { base: number; size: number }): Accumulator | undefined {
  if (slot.ofDistinct) return undefined;
  switch (slot.fn) {
    case 'count':
      return new CountAcc(hint);
    case 'sum':
      return new SumAcc(hint, type, false);
    case 'mean':
      return new SumAcc(hint, type, true);
    case 'stddev':
      return new StddevAcc(hint, type);
    case 'spread':
      return new SpreadAcc(hint, type);
    case 'min':
    case 'max':
      return new ExtremeAcc(hint, type, slot.fn === 'max');
    case 'first':
    case 'last':
      return new EndAcc(hint, type, slot.fn === 'last');
    default:
      return undefined;
  }
}

type Dense = Float64Array | Int32Array | Uint8Array;

function regrow<T extends Dense>(a: T, cap: number, shift: number): T {
  const out = new (a.constructor as new (n: number) => T)(cap);
  out.set(a, shift);
  return out;
}

/** Dense per-bucket arrays over buckets [base, base + cap), grown in either direction on demand. */
abstract class DenseAcc implements Accumulator {
  protected base: number;
  protected cap = 0;
  /** Points per bucket. */
  protected n = new Float64Array(0);
  private readonly initial: number;

  constructor(hint: { base: number; size: number }) {
    this.base = hint.base;
    this.initial = Math.max(1, hint.size);
  }

  protected at(b: number): number {
    const i = b - this.base;
    if (i >= 0 && i < this.cap) return i;
    let lo: number;
    let cap: number;
    if (this.cap === 0) {
      lo = b >= this.base && b < this.base + this.initial ? this.base : b;
      cap = this.initial;
    } else {
      cap = Math.max(this.cap * 2, b < this.base ? this.base + this.cap - b : b - this.base + 1);
      lo = b < this.base ? this.base + this.cap - cap : this.base;
    }
    const shift = this.cap === 0 ? 0 : this.base - lo;
    this.n = regrow(this.n, cap, shift);
    this.resize(cap, shift);
    this.base = lo;
    this.cap = cap;
    return b - lo;
  }

  /** Reallocates the subclass's arrays to `cap` buckets, old bucket i moving to i + shift. */
  protected abstract resize(cap: number, shift: number): void;
  protected abstract value(i: number): ResultValue;
  abstract add(b: number, column: Column, from: number, to: number): void;

  extent(): readonly [number, number] | undefined {
    let lo = -1;
    let hi = -1;
    for (let i = 0; i < this.cap; i++) {
      if (this.n[i]! > 0) {
        if (lo < 0) lo = i;
        hi = i;
      }
    }
    return lo < 0 ? undefined : [this.base + lo, this.base + hi];
  }

  finish(out: Points, time: BucketTime, pointTime: boolean): void {
    for (let i = 0; i < this.cap; i++) {
      if (this.n[i] === 0) continue;
      const t = pointTime ? this.pointTime(i) : time(this.base + i);
      out.push(t.ms, t.sub, this.base + i, this.value(i));
    }
  }

  protected pointTime(i: number): { ms: number; sub: number } {
    throw new Error(`no point time in bucket ${this.base + i}`);
  }
}

class CountAcc extends DenseAcc {
  protected resize(): void {}
  add(b: number, _column: Column, from: number, to: number): void {
    const i = this.at(b); // first: it may reallocate `n`
    this.n[i]! += to - from;
  }
  protected value(i: number): ResultValue {
    return BigInt(this.n[i]!);
  }
}

/** sum and mean: float sums, or exact two-part int64/uint64 sums (see int64.ts). */
class SumAcc extends DenseAcc {
  private sums = new Float64Array(0);
  private readonly width: number;
  constructor(
    hint: { base: number; size: number },
    private readonly type: FieldType,
    private readonly mean: boolean,
  ) {
    super(hint);
    this.width = type === FieldType.Float ? 1 : 2;
  }
  protected resize(cap: number, shift: number): void {
    this.sums = regrow(this.sums, cap * this.width, shift * this.width);
  }
  add(b: number, column: Column, from: number, to: number): void {
    const i = this.at(b);
    this.n[i]! += to - from;
    if (this.width === 1) {
      const v = column.values as Float64Array;
      let s = this.sums[i]!;
      for (let k = from; k < to; k++) s += v[k]!;
      this.sums[i] = s;
    } else {
      addWords(this.sums, i, wordsOf(column.values as IntValues), from, to, this.type === FieldType.Unsigned);
    }
  }
  protected value(i: number): ResultValue {
    if (this.width === 1) return this.mean ? this.sums[i]! / this.n[i]! : this.sums[i]!;
    const sum = sumValue(this.sums[2 * i]!, this.sums[2 * i + 1]!, this.type === FieldType.Unsigned);
    return this.mean ? Number(sum) / this.n[i]! : sum;
  }
}

/** Sample standard deviation by Welford's running mean and sum of squared deviations. */
class StddevAcc extends DenseAcc {
  private mean = new Float64Array(0);
  private m2 = new Float64Array(0);
  constructor(
    hint: { base: number; size: number },
    private readonly type: FieldType,
  ) {
    super(hint);
  }
  protected resize(cap: number, shift: number): void {
    this.mean = regrow(this.mean, cap, shift);
    this.m2 = regrow(this.m2, cap, shift);
  }
  add(b: number, column: Column, from: number, to: number): void {
    const i = this.at(b);
    let n = this.n[i]!;
    let mean = this.mean[i]!;
    let m2 = this.m2[i]!;
    const floats = this.type === FieldType.Float ? (column.values as Float64Array) : undefined;
    const words = floats === undefined ? wordsOf(column.values as IntValues) : undefined;
    const unsigned = this.type === FieldType.Unsigned;
    for (let k = from; k < to; k++) {
      const x = floats !== undefined ? floats[k]! : wordNumber(words!, k, unsigned);
      n++;
      const d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
    }
    this.n[i] = n;
    this.mean[i] = mean;
    this.m2[i] = m2;
  }
  protected value(i: number): ResultValue {
    const n = this.n[i]!;
    return n < 2 ? NaN : Math.sqrt(this.m2[i]! / (n - 1));
  }
}

/** One value per bucket of a field type, written and compared without allocating. */
interface Store {
  resize(cap: number, shift: number): void;
  set(at: number, column: Column, i: number): void;
  /** Sign of stored[at] - column[i]. */
  compare(at: number, column: Column, i: number): number;
  get(at: number): ResultValue;
}

class FloatStore implements Store {
  v = new Float64Array(0);
  resize(cap: number, shift: number): void {
    this.v = regrow(this.v, cap, shift);
  }
  set(at: number, column: Column, i: number): void {
    this.v[at] = (column.values as Float64Array)[i]!;
  }
  compare(at: number, column: Column, i: number): number {
    const a = this.v[at]!;
    const b = (column.values as Float64Array)[i]!;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  get(at: number): ResultValue {
    return this.v[at]!;
  }
}

class WordStore implements Store {
  private v: IntValues;
  private w: Int32Array;
  constructor(private readonly unsigned: boolean) {
    this.v = unsigned ? new BigUint64Array(0) : new BigInt64Array(0);
    this.w = wordsOf(this.v);
  }
  resize(cap: number, shift: number): void {
    const w = regrow(this.w, cap * 2, shift * 2);
    this.v = this.unsigned ? new BigUint64Array(w.buffer) : new BigInt64Array(w.buffer);
    this.w = w;
  }
  set(at: number, column: Column, i: number): void {
    copyWord(this.w, at, wordsOf(column.values as IntValues), i);
  }
  compare(at: number, column: Column, i: number): number {
    return compareWords(this.w, at, wordsOf(column.values as IntValues), i, this.unsigned);
  }
  get(at: number): ResultValue {
    return this.v[at]!;
  }
  /** stored[a] - other[b], wrapped to 64 bits. */
  minus(a: number, other: WordStore, b: number): bigint {
    const d = this.v[a]! - other.v[b]!;
    return this.unsigned ? BigInt.asUintN(64, d) : BigInt.asIntN(64, d);
  }
}

class BoolStore implements Store {
  v = new Uint8Array(0);
  resize(cap: number, shift: number): void {
    this.v = regrow(this.v, cap, shift);
  }
  set(at: number, column: Column, i: number): void {
    this.v[at] = (column.values as Uint8Array)[i]!;
  }
  compare(at: number, column: Column, i: number): number {
    return this.v[at]! - (column.values as Uint8Array)[i]!;
  }
  get(at: number): ResultValue {
    return this.v[at] === 1;
  }
}

class StringStore implements Store {
  v: string[] = [];
  resize(cap: number, shift: number): void {
    const out = new Array<string>(cap).fill('');
    this.v.forEach((s, i) => (out[i + shift] = s));
    this.v = out;
  }
  set(at: number, column: Column, i: number): void {
    this.v[at] = (column.values as string[])[i]!;
  }
  compare(at: number, column: Column, i: number): number {
    const a = this.v[at]!;
    const b = (column.values as string[])[i]!;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  get(at: number): ResultValue {
    return this.v[at]!;
  }
}

function storeFor(type: FieldType): Store {
  switch (type) {
    case FieldType.Float:
      return new FloatStore();
    case FieldType.Integer:
    case FieldType.Unsigned:
      return new WordStore(type === FieldType.Unsigned);
    case FieldType.Boolean:
      return new BoolStore();
    case FieldType.String:
      return new StringStore();
  }
}

/** Index of the first smallest (or largest) value in [from, to). */
export function argExtreme(column: Column, from: number, to: number, max: boolean): number {
  let best = from;
  switch (column.type) {
    case FieldType.Float: {
      const v = column.values as Float64Array;
      let bv = v[from]!;
      for (let i = from + 1; i < to; i++) {
        const x = v[i]!;
        if (max ? x > bv : x < bv) {
          bv = x;
          best = i;
        }
      }
      return best;
    }
    case FieldType.Integer:
    case FieldType.Unsigned: {
      const w = wordsOf(column.values as IntValues);
      const unsigned = column.type === FieldType.Unsigned;
      for (let i = from + 1; i < to; i++) {
        const c = compareWords(w, i, w, best, unsigned);
        if (max ? c > 0 : c < 0) best = i;
      }
      return best;
    }
    case FieldType.Boolean: {
      const v = column.values as Uint8Array;
      for (let i = from + 1; i < to; i++) if (max ? v[i]! > v[best]! : v[i]! < v[best]!) best = i;
      return best;
    }
    case FieldType.String:
      return best;
  }
}

/** Per-bucket winner with its time, for the selectors. */
abstract class SelectorAcc extends DenseAcc {
  protected readonly store: Store;
  protected ms = new Float64Array(0);
  protected sub = new Int32Array(0);
  constructor(hint: { base: number; size: number }, type: FieldType) {
    super(hint);
    this.store = storeFor(type);
  }
  protected resize(cap: number, shift: number): void {
    this.ms = regrow(this.ms, cap, shift);
    this.sub = regrow(this.sub, cap, shift);
    this.store.resize(cap, shift);
  }
  protected take(at: number, column: Column, i: number): void {
    this.store.set(at, column, i);
    this.ms[at] = column.ms[i]!;
    this.sub[at] = column.sub[i]!;
  }
  /** Sign of (stored time - time of point i). */
  protected compareTime(at: number, column: Column, i: number): number {
    return this.ms[at]! - column.ms[i]! || this.sub[at]! - column.sub[i]!;
  }
  protected value(i: number): ResultValue {
    return this.store.get(i);
  }
  protected override pointTime(i: number): { ms: number; sub: number } {
    return { ms: this.ms[i]!, sub: this.sub[i]! };
  }
}

class ExtremeAcc extends SelectorAcc {
  constructor(
    hint: { base: number; size: number },
    type: FieldType,
    private readonly max: boolean,
  ) {
    super(hint, type);
  }
  add(b: number, column: Column, from: number, to: number): void {
    const at = this.at(b);
    const i = argExtreme(column, from, to, this.max);
    if (this.n[at] === 0) {
      this.take(at, column, i);
    } else {
      const c = this.store.compare(at, column, i);
      if ((this.max ? c < 0 : c > 0) || (c === 0 && this.compareTime(at, column, i) > 0)) this.take(at, column, i);
    }
    this.n[at]! += to - from;
  }
}

class EndAcc extends SelectorAcc {
  constructor(
    hint: { base: number; size: number },
    type: FieldType,
    private readonly last: boolean,
  ) {
    super(hint, type);
  }
  add(b: number, column: Column, from: number, to: number): void {
    const at = this.at(b);
    const i = this.last ? to - 1 : from;
    if (this.n[at] === 0) {
      this.take(at, column, i);
    } else {
      const t = this.compareTime(at, column, i);
      if ((this.last ? t < 0 : t > 0) || (t === 0 && this.store.compare(at, column, i) < 0)) this.take(at, column, i);
    }
    this.n[at]! += to - from;
  }
}

class SpreadAcc extends DenseAcc {
  private readonly min: Store;
  private readonly max: Store;
  constructor(
    hint: { base: number; size: number },
    private readonly type: FieldType,
  ) {
    super(hint);
    this.min = storeFor(type);
    this.max = storeFor(type);
  }
  protected resize(cap: number, shift: number): void {
    this.min.resize(cap, shift);
    this.max.resize(cap, shift);
  }
  add(b: number, column: Column, from: number, to: number): void {
    const at = this.at(b);
    const lo = argExtreme(column, from, to, false);
    const hi = argExtreme(column, from, to, true);
    if (this.n[at] === 0 || this.min.compare(at, column, lo) > 0) this.min.set(at, column, lo);
    if (this.n[at] === 0 || this.max.compare(at, column, hi) < 0) this.max.set(at, column, hi);
    this.n[at]! += to - from;
  }
  protected value(i: number): ResultValue {
    if (this.type === FieldType.Float) return (this.max.get(i) as number) - (this.min.get(i) as number);
    return (this.max as WordStore).minus(i, this.min as WordStore, i);
  }
}
