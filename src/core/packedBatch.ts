import { WriteBatch, type BatchSeries } from './batch.ts';
import { Column, type ColumnValues } from './column.ts';
import { FieldType } from './field.ts';
import type { RowSeries, SeriesList } from './rows.ts';
import { parseSeriesKey } from './series.ts';

/**
 * A WriteBatch flattened into a few typed arrays, so a decode worker can hand it to the main thread
 * by transferring buffers: structured-cloning one object per column (tens of thousands per body at
 * high cardinality) would cost about as much as the parse it offloads.
 */
export interface PackedBatch extends NewSeries {
  /** Per series of the batch, its id in the packing side's SeriesIds. */
  readonly seriesIds: Int32Array;
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

/** What one batch taught of a SeriesIds: the keys it numbered first, from `firstNewId` on. */
export interface NewSeries {
  /** Id `firstNewId + i` is `newKeys[i]`. */
  readonly newKeys: readonly string[];
  readonly firstNewId: number;
  /** The SeriesIds generation the ids are of; a new one starts the numbering over. */
  readonly generation: number;
}

/**
 * A producing side's numbering of series keys (each decode worker has one), so that a batch carries a
 * number per series and only the keys the other side has not seen: sending every key of every batch
 * and looking each one up again there was a sixth of the main thread's work on remote write
 * batches of 2,000 1-point series. Bounded: a batch that starts with more than `capacity` keys
 * numbered starts over in a new generation, and the other side forgets its table.
 *
 * Use: `begin`, `idOf` for each series of the batch, then `end` (or `abandon` if the batch fails).
 */
export class SeriesIds {
  private readonly ids = new Map<string, number>();
  private generationNo = 0;
  private newKeys: string[] = [];
  private firstNewId = 0;

  constructor(private readonly capacity: number) {}

  get generation(): number {
    return this.generationNo;
  }

  begin(): void {
    if (this.ids.size >= this.capacity) this.restart();
    this.firstNewId = this.ids.size;
    this.newKeys = [];
  }

  idOf(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(key, id);
      this.newKeys.push(key);
    }
    return id;
  }

  end(): NewSeries {
    return { newKeys: this.newKeys, firstNewId: this.firstNewId, generation: this.generationNo };
  }

  /** A batch that failed half-way: its new ids never reach the other side, so the numbering starts over. */
  abandon(): void {
    this.restart();
  }

  /** The ids of the batch's series, in order. */
  number(batch: WriteBatch): NewSeries & { seriesIds: Int32Array } {
    this.begin();
    const seriesIds = new Int32Array(batch.series.length);
    for (let s = 0; s < batch.series.length; s++) seriesIds[s] = this.idOf(batch.series[s]!.key);
    return { seriesIds, ...this.end() };
  }

  private restart(): void {
    this.ids.clear();
    this.generationNo++;
  }
}

/** The other side's view of one SeriesIds: the series each id stands for. */
export class SeriesTable {
  private entries: RowSeries[] = [];
  private generation = -1;

  /** Learns a batch's new ids; batches must come in the order they were numbered. */
  learn(batch: NewSeries): void {
    if (batch.generation !== this.generation) {
      // A new list, not the old one emptied: rows still on their way keep the list they came with.
      this.entries = [];
      this.generation = batch.generation;
    }
    if (batch.firstNewId !== this.entries.length) throw new Error(`BUG: series ids out of step: a batch numbers from ${batch.firstNewId}, ${this.entries.length} are known`);
    for (const key of batch.newKeys) this.entries.push({ key, ...parseSeriesKey(key), keyBytes: Buffer.from(key, 'utf8') });
  }

  /** The series by id as known now; later batches only append to it until the numbering starts over. */
  get list(): SeriesList {
    return this.entries;
  }

  of(id: number): RowSeries {
    const entry = this.entries[id];
    if (entry === undefined) throw new Error(`BUG: unknown series id ${id}`);
    return entry;
  }
}

/** A batch flattened for the other side of `ids` (see PackedBatch), and the buffers to transfer with it. */
export function packBatch(batch: WriteBatch, ids: SeriesIds): { packed: PackedBatch; transfer: ArrayBuffer[] } {
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
  const numbered = ids.number(batch);
  const packed: PackedBatch = { ...numbered, fieldNames, columns, ms, sub, floats, integers, unsigned, booleans, strings };
  const transfer = [numbered.seriesIds.buffer, columns.buffer, ms.buffer, sub.buffer, floats.buffer, integers.buffer, unsigned.buffer, booleans.buffer] as ArrayBuffer[];
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

/** The WriteBatch a PackedBatch was made from; its columns are views on the packed arrays. `table` follows the packing side's SeriesIds. */
export function unpackBatch(packed: PackedBatch, table: SeriesTable): WriteBatch {
  table.learn(packed);
  const batch = new WriteBatch();
  const series: BatchSeries[] = [];
  for (const id of packed.seriesIds) {
    const { key, measurement, tags, keyBytes } = table.of(id);
    // The packing side's batch held each series once.
    series.push(batch.addNewSeries(key, measurement, tags, keyBytes));
  }
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
