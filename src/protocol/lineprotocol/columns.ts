/**
 * Where parsed samples go: the batch's series and field columns as the parser sees them, and the
 * stage that holds a body's samples until they are moved into those columns.
 *
 * Staging first and moving at the end of the body means each column is made once, with exactly
 * the room its samples need, cut from one buffer for the whole body. Growing columns as lines
 * arrive instead (a small first array, then a guess) cost a third of the parse time in
 * allocation, copying and garbage collection. A bad line is also free to drop: its samples are
 * staged, never written.
 */
import { ColumnArena, FieldType, type BatchSeries, type Column, type WriteBatch } from '../../core/index.ts';
import type { KnownSeries, Layout } from './known.ts';

/** A series in one batch: its layout and, per slot, the target of that field (-1 until first used). */
export class SeriesEntry {
  readonly slotTargets: number[] = [];

  constructor(
    readonly known: KnownSeries,
    readonly series: BatchSeries,
    public layout: Layout,
    /**
     * Ids of every target of the series, shared by the entries of raw keys that are one series
     * (`m,a=1,b=2` and `m,b=2,a=1`), so that each column has one target.
     */
    readonly targets: number[],
  ) {
    for (let k = 0; k < layout.keys.length; k++) this.slotTargets.push(-1);
  }
}

/**
 * What the parser keeps per WriteBatch, so that several bodies parsed into one batch share it:
 * its series entries, and its targets. A target is one field (name and type) of one series, a
 * column the parser writes into; they are kept as columns of their own, by id, so that a batch
 * of 1,000 series by 10 fields does not make 10,000 more objects.
 */
export class BatchTable {
  readonly targetSeries: BatchSeries[] = [];
  readonly targetNames: string[] = [];
  readonly targetTypes: FieldType[] = [];
  /** Made when samples first move in, sized for them (Stage.flush). */
  readonly targetColumns: (Column | null)[] = [];

  private readonly entries: SeriesEntry[] = [];
  /** Entries by series, made only when a second body comes for the batch (see entryOf). */
  private byKnown: Map<KnownSeries, SeriesEntry> | null = null;
  /** Target ids by series, made only when a series gets a second entry (see addEntry). */
  private targetsBySeries: Map<BatchSeries, number[]> | null = null;
  private firstCall = true;
  /** Series whose `entry` points into this table, to be unhooked when the call ends. */
  private readonly hooked: KnownSeries[] = [];

  /** The table of `batch`, kept on it (WriteBatch.adapterState). */
  static of(batch: WriteBatch): BatchTable {
    if (batch.adapterState instanceof BatchTable) return batch.adapterState;
    const table = new BatchTable();
    batch.adapterState = table;
    return table;
  }

  /**
   * This batch's entry for `known`, if the batch has the series. Within a call, entries hang
   * off their KnownSeries; only a later call needs a map to find those of earlier ones.
   */
  entryOf(known: KnownSeries): SeriesEntry | undefined {
    if (known.entry !== null) return known.entry;
    if (this.firstCall) return undefined;
    if (this.byKnown === null) {
      this.byKnown = new Map();
      for (const entry of this.entries) this.byKnown.set(entry.known, entry);
    }
    const entry = this.byKnown.get(known);
    if (entry !== undefined) this.hook(known, entry);
    return entry;
  }

  /** Adds `known` to `batch` and makes its entry. */
  addEntry(known: KnownSeries, batch: WriteBatch): SeriesEntry {
    const before = batch.series.length;
    const series = batch.seriesByKey(known.key, known.measurement, known.tags);
    let targets: number[] | undefined;
    if (batch.series.length === before) {
      // The batch had the series: another raw key for it may have an entry already.
      if (this.targetsBySeries === null) {
        this.targetsBySeries = new Map();
        for (const e of this.entries) this.targetsBySeries.set(e.series, e.targets);
      }
      targets = this.targetsBySeries.get(series);
    }
    const entry = new SeriesEntry(known, series, known.layout, targets ?? []);
    this.entries.push(entry);
    this.byKnown?.set(known, entry);
    this.targetsBySeries?.set(series, entry.targets);
    this.hook(known, entry);
    return entry;
  }

  private hook(known: KnownSeries, entry: SeriesEntry): void {
    known.entry = entry;
    this.hooked.push(known);
  }

  /** Ends a call: known series must not point into a batch (that would keep it alive) or be mistaken for another batch's. */
  unhook(): void {
    for (const known of this.hooked) known.entry = null;
    this.hooked.length = 0;
    this.firstCall = false;
  }

  /** The id of the target for field `name` of `type` in `entry`'s series, made on first use. */
  targetFor(entry: SeriesEntry, name: string, type: FieldType): number {
    for (const id of entry.targets) {
      if (this.targetNames[id] === name && this.targetTypes[id] === type) return id;
    }
    const id = this.targetNames.length;
    this.targetSeries.push(entry.series);
    this.targetNames.push(name);
    this.targetTypes.push(type);
    this.targetColumns.push(null);
    entry.targets.push(id);
    return id;
  }
}

