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

  column(type: FieldType, capacity: number): Column {
    if (this.arena === undefined || !this.arena.fits(type, capacity)) this.arena = new ColumnArena(Math.max(ARENA_BYTES, ColumnArena.bytesFor(type, capacity)));
    return new Column(type, capacity, this.arena);
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

  /** The chunks in arrival order; they may overlap in time (see `sortedChunks`). */
  get chunks(): readonly Column[] {
    return this.chunkList;
  }

  /** Appends points [start, end) of `src`; returns the capacity (in points) of the chunks it had to allocate. */
  append(src: Column, start = 0, end = src.length): number {
    if (this.inOrder && end > start) this.inOrder = this.continuesInOrder(src, start, end);
    let allocated = 0;
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
    this.length += end - start;
    this.lastMs = ms[end - 1]!;
    this.lastSub = 0;
    return allocated;
  }

  /**
   * Takes float points [start, end) of `ms` and `values`, whole milliseconds, as a chunk of their
   * own without copying them: the arrays become this column's and must never change afterwards.
   * Copying long runs (a request of 100 samples per series) into chunks was the main thread's
   * biggest cost on such writes, most of it first touches of the chunks' fresh memory.
   */
  adoptFloats(ms: Float64Array, values: Float64Array, start: number, end: number): void {
    if (this.type !== FieldType.Float) throw new Error(`BUG: float rows adopted by a column of type ${this.type}`);
    if (end <= start) return;
    if (this.inOrder) this.inOrder = this.floatsContinueInOrder(ms, start, end);
    const n = end - start;
    // Full from the start (capacity n), so appends never write into the arrays, the shared zeros included.
    this.chunkList.push(Column.of(FieldType.Float, ms.subarray(start, end), zeroSubs(n), values.subarray(start, end), n));
    this.length += n;
    this.lastMs = ms[end - 1]!;
    this.lastSub = 0;
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
   * All points in one column, in arrival order. Points spread over several chunks are copied into
   * `into` when given (a column of this type, emptied first, which the caller reuses) or else into
   * a new column.
   */
  toColumn(into?: Column): Column {
    if (this.chunkList.length === 1) return this.chunkList[0]!;
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
    return out;
  }

  /**
   * The chunks, sorted by time and unique across all of them (the last write of a timestamp
   * wins). Writes that arrive out of order (several clients sending different time slices) are
   * sorted here once and the sorted column replaces the chunks, so that every later read of the
   * same data does not sort it again.
   */
  sortedChunks(): readonly Column[] {
    if (!this.inOrder) {
      const sorted = this.toColumn().sortedUnique();
      this.chunkList = [sorted];
      this.length = sorted.length;
      this.inOrder = true;
      if (sorted.length > 0) {
        this.lastMs = sorted.ms[sorted.length - 1]!;
        this.lastSub = sorted.sub[sorted.length - 1]!;
      }
    }
    return this.chunkList;
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

// Sub-milliseconds of adopted chunks, all zero: views of one shared array (read only, as adopted
// chunks are never appended to) rather than 4 fresh bytes per point. One array for every length:
// an array kept per length would hold up to 33 MB once runs of every length up to 4,096 had come.
const SHARED_ZERO_SUBS = new Int32Array(4096);

function zeroSubs(n: number): Int32Array {
  return n <= SHARED_ZERO_SUBS.length ? SHARED_ZERO_SUBS.subarray(0, n) : new Int32Array(n);
}
