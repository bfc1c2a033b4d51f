import { Column, type ColumnArena } from './column.ts';
import type { FieldType, FieldValue } from './field.ts';
import { canonicalSeriesKey, sortTags, type Tag } from './series.ts';
import { timestampMillis, timestampSubMillis, type Timestamp } from './time.ts';

/** One field of one series in a batch. */
export interface BatchField {
  readonly name: string;
  readonly column: Column;
}

/** One series in a batch, with a column per field. */
export class BatchSeries {
  readonly fields: BatchField[] = [];

  constructor(
    readonly key: string,
    readonly measurement: string,
    readonly tags: readonly Tag[],
    /**
     * The key's UTF-8 bytes, when the batch's producer keeps them per series (the decode workers'
     * series tables do): the WAL record then copies them instead of encoding the key again.
     */
    readonly keyBytes?: Uint8Array,
  ) {}

  /**
   * The column of `name`, created with `type` and room for `capacity` points (cut from `arena`
   * if given) on first use. A second type for one field in one batch is a conflict the engine reports.
   */
  column(name: string, type: FieldType, capacity?: number, arena?: ColumnArena): Column {
    for (const field of this.fields) {
      if (field.name === name && field.column.type === type) return field.column;
    }
    const column = new Column(type, capacity, arena);
    this.fields.push({ name, column });
    return column;
  }
}

/**
 * Points to write, grouped by series and field into columns. Protocol adapters fill it (the line
 * protocol parser with its own fast path, remote write from decoded samples); the engine writes
 * it in one WAL record and appends its columns to the MemTable without touching single samples.
 */
export class WriteBatch {
  readonly series: BatchSeries[] = [];
  /** Built on the first lookup: batches unpacked from a worker are never looked up in. */
  private byKey: Map<string, BatchSeries> | undefined;
  /**
   * What the adapter filling the batch keeps about it between calls, so that it is dropped with
   * the batch (the line protocol parser keeps its series table here). Not part of the points.
   * A WeakMap from batch to state would do the same, but V8's young-generation GC keeps WeakMap
   * values alive: every batch then survived until a full GC, which cost a third of parse time.
   */
  adapterState: unknown = undefined;

  /** The batch's entry for a series given by its canonical key (see `canonicalSeriesKey`), and the key's UTF-8 bytes if at hand. */
  seriesByKey(key: string, measurement: string, sortedTags: readonly Tag[], keyBytes?: Uint8Array): BatchSeries {
    const byKey = (this.byKey ??= new Map(this.series.map((s) => [s.key, s])));
    let entry = byKey.get(key);
    if (entry === undefined) {
      entry = new BatchSeries(key, measurement, sortedTags, keyBytes);
      byKey.set(key, entry);
      this.series.push(entry);
    }
    return entry;
  }

  /** Adds a series the caller knows the batch does not hold yet, without looking it up. */
  addNewSeries(key: string, measurement: string, sortedTags: readonly Tag[], keyBytes?: Uint8Array): BatchSeries {
    const entry = new BatchSeries(key, measurement, sortedTags, keyBytes);
    this.byKey?.set(key, entry);
    this.series.push(entry);
    return entry;
  }

  /** The batch's entry for a series; tags in any order. */
  seriesFor(measurement: string, tags: readonly Tag[]): BatchSeries {
    const sorted = sortTags(tags).filter((t) => t.value !== '');
    return this.seriesByKey(canonicalSeriesKey(measurement, sorted), measurement, sorted);
  }

  /** Slow-path convenience for single points (tests, small writes). */
  addPoint(point: Point): void {
    const series = this.seriesFor(point.measurement, point.tags);
    const ms = timestampMillis(point.timestamp);
    const sub = timestampSubMillis(point.timestamp);
    for (const field of point.fields) series.column(field.key, field.value.type).pushValue(ms, sub, field.value);
  }

  get sampleCount(): number {
    let n = 0;
    for (const s of this.series) for (const f of s.fields) n += f.column.length;
    return n;
  }
}

export interface Field {
  readonly key: string;
  readonly value: FieldValue;
}

export interface Point {
  readonly measurement: string;
  readonly tags: readonly Tag[];
  readonly fields: readonly Field[];
  readonly timestamp: Timestamp;
}

export function batchOf(points: Iterable<Point>): WriteBatch {
  const batch = new WriteBatch();
  for (const p of points) batch.addPoint(p);
  return batch;
}
