import { join } from 'node:path';
import { silentLogger, type Logger } from '../../core/index.ts';
import { isErrnoCode, mkdirDurable, type Fs, type FsFile } from '../fs/index.ts';
import { WalBrokenError, WalClosedError, WalWriteError } from './errors.ts';
import {
  MAX_RECORD_BYTES,
  RECORD_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
  encodeSegmentHeader,
  frameRecord,
  type RecordWriter,
  parseSegmentName,
  segmentName,
} from './format.ts';
import { replaySegment, type RecordHandler, type WalCorruption } from './reader.ts';

/**
 * How hard the WAL works to keep an acknowledged append through an OS crash or power loss. In
 * every mode but `none` the record is in the file before `append` resolves, so a killed process
 * never loses an acknowledged append.
 * - `every-write`: fdatasync before `append` resolves (one sync per group-committed batch; the
 *   next batch is written while that sync runs, see flushBatch).
 * - `periodic`: a timer syncs every `intervalMs`; a crash loses at most about one interval.
 * - `os-default`: the WAL never syncs on the append path; the OS writes back when it likes.
 * - `none`: nothing is written at all.
 */

/** The largest framing buffer a WAL keeps between batches (see framingBuffer). */
const MAX_KEPT_FRAMING_BYTES = 8 * 1024 * 1024;
export type WalDurability =
  | { readonly mode: 'every-write' }
  | { readonly mode: 'periodic'; readonly intervalMs: number }
  | { readonly mode: 'os-default' }
  | { readonly mode: 'none' };

export interface WalOptions {
  readonly durability: WalDurability;
  /** A segment is rotated before a batch would take it past this size; default 64 MiB. */
  readonly segmentBytes?: number;
  /** Most framed bytes written (and covered by one sync) per group commit; default 4 MiB. One record may exceed it. */
  readonly maxBatchBytes?: number;
  /** Receives a warning for each damaged segment that replay repairs. */
  readonly logger?: Logger;
}

export interface ReplayReport {
  /** Segment files read. */
  readonly segments: number;
  readonly records: number;
  /** Payload bytes replayed. */
  readonly bytes: number;
  /** Damaged segments, in log order; empty after a clean shutdown. */
  readonly corruptions: readonly WalCorruption[];
}

export interface WalStats {
  /** The segment appends go to; 0 in mode `none`. */
  readonly activeSegment: number;
  /** Records acknowledged since open. */
  readonly records: number;
  /** Framed bytes written since open. */
  readonly bytes: number;
  /** Group-commit batches written since open. */
  readonly batches: number;
  /** fdatasync calls that covered records (appends, timer, rotate, close) since open. */
  readonly syncs: number;
}

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_BATCH_BYTES = 4 * 1024 * 1024;

interface Pending {
  /** Appends are numbered in call order, so that a rotation can cut the queue where it was called. */
  readonly id: number;
  readonly payload: Uint8Array | RecordWriter;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

interface Segment {
  readonly seq: number;
  readonly path: string;
  readonly file: FsFile;
  /** End of the last record written, which is where the next batch goes. */
  written: number;
  /** End of the last record known to be on stable storage. */
  synced: number;
}

const noop = (): void => {};

/**
 * A write-ahead log: a directory of numbered segment files of CRC-checked records
 * (docs/format/wal.md).
 *
 * One writer appends, however many callers there are: `append` queues the record, and appends
 * that arrive while a batch is being written go out together in the next batch, covered by one
 * sync (group commit). Records are in the file in `append` call order, and appends resolve in
 * that order. `append`, `sync`, `rotate` and `close` may be called at any time
 * and concurrently; `replay` and `removeSegmentsThrough` touch only segments other than the
 * active one, and must not run concurrently with each other.
 *
 * Use: `open`, then `replay` (which reads the segments that existed before `open`), then append.
 */
export class Wal {
  private readonly queue: Pending[] = [];
  private flushScheduled = false;
  private nextId = 0;
  // The first append id that each pending rotation must leave for the next segment, ascending.
  private readonly cuts: number[] = [];
  // Every write, sync and rotation runs in this chain, one at a time.
  private tail: Promise<void> = Promise.resolve();
  // In `every-write` mode, the latest batch's sync and the resolving of its appends: whether they
  // were acknowledged (see flushBatch).
  private lastBatchSynced: Promise<boolean> = Promise.resolve(true);
  private closed = false;
  private brokenBy: unknown = undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly counters = { records: 0, bytes: 0, batches: 0, syncs: 0 };

  private constructor(
    private readonly fs: Fs,
    readonly dir: string,
    private readonly durability: WalDurability,
    private readonly segmentBytes: number,
    private readonly maxBatchBytes: number,
    private readonly logger: Logger,
    /** Segments numbered below this existed before open: they are what `replay` reads. */
    private readonly firstSeq: number,
    private lastSeq: number,
    private active: Segment | undefined,
  ) {}

