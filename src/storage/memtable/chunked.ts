import { Column, ColumnArena, FieldType } from '../../core/index.ts';

/** Buffers chunks are cut from, in the size most chunks of a MemTable together need. */
const ARENA_BYTES = 4 * 1024 * 1024;

/**
 * Where a MemTable's chunks come from: large buffers that chunks are cut from, one after another,
 * and that live as long as the MemTable. A buffer of its own per chunk (tens of thousands per
 * MemTable at high cardinality) cost a tenth of the main thread on bulk ingest, in allocating and
 * zeroing them and in the garbage collections their external memory set off.
 */
export class ChunkStore {
  private arena: ColumnArena | undefined;
  // Arrays of float rows that columns keep runs of as they are (see ChunkedColumn.adoptFloats),
  // named by index so that a run is three small integers rather than objects of its own.
  private readonly runMs: Float64Array[] = [];
  private readonly runValues: Float64Array[] = [];

  column(type: FieldType, capacity: number): Column {
    if (this.arena === undefined || !this.arena.fits(type, capacity)) this.arena = new ColumnArena(Math.max(ARENA_BYTES, ColumnArena.bytesFor(type, capacity)));
    return new Column(type, capacity, this.arena);
  }

  /** Keeps `ms` and `values` for runs of them; the same pair gets the same number. */
  runArrays(ms: Float64Array, values: Float64Array): number {
    const last = this.runMs.length - 1;
    if (last >= 0 && this.runMs[last] === ms && this.runValues[last] === values) return last;
    this.runMs.push(ms);
    this.runValues.push(values);
    return last + 1;
  }

  msOf(arrays: number): Float64Array {
    return this.runMs[arrays]!;
  }

  valuesOf(arrays: number): Float64Array {
    return this.runValues[arrays]!;
  }
}

/** Chunks double from the first chunk's size up to this many points. */
const CHUNK_POINTS = 1024;
const FIRST_CHUNK_MIN = 16;
const FIRST_CHUNK_SPREAD = 240;

/**
 * A MemTable column kept as chunks that are never copied to grow. A single growing array doubles
 * now and then, and since series written together grow together, every column of a write would
 * reallocate and copy in the same request: a latency spike of tens of milliseconds at each power
 * of two (measured with bench/engine.bench.ts). The first chunk's size varies by series, so later
 * chunk boundaries of different series do not line up either. Each chunk is twice the size of the
 * one before, up to CHUNK_POINTS, so that with many series (each with few points) the unused
 * capacity stays below the points held, not a whole large chunk per column.
 */
export class ChunkedColumn {
  private chunkList: Column[] = [];
  /**
   * Float points kept where they arrived or were sorted to (see adoptFloats), after every chunk in
   * arrival order: per run, the store's number for its arrays, then start and end.
   */
  private runs: number[] | undefined;
  length = 0;
  /** Every point so far came strictly after the one before: the chunks read in order are sorted and unique. */
  private inOrder = true;
  // The time of the last point appended, kept here rather than read back from its chunk: that read
  // was the first touch of the chunk's memory, a cache miss per series and write, and the biggest
  // single cost of writing one sample to each of many series.
  private lastMs = -Infinity;
  private lastSub = 0;

  constructor(
    readonly type: FieldType,
    private readonly firstChunkPoints: number,
    private readonly store: ChunkStore,
  ) {}

  /** `spreadSeed` (any integer, e.g. from the series id) picks the first chunk's size. */
  static forSeries(type: FieldType, spreadSeed: number, store: ChunkStore): ChunkedColumn {
    return new ChunkedColumn(type, FIRST_CHUNK_MIN + (Math.abs(spreadSeed) % FIRST_CHUNK_SPREAD), store);
  }

  /** The chunks in arrival order, without the adopted runs after them; they may overlap in time (see `sortedChunks`). */
  get chunks(): readonly Column[] {
    return this.chunkList;
  }

  /** Adopted runs (see adoptFloats) not yet copied into chunks. */
  get runCount(): number {
    return this.runs === undefined ? 0 : this.runs.length / 3;
  }

