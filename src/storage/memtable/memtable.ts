import { Column, FieldType, inSplitRange, withRoom, type SeriesId, type SplitTimeRange, type Tag } from '../../core/index.ts';
import { ChunkedColumn, ChunkStore } from './chunked.ts';
import { ADOPTED_RUN_ROWS, ROW_BYTES, RowLog, worthAdopting } from './rowLog.ts';

/** One series in the MemTable: a growing column per field, in arrival order (sorted at flush or read). */
export interface MemSeries {
  readonly key: string;
  readonly id: SeriesId;
  readonly measurement: string;
  readonly tags: readonly Tag[];
  readonly fields: Map<string, ChunkedColumn>;
}

// Rows of one series in a row that appendRows takes past the row log: enough to make the cache
// misses of touching the series' column cheap per row.
const DIRECT_RUN_ROWS = 16;
// Bytes a point's slot costs beyond its value: ms (8) + sub (4).
const TIMESTAMP_BYTES = 12;
// A string column's slot holds a reference; the string itself is counted per point.
const REFERENCE_BYTES = 8;
// Rough per-string overhead, to make the size trigger count string fields fairly.
const STRING_OVERHEAD = 16;

/**
 * Points that are in the WAL but not yet in a segment. Writers append whole columns, or rows of
 * float samples (see RowLog); the engine swaps in a fresh MemTable when a flush trigger fires and
 * writes this one out in the background, while reads see both.
 */
export class MemTable {
  private readonly bySeries = new Map<string, MemSeries>();
  // Per field written as rows; emptied into the series' columns before anything reads them.
  private readonly rowLogs = new Map<string, RowLog>();
  private walDefined = new Uint8Array(1024);
  readonly createdAt = Date.now();
  private readonly chunks = new ChunkStore();
  points = 0;
  bytes = 0;
  /** Writes whose WAL record is in flight and that will land here: a flush waits for them. */
  pendingWrites = 0;
  private drained: (() => void) | undefined;

  /** Every series by key, with every row written so far in its columns. */
  get series(): ReadonlyMap<string, MemSeries> {
    this.sealRows();
    return this.bySeries;
  }

  seriesFor(key: string, id: SeriesId, measurement: string, tags: readonly Tag[]): MemSeries {
    let series = this.bySeries.get(key);
    if (series === undefined) {
      series = { key, id, measurement, tags, fields: new Map() };
      this.bySeries.set(key, series);
    }
    return series;
  }

  /**
   * Appends float rows of `field`: row i is (`refs[i]`, `ms[i]`, `values[i]`), refs being series
   * index refs. `seriesOf(i)` gives the series of row i when this MemTable has no rows of its ref yet.
   * A run of rows of one series long enough goes straight to the series' column; shorter ones wait
   * in the row log (see RowLog). When most rows come in long runs, the long runs are kept as views
   * of `ms` and `values` instead of copies: the arrays become the MemTable's and must never change.
   */
  appendRows(field: string, refs: Int32Array, ms: Float64Array, values: Float64Array, count: number, seriesOf: (row: number) => MemSeries): void {
    let log = this.rowLogs.get(field);
    if (log === undefined) this.rowLogs.set(field, (log = new RowLog(field)));
    const adopt = worthAdopting(rowsInRunsOf(ADOPTED_RUN_ROWS, refs, count), count);
    if (adopt) this.bytes += ms.buffer.byteLength + values.buffer.byteLength;
    let allocated = 0;
    let logged = 0;
    for (let i = 0; i < count; ) {
      const ref = refs[i]!;
      let end = i + 1;
      while (end < count && refs[end] === ref) end++;
      let slot = log.slotOf(ref);
      if (slot < 0) slot = log.addSlot(ref, seriesOf(i));
      if (end - i >= DIRECT_RUN_ROWS && !log.holds(slot)) {
        const column = this.columnOf(log.seriesOf(slot), field, FieldType.Float);
        if (adopt && end - i >= ADOPTED_RUN_ROWS) column.adoptFloats(ms, values, i, end);
        else allocated += column.appendFloats(ms, values, i, end);
      } else {
        for (let k = i; k < end; k++) {
          if (log.full) this.seal(log);
          log.push(slot, ms[k]!, values[k]!);
        }
        logged += end - i;
      }
      i = end;
    }
    this.points += count;
    this.bytes += logged * ROW_BYTES + allocated * (TIMESTAMP_BYTES + 8);
  }

  /** Whether a WAL record written for this MemTable defined series ref `ref` (see StorageEngine.writeRows). */
  definedInWal(ref: number): boolean {
    return ref < this.walDefined.length && this.walDefined[ref] === 1;
  }

  markDefinedInWal(refs: readonly number[]): void {
    for (const ref of refs) {
      this.walDefined = withRoom(this.walDefined, ref + 1);
      this.walDefined[ref] = 1;
    }
  }

  /** Moves the rows of every log into their series' columns. */
  private sealRows(): void {
    for (const log of this.rowLogs.values()) this.seal(log);
  }