  /**
   * Opens the WAL in `dir`, creating the directory if needed, and starts a new segment numbered
   * one above the highest present (none in mode `none`, which never writes).
   */
  static async open(fs: Fs, dir: string, options: WalOptions): Promise<Wal> {
    const { durability } = options;
    const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    const maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    if (!(segmentBytes > SEGMENT_HEADER_BYTES)) throw new RangeError(`WAL segmentBytes must be more than ${SEGMENT_HEADER_BYTES}, got ${segmentBytes}`);
    if (!(maxBatchBytes > 0)) throw new RangeError(`WAL maxBatchBytes must be positive, got ${maxBatchBytes}`);
    if (durability.mode === 'periodic' && !(durability.intervalMs > 0)) {
      throw new RangeError(`WAL periodic sync interval must be positive, got ${durability.intervalMs} ms`);
    }
    const logger = options.logger ?? silentLogger;
    if (durability.mode === 'none') {
      const seqs = await listSegments(fs, dir);
      const last = seqs.length > 0 ? seqs[seqs.length - 1]! : 0;
      return new Wal(fs, dir, durability, segmentBytes, maxBatchBytes, logger, Infinity, last, undefined);
    }
    await mkdirDurable(fs, dir);
    const seqs = await listSegments(fs, dir);
    const seq = (seqs.length > 0 ? seqs[seqs.length - 1]! : 0) + 1;
    const active = await createSegment(fs, dir, seq);
    const wal = new Wal(fs, dir, durability, segmentBytes, maxBatchBytes, logger, seq, seq, active);
    if (durability.mode === 'periodic') {
      wal.timer = setInterval(() => void wal.serial(() => wal.syncActive()).catch(noop), durability.intervalMs);
      // The timer must not keep the process alive on its own: close() is what ends a WAL.
      wal.timer.unref();
    }
    return wal;
  }