/**
 * The samples of the lines parsed so far from one body: for each sample its target and value,
 * for each line its timestamp and where its samples end. One stage serves every call (parsing
 * is synchronous), so its arrays are allocated once and only grow.
 */
export class Stage {
  /** Target id per sample. */
  target = new Int32Array(4096);
  /** The value per sample: a Float's, a Boolean's as 0/1, or the index in `objects` of an Integer's, Unsigned's or String's. */
  value = new Float64Array(4096);
  readonly objects: (bigint | string)[] = [];
  samples = 0;
  /** Per line: the end of its samples, and its timestamp. */
  lineEnd = new Int32Array(1024);
  ms = new Float64Array(1024);
  sub = new Int32Array(1024);
  lines = 0;
  /** Samples per target id, counted at flush; all zero in between. */
  private counts = new Int32Array(1024);

  growSamples(): void {
    const n = this.target.length * 2;
    const target = new Int32Array(n);
    target.set(this.target);
    const value = new Float64Array(n);
    value.set(this.value);
    this.target = target;
    this.value = value;
  }

  /** Closes the current line: its samples are [previous line's end, `samples`). */
  endLine(samples: number, ms: number, sub: number): void {
    const l = this.lines;
    if (l === this.lineEnd.length) this.growLines();
    this.lineEnd[l] = samples;
    this.ms[l] = ms;
    this.sub[l] = sub;
    this.samples = samples;
    this.lines = l + 1;
  }

  private growLines(): void {
    const n = this.lineEnd.length * 2;
    const lineEnd = new Int32Array(n);
    lineEnd.set(this.lineEnd);
    const ms = new Float64Array(n);
    ms.set(this.ms);
    const sub = new Int32Array(n);
    sub.set(this.sub);
    this.lineEnd = lineEnd;
    this.ms = ms;
    this.sub = sub;
  }

  /**
   * Moves every staged sample into its target's column, in line order, and empties the stage.
   * A function per loop: called once per body, a function with several loops is optimized on
   * stack (OSR) inside the first, and that code then deoptimizes on every call at the next.
   */
  flush(table: BatchTable): void {
    if (this.counts.length < table.targetColumns.length) {
      this.counts = new Int32Array(Math.max(table.targetColumns.length, this.counts.length * 2));
    }
    const touched = countTargets(this.target, this.samples, this.counts);
    const bytes = arenaBytes(table, touched, this.counts);
    makeColumns(table, touched, this.counts, bytes > 0 ? new ColumnArena(bytes) : undefined);
    this.scatter(table);
    this.clear();
  }

  private scatter(table: BatchTable): void {
    const { target, value, objects, lineEnd, ms, sub } = this;
    const { targetColumns: columns, targetTypes: types } = table;
    let s = 0;
    for (let l = 0; l < this.lines; l++) {
      const end = lineEnd[l]!;
      const lineMs = ms[l]!;
      const lineSub = sub[l]!;
      for (; s < end; s++) {
        const id = target[s]!;
        const column = columns[id]!;
        const i = column.length;
        column.ms[i] = lineMs;
        column.sub[i] = lineSub;
        switch (types[id]) {
          case FieldType.Float:
            (column.values as Float64Array)[i] = value[s]!;
            break;
          case FieldType.Boolean:
            (column.values as Uint8Array)[i] = value[s]!;
            break;
          case FieldType.String:
            (column.values as string[])[i] = objects[value[s]!] as string;
            break;
          default:
            (column.values as BigInt64Array)[i] = objects[value[s]!] as bigint;
        }
        column.length = i + 1;
      }
    }
  }

  clear(): void {
    this.samples = 0;
    this.lines = 0;
    this.objects.length = 0;
  }
}

/** Counts the samples of each target into `counts`; returns the targets that have some, in order of first sample. */
function countTargets(target: Int32Array, samples: number, counts: Int32Array): number[] {
  const touched: number[] = [];
  for (let s = 0; s < samples; s++) {
    const id = target[s]!;
    if (counts[id]++ === 0) touched.push(id);
  }
  return touched;
}

/** The bytes of the columns to make for the touched targets that have none yet. */
function arenaBytes(table: BatchTable, touched: number[], counts: Int32Array): number {
  const { targetColumns: columns, targetTypes: types } = table;
  let bytes = 0;
  for (const id of touched) if (columns[id] === null) bytes += ColumnArena.bytesFor(types[id]!, counts[id]!);
  return bytes;
}

/**
 * Makes room for `counts[id]` more points in each touched target's column, and zeroes the
 * counts. New columns are made to size and cut from `arena`, sized by arenaBytes.
 */
function makeColumns(table: BatchTable, touched: number[], counts: Int32Array, arena: ColumnArena | undefined): void {
  const { targetColumns: columns, targetTypes: types } = table;
  for (const id of touched) {
    let column = columns[id]!;
    if (column === null) {
      column = table.targetSeries[id]!.column(table.targetNames[id]!, types[id]!, counts[id]!, arena);
      columns[id] = column;
    }
    column.reserve(counts[id]!);
    counts[id] = 0;
  }
}
