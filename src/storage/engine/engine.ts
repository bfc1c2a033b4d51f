import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  Column,
  EngineClosedError,
  FieldTypeConflictError,
  InvalidPointError,
  MAX_TIMESTAMP,
  MIN_TIMESTAMP,
  PartialWriteError,
  TimestampOutOfRangeError,
  WriteBatch,
  batchOf,
  measurementOfKey,
  parseSeriesKey,
  pointTimeKey,
  splitRange,
  timestampMillis,
  ALL_TIME,
  FieldType,
  type Logger,
  withRoom,
  type RowSeries,
  type SampleRows,
  type SeriesList,
  type Point,
  type RustsError,
  type SeriesId,
  type SplitTimeRange,
  type Tag,
  type TimeRange,
  type Timestamp,
} from '../../core/index.ts';
import { RoaringBitmap32, SeriesIndex, type Matcher } from '../../index/index.ts';
import { NodeFs, isErrnoCode, mkdirDurable, writeFileAtomic, type Fs } from '../fs/index.ts';
import { MemTable, type ChunkedColumn } from '../memtable/index.ts';
import { BlockCache, SegmentReader, segmentFileName, writeSegment, type SeriesToWrite } from '../segment/index.ts';
import { Wal, WalRecordType, segmentName, decodeSampleRows, decodeWriteBatch, sampleRowsRecord, writeBatchRecord, type DecodedSampleRows, type ReplayReport } from '../wal/index.ts';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './options.ts';
import { Partition } from './partition.ts';
import {
  RECORD_DELETE_RANGE,
  RECORD_DELETE_SERIES,
  RECORD_DROP_BEFORE,
  decodeDeleteRange,
  decodeDeleteSeries,
  decodeDropBefore,
  encodeDeleteRange,
  encodeDeleteSeries,
  encodeDropBefore,
} from './records.ts';
import { Tombstones, type Tombstone } from './tombstones.ts';
import { loadIndex, openPartitions } from './recovery.ts';
import { chooseCompaction, compactSegments } from './compaction.ts';
import { mergeColumns, removeRanges } from './merge.ts';
import { blockOverlaps, hasPointsOutside, hasPointsWithin } from './deleted.ts';
import { acquireDataDirLock, releaseDataDirLock } from './lock.ts';
import type { ScanReport } from '../scan.ts';

/** Errors one writeRows call reports at most: one per problem is plenty to fix a sender. */
const MAX_ROW_ERRORS = 5;

/** How many series a flush prepares between turns of the event loop (see writeMemTable and YIELD_EVERY_POINTS in writeSegment). */
const FLUSH_YIELD_SERIES = 64;

export interface WriteResult {
  /** Points (field values) written and durable per the WAL mode. */
  readonly written: number;
  /** One error per rejected column of the batch; the rest of the batch was written. */
  readonly errors: readonly RustsError[];
  readonly dropped: number;
}

export interface PartitionStats {
  readonly startMs: number;
  readonly endMs: number;
  readonly segments: number;
  readonly points: number;
  readonly bytes: number;
}

export interface EngineStats {
  readonly series: number;
  /** Points in segments plus points still in MemTables (a point rewritten counts until compaction). */
  readonly points: number;
  readonly memtablePoints: number;
  readonly bytesOnDisk: number;
  readonly partitions: number;
  readonly perPartition: readonly PartitionStats[];
  readonly flushes: number;
  readonly compactions: number;
  /** Deletes (whole series or time ranges of one) whose points some segment still holds (see tombstones.ts). */
  readonly tombstones: number;
  readonly walReplay: ReplayReport | undefined;
}

/** What to read: series by matchers (conjunction), fields by name (all when omitted), a time range. */
export interface SelectRequest {
  readonly matchers: readonly Matcher[];
  readonly fields?: readonly string[];
  readonly range?: TimeRange;
}

/** One series' data for a select: every field's points sorted by time, unique, within the range. */
export interface SeriesData {
  readonly key: string;
  readonly id: SeriesId;
  readonly measurement: string;
  readonly tags: readonly Tag[];
  readonly fields: ReadonlyArray<{ readonly name: string; readonly column: Column }>;
}

// One instance, so that the data directory lock sees every engine of this process that uses it.
const defaultFs = new NodeFs();
const MIN_MS = timestampMillis(MIN_TIMESTAMP);
const MAX_MS = timestampMillis(MAX_TIMESTAMP);
const INDEX_FILE = 'series.idx';
// The extremes of a WAL delete-range record's i64 bounds.
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The single-node storage engine: WAL -> MemTable -> segments in time partitions, with the series
 * index beside them. See DESIGN.md (write and read paths) and docs/format/.
 *
 * Ordering rules that keep acknowledged data safe:
 * - a write is acknowledged only after its WAL record is written (and fsynced, per the mode), and
 *   only then applied to the MemTable, in WAL order;
 * - a flush swaps the MemTable and rotates the WAL in the same tick, so every record of the old
 *   WAL segments is in the old MemTable; those WAL segments are removed only after the segment
 *   files and the index snapshot are durable.
 */
export class StorageEngine {
  readonly options: EngineOptions;
  private readonly logger: Logger;
  private readonly fs: Fs;
  private readonly index: SeriesIndex;
  private readonly wal: Wal;
  private readonly tombstones: Tombstones;
  private readonly partitions = new Map<number, Partition>();
  private readonly fieldTypes = new Map<string, Map<string, FieldType>>();
  private readonly cache: BlockCache;
  private active = new MemTable();
  /** MemTables being flushed (or whose flush failed and will be retried), oldest first. */
  private readonly immutable: Array<{ readonly memtable: MemTable; readonly seq: number; readonly walRotation: Promise<number> }> = [];
  private nextSeq: number;
  private background: Promise<void> = Promise.resolve();
  private backgroundError: unknown;
  private ageTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readsInFlight = 0;
  private readonly retired: SegmentReader[] = [];
  private flushes = 0;
  private compactions = 0;
  private walReplay: ReplayReport | undefined;
  /** `refLimit/size` of the index when its snapshot was last written (refs are never reused). */
  private savedIndexVersion = '';
  /** Counts removals from the index: refs cached for rows' series (see refsOf) are good while it stays. */
  private refEpoch = 0;
  private readonly rowRefs = new WeakMap<SeriesList, { epoch: number; refs: Int32Array }>();

