import { WriteBatch } from './batch.ts';
import { Column, type ColumnValues } from './column.ts';
import { FieldType } from './field.ts';
import { parseSeriesKey, type Tag } from './series.ts';

/**
 * A WriteBatch flattened into a few typed arrays, so a decode worker can hand it to the main thread
 * by transferring buffers: structured-cloning one object per column (tens of thousands per body at
 * high cardinality) would cost about as much as the parse it offloads.
 */
export interface PackedBatch {
  readonly keys: readonly string[];
  readonly fieldNames: readonly string[];
  /** Per column: series index, field-name index, type, point count. */
  readonly columns: Int32Array;
  readonly ms: Float64Array;
  readonly sub: Int32Array;
  readonly floats: Float64Array;
  readonly integers: BigInt64Array;
  readonly unsigned: BigUint64Array;
  readonly booleans: Uint8Array;
  readonly strings: readonly string[];
}

const COLUMN_INTS = 4;

export function packBatch(batch: WriteBatch): { packed: PackedBatch; transfer: ArrayBuffer[] } {
  let points = 0;
  let columnCount = 0;
  const perType = [0, 0, 0, 0, 0, 0];
  for (const series of batch.series) {
    for (const { column } of series.fields) {
      points += column.length;
      perType[column.type] += column.length;
      columnCount++;
    }
  }
  const columns = new Int32Array(columnCount * COLUMN_INTS);
  const ms = new Float64Array(points);
  const sub = new Int32Array(points);
  const floats = new Float64Array(perType[FieldType.Float]!);
  const integers = new BigInt64Array(perType[FieldType.Integer]!);
  const unsigned = new BigUint64Array(perType[FieldType.Unsigned]!);
  const booleans = new Uint8Array(perType[FieldType.Boolean]!);
  const strings: string[] = [];
  const fieldNames: string[] = [];
  const fieldIndex = new Map<string, number>();
  const at = [0, 0, 0, 0, 0, 0];
  let c = 0;
  let p = 0;
  batch.series.forEach((series, s) => {
    for (const { name, column } of series.fields) {
      let f = fieldIndex.get(name);
      if (f === undefined) {
        f = fieldNames.push(name) - 1;
        fieldIndex.set(name, f);
      }
      const n = column.length;
      columns[c++] = s;
      columns[c++] = f;
      columns[c++] = column.type;
      columns[c++] = n;
      copyInto(ms, p, column.ms, n);
      copyInto(sub, p, column.sub, n);
      p += n;
      const offset = at[column.type]!;
      at[column.type] = offset + n;
      switch (column.type) {
        case FieldType.Float:
          copyInto(floats, offset, column.values as Float64Array, n);
          break;
        case FieldType.Integer:
          copyInto(integers, offset, column.values as BigInt64Array, n);
          break;
        case FieldType.Unsigned:
          copyInto(unsigned, offset, column.values as BigUint64Array, n);
          break;
        case FieldType.Boolean:
          copyInto(booleans, offset, column.values as Uint8Array, n);
          break;
        case FieldType.String:
          for (let i = 0; i < n; i++) strings.push((column.values as string[])[i]!);
          break;
      }
    }
  });
  const packed: PackedBatch = { keys: batch.series.map((s) => s.key), fieldNames, columns, ms, sub, floats, integers, unsigned, booleans, strings };
  const transfer = [columns.buffer, ms.buffer, sub.buffer, floats.buffer, integers.buffer, unsigned.buffer, booleans.buffer] as ArrayBuffer[];
  return { packed, transfer };
}

// Up to this many points are copied one by one: `subarray` on a small typed array forces V8 to
// move it off the JS heap first (see core/column.ts), which was a fifth of packing a batch of
// 1-point columns (remote write).
const SMALL_COPY = 16;

/** Copies the first `n` elements of `from` to `to` at `at`. */
function copyInto<T extends Float64Array | Int32Array | BigInt64Array | BigUint64Array | Uint8Array>(to: T, at: number, from: T, n: number): void {
  if (n > SMALL_COPY) {
    (to as Float64Array).set((from as Float64Array).subarray(0, n), at);
    return;
  }
  for (let i = 0; i < n; i++) to[at + i] = from[i]!;
}

/** Measurement and tags of series keys seen before: parsing a key is the costly part of unpacking a series. */
export class SeriesKeyCache {
  private readonly entries = new Map<string, { readonly measurement: string; readonly tags: readonly Tag[] }>();

  constructor(private readonly maxEntries: number) {}

  get(key: string): { readonly measurement: string; readonly tags: readonly Tag[] } {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      // Starting over beats LRU bookkeeping on every lookup: a miss only costs one key parse.
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      entry = parseSeriesKey(key);
      this.entries.set(key, entry);
    }
    return entry;
  }
}

/** The WriteBatch a PackedBatch was made from; its columns are views on the packed arrays. */
export function unpackBatch(packed: PackedBatch, keys: SeriesKeyCache): WriteBatch {
  const batch = new WriteBatch();
  const series = packed.keys.map((key) => {
    const { measurement, tags } = keys.get(key);
    return batch.seriesByKey(key, measurement, tags);
  });
  const { columns } = packed;
  const at = [0, 0, 0, 0, 0, 0];
  let p = 0;
  for (let c = 0; c < columns.length; c += COLUMN_INTS) {
    const type = columns[c + 2]! as FieldType;
    const n = columns[c + 3]!;
    const offset = at[type]!;
    at[type] = offset + n;
    let values: ColumnValues;
    switch (type) {
      case FieldType.Float:
        values = packed.floats.subarray(offset, offset + n);
        break;
      case FieldType.Integer:
        values = packed.integers.subarray(offset, offset + n);
        break;
      case FieldType.Unsigned:
        values = packed.unsigned.subarray(offset, offset + n);
        break;
      case FieldType.Boolean:
        values = packed.booleans.subarray(offset, offset + n);
        break;
      default:
        values = packed.strings.slice(offset, offset + n);
    }
    series[columns[c]!]!.fields.push({ name: packed.fieldNames[columns[c + 1]!]!, column: Column.of(type, packed.ms.subarray(p, p + n), packed.sub.subarray(p, p + n), values, n) });
    p += n;
  }
  return batch;
}
