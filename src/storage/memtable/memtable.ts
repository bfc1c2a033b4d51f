import { Column, inSplitRange, type SeriesId, type SplitTimeRange, type Tag } from '../../core/index.ts';
import { ChunkedColumn, ChunkStore } from './chunked.ts';

/** One series in the MemTable: a growing column per field, in arrival order (sorted at flush or read). */
export interface MemSeries {
  readonly key: string;
  readonly id: SeriesId;
  readonly measurement: string;
  readonly tags: readonly Tag[];
  readonly fields: Map<string, ChunkedColumn>;
}

// Bytes a point's slot costs beyond its value: ms (8) + sub (4).
const TIMESTAMP_BYTES = 12;
// A string column's slot holds a reference; the string itself is counted per point.
const REFERENCE_BYTES = 8;
// Rough per-string overhead, to make the size trigger count string fields fairly.
const STRING_OVERHEAD = 16;

/**
 * Points that are in the WAL but not yet in a segment. Writers append whole columns; the engine
 * swaps in a fresh MemTable when a flush trigger fires and writes this one out in the background,
 * while reads see both.
 */
export class MemTable {
  readonly series = new Map<string, MemSeries>();
  readonly createdAt = Date.now();
  private readonly chunks = new ChunkStore();
  points = 0;
  bytes = 0;
  /** Writes whose WAL record is in flight and that will land here: a flush waits for them. */
  pendingWrites = 0;
  private drained: (() => void) | undefined;

  seriesFor(key: string, id: SeriesId, measurement: string, tags: readonly Tag[]): MemSeries {
    let series = this.series.get(key);
    if (series === undefined) {
      series = { key, id, measurement, tags, fields: new Map() };
      this.series.set(key, series);
    }
    return series;
  }

  append(series: MemSeries, field: string, column: Column): void {
    let target = series.fields.get(field);
    if (target === undefined) {
      target = newColumn(series, column.type, this.chunks);
      series.fields.set(field, target);
    }
    // Memory is counted as allocated, so that the size trigger sees what chunks really take.
    const allocated = target.append(column);
    this.points += column.length;
    if (Array.isArray(column.values)) this.bytes += allocated * (TIMESTAMP_BYTES + REFERENCE_BYTES) + column.length * stringBytes(column);
    else this.bytes += allocated * (TIMESTAMP_BYTES + (column.values as Float64Array).BYTES_PER_ELEMENT);
  }

  removeSeries(keys: Iterable<string>): void {
    for (const key of keys) {
      const series = this.series.get(key);
      if (series === undefined) continue;
      for (const column of series.fields.values()) this.points -= column.length;
      this.series.delete(key);
    }
  }

  /** Whether any point is older than `ms`: lets retention skip a MemTable it would not change. */
  hasPointBefore(ms: number): boolean {
    for (const series of this.series.values()) {
      for (const column of series.fields.values()) if (column.chunks.some((chunk) => chunk.hasPointBefore(ms))) return true;
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
    return emptied;
  }

  /** Drops the points of these series within `range` (a ranged delete); series left empty are removed. */
  deleteRange(keys: Iterable<string>, range: SplitTimeRange): void {
    for (const key of keys) {
      const series = this.series.get(key);
      if (series !== undefined) this.keepPoints(series, (ms, sub) => !inSplitRange(range, ms, sub));
    }
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
    if (series.fields.size === 0) this.series.delete(series.key);
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

