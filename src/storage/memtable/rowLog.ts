import { SampleRows, withRoom } from '../../core/index.ts';
import type { ChunkedColumn } from './chunked.ts';
import type { MemSeries } from './memtable.ts';

/** Rows a log takes before it moves them into their series' columns on its own. */
export const ROW_LOG_ROWS = 512 * 1024;
// A power of two, as ROW_LOG_ROWS is: the log doubles up to exactly ROW_LOG_ROWS.
const FIRST_ROWS = 4096;
/** What a row costs while in the log: slot (4), time (8), value (8). */
export const ROW_BYTES = 20;
/**
 * A series with this many rows in one write keeps them where they are, as a run of the request's
 * arrays (see ChunkedColumn.adoptFloats), rather than a copy.
 */
export const ADOPTED_RUN_ROWS = 64;

/**
 * Whether rows of which `inLongRuns` belong to runs of ADOPTED_RUN_ROWS or more are kept where
 * they are: a run keeps its whole array alive, worth it only where such runs fill most of it.
 */
export function worthAdopting(inLongRuns: number, rows: number): boolean {
  return 2 * inLongRuns >= rows;
}

/**
 * Float rows of one field as they arrive, appended one after another, and moved into their series'
 * columns (`seal`) only when the log is full or a reader needs them. Appending a sample straight to
 * its series' column touches that column's memory, a few cache misses per sample when a write
 * carries one sample for each of thousands of series; sealing moves each series' samples as one
 * run. Series are known by slot: a small number per series of this log, found by series ref.
 */
export class RowLog {
  // Per series ref, its slot + 1 (0: none yet).
  private slotOfRef = new Int32Array(1024);
  private readonly slotSeries: MemSeries[] = [];
  // Per slot, how many of its rows the log holds.
  private pending = new Int32Array(1024);
  // The rows, naming their series by slot. Grown up to ROW_LOG_ROWS: most MemTables of a small
  // database never need that much.
  private readonly rows = new SampleRows(FIRST_ROWS);

  constructor(readonly field: string) {}

  get length(): number {
    return this.rows.length;
  }

  get full(): boolean {
    return this.rows.length === ROW_LOG_ROWS;
  }

  /** The slot of the series with index ref `ref`, or -1. */
  slotOf(ref: number): number {
    return ref < this.slotOfRef.length ? this.slotOfRef[ref]! - 1 : -1;
  }

  addSlot(ref: number, series: MemSeries): number {
    this.slotOfRef = withRoom(this.slotOfRef, ref + 1);
    this.slotOfRef[ref] = this.slotSeries.push(series);
    const slot = this.slotSeries.length - 1;
    this.pending = withRoom(this.pending, slot + 1);
    return slot;
  }

  seriesOf(slot: number): MemSeries {
    return this.slotSeries[slot]!;
  }

  /** Whether the log holds rows of `slot`: until it is sealed, later rows of the slot must follow them here. */
  holds(slot: number): boolean {
    return this.pending[slot]! > 0;
  }

  /** Appends a row; the log must not be full. */
  push(slot: number, ms: number, value: number): void {
    this.pending[slot]++;
    this.rows.push(slot, ms, value);
  }

  /**
   * Moves every row into its series' columns (`columnOf`), in arrival order per series, and empties
   * the log; returns the bytes of the arrays the rows were sorted into. A counting sort by slot
   * keeps each series' rows in arrival order, so the last write of a time still wins, and each
   * series keeps its part of the sorted arrays as a run (see ChunkedColumn.adoptFloats) instead of
   * a copy: a seal of a full log that copied a few rows into each of 50,000 series' chunks stalled
   * every request for 100 ms and more, and the chunks took twice the memory of the rows in them.
   */
  seal(columnOf: (series: MemSeries, field: string) => ChunkedColumn): number {
    const n = this.rows.length;
    if (n === 0) return 0;
    const slotCount = this.slotSeries.length;
    const starts = new Int32Array(slotCount + 1);
    const { series: slots, ms, values } = this.rows;
    for (let i = 0; i < n; i++) starts[slots[i]! + 1]++;
    for (let s = 0; s < slotCount; s++) starts[s + 1] += starts[s]!;
    const toMs = new Float64Array(n);
    const toValues = new Float64Array(n);
    const next = starts.slice(0, slotCount);
    for (let i = 0; i < n; i++) {
      const at = next[slots[i]!]!++;
      toMs[at] = ms[i]!;
      toValues[at] = values[i]!;
    }
    for (let s = 0; s < slotCount; s++) {
      const start = starts[s]!;
      const end = starts[s + 1]!;
      if (end > start) columnOf(this.slotSeries[s]!, this.field).adoptFloats(toMs, toValues, start, end);
    }
    this.rows.length = 0;
    this.pending.fill(0, 0, slotCount);
    return toMs.byteLength + toValues.byteLength;
  }
}