  private constructor(options: EngineOptions, fs: Fs, logger: Logger, cache: BlockCache, index: SeriesIndex, wal: Wal, tombstones: Tombstones, nextSeq: number) {
    this.options = options;
    this.fs = fs;
    this.logger = logger;
    this.index = index;
    this.wal = wal;
    this.tombstones = tombstones;
    this.nextSeq = nextSeq;
    this.cache = cache;
  }

  /**
   * Opens (creating if needed) the engine in `options.dataDir`: loads the index snapshot, opens
   * every segment footer, replays the WAL into the MemTable. A torn WAL tail is truncated and
   * logged; the engine still opens. `deps.cache`, when given, is shared with other engines (its keys
   * are segment paths, which never collide), and `blockCacheBytes` is then its owner's to set.
   */
  static async open(options: Partial<EngineOptions> & { dataDir: string }, deps: { logger: Logger; fs?: Fs; cache?: BlockCache }): Promise<StorageEngine> {
    const opts: EngineOptions = { ...DEFAULT_ENGINE_OPTIONS, ...options };
    const fs = deps.fs ?? defaultFs;
    const dir = opts.dataDir;
    for (const sub of ['/wal', '/partitions', '/index']) await mkdirDurable(fs, dir + sub);
    await acquireDataDirLock(fs, dir);
    try {
      return await StorageEngine.openLocked(opts, fs, deps.logger, deps.cache ?? new BlockCache(opts.blockCacheBytes));
    } catch (err) {
      await releaseDataDirLock(fs, dir);
      throw err;
    }
  }

  private static async openLocked(opts: EngineOptions, fs: Fs, logger: Logger, cache: BlockCache): Promise<StorageEngine> {
    const dir = opts.dataDir;

    const index = await loadIndex(fs, `${dir}/index/${INDEX_FILE}`, logger);
    const tombstones = await Tombstones.load(fs, `${dir}/index`);
    const wal = await Wal.open(fs, `${dir}/wal`, { durability: opts.walDurability, segmentBytes: opts.walSegmentBytes, logger });
    const engine = new StorageEngine(opts, fs, logger, cache, index, wal, tombstones, 1);
    try {
      await engine.openPartitions();
      await engine.replayWal();
    } catch (err) {
      await engine.closeFiles();
      throw err;
    }
    engine.startAgeTimer();
    return engine;
  }

  private async openPartitions(): Promise<void> {
    let maxSeq = 0;
    for (const partition of await openPartitions(this.fs, `${this.options.dataDir}/partitions`, this.cache, this.logger)) {
      this.partitions.set(partition.startMs, partition);
      for (const segment of partition.segments) {
        this.learnSegment(segment);
        maxSeq = Math.max(maxSeq, segment.maxSeq);
      }
    }
    this.nextSeq = Math.max(maxSeq, this.tombstones.maxSeqLimit - 1) + 1;
  }

  /** Series and field types from a segment footer: covers a crash between a flush and its index snapshot. */
  private learnSegment(reader: SegmentReader): void {
    for (const s of reader.series) {
      if (this.tombstones.covers(s.key, reader.maxSeq)) continue;
      if (this.index.refOf(s.key) === undefined) {
        const { measurement, tags } = parseSeriesKey(s.key);
        this.index.getOrAdd(s.key, measurement, tags);
      }
      const types = this.typesOf(measurementOfKey(s.key));
      for (const f of s.fields) types.set(f.name, f.type);
    }
  }

  private async replayWal(): Promise<void> {
    // A drop whose WAL record was written but whose directories were not all removed before a crash.
    const doomed: Partition[] = [];
    // Series that a replayed ranged delete may have left without points.
    const rangeDeleted = new Set<string>();
    // The series that rows records have defined so far, by number (see SampleRowsRecord).
    const rowSeries = new Map<number, { readonly key: string; ref: number }>();
    const report = await this.wal.replay((payload: Uint8Array) => {
      switch (payload[0]) {
        case WalRecordType.WriteBatch: {
          const batch = decodeWriteBatch(payload);
          this.registerTypes(batch);
          this.apply(this.active, batch);
          break;
        }
        case WalRecordType.SampleRows:
          this.replayRows(decodeSampleRows(payload), rowSeries);
          break;
        case RECORD_DELETE_SERIES:
          this.applyDelete(decodeDeleteSeries(payload));
          break;
        case RECORD_DROP_BEFORE:
          doomed.push(...this.applyDropBefore(decodeDropBefore(payload)).doomed);
          break;
        case RECORD_DELETE_RANGE: {
          const { keys, range } = decodeDeleteRange(payload);
          this.applyDeleteRange(keys, range);
          for (const key of keys) rangeDeleted.add(key);
          break;
        }
        default:
          this.logger.warn('skipping WAL record of unknown type', { type: payload[0] });
      }
    });
    this.walReplay = report;
    if (report.corruptions.length > 0) this.logger.warn('WAL was damaged and has been truncated at its last good record', { corruptions: report.corruptions.length });
    this.logger.info('WAL replayed', { records: report.records, points: this.active.points });
    // Deletes replayed above have tombstones now; make them durable before new writes arrive.
    await this.tombstones.save();
    await this.removePartitions(doomed);
    // Segment footers re-add to the index (learnSegment) series whose remaining points a ranged
    // delete covers, and a crash may have come before a delete's index snapshot: settle both.
    for (const key of this.tombstones.rangedKeys()) rangeDeleted.add(key);
    if (await this.removeEmptySeries(rangeDeleted)) await this.saveIndex();
  }

  private startAgeTimer(): void {
    const every = Math.max(100, Math.min(this.options.memtableMaxAgeMs / 4, 10_000));
    this.ageTimer = setInterval(() => {
      if (this.active.points > 0 && Date.now() - this.active.createdAt >= this.options.memtableMaxAgeMs) this.scheduleFlush();
    }, every);
    this.ageTimer.unref();
  }

  private typesOf(measurement: string): Map<string, FieldType> {
    let types = this.fieldTypes.get(measurement);
    if (types === undefined) {
      types = new Map();
      this.fieldTypes.set(measurement, types);
    }
    return types;
  }

  /** The stored type of a field, if it has been written. */
  fieldType(measurement: string, field: string): FieldType | undefined {
    return this.fieldTypes.get(measurement)?.get(field);
  }

  /** Every measurement's field names and types. */
  fieldsOf(measurement: string): ReadonlyMap<string, FieldType> {
    return this.fieldTypes.get(measurement) ?? new Map();
  }

