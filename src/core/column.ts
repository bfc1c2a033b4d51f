import { InvalidFieldTypeError } from './errors.ts';
import { FieldType, type FieldValue } from './field.ts';
import { joinTimestamp, type Timestamp } from './time.ts';

const SMALL_COPY = 16;
const ON_HEAP_POINTS = 8;

export type ColumnValues = Float64Array | BigInt64Array | BigUint64Array | Uint8Array | string[];

/** An array of `capacity` values of a field type: the `values` of a Column of that type. */
export function allocValues(type: FieldType, capacity: number): ColumnValues {
  switch (type) {
    case FieldType.Float:
      return new Float64Array(capacity);
    case FieldType.Integer:
      return new BigInt64Array(capacity);
    case FieldType.Unsigned:
      return new BigUint64Array(capacity);
    case FieldType.Boolean:
      return new Uint8Array(capacity);
    case FieldType.String:
      return new Array<string>(capacity);
    default:
      // Unreachable from typed code; guards JavaScript callers and decoded bytes.
      throw new InvalidFieldTypeError(type);
  }
}

interface Storage {
  readonly ms: Float64Array;
  readonly sub: Int32Array;
  readonly values: ColumnValues;
}

/** Bytes per point in a shared buffer: ms (f64), sub (i32) and the value (8 bytes, 1 for booleans, none for strings). */
function pointBytes(type: FieldType): number {
  return type === FieldType.String ? 12 : type === FieldType.Boolean ? 13 : 20;
}

/**
 * The three arrays of a column of `capacity` points cut from `buffer` at byte `at`, which is a
 * multiple of 8. Laid out 8-byte values first so every view is aligned: ms (f64), values
 * (8 bytes), sub (i32), booleans (1 byte); strings' values are a JS array.
 */
function cutStorage(type: FieldType, capacity: number, buffer: ArrayBuffer, at: number): Storage {
  const ms = new Float64Array(buffer, at, capacity);
  const next = at + capacity * 8;
  switch (type) {
    case FieldType.Float:
      return { ms, values: new Float64Array(buffer, next, capacity), sub: new Int32Array(buffer, next + capacity * 8, capacity) };
    case FieldType.Integer:
      return { ms, values: new BigInt64Array(buffer, next, capacity), sub: new Int32Array(buffer, next + capacity * 8, capacity) };
    case FieldType.Unsigned:
      return { ms, values: new BigUint64Array(buffer, next, capacity), sub: new Int32Array(buffer, next + capacity * 8, capacity) };
    case FieldType.Boolean:
      return { ms, sub: new Int32Array(buffer, next, capacity), values: new Uint8Array(buffer, next + capacity * 4, capacity) };
    case FieldType.String:
      return { ms, sub: new Int32Array(buffer, next, capacity), values: new Array<string>(capacity) };
    default:
      throw new InvalidFieldTypeError(type);
  }
}

// Zero-length arrays cannot be written, so every empty column can share them; `reserve` replaces
// them before the first point. Each would otherwise cost ~180 bytes of heap.
const EMPTY_MS = new Float64Array(0);
const EMPTY_SUB = new Int32Array(0);
const EMPTY_VALUES: Record<FieldType, ColumnValues | null> = {
  [FieldType.Float]: new Float64Array(0),
  [FieldType.Integer]: new BigInt64Array(0),
  [FieldType.Unsigned]: new BigUint64Array(0),
  [FieldType.Boolean]: new Uint8Array(0),
  [FieldType.String]: null, // a JS array would grow when written
};

/**
 * The three arrays of a column of `capacity` points. For numeric types they share one
 * ArrayBuffer: one backing-store allocation instead of three, which is most of what creating and
 * growing columns costs.
 */