  /** Appends points [start, end) of `src`; returns the capacity (in points) of the chunks it had to allocate. */
  append(src: Column, start = 0, end = src.length): number {
    if (this.inOrder && end > start) this.inOrder = this.continuesInOrder(src, start, end);
    let allocated = this.settleRuns();
    let from = start;
    while (from < end) {
      const last = this.chunkWithRoom();
      if (last.length === 0) allocated += last.capacity;
      const n = Math.min(end - from, last.capacity - last.length);
      last.pushRange(src, from, from + n);
      from += n;
    }
    this.length += end - start;
    if (end > start) {
      this.lastMs = src.ms[end - 1]!;
      this.lastSub = src.sub[end - 1]!;
    }
    return allocated;
  }

  /**
   * Appends float points [start, end) of `ms` and `values`, whole milliseconds (sub 0); returns the
   * capacity (in points) of the chunks it had to allocate. The column must be of type Float. Rows
   * (see RowLog) come this way: typed-array accesses of one type only, which `append`'s copy for
   * every type cannot have, made it several times faster.
   */
  appendFloats(ms: Float64Array, values: Float64Array, start: number, end: number): number {
    if (this.type !== FieldType.Float) throw new Error(`BUG: float rows appended to a column of type ${this.type}`);
    if (end <= start) return 0;
    if (this.inOrder) this.inOrder = this.floatsContinueInOrder(ms, start, end);
    const allocated = this.settleRuns() + this.copyFloats(ms, values, start, end);
    this.length += end - start;
    this.lastMs = ms[end - 1]!;
    this.lastSub = 0;
    return allocated;
  }

  /**
   * Takes float points [start, end) of `ms` and `values`, whole milliseconds, as they are: the
   * arrays become this column's (and the store's) and must never change afterwards. A run is three
   * numbers, not a chunk: copying the runs a seal sorts (a few points for each of tens of thousands
   * of series) into chunks was most of the main thread's time on such ingest, in cache misses and
   * first touches of the chunks' fresh memory, and a view per run was an object per series per seal.
   */
  adoptFloats(ms: Float64Array, values: Float64Array, start: number, end: number): void {
    if (this.type !== FieldType.Float) throw new Error(`BUG: float rows adopted by a column of type ${this.type}`);
    if (end <= start) return;
    if (this.inOrder) this.inOrder = this.floatsContinueInOrder(ms, start, end);
    (this.runs ??= []).push(this.store.runArrays(ms, values), start, end);
    this.length += end - start;
    this.lastMs = ms[end - 1]!;
    this.lastSub = 0;
  }

  /** Copies float points into the chunks; returns the capacity of the chunks it had to allocate. */
  private copyFloats(ms: Float64Array, values: Float64Array, start: number, end: number): number {
    let allocated = 0;
    let from = start;
    while (from < end) {
      const last = this.chunkWithRoom();
      if (last.length === 0) allocated += last.capacity;
      const n = Math.min(end - from, last.capacity - last.length);
      const at = last.length;
      const toMs = last.ms;
      const toValues = last.values as Float64Array;
      for (let i = 0; i < n; i++) {
        toMs[at + i] = ms[from + i]!;
        toValues[at + i] = values[from + i]!;
      }
      // A chunk's sub-milliseconds start at 0 (cut from a new arena) and stay 0 for floats written this way.
      last.length = at + n;
      from += n;
    }
    return allocated;
  }

  /** Moves the runs into chunks, before anything is appended after them (arrival order decides which write of a time wins). */
  private settleRuns(): number {
    const runs = this.runs;
    if (runs === undefined) return 0;
    this.runs = undefined;
    let allocated = 0;
    for (let r = 0; r < runs.length; r += 3) allocated += this.copyFloats(this.store.msOf(runs[r]!), this.store.valuesOf(runs[r]!), runs[r + 1]!, runs[r + 2]!);
    return allocated;
  }

  /** The last chunk if it has room, else a new one (empty, the only kind of chunk that is). */
  private chunkWithRoom(): Column {
    const last = this.chunkList[this.chunkList.length - 1];
    if (last !== undefined && last.length < last.capacity) return last;
    const chunk = this.store.column(this.type, last === undefined ? this.firstChunkPoints : Math.min(CHUNK_POINTS, Math.max(last.capacity * 2, 1)));
    this.chunkList.push(chunk);
    return chunk;
  }