  get seriesIndex(): SeriesIndex {
    return this.index;
  }

  /**
   * The refs of the series with points from `minMs` to `maxMs`, to within a partition: every
   * series of a segment of a partition that overlaps the range (a partition spans a day by
   * default), and every series of a MemTable whose points start or end in the range or span it.
   * For metadata asked of a time range, as Prometheus answers it to within a block.
   */
  seriesWithin(minMs: number, maxMs: number): RoaringBitmap32 {
    const refs = new RoaringBitmap32();
    const add = (key: string): void => {
      const ref = this.index.refOf(key);
      if (ref !== undefined) refs.add(ref);
    };
    for (const partition of this.partitions.values()) {
      if (!partition.overlaps(minMs, maxMs)) continue;
      for (const segment of partition.segments) for (const s of segment.series) add(s.key);
    }
    for (const memtable of [this.active, ...this.immutable.map((m) => m.memtable)]) {
      for (const s of memtable.series.values()) {
        for (const column of s.fields.values()) {
          const span = column.timeSpan();
          if (span !== undefined && span.first <= maxMs && span.last >= minMs) {
            add(s.key);
            break;
          }
        }
      }
    }
    return refs;
  }

  /**
   * Writes a batch: validates every column (field type, timestamp range), writes the accepted ones
   * to the WAL, then to the MemTable. Rejected columns are reported; the rest is durable when the
   * promise resolves.
   */
  async write(batch: WriteBatch): Promise<WriteResult> {
    this.checkOpen();
    if (this.active.bytes > 2 * this.options.memtableMaxBytes) {
      // Backpressure: the previous flush has not kept up; wait rather than grow without bound.
      await this.background;
    }
    const { accepted, errors, dropped } = this.validate(batch);
    const written = accepted.sampleCount;
    if (written > 0) {
      const memtable = this.active;
      memtable.beginWrite();
      try {
        // Encoded when the WAL frames it, into the WAL's own buffer; the batch does not change meanwhile.
        await this.wal.append(writeBatchRecord(accepted));
        this.apply(memtable, accepted);
      } finally {
        memtable.endWrite();
      }
      this.maybeScheduleFlush();
    }
    return { written, errors, dropped };
  }

  /**
   * Writes float rows of one field (remote write's samples): row i is sample (`rows.ms[i]`,
   * `rows.values[i]`) of series `series[rows.series[i]]`. Validates them as `write` does, writes the
   * accepted ones as one WAL record, then appends them to the MemTable. Rows of a series whose field
   * has another type, or with a timestamp out of range, are reported and dropped. The rows' arrays
   * become the engine's (the MemTable may keep views of them): they must not change afterwards.
   */
  async writeRows(field: string, input: SampleRows, series: SeriesList): Promise<WriteResult> {
    this.checkOpen();
    if (this.active.bytes > 2 * this.options.memtableMaxBytes) await this.background;
    const epoch = this.refEpoch;
    const { rows, refs, errors, dropped } = this.acceptRows(field, input, series);
    const count = rows.length;
    if (count === 0) return { written: 0, errors, dropped };
    const memtable = this.active;
    // Each series is defined in the WAL once per MemTable: the segments holding an earlier
    // definition go when the MemTable before this one is flushed.
    const defNumbers: number[] = [];
    const defKeys: Uint8Array[] = [];
    let defined: Set<number> | undefined;
    for (let i = 0; i < count; i++) {
      const ref = refs[i]!;
      // Rows of one series often come in runs (a request of 100 samples per series).
      if ((i > 0 && refs[i - 1] === ref) || memtable.definedInWal(ref) || defined?.has(ref)) continue;
      (defined ??= new Set()).add(ref);
      defNumbers.push(ref);
      defKeys.push(series[rows.series[i]!]!.keyBytes);
    }
    memtable.beginWrite();
    try {
      await this.wal.append(sampleRowsRecord({ field, defNumbers, defKeys, numbers: refs, ms: rows.ms, values: rows.values, count }));
      // Only now: a definition in a record that failed must be written again by the next write.
      memtable.markDefinedInWal(defNumbers);
      // A delete meanwhile removed series from the index: their writes add them again.
      const appendRefs = this.refEpoch === epoch ? refs : this.readdedRefs(rows, series);
      memtable.appendRows(field, appendRefs, rows.ms, rows.values, count, (i) => {
        const s = series[rows.series[i]!]!;
        return memtable.seriesFor(s.key, this.index.idOf(appendRefs[i]!)!, s.measurement, s.tags);
      });
    } finally {
      memtable.endWrite();
    }
    this.maybeScheduleFlush();
    return { written: count, errors, dropped };
  }

  /** The rows `writeRows` can write, with each one's series ref, and what it refuses. */
  private acceptRows(field: string, input: SampleRows, series: SeriesList): { rows: SampleRows; refs: Int32Array; errors: RustsError[]; dropped: number } {
    let { refs, errors } = this.refsOf(field, input, series);
    let refused = 0;
    for (let i = 0; i < input.length; i++) {
      const ms = input.ms[i]!;
      if (refs[i]! >= 0 && ms >= MIN_MS && ms <= MAX_MS) continue;
      refused++;
      if (refs[i]! >= 0) {
        refs[i] = -1;
        if (errors.length < MAX_ROW_ERRORS) errors.push(new TimestampOutOfRangeError(series[input.series[i]!]!.key, `${ms}ms`));
      }
    }
    if (refused === 0) return { rows: input, refs, errors, dropped: 0 };
    const all = refs;
    const rows = input.filter((i) => all[i]! >= 0);
    refs = new Int32Array(rows.length);
    let k = 0;
    for (let i = 0; i < input.length; i++) if (all[i]! >= 0) refs[k++] = all[i]!;
    return { rows, refs, errors, dropped: refused };
  }