function allocStorage(type: FieldType, capacity: number, arena: ColumnArena | undefined): Storage {
  if (capacity === 0) {
    const values = EMPTY_VALUES[type] ?? allocValues(type, 0);
    return { ms: EMPTY_MS, sub: EMPTY_SUB, values };
  }
  const cut = arena?.cut(type, capacity);
  if (cut !== undefined) return cut;
  // Arrays of up to 64 bytes live on the JS heap, where the young generation allocates and frees
  // them almost for free; a buffer of their own pays off only beyond that (measured: 1-point
  // columns of small writes got slower with it).
  if (type === FieldType.String || capacity <= ON_HEAP_POINTS) {
    return { ms: new Float64Array(capacity), sub: new Int32Array(capacity), values: allocValues(type, capacity) };
  }
  return cutStorage(type, capacity, new ArrayBuffer(capacity * pointBytes(type)), 0);
}

/**
 * One ArrayBuffer that the arrays of many columns are cut from, for a producer that knows how
 * many columns of what size it is about to make (the line protocol parser, per body): one
 * allocation for all of them, and views instead of on-heap arrays, which take 2.5x the heap.
 * The buffer lives as long as any column cut from it; a column that grows moves out of it.
 * Never transfer such a column's `.buffer` to a worker: that would detach every column in it.
 */
export class ColumnArena {
  private readonly buffer: ArrayBuffer;
  private offset = 0;

  constructor(bytes: number) {
    this.buffer = new ArrayBuffer(bytes);
  }

  /** The bytes a column of `type` and `capacity` takes in an arena. */
  static bytesFor(type: FieldType, capacity: number): number {
    return Math.ceil((capacity * pointBytes(type)) / 8) * 8;
  }

  /** Whether a column of `type` and `capacity` still fits. */
  fits(type: FieldType, capacity: number): boolean {
    return this.offset + ColumnArena.bytesFor(type, capacity) <= this.buffer.byteLength;
  }

  /** A column's arrays, or undefined when the arena has no room left for them. */
  cut(type: FieldType, capacity: number): Storage | undefined {
    const bytes = ColumnArena.bytesFor(type, capacity);
    if (this.offset + bytes > this.buffer.byteLength) return undefined;
    const storage = cutStorage(type, capacity, this.buffer, this.offset);
    this.offset += bytes;
    return storage;
  }
}

/** Copies points [start, end) of `from` to `to` at `at`; both hold the same type and `to` has room. */
function copyPoints(to: Storage, at: number, from: Storage, start: number, end: number): void {
  const n = end - start;
  if (n <= 0) return;
  if (n <= SMALL_COPY) {
    // `subarray` on a small typed array forces V8 to move it off the JS heap (an allocation
    // and a copy); for the 1-point columns of remote write and small batches, a loop is far cheaper.
    const values = to.values as Float64Array;
    const fromValues = from.values as Float64Array;
    for (let i = 0; i < n; i++) {
      to.ms[at + i] = from.ms[start + i]!;
      to.sub[at + i] = from.sub[start + i]!;
      values[at + i] = fromValues[start + i]!;
    }
    return;
  }
  to.ms.set(from.ms.subarray(start, end), at);
  to.sub.set(from.sub.subarray(start, end), at);
  if (Array.isArray(to.values)) {
    const fromValues = from.values as string[];
    for (let i = 0; i < n; i++) to.values[at + i] = fromValues[start + i]!;
  } else {
    (to.values as Float64Array).set((from.values as Float64Array).subarray(start, end), at);
  }
}

/**
 * The points of one field of one series: timestamps in split form (see time.ts) and values in a
 * typed array of the field's type. Columns grow in place and are the unit that batches, the
 * MemTable, codecs and scans pass around, so no object is made per sample.
 * Booleans are stored as 0/1 bytes; integers as int64, unsigned as uint64.
 */
/** A point's identity within its series, as a Set or Map key: its time to the nanosecond. */
export function pointTimeKey(ms: number, sub: number): string {
  return `${ms}:${sub}`;
}

export class Column {
  readonly type: FieldType;
  length = 0;
  ms: Float64Array;
  sub: Int32Array;
  values: ColumnValues;