  /**
   * All points in one column, in arrival order. Points spread over several chunks or runs are
   * copied into `into` when given (a column of this type, emptied first, which the caller reuses)
   * or else into a new column.
   */
  toColumn(into?: Column): Column {
    if (this.chunkList.length === 1 && this.runs === undefined) return this.chunkList[0]!;
    let out: Column;
    if (into === undefined) {
      out = new Column(this.type, this.length);
    } else {
      if (into.type !== this.type) throw new Error(`BUG: copying a ${this.type} column into a ${into.type} one`);
      into.length = 0;
      into.reserve(this.length);
      out = into;
    }
    if (this.type !== FieldType.Float) {
      for (const chunk of this.chunkList) out.pushRange(chunk);
      return out;
    }
    // Float columns (most of a flush) copy at call sites that only ever see Float64Array, as
    // appendFloats does: through pushRange, which sees every type, the copy was several times slower.
    const values = out.values as Float64Array;
    for (const chunk of this.chunkList) {
      const n = chunk.length;
      out.ms.set(chunk.ms.subarray(0, n), out.length);
      out.sub.set(chunk.sub.subarray(0, n), out.length);
      values.set((chunk.values as Float64Array).subarray(0, n), out.length);
      out.length += n;
    }
    const runs = this.runs;
    if (runs === undefined) return out;
    for (let r = 0; r < runs.length; r += 3) {
      const fromMs = this.store.msOf(runs[r]!);
      const fromValues = this.store.valuesOf(runs[r]!);
      const start = runs[r + 1]!;
      const n = runs[r + 2]! - start;
      const at = out.length;
      // Runs are mostly a few points each: a loop, rather than two subarray views per run.
      for (let i = 0; i < n; i++) {
        out.ms[at + i] = fromMs[start + i]!;
        values[at + i] = fromValues[start + i]!;
      }
      out.sub.fill(0, at, at + n);
      out.length = at + n;
    }
    return out;
  }

  /**
   * The points, sorted by time and unique (the last write of a timestamp wins), as columns: the
   * chunks themselves when that is what they are, else one column. Writes that arrive out of
   * order (several clients sending different time slices) are sorted here once and the sorted
   * column replaces the chunks and runs, so that every later read of the same data does not sort
   * it again. Runs in order are copied for each read, not kept twice.
   */
  sortedChunks(): readonly Column[] {
    if (!this.inOrder) {
      const sorted = this.toColumn().sortedUnique();
      this.chunkList = [sorted];
      this.runs = undefined;
      this.length = sorted.length;
      this.inOrder = true;
      if (sorted.length > 0) {
        this.lastMs = sorted.ms[sorted.length - 1]!;
        this.lastSub = sorted.sub[sorted.length - 1]!;
      }
    }
    return this.runs === undefined ? this.chunkList : [this.toColumn()];
  }

  /** The times of the first and the last point, sorting the points first if they came out of order; undefined when there are none. */
  timeSpan(): { readonly first: number; readonly last: number } | undefined {
    if (this.length === 0) return undefined;
    if (!this.inOrder) this.sortedChunks();
    const chunk = this.chunkList.find((c) => c.length > 0);
    const first = chunk !== undefined ? chunk.ms[0]! : this.store.msOf(this.runs![0]!)[this.runs![1]!]!;
    return { first, last: this.lastMs };
  }

  /** Whether any point is older than `ms`. */
  hasPointBefore(ms: number): boolean {
    if (this.chunkList.some((chunk) => chunk.hasPointBefore(ms))) return true;
    const runs = this.runs ?? [];
    for (let r = 0; r < runs.length; r += 3) {
      const times = this.store.msOf(runs[r]!);
      for (let i = runs[r + 1]!; i < runs[r + 2]!; i++) if (times[i]! < ms) return true;
    }
    return false;
  }

  private floatsContinueInOrder(ms: Float64Array, start: number, end: number): boolean {
    if (ms[start]! < this.lastMs || (ms[start] === this.lastMs && this.lastSub >= 0)) return false;
    for (let i = start + 1; i < end; i++) if (ms[i]! <= ms[i - 1]!) return false;
    return true;
  }

  private continuesInOrder(src: Column, start: number, end: number): boolean {
    const { ms, sub } = src;
    if (ms[start]! < this.lastMs || (ms[start] === this.lastMs && sub[start]! <= this.lastSub)) return false;
    for (let i = start + 1; i < end; i++) if (ms[i]! < ms[i - 1]! || (ms[i] === ms[i - 1] && sub[i]! <= sub[i - 1]!)) return false;
    return true;
  }
}