  /**
   * The index ref of each row's series (-1 for a series whose field type is refused), adding
   * series new to the index. Refs are cached per series list until the index loses a series.
   */
  private refsOf(field: string, rows: SampleRows, series: SeriesList): { refs: Int32Array; errors: RustsError[] } {
    let cache = this.rowRefs.get(series);
    if (cache === undefined || cache.epoch !== this.refEpoch) this.rowRefs.set(series, (cache = { epoch: this.refEpoch, refs: new Int32Array(Math.max(64, series.length)) }));
    cache.refs = withRoom(cache.refs, series.length);
    // Cached as ref + 1: 0 is "not yet".
    const cached = cache.refs;
    const refs = new Int32Array(rows.length);
    const errors: RustsError[] = [];
    for (let i = 0; i < rows.length; i++) {
      const id = rows.series[i]!;
      if (i > 0 && id === rows.series[i - 1]) {
        refs[i] = refs[i - 1]!;
        continue;
      }
      let ref = cached[id]! - 1;
      if (ref < 0) {
        const s = series[id]!;
        const error = this.checkRowSeries(s, field);
        if (error === undefined) {
          ref = this.index.getOrAdd(s.key, s.measurement, s.tags);
          cached[id] = ref + 1;
        } else if (errors.length < MAX_ROW_ERRORS && !errors.some((e) => e.message === error.message)) {
          errors.push(error);
        }
      }
      refs[i] = ref;
    }
    return { refs, errors };
  }