  /** With `arena`, the arrays are cut from it while it has room. */
  constructor(type: FieldType, capacity = 8, arena?: ColumnArena) {
    this.type = type;
    const storage = allocStorage(type, capacity, arena);
    this.ms = storage.ms;
    this.sub = storage.sub;
    this.values = storage.values;
  }

  /** Wraps arrays that already hold `length` points (a decoded block, say) without copying. */
  static of(type: FieldType, ms: Float64Array, sub: Int32Array, values: ColumnValues, length = ms.length): Column {
    const column = new Column(type, 0);
    column.ms = ms;
    column.sub = sub;
    column.values = values;
    column.length = length;
    return column;
  }

  get capacity(): number {
    return this.ms.length;
  }

  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.ms.length) return;
    const capacity = Math.max(need, this.ms.length * 2, 8);
    const storage = allocStorage(this.type, capacity, undefined);
    copyPoints(storage, 0, this, 0, this.length);
    this.ms = storage.ms;
    this.sub = storage.sub;
    this.values = storage.values;
  }

  pushFloat(ms: number, sub: number, value: number): void {
    if (this.length === this.ms.length) this.reserve(1);
    const i = this.length++;
    this.ms[i] = ms;
    this.sub[i] = sub;
    (this.values as Float64Array)[i] = value;
  }

  /** For Integer and Unsigned columns. */
  pushBigInt(ms: number, sub: number, value: bigint): void {
    if (this.length === this.ms.length) this.reserve(1);
    const i = this.length++;
    this.ms[i] = ms;
    this.sub[i] = sub;
    (this.values as BigInt64Array)[i] = value;
  }

  pushString(ms: number, sub: number, value: string): void {
    if (this.length === this.ms.length) this.reserve(1);
    const i = this.length++;
    this.ms[i] = ms;
    this.sub[i] = sub;
    (this.values as string[])[i] = value;
  }

  pushBoolean(ms: number, sub: number, value: boolean): void {
    if (this.length === this.ms.length) this.reserve(1);
    const i = this.length++;
    this.ms[i] = ms;
    this.sub[i] = sub;
    (this.values as Uint8Array)[i] = value ? 1 : 0;
  }

  /** Slow path for single values; the caller has checked that `value.type` is this column's type. */
  pushValue(ms: number, sub: number, value: FieldValue): void {
    switch (value.type) {
      case FieldType.Float:
        return this.pushFloat(ms, sub, value.value);
      case FieldType.Integer:
      case FieldType.Unsigned:
        return this.pushBigInt(ms, sub, value.value);
      case FieldType.String:
        return this.pushString(ms, sub, value.value);
      case FieldType.Boolean:
        return this.pushBoolean(ms, sub, value.value);
    }
  }

  /** Appends points [start, end) of `src`, which has the same type. */
  pushRange(src: Column, start = 0, end = src.length): void {
    const n = end - start;
    if (n <= 0) return;
    this.reserve(n);
    if (n <= SMALL_COPY) {
      // As in copyPoints, inlined: this is the MemTable's hot path (a call here cost ~3%).
      const { ms, sub } = this;
      const values = this.values as Float64Array;
      const from = src.values as Float64Array;
      for (let i = 0; i < n; i++) {
        ms[this.length + i] = src.ms[start + i]!;
        sub[this.length + i] = src.sub[start + i]!;
        values[this.length + i] = from[start + i]!;
      }
      this.length += n;
      return;
    }
    copyPoints(this, this.length, src, start, end);
    this.length += n;
  }

  /** Whether some point is older than `ms` (retention's question). */
  hasPointBefore(ms: number): boolean {
    for (let i = 0; i < this.length; i++) if (this.ms[i]! < ms) return true;
    return false;
  }

  /** The points whose time `keep` accepts, in order: this column itself when it accepts them all. */
  filter(keep: (ms: number, sub: number) => boolean): Column {
    let out: Column | undefined;
    let runStart = 0;
    for (let i = 0; i < this.length; i++) {
      if (keep(this.ms[i]!, this.sub[i]!)) continue;
      out ??= new Column(this.type, this.length);
      out.pushRange(this, runStart, i);
      runStart = i + 1;
    }
    if (out === undefined) return this;
    out.pushRange(this, runStart, this.length);
    return out;
  }

  timestampAt(i: number): Timestamp {
    return joinTimestamp(this.ms[i]!, this.sub[i]!);
  }

  valueAt(i: number): FieldValue {
    switch (this.type) {
      case FieldType.Float:
        return { type: FieldType.Float, value: (this.values as Float64Array)[i]! };
      case FieldType.Integer:
        return { type: FieldType.Integer, value: (this.values as BigInt64Array)[i]! };
      case FieldType.Unsigned:
        return { type: FieldType.Unsigned, value: (this.values as BigUint64Array)[i]! };
      case FieldType.String:
        return { type: FieldType.String, value: (this.values as string[])[i]! };
      case FieldType.Boolean:
        return { type: FieldType.Boolean, value: (this.values as Uint8Array)[i] === 1 };
    }
  }

  /** True when timestamps strictly increase: sorted and without duplicates. */
  isStrictlySorted(): boolean {
    const { ms, sub } = this;
    for (let i = 1; i < this.length; i++) {
      if (ms[i]! < ms[i - 1]! || (ms[i] === ms[i - 1] && sub[i]! <= sub[i - 1]!)) return false;
    }
    return true;
  }

  /**
   * A column with the same points sorted by time in which, for each duplicate timestamp, only
   * the point pushed last survives (last write wins, InfluxDB's rule). Returns `this` when the
   * column is already strictly sorted, which is the common case.
   */
  sortedUnique(): Column {
    if (this.isStrictlySorted()) return this;
    const n = this.length;
    const order = sortedOrder(this.ms, this.sub, n);
    const { ms, sub } = this;
    const out = new Column(this.type, n);
    let w = -1;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      if (w >= 0 && out.ms[w] === ms[i] && out.sub[w] === sub[i]) {
        out.length = w; // overwrite the earlier duplicate
      } else {
        w++;
      }
      out.pushRange(this, i, i + 1);
    }
    return out;
  }

  /** A copy of points [start, end). */
  slice(start: number, end: number): Column {
    const out = new Column(this.type, Math.max(end - start, 0));
    out.pushRange(this, start, end);
    return out;
  }
}