  private seal(log: RowLog): void {
    const rows = log.length;
    if (rows === 0) return;
    const sortedBytes = log.seal((series, field) => this.columnOf(series, field, FieldType.Float));
    this.bytes += sortedBytes - rows * ROW_BYTES;
  }

  private columnOf(series: MemSeries, field: string, type: FieldType): ChunkedColumn {
    let column = series.fields.get(field);
    if (column === undefined) {
      column = newColumn(series, type, this.chunks);
      series.fields.set(field, column);
    }
    return column;
  }

  append(series: MemSeries, field: string, column: Column): void {
    // Rows of the field written before this column come first, so that arrival order holds.
    const log = this.rowLogs.get(field);
    if (log !== undefined) this.seal(log);
    const target = this.columnOf(series, field, column.type);
    // Memory is counted as allocated, so that the size trigger sees what chunks really take.
    const allocated = target.append(column);
    this.points += column.length;
    if (Array.isArray(column.values)) this.bytes += allocated * (TIMESTAMP_BYTES + REFERENCE_BYTES) + column.length * stringBytes(column);
    else this.bytes += allocated * (TIMESTAMP_BYTES + (column.values as Float64Array).BYTES_PER_ELEMENT);
  }

  removeSeries(keys: Iterable<string>): void {
    this.sealRows();
    for (const key of keys) {
      const series = this.bySeries.get(key);
      if (series === undefined) continue;
      for (const column of series.fields.values()) this.points -= column.length;
      this.bySeries.delete(key);
    }
    this.forgetSlots();
  }

  /** Row logs know series by slot: after series are removed, they start over (they are empty once sealed). */
  private forgetSlots(): void {
    this.rowLogs.clear();
  }

  /** Whether any point is older than `ms`: lets retention skip a MemTable it would not change. */
  hasPointBefore(ms: number): boolean {
    for (const series of this.series.values()) {
      for (const column of series.fields.values()) if (column.hasPointBefore(ms)) return true;
    }
    return false;
  }

  /** Drops every point before `ms` (used by retention); series left empty are removed, and their keys returned. */
  dropBefore(ms: number): string[] {
    const emptied: string[] = [];
    for (const series of this.series.values()) {
      this.keepPoints(series, (t) => t >= ms);
      if (series.fields.size === 0) emptied.push(series.key);
    }
    this.forgetSlots();
    return emptied;
  }

  /** Drops the points of these series within `range` (a ranged delete); series left empty are removed. */
  deleteRange(keys: Iterable<string>, range: SplitTimeRange): void {
    for (const key of keys) {
      const series = this.series.get(key);
      if (series !== undefined) this.keepPoints(series, (ms, sub) => !inSplitRange(range, ms, sub));
    }
    this.forgetSlots();
  }

  /** Rewrites the series' columns that hold points `keep` rejects; removes fields and the series when they end up empty. */
  private keepPoints(series: MemSeries, keep: (ms: number, sub: number) => boolean): void {
    for (const [name, chunked] of series.fields) {
      const column = chunked.toColumn();
      const kept = column.filter(keep);
      if (kept === column) continue;
      this.points -= column.length - kept.length;
      if (kept.length === 0) {
        series.fields.delete(name);
      } else {
        // Arrival order is kept, so the last write of a duplicate timestamp still wins.
        const next = newColumn(series, column.type, this.chunks);
        next.append(kept);
        series.fields.set(name, next);
      }
    }
    if (series.fields.size === 0) this.bySeries.delete(series.key);
  }

  beginWrite(): void {
    this.pendingWrites++;
  }

  endWrite(): void {
    this.pendingWrites--;
    if (this.pendingWrites === 0 && this.drained) {
      const resolve = this.drained;
      this.drained = undefined;
      resolve();
    }
  }

  /** Resolves once no write that targets this MemTable is still in flight. */
  whenDrained(): Promise<void> {
    if (this.pendingWrites === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.drained;
      this.drained = () => {
        previous?.();
        resolve();
      };
    });
  }
}

/** How many of the first `count` rows are in runs of one ref at least `length` long. */
function rowsInRunsOf(length: number, refs: Int32Array, count: number): number {
  let rows = 0;
  for (let i = 0; i < count; ) {
    let end = i + 1;
    while (end < count && refs[end] === refs[i]) end++;
    if (end - i >= length) rows += end - i;
    i = end;
  }
  return rows;
}

/** The series id spreads first-chunk sizes, so chunk boundaries of series written together differ. */
function newColumn(series: MemSeries, type: Column['type'], store: ChunkStore): ChunkedColumn {
  return ChunkedColumn.forSeries(type, Number(series.id & 0xffffn), store);
}

/** Average bytes of a string column's strings. */
function stringBytes(column: Column): number {
  let total = 0;
  const values = column.values as string[];
  const n = column.length;
  // Sampling keeps this O(1) per append for large string columns.
  const step = Math.max(1, Math.floor(n / 16));
  let sampled = 0;
  for (let i = 0; i < n; i += step) {
    total += values[i]!.length + STRING_OVERHEAD;
    sampled++;
  }
  return sampled === 0 ? 0 : total / sampled;
}