  /**
   * Each row's series ref, adding series to the index again: for rows already in the WAL, which
   * replay would add back the same way, so none of refsOf's checks apply.
   */
  private readdedRefs(rows: SampleRows, series: SeriesList): Int32Array {
    const refs = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const id = rows.series[i]!;
      if (i > 0 && id === rows.series[i - 1]) {
        refs[i] = refs[i - 1]!;
        continue;
      }
      const s = series[id]!;
      refs[i] = this.index.getOrAdd(s.key, s.measurement, s.tags);
    }
    return refs;
  }

  /** Whether a series' float rows of `field` are refused; claims the field's type when it is new. */
  private checkRowSeries(s: RowSeries, field: string): RustsError | undefined {
    if (s.measurement === '') return new InvalidPointError(s.key, 'measurement name is empty');
    if (field === '') return new InvalidPointError(s.key, 'field name is empty');
    const types = this.typesOf(s.measurement);
    const stored = types.get(field);
    if (stored === undefined) types.set(field, FieldType.Float);
    else if (stored !== FieldType.Float) return new FieldTypeConflictError(s.measurement, field, FieldType.Float, stored);
    return undefined;
  }

  /** A type-2 WAL record back into the MemTable; `known` carries definitions from record to record. */
  private replayRows(record: DecodedSampleRows, known: Map<number, { readonly key: string; ref: number }>): void {
    for (let d = 0; d < record.defNumbers.length; d++) known.set(record.defNumbers[d]!, { key: record.defKeys[d]!, ref: -1 });
    const refs = new Int32Array(record.count);
    let undefinedRows = 0;
    for (let i = 0; i < record.count; i++) {
      const s = known.get(record.numbers[i]!);
      if (s === undefined) {
        undefinedRows++;
        refs[i] = -1;
        continue;
      }
      // Resolved on first use, and again after a replayed delete removed the series (refs are never reused).
      if (s.ref < 0 || this.index.keyOf(s.ref) !== s.key) {
        const { measurement, tags } = parseSeriesKey(s.key);
        const types = this.typesOf(measurement);
        if (!types.has(record.field)) types.set(record.field, FieldType.Float);
        s.ref = this.index.getOrAdd(s.key, measurement, tags);
      }
      refs[i] = s.ref;
    }
    const { ms, values } = record;
    let count = record.count;
    if (undefinedRows > 0) {
      // Only a damaged log gets here: a writer defines every series before its rows.
      this.logger.warn('WAL rows of undefined series skipped', { rows: undefinedRows });
      let k = 0;
      for (let i = 0; i < count; i++) {
        if (refs[i]! < 0) continue;
        refs[k] = refs[i]!;
        ms[k] = ms[i]!;
        values[k++] = values[i]!;
      }
      count = k;
    }
    this.active.appendRows(record.field, refs, ms, values, count, (i) => {
      const s = this.index.seriesOf(refs[i]!)!;
      return this.active.seriesFor(s.key, s.id, s.measurement, s.tags);
    });
  }

  /** Convenience over `write` for single points; throws PartialWriteError when anything was rejected. */
  async writePoints(points: Iterable<Point>): Promise<WriteResult> {
    const result = await this.write(batchOf(points));
    if (result.errors.length > 0) throw new PartialWriteError(result.errors, result.dropped);
    return result;
  }

  private validate(batch: WriteBatch): { accepted: WriteBatch; errors: RustsError[]; dropped: number } {
    const errors: RustsError[] = [];
    // Columns whose field type (or name) is refused.
    const rejected = new Set<Column>();
    // Types claimed by this batch so far, so two columns of one field in one batch conflict too.
    const claimed = new Map<string, FieldType>();
    for (const series of batch.series) {
      for (const field of series.fields) {
        const error = this.checkColumn(series.key, series.measurement, field.name, field.column, claimed);
        if (error === undefined) continue;
        errors.push(error);
        rejected.add(field.column);
      }
    }
    let accepted = batch;
    let dropped = 0;
    if (rejected.size > 0) {
      // A point with a refused field is refused whole, as in InfluxDB: its other fields go too.
      accepted = new WriteBatch();
      for (const series of batch.series) {
        const refusedTimes = new Set<string>();
        for (const { column } of series.fields) if (rejected.has(column)) for (let i = 0; i < column.length; i++) refusedTimes.add(pointTimeKey(column.ms[i]!, column.sub[i]!));
        dropped += refusedTimes.size;
        for (const field of series.fields) {
          if (rejected.has(field.column)) continue;
          const column = refusedTimes.size === 0 ? field.column : field.column.filter((ms, sub) => !refusedTimes.has(pointTimeKey(ms, sub)));
          if (column.length > 0) accepted.seriesByKey(series.key, series.measurement, series.tags).fields.push({ name: field.name, column });
        }
      }
    }
    this.registerTypes(accepted);
    return { accepted, errors, dropped };
  }

  /** Fixes the type of every field the batch writes (InfluxDB's rule: a field keeps its first type). */
  private registerTypes(batch: WriteBatch): void {
    for (const series of batch.series) {
      const types = this.typesOf(series.measurement);
      // Nearly always known already: a lookup is cheaper than setting it again per series and write.
      for (const field of series.fields) if (types.get(field.name) !== field.column.type) types.set(field.name, field.column.type);
    }
  }

  private checkColumn(key: string, measurement: string, name: string, column: Column, claimed: Map<string, FieldType>): RustsError | undefined {
    if (measurement === '') return new InvalidPointError(key, 'measurement name is empty');
    if (name === '') return new InvalidPointError(key, 'field name is empty');
    const stored = this.fieldTypes.get(measurement)?.get(name);
    // Only a field new to the engine needs the batch-wide claim (two types for it in one batch).
    const claimKey = stored === undefined ? `${measurement}\u0000${name}` : undefined;
    const want = stored ?? claimed.get(claimKey!);
    if (want !== undefined && want !== column.type) return new FieldTypeConflictError(measurement, name, column.type, want);
    const ms = column.ms;
    for (let i = 0; i < column.length; i++) {
      const t = ms[i]!;
      if (!(t >= MIN_MS && t <= MAX_MS)) return new TimestampOutOfRangeError(key, `${t}ms`);
    }
    if (claimKey !== undefined) claimed.set(claimKey, column.type);
    return undefined;
  }

  private apply(memtable: MemTable, batch: WriteBatch): void {
    for (const s of batch.series) {
      let series = memtable.series.get(s.key);
      if (series === undefined) {
        const ref = this.index.getOrAdd(s.key, s.measurement, s.tags);
        series = memtable.seriesFor(s.key, this.index.idOf(ref)!, s.measurement, s.tags);
      }
      for (const f of s.fields) memtable.append(series, f.name, f.column);
    }
  }

  private maybeScheduleFlush(): void {
    const m = this.active;
    const o = this.options;
    if (m.bytes >= o.memtableMaxBytes || m.points >= o.memtableMaxPoints) this.scheduleFlush();
  }

  private flushScheduled = false;

  private scheduleFlush(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    this.enqueue(async () => {
      this.flushScheduled = false;
      await this.flushActive();
    });
  }

  /** Background work (flushes, compactions, partition drops) runs one job at a time, in order. */
  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.background.then(job);
    this.background = run.then(
      () => undefined,
      (err: unknown) => {
        this.backgroundError = err;
        this.logger.error('background storage job failed', { error: String(err) });
      },
    );
    return run;
  }

  /** Flushes everything written so far to segments; resolves when it is durable there. */
  flush(): Promise<void> {
    this.checkOpen();
    return this.enqueue(() => this.flushActive());
  }

  private async flushActive(): Promise<void> {
    const memtable = this.active;
    if (memtable.points > 0 || memtable.pendingWrites > 0) {
      // Swap and rotate in the same tick: WAL records queued before the rotate belong to `memtable`.
      this.active = new MemTable();
      const walRotation = this.wal.rotate();
      walRotation.catch(() => {}); // awaited below; this only keeps it from counting as unhandled meanwhile
      this.immutable.push({ memtable, seq: this.nextSeq++, walRotation });
    }
    // Oldest first, so that a MemTable whose flush failed (an I/O error) is retried before newer
    // ones, and WAL segments are removed in order. Until then its points stay readable from memory.
    while (this.immutable.length > 0) {
      const { memtable: oldest, seq, walRotation } = this.immutable[0]!;
      await oldest.whenDrained();
      const closedWalSeq = await walRotation;
      const touched = await this.writeMemTable(oldest, seq);
      await this.saveIndex();
      await this.wal.removeSegmentsThrough(closedWalSeq);
      this.immutable.shift();
      this.flushes++;
      for (const partition of touched) await this.compactPartition(partition, false);
    }
  }

  /**
   * Writes the MemTable as one segment per partition it has points in. Each series' columns are
   * sorted and cut only while its partition's segment is written, one series at a time: preparing
   * them all first held a second copy of the whole MemTable for the length of the flush.
   */
  private async writeMemTable(memtable: MemTable, seq: number): Promise<Partition[]> {
    const duration = this.options.partitionDurationMs;
    const keysByPartition = new Map<number, string[]>();
    const keys = [...memtable.series.keys()].sort();
    for (let k = 0; k < keys.length; k++) {
      // Finding the partitions of a full MemTable's points takes a while: let writes in between.
      if (k % FLUSH_YIELD_SERIES === FLUSH_YIELD_SERIES - 1) await nextTurn();
      const series = memtable.series.get(keys[k]!);
      if (series === undefined) continue; // deleted meanwhile
      for (const pStart of this.partitionsOf(series.fields.values(), duration)) {
        let list = keysByPartition.get(pStart);
        if (list === undefined) keysByPartition.set(pStart, (list = []));
        list.push(keys[k]!);
      }
    }
    const touched: Partition[] = [];
    for (const [pStart, partitionKeys] of [...keysByPartition].sort((a, b) => a[0] - b[0])) {
      const partition = await this.ensurePartitionDir(this.partitionFor(pStart, duration));
      const written = await writeSegment(this.fs, partition.dir, segmentFileName(seq, seq), seriesIn(memtable, partitionKeys, partition), {
        maxPointsPerBlock: this.options.maxPointsPerBlock,
        expectedSeries: partitionKeys.length,
      });
      partition.addSegment(await SegmentReader.ofWritten(this.fs, written, seq, seq, this.cache));
      touched.push(partition);
    }
    return touched;
  }

  /** The starts of the partitions the columns have points in, read from their times without copying them. */
  private partitionsOf(columns: Iterable<ChunkedColumn>, duration: number): Set<number> {
    const starts = new Set<number>();
    let pStart = NaN;
    let pEnd = NaN;
    for (const chunked of columns) {
      const span = chunked.timeSpan();
      if (span === undefined) continue;
      // Sorted: when the first and the last point share a partition, so do all (nearly always).
      const first = this.partitionStartFor(span.first, duration);
      if (span.last < this.partitionFor(first, duration).endMs) {
        starts.add(first);
        continue;
      }
      const all = chunked.toColumn();
      for (let i = 0; i < all.length; i++) {
        const ms = all.ms[i]!;
        if (ms >= pStart && ms < pEnd) continue;
        pStart = this.partitionStartFor(ms, duration);
        pEnd = this.partitionFor(pStart, duration).endMs;
        starts.add(pStart);
      }
    }
    return starts;
  }

  /**
   * The start of the partition holding `ms`: an existing partition if one covers it (one written
   * with another partition duration, say), else a new aligned one. Called per field of every
   * flushed series, so the aligned partition is looked up before any scan.
   */
  private partitionStartFor(ms: number, duration: number): number {
    const aligned = Math.floor(ms / duration) * duration;
    const hit = this.partitions.get(aligned);
    if (hit !== undefined && ms < hit.endMs) return aligned;
    for (const p of this.partitions.values()) if (ms >= p.startMs && ms < p.endMs) return p.startMs;
    return aligned;
  }

  private partitionFor(startMs: number, duration: number): Partition {
    let partition = this.partitions.get(startMs);
    if (partition === undefined) {
      const endMs = startMs + duration;
      partition = new Partition(startMs, endMs, `${this.options.dataDir}/partitions/${Partition.dirName(startMs, endMs)}`);
      this.partitions.set(startMs, partition);
    }
    return partition;
  }

  private async ensurePartitionDir(partition: Partition): Promise<Partition> {
    if (partition.segments.length === 0) await mkdirDurable(this.fs, partition.dir);
    return partition;
  }

  /**
   * Writes the index snapshot if series were added or removed since the last one: with a million
   * series it is about 100 MB, too much to rewrite on every flush for nothing.
   */
  private async saveIndex(): Promise<void> {
    const version = `${this.index.refLimit}/${this.index.size}`;
    if (version === this.savedIndexVersion) return;
    await writeFileAtomic(this.fs, `${this.options.dataDir}/index`, INDEX_FILE, this.index.serialize());
    this.savedIndexVersion = version;
  }

  /** Merges every segment of each partition that has more than one, and rewrites a lone one that holds deleted points. */
  compact(): Promise<void> {
    this.checkOpen();
    return this.enqueue(async () => {
      for (const partition of [...this.partitions.values()]) {
        await this.compactPartition(partition, true);
      }
      // A ranged tombstone whose range only passed between a block's points needs no rewrite to go.
      await this.collectTombstones();
    });
  }

  /** Merges segments of a partition: all of them with `all`, else what the size-tiered policy picks. */
  private async compactPartition(partition: Partition, all: boolean): Promise<void> {
    const inputs = all ? partition.segments.slice() : chooseCompaction(partition.segments, this.options.compactionMinSegments);
    if (inputs === undefined || inputs.length === 0) return;
    let maxSeq: number | undefined;
    if (inputs.length === 1) {
      // A lone segment has nothing to merge with; a full compaction still rewrites it when it holds
      // deleted points, so that they leave the disk and their tombstones can go. The output takes a
      // fresh sequence number as its `maxSeq`: under the input's own name the rename would replace
      // it in place, under block-cache keys that still hold its blocks, while a wider range makes
      // the input obsolete by the recovery rule, so a crash before its unlink leaves one copy. No
      // existing tombstone covers the output (each has been applied), and it stays older than any
      // MemTable; not while a failed flush waits with an older sequence number, whose segment
      // would then sort before it (and fall inside its range).
      if (!all || this.immutable.length > 0 || !(await this.holdsDeletedPoints(inputs[0]!))) return;
      maxSeq = this.nextSeq++;
    }
    const output = await compactSegments(this.fs, partition.dir, inputs, this.tombstones, this.cache, this.options.maxPointsPerBlock, maxSeq);
    partition.segments = partition.segments.filter((s) => !inputs.includes(s));
    partition.addSegment(output);
    for (const seg of inputs) {
      await this.fs.unlink(seg.path);
      this.retire(seg);
    }
    await this.fs.syncDir(partition.dir);
    this.compactions++;
    await this.collectTombstones();
  }

  /**
   * Drops tombstones that no segment needs any more: once compaction has rewritten (or retention
   * removed) every older segment that held the deleted series, the tombstone filters nothing.
   */
  private async collectTombstones(): Promise<void> {
    if (this.tombstones.size === 0) return;
    const segments = [...this.partitions.values()].flatMap((p) => p.segments);
    for (const t of this.tombstones.all()) {
      if (!(await this.tombstoneNeeded(t, segments))) this.tombstones.remove(t);
    }
    await this.tombstones.save();
  }

  private async holdsDeletedPoints(seg: SegmentReader): Promise<boolean> {
    for (const t of this.tombstones.all()) if (await this.tombstoneNeeded(t, [seg])) return true;
    return false;
  }

  /** True when a segment the tombstone covers still holds points it deletes. */
  private async tombstoneNeeded(t: Tombstone, segments: readonly SegmentReader[]): Promise<boolean> {
    for (const seg of segments) {
      if (seg.maxSeq >= t.seqLimit) continue;
      const entry = seg.seriesEntry(t.key);
      if (entry === undefined) continue;
      if (t.split === undefined || (await hasPointsWithin(seg, entry, t.split))) return true;
    }
    return false;
  }

  /** Forgets a removed segment's cached blocks and closes it once no read is using it (reads hold no per-segment reference). */
  private retire(seg: SegmentReader): void {
    this.cache.evictPrefix(seg.path + ':');
    this.retired.push(seg);
    this.closeRetired();
  }

  private closeRetired(): void {
    if (this.readsInFlight > 0) return;
    for (const seg of this.retired.splice(0)) {
      seg.close().catch((err: unknown) => this.logger.warn('closing a retired segment failed', { path: seg.path, error: String(err) }));
    }
  }

  /**
   * Reads the series that match `request.matchers`: for each, every requested field's points within
   * the range, merged across segments and MemTables (newer wins on equal timestamps), sorted.
   * Series are yielded one at a time, so a large selection never sits in memory whole.
   */
  async *select(request: SelectRequest, report?: ScanReport): AsyncGenerator<SeriesData> {
    this.checkOpen();
    const refs = this.index.select([...request.matchers]);
    const range = request.range ?? ALL_TIME;
    const split = splitRange(range);
    const partitions = [...this.partitions.values()]
      .filter((p) => p.overlaps(split.minMs, split.maxMs))
      .sort((a, b) => a.startMs - b.startMs);
    if (report !== undefined) {
      report.shards++;
      report.partitionsTotal += this.partitions.size;
      report.partitionsScanned += partitions.length;
      report.seriesMatched += refs.size;
    }
    this.readsInFlight++;
    try {
      for (const ref of refs) {
        const series = this.index.seriesOf(ref);
        if (series === undefined) continue;
        const names = request.fields ?? [...this.fieldsOf(series.measurement).keys()];
        const fields: Array<{ name: string; column: Column }> = [];
        for (const name of names) {
          const column = await this.readField(series.key, series.id, name, partitions, split, report);
          if (column !== undefined && column.length > 0) fields.push({ name, column });
        }
        if (fields.length > 0) yield { key: series.key, id: series.id, measurement: series.measurement, tags: series.tags, fields };
      }
    } finally {
      this.readsInFlight--;
      this.closeRetired();
    }
  }

  private async readField(
    key: string,
    id: SeriesId,
    name: string,
    partitions: Partition[],
    range: SplitTimeRange,
    report: ScanReport | undefined,
  ): Promise<Column | undefined> {
    const parts: Column[] = [];
    for (const partition of partitions) {
      for (const seg of partition.segments) {
        if (!seg.bloom.mayContain(id) || this.tombstones.covers(key, seg.maxSeq)) {
          if (report !== undefined) report.segmentsSkippedByBloom++;
          continue;
        }
        const field = seg.field(key, name);
        if (field === undefined) continue;
        if (report !== undefined) report.segmentsRead++;
        const blocks = await seg.readBlocks(field, range, report);
        const deleted = this.tombstones.rangesFor(key, seg.maxSeq);
        if (deleted === undefined) parts.push(...blocks);
        else for (const block of blocks) parts.push(removeRanges(block, deleted));
      }
    }
    for (const memtable of this.memtables()) {
      const chunked = memtable.series.get(key)?.fields.get(name);
      if (chunked !== undefined) parts.push(...chunked.sortedChunks());
    }
    if (parts.length === 0) return undefined;
    const merged = mergeColumns(parts, range);
    if (report !== undefined) report.pointsRead += merged.length;
    return merged;
  }

  /**
   * Deletes the points of every series matching `matchers`: all of them, or with `range` those
   * with `range.min <= t <= range.max` (InfluxQL `DELETE ... WHERE time ...`). A series left with
   * no points anywhere leaves the index (SHOW SERIES no longer lists it); a whole-series delete
   * always removes it. Points written after the promise resolves are kept, inside the range too.
   * Durable when it resolves: a WAL record replays it after a crash, and tombstones hide the
   * points in existing segments until compaction rewrites them. Returns how many series matched.
   */
  async deleteSeries(matchers: readonly Matcher[], range?: TimeRange): Promise<number> {
    this.checkOpen();
    if (range !== undefined && range.min > range.max) return 0;
    const whole = range === undefined || (range.min <= MIN_TIMESTAMP && range.max >= MAX_TIMESTAMP);
    // Queued with flushes and compactions: the tombstones and the emptiness checks below look at
    // a segment set that does not change under them, and a compaction never runs between the
    // delete's WAL record and its tombstone file (it could drop points whose tombstone a crash
    // would then lose).
    return this.enqueue(async () => {
      const keys: string[] = [];
      for (const ref of this.index.select([...matchers])) keys.push(this.index.keyOf(ref)!);
      if (keys.length === 0) return 0;
      const memtable = this.active;
      memtable.beginWrite();
      try {
        if (whole) {
          await this.wal.append(encodeDeleteSeries(keys));
          this.applyDelete(keys);
        } else {
          const clamped = { min: range.min < INT64_MIN ? INT64_MIN : range.min, max: range.max > INT64_MAX ? INT64_MAX : range.max };
          await this.wal.append(encodeDeleteRange(keys, clamped));
          this.applyDeleteRange(keys, clamped);
        }
        await this.tombstones.save();
      } finally {
        memtable.endWrite();
      }
      if (!whole) await this.removeEmptySeries(keys);
      await this.saveIndex();
      return keys.length;
    });
  }

  private applyDelete(keys: readonly string[]): void {
    const refs: number[] = [];
    for (const key of keys) {
      // Every segment that exists now (sequence < nextSeq) loses this series' points.
      if (this.segmentsHold(key, undefined)) this.tombstones.add(key, this.nextSeq);
      const ref = this.index.refOf(key);
      if (ref !== undefined) refs.push(ref);
    }
    for (const memtable of this.memtables()) memtable.removeSeries(keys);
    this.removeRefs(refs);
  }

  private removeRefs(refs: readonly number[]): number {
    if (refs.length > 0) this.refEpoch++;
    return this.index.remove(refs);
  }

  /** The ranged delete's effect on memory: tombstones for segment points, MemTable points removed in place. */
  private applyDeleteRange(keys: readonly string[], range: TimeRange): void {
    const split = splitRange(range);
    for (const key of keys) if (this.segmentsHold(key, split)) this.tombstones.addRange(key, this.nextSeq, range);
    for (const memtable of this.memtables()) memtable.deleteRange(keys, split);
  }

  /**
   * True when some segment has blocks of the series (overlapping `range`, when given): only then
   * does a delete need a tombstone. Segments written later (sequence >= nextSeq) are never
   * covered, so looking at the present ones is enough, at replay too.
   */
  private segmentsHold(key: string, range: SplitTimeRange | undefined): boolean {
    for (const partition of this.partitions.values()) {
      if (range !== undefined && !partition.overlaps(range.minMs, range.maxMs)) continue;
      for (const seg of partition.segments) {
        const entry = seg.seriesEntry(key);
        if (entry === undefined) continue;
        if (range === undefined || entry.fields.some((f) => f.blocks.some((b) => blockOverlaps(b, range)))) return true;
      }
    }
    return false;
  }

  /**
   * Removes from the index those of `keys` that have no point left in any segment or MemTable,
   * as InfluxDB does after a DELETE; returns whether any went. Runs in the background queue or
   * at open, so segments do not change meanwhile; MemTables can (writes go on), so they are
   * checked last, in the same tick as the removal: a write after it re-adds its series.
   */
  private async removeEmptySeries(keys: Iterable<string>): Promise<boolean> {
    const empty: string[] = [];
    for (const key of keys) {
      if (this.index.refOf(key) === undefined) continue;
      if (!(await this.segmentsHaveLivePoints(key))) empty.push(key);
    }
    const refs: number[] = [];
    for (const key of empty) {
      const ref = this.index.refOf(key);
      if (ref !== undefined && !this.memtables().some((m) => m.series.has(key))) refs.push(ref);
    }
    return this.removeRefs(refs) > 0;
  }

  /** True when some segment holds a point of the series that no tombstone hides. */
  private async segmentsHaveLivePoints(key: string): Promise<boolean> {
    for (const partition of this.partitions.values()) {
      for (const seg of partition.segments) {
        const entry = seg.seriesEntry(key);
        if (entry === undefined || this.tombstones.covers(key, seg.maxSeq)) continue;
        if (await hasPointsOutside(seg, entry, this.tombstones.rangesFor(key, seg.maxSeq) ?? [])) return true;
      }
    }
    return false;
  }

  /**
   * Drops every partition that ends at or before `cutoff`, and the MemTable points before that
   * partition boundary. Whole partitions go, so the cut is aligned down to a partition start.
   * Returns the number of partitions removed.
   */
  async dropPartitionsBefore(cutoff: Timestamp): Promise<number> {
    this.checkOpen();
    const cutoffMs = timestampMillis(cutoff);
    // Queued behind flushes and compactions, so that none of them writes into a partition being dropped.
    return this.enqueue(async () => {
      const ends = [...this.partitions.values()].filter((p) => p.endMs <= cutoffMs).map((p) => p.endMs);
      // Points still in the MemTable would land in aligned partitions that end by this boundary.
      const duration = this.options.partitionDurationMs;
      const aligned = Math.floor(cutoffMs / duration) * duration;
      const boundary = Math.max(aligned, ...ends);
      if (ends.length === 0 && !this.memtables().some((m) => m.hasPointBefore(boundary))) return 0;
      const memtable = this.active;
      memtable.beginWrite();
      let dropped: { doomed: Partition[]; emptied: string[] };
      try {
        await this.wal.append(encodeDropBefore(boundary));
        dropped = this.applyDropBefore(boundary);
      } finally {
        memtable.endWrite();
      }
      // Series whose points all expired leave the index, as they leave influxd's with its shards.
      const candidates = new Set(dropped.emptied);
      for (const partition of dropped.doomed) for (const seg of partition.segments) for (const s of seg.series) candidates.add(s.key);
      await this.removePartitions(dropped.doomed);
      await this.collectTombstones();
      if (await this.removeEmptySeries(candidates)) await this.saveIndex();
      return dropped.doomed.length;
    });
  }

  /** Forgets the partitions that end at or before `boundaryMs` and the MemTable points before it; returns the partitions whose files must go. */
  private applyDropBefore(boundaryMs: number): { doomed: Partition[]; emptied: string[] } {
    const doomed: Partition[] = [];
    for (const [start, partition] of this.partitions) {
      if (partition.endMs > boundaryMs) continue;
      this.partitions.delete(start);
      doomed.push(partition);
    }
    const emptied = this.memtables().flatMap((m) => m.dropBefore(boundaryMs));
    return { doomed, emptied };
  }

  private async removePartitions(doomed: readonly Partition[]): Promise<void> {
    if (doomed.length === 0) return;
    for (const partition of doomed) {
      for (const seg of partition.segments) this.retire(seg);
      partition.segments = [];
      await this.fs.removeAll(partition.dir);
    }
    await this.fs.syncDir(`${this.options.dataDir}/partitions`);
  }

  async stats(): Promise<EngineStats> {
    const perPartition: PartitionStats[] = [...this.partitions.values()]
      .sort((a, b) => a.startMs - b.startMs)
      .map((p) => ({ startMs: p.startMs, endMs: p.endMs, segments: p.segments.length, points: p.points, bytes: p.bytes }));
    let memtablePoints = 0;
    for (const m of this.memtables()) memtablePoints += m.points;
    const segmentPoints = perPartition.reduce((n, p) => n + p.points, 0);
    return {
      series: this.index.size,
      points: segmentPoints + memtablePoints,
      memtablePoints,
      bytesOnDisk: perPartition.reduce((n, p) => n + p.bytes, 0) + (await this.walBytes()),
      partitions: perPartition.length,
      perPartition,
      flushes: this.flushes,
      compactions: this.compactions,
      tombstones: this.tombstones.size,
      walReplay: this.walReplay,
    };
  }

  /** Every MemTable, oldest first: later ones win on equal timestamps. */
  private memtables(): MemTable[] {
    return [...this.immutable.map((i) => i.memtable), this.active];
  }

  private async walBytes(): Promise<number> {
    let total = 0;
    for (const seq of await this.wal.segments()) {
      try {
        total += (await this.fs.stat(`${this.options.dataDir}/wal/${segmentName(seq)}`)).size;
      } catch (err) {
        if (!isErrnoCode(err, 'ENOENT')) throw err; // removed by a flush meanwhile
      }
    }
    return total;
  }

  /** Flushes the MemTable to segments, then closes every file. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.ageTimer) clearInterval(this.ageTimer);
    await this.enqueue(() => this.flushActive()).catch(() => {});
    await this.background;
    this.closed = true;
    await this.closeFiles();
    if (this.backgroundError !== undefined) this.logger.error('storage engine closed after a failed background job', { error: String(this.backgroundError) });
    this.logger.info('storage engine closed', { dataDir: this.options.dataDir });
  }

  private async closeFiles(): Promise<void> {
    await this.wal.close();
    await releaseDataDirLock(this.fs, this.options.dataDir);
    for (const p of this.partitions.values()) for (const s of p.segments) await s.close();
    this.readsInFlight = 0;
    this.closeRetired();
  }

  private checkOpen(): void {
    if (this.closed) throw new EngineClosedError();
  }
}

/** The series of `keys` (sorted) with their points in `partition`, each column sorted and cut as it is asked for. */
function* seriesIn(memtable: MemTable, keys: readonly string[], partition: Partition): Generator<SeriesToWrite> {
  // The copies of a series' chunks go to columns reused from series to series, one per field
  // position (replaced when the type there changes): writeSegment is done with a series before it
  // asks for the next, and a fresh column per field and series was most of a flush's allocation
  // (160 MB of new pages per 8 M points).
  const scratch: Column[] = [];
  for (const key of keys) {
    const series = memtable.series.get(key);
    if (series === undefined) continue; // deleted meanwhile
    const fields: Array<{ name: string; column: Column }> = [];
    let position = 0;
    for (const [name, chunked] of series.fields) {
      let into = scratch[position];
      if (into?.type !== chunked.type) scratch[position] = into = new Column(chunked.type, 0);
      position++;
      const column = chunked.toColumn(into).sortedUnique();
      const from = firstAtOrAfter(column, partition.startMs);
      const to = firstAtOrAfter(column, partition.endMs);
      if (from < to) fields.push({ name, column: from === 0 && to === column.length ? column : column.slice(from, to) });
    }
    if (fields.length > 0) yield { key, id: series.id, fields };
  }
}

/** The first index of a sorted column whose time is `ms` or later. */
function firstAtOrAfter(column: Column, ms: number): number {
  let lo = 0;
  let hi = column.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (column.ms[mid]! < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