/**
 * Indexes of the first `n` points in time order, ties in arrival order. Out-of-order data is
 * almost always a few sorted runs (one per write that arrived late), so this merges the natural
 * runs pairwise: O(n log runs), and no comparator callback per comparison as Array.sort needs.
 */
function sortedOrder(ms: Float64Array, sub: Int32Array, n: number): Uint32Array {
  let order = new Uint32Array(n);
  let spare = new Uint32Array(n);
  const starts: number[] = [0];
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (i > 0 && (ms[i]! < ms[i - 1]! || (ms[i] === ms[i - 1] && sub[i]! < sub[i - 1]!))) starts.push(i);
  }
  let runs = starts;
  while (runs.length > 1) {
    const next: number[] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const lo = runs[r]!;
      const mid = r + 1 < runs.length ? runs[r + 1]! : n;
      const hi = r + 2 < runs.length ? runs[r + 2]! : n;
      next.push(lo);
      let a = lo;
      let b = mid;
      let w = lo;
      while (a < mid && b < hi) {
        const x = order[a]!;
        const y = order[b]!;
        // The left run holds only earlier arrivals: taking it on equal times keeps arrival order.
        if (ms[y]! < ms[x]! || (ms[y] === ms[x] && sub[y]! < sub[x]!)) {
          spare[w++] = y;
          b++;
        } else {
          spare[w++] = x;
          a++;
        }
      }
      while (a < mid) spare[w++] = order[a++]!;
      while (b < hi) spare[w++] = order[b++]!;
    }
    [order, spare] = [spare, order];
    runs = next;
  }
  return order;
}