  /**
   * Appends one record. Resolves once the record is written to the segment file (and synced, in
   * mode `every-write`); rejects with `WalWriteError` if writing or syncing its batch failed, and
   * with `WalBrokenError` or `WalClosedError` if the WAL cannot take appends. A rejected append
   * is not acknowledged, though its bytes may survive in the file and come back on replay.
   * `payload` (1 byte to 256 MiB), or what a RecordWriter writes, must not change until the promise settles.
   */
  append(payload: Uint8Array | RecordWriter): Promise<void> {
    if (this.closed) return Promise.reject(new WalClosedError(this.dir));
    if (this.brokenBy !== undefined) return Promise.reject(new WalBrokenError(this.dir, this.brokenBy));
    if (payload.length === 0 || payload.length > MAX_RECORD_BYTES) {
      return Promise.reject(new RangeError(`WAL record must be 1 to ${MAX_RECORD_BYTES} bytes, got ${payload.length}`));
    }
    // Mode `none` only; `active` is also briefly undefined while a rotation creates the next
    // segment, and appends made then must be queued, not acknowledged unwritten.
    if (this.durability.mode === 'none') {
      this.counters.records++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, payload, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Syncs what has been written to the active segment (the periodic timer's work, on demand). */
  sync(): Promise<void> {
    if (this.closed) return Promise.reject(new WalClosedError(this.dir));
    return this.serial(async () => {
      await this.syncActive();
      if (this.brokenBy !== undefined) throw new WalBrokenError(this.dir, this.brokenBy);
    });
  }

  /**
   * Writes every record appended before this call, syncs and closes the active segment, and
   * starts the next one. Resolves to the sequence number of the segment just closed: it and the
   * segments before it hold exactly the records appended before the call (appends called later
   * go to the new segment), and all their appends have settled first. In mode `none` it resolves
   * to the highest segment number on disk, so that `removeSegmentsThrough` can clear what an
   * earlier run left.
   */
  rotate(): Promise<number> {
    if (this.closed) return Promise.reject(new WalClosedError(this.dir));
    const cut = this.nextId;
    this.cuts.push(cut);
    return this.serial(async () => {
      try {
        while (this.queue.length > 0 && this.queue[0]!.id < cut) await this.flushBatch();
        await this.lastBatchSynced;
        if (this.brokenBy !== undefined) throw new WalBrokenError(this.dir, this.brokenBy);
        const closed = this.lastSeq;
        if (this.active !== undefined) await this.rotateActive();
        return closed;
      } finally {
        this.cuts.splice(this.cuts.indexOf(cut), 1);
        if (this.queue.length > 0) this.scheduleFlush();
      }
    });
  }

  /**
   * Removes every segment numbered `seq` or lower, except the active one, and syncs the directory.
   * Call it once what those segments hold is durable elsewhere. Resolves to the numbers removed.
   */
  async removeSegmentsThrough(seq: number): Promise<number[]> {
    const limit = this.active === undefined ? seq : Math.min(seq, this.active.seq - 1);
    const removed: number[] = [];
    for (const s of await listSegments(this.fs, this.dir)) {
      if (s > limit) break;
      await this.fs.unlink(join(this.dir, segmentName(s)));
      removed.push(s);
    }
    if (removed.length > 0) await this.fs.syncDir(this.dir);
    return removed;
  }

  /**
   * Reads every record of the segments that existed before `open`, in log order, and repairs
   * damaged segments as docs/format/wal.md says (truncated at their last good record, reported,
   * logged, and replay goes on with the next segment). Rejects only on I/O errors, on a segment of
   * a newer format version (`CorruptionError`), or when `onRecord` throws.
   */
  async replay(onRecord: RecordHandler): Promise<ReplayReport> {
    let segments = 0;
    let records = 0;
    let bytes = 0;
    const corruptions: WalCorruption[] = [];
    for (const seq of await listSegments(this.fs, this.dir)) {
      if (seq >= this.firstSeq) break;
      const result = await replaySegment(this.fs, join(this.dir, segmentName(seq)), seq, onRecord);
      segments++;
      records += result.records;
      bytes += result.bytes;
      if (result.corruption !== undefined) {
        corruptions.push(result.corruption);
        this.logger.warn('WAL segment damaged: replayed up to the last good record', { ...result.corruption });
      }
    }
    return { segments, records, bytes, corruptions };
  }

  /** Sequence numbers of the segment files in the directory, ascending. */
  segments(): Promise<number[]> {
    return listSegments(this.fs, this.dir);
  }

  stats(): WalStats {
    return { activeSegment: this.active?.seq ?? 0, ...this.counters };
  }

  /** The error that broke the WAL, if one did (see `WalBrokenError`). */
  get broken(): unknown {
    return this.brokenBy;
  }

  /**
   * Writes what is queued, syncs and closes the active segment. Later appends reject with
   * `WalClosedError`. Rejects with `WalBrokenError` if the WAL is broken (the file is closed anyway).
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    clearInterval(this.timer);
    return this.serial(async () => {
      while (this.queue.length > 0) await this.flushBatch();
      await this.lastBatchSynced;
      const active = this.active;
      if (active === undefined) return;
      this.active = undefined;
      if (this.brokenBy === undefined) await this.syncSegment(active).catch((err: unknown) => this.breakWith(err));
      await active.file.close().catch(noop);
      if (this.brokenBy !== undefined) throw new WalBrokenError(this.dir, this.brokenBy);
    });
  }

  /**
   * A buffer of `size` bytes to frame a batch in, the same one for every batch: batches are written
   * one at a time (`serial`), each before the next is framed. A buffer per batch was a megabyte per
   * remote write request of 50,000 samples, and its garbage collection a sixth of ingest time.
   */
  private framingBuffer(size: number): Buffer {
    // A rare large batch gets a buffer of its own rather than one kept for good.
    if (size > MAX_KEPT_FRAMING_BYTES) return Buffer.allocUnsafe(size);
    if (this.framing.length < size) this.framing = Buffer.allocUnsafe(Math.min(Math.max(size, 2 * this.framing.length), MAX_KEPT_FRAMING_BYTES));
    return this.framing.subarray(0, size);
  }

  private framing: Buffer = Buffer.alloc(0);

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.then(noop, noop);
    return run;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    void this.serial(async () => {
      // Cleared first, so that appends arriving during this batch schedule the next one.
      this.flushScheduled = false;
      await this.flushBatch();
      if (this.queue.length > 0) this.scheduleFlush();
    });
  }

  /** Writes one batch from the head of the queue. Never throws: failures reject the batch's appends. */
  private async flushBatch(): Promise<void> {
    if (this.queue.length === 0) return;
    if (this.brokenBy !== undefined || this.active === undefined) {
      const err = new WalBrokenError(this.dir, this.brokenBy);
      for (const p of this.queue.splice(0)) p.reject(err);
      return;
    }
    // Records appended after a pending rotate() was called wait for the segment after it.
    const limit = this.cuts.length > 0 ? this.cuts[0]! : Infinity;
    if (this.queue[0]!.id >= limit) return;
    const first = RECORD_HEADER_BYTES + this.queue[0]!.payload.length;
    if (this.active.written > SEGMENT_HEADER_BYTES && this.active.written + first > this.segmentBytes) {
      try {
        await this.rotateActive();
      } catch (err) {
        for (const p of this.queue.splice(0)) p.reject(new WalWriteError(join(this.dir, segmentName(this.lastSeq + 1)), err));
        return;
      }
    }
    const segment = this.active;
    let n = 0;
    let size = 0;
    while (n < this.queue.length && this.queue[n]!.id < limit) {
      const next = RECORD_HEADER_BYTES + this.queue[n]!.payload.length;
      if (n > 0 && (size + next > this.maxBatchBytes || segment.written + size + next > this.segmentBytes)) break;
      size += next;
      n++;
    }
    const taken = this.queue.splice(0, n);
    const framing = this.framingBuffer(size);
    // A record that cannot write itself (a bug in its encoder) fails alone; the others go on.
    const batch: Pending[] = [];
    let off = 0;
    for (const p of taken) {
      try {
        off = frameRecord(framing, off, p.payload);
        batch.push(p);
      } catch (err) {
        p.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    if (batch.length === 0) return;
    const buf = framing.subarray(0, off);
    size = off;

    const at = segment.written;
    try {
      await segment.file.write(buf, at);
    } catch (err) {
      await this.undoWrite(segment, at);
      for (const p of batch) p.reject(new WalWriteError(segment.path, err));
      return;
    }
    segment.written = at + size;
    if (this.durability.mode !== 'every-write') {
      this.acknowledge(batch, size);
      return;
    }
    // The next batch is written while this one syncs, rather than after: with a few requests in
    // flight, each waited for the sync before its own as well (remote write shape A 1.03x over 5
    // interleaved pairs, on a disk syncing in 0.23 ms; slower disks lose more to that wait). A sync
    // covers what was written before it was called, so a batch whose own sync is done and whose
    // predecessor was acknowledged is durable with all before it. At most two syncs are in
    // flight: this chain goes on once the previous one is done.
    const previous = this.lastBatchSynced;
    this.lastBatchSynced = this.syncSegment(segment).then(
      async () => {
        if (!(await previous)) {
          for (const p of batch) p.reject(new WalBrokenError(this.dir, this.brokenBy));
          return false;
        }
        this.acknowledge(batch, size);
        return true;
      },
      (err: unknown) => {
        this.breakWith(err);
        for (const p of batch) p.reject(new WalWriteError(segment.path, err));
        return false;
      },
    );
    await previous;
  }

  private acknowledge(batch: readonly Pending[], size: number): void {
    this.counters.records += batch.length;
    this.counters.bytes += size;
    this.counters.batches++;
    for (const p of batch) p.resolve();
  }

  /** After a failed write, cuts off whatever part of the batch reached the file, or breaks the WAL. */
  private async undoWrite(segment: Segment, at: number): Promise<void> {
    try {
      await segment.file.truncate(at);
    } catch (err) {
      this.breakWith(err);
    }
  }

  private async syncSegment(segment: Segment): Promise<void> {
    if (segment.synced === segment.written) return;
    const upTo = segment.written;
    this.counters.syncs++;
    await segment.file.sync();
    // Syncs may overlap (see flushBatch) and finish in either order.
    segment.synced = Math.max(segment.synced, upTo);
  }

  /** The periodic timer's sync; failure breaks the WAL rather than throwing into a timer. */
  private async syncActive(): Promise<void> {
    if (this.active === undefined || this.brokenBy !== undefined) return;
    try {
      await this.syncSegment(this.active);
    } catch (err) {
      this.breakWith(err);
    }
  }

  /** Syncs and closes the active segment and creates the next; any failure breaks the WAL. */
  private async rotateActive(): Promise<void> {
    const old = this.active!;
    try {
      // No sync of a batch may still be running on the file about to close.
      await this.lastBatchSynced;
      await this.syncSegment(old);
      this.active = undefined;
      await old.file.close();
      this.active = await createSegment(this.fs, this.dir, old.seq + 1);
      this.lastSeq = old.seq + 1;
    } catch (err) {
      this.breakWith(err);
      throw err;
    }
  }

  private breakWith(err: unknown): void {
    if (this.brokenBy !== undefined) return;
    this.brokenBy = err;
    this.logger.error('WAL broken: appends are refused until it is reopened', { dir: this.dir, error: String(err) });
  }
}

async function listSegments(fs: Fs, dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return [];
    throw err;
  }
  const seqs: number[] = [];
  for (const name of names) {
    const seq = parseSegmentName(name);
    if (seq !== undefined) seqs.push(seq);
  }
  return seqs.sort((a, b) => a - b);
}

/** Creates segment `seq` with its header, and makes both the file and its name durable. */
async function createSegment(fs: Fs, dir: string, seq: number): Promise<Segment> {
  const path = join(dir, segmentName(seq));
  const file = await fs.open(path, { write: true, exclusive: true });
  try {
    await file.write(encodeSegmentHeader(seq), 0);
    await file.sync();
    await fs.syncDir(dir);
  } catch (err) {
    await file.close().catch(noop);
    throw err;
  }
  return { seq, path, file, written: SEGMENT_HEADER_BYTES, synced: SEGMENT_HEADER_BYTES };
}
