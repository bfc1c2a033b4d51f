import { Worker } from 'node:worker_threads';
import { RustsError, SampleRows, SeriesIds, SeriesTable, unpackBatch, WriteBatch, type Logger, type NewSeries, type PackedBatch, type SeriesList } from '../../core/index.ts';
import { parseLineProtocol, type LineError, type ParseOptions, type ParseResult } from '../lineprotocol/index.ts';
import { decodeRemoteWrite, SeriesCache, type DecodedWrite, type LabelLimits } from '../prometheus/index.ts';

/** What the main thread sends a worker; the body's buffer is transferred. */
export type WorkerRequest =
  | { readonly kind: 'lineprotocol'; readonly id: number; readonly body: Uint8Array; readonly options: ParseOptions }
  | { readonly kind: 'remote-write'; readonly id: number; readonly body: Uint8Array; readonly version: 1 | 2; readonly maxBytes: number; readonly limits: LabelLimits };

/** What a remote write decode tells besides its samples. */
export type RemoteWriteCounts = Omit<DecodedWrite, 'batch' | 'rows' | 'newSeries'>;

/** SampleRows' arrays, cut to their length. */
interface RowArrays {
  readonly series: Int32Array;
  readonly ms: Float64Array;
  readonly values: Float64Array;
}

export type WorkerReply =
  | { readonly id: number; readonly points: number; readonly errors: LineError[]; readonly batch: PackedBatch }
  | { readonly id: number; readonly counts: RemoteWriteCounts; readonly rows: RowArrays; readonly newSeries: NewSeries; readonly batch: PackedBatch | undefined }
  /** The body was refused (a RustsError, such as a remote write body that does not decode): the request's fault. */
  | { readonly id: number; readonly refused: { readonly code: string; readonly message: string } }
  | { readonly id: number; readonly failure: string };

/** A worker's first message, once its modules are loaded. */
export interface WorkerReady {
  readonly ready: true;
}

export interface ParsedBody {
  readonly batch: WriteBatch;
  readonly result: ParseResult;
}

/** A decoded remote write body: float samples as rows whose series numbers index `series`, the rest in `batch`. */
export interface RemoteWriteBody extends RemoteWriteCounts {
  readonly rows: SampleRows;
  readonly series: SeriesList;
  readonly batch: WriteBatch;
}

// Below these sizes a body is parsed in place: the round trip to a worker (about 0.1 ms) would cost
// more than the parse. A remote write body is snappy-compressed, about 5x.
const INLINE_BODY_BYTES = 64 * 1024;
const INLINE_REMOTE_WRITE_BYTES = 16 * 1024;
// A worker that keeps dying (it cannot even load, say) is not restarted forever: after this many
// failures in a row the pool parses on the calling thread.
const MAX_FAILURES_IN_A_ROW = 3;
// Beside this module both where tsx runs the sources (an entry that registers tsx, then loads
// worker.ts) and in the bundle `npm start` builds (dist/worker.mjs beside dist/main.mjs: see
// scripts/build.mjs).
const WORKER_ENTRY = new URL('./worker.mjs', import.meta.url);

interface Slot {
  worker: Worker;
  /** Loaded: until then (a worker takes a moment to load and compile its modules) bodies are parsed in place. */
  ready: boolean;
  readonly pending: Map<number, { resolve: (answer: Answer) => void; reject: (err: Error) => void }>;
  /** The worker's series by the ids its batches and rows use. */
  readonly series: SeriesTable;
}

/** A worker's reply, with its series learned as it arrived: a reply may name series by ids the ones before it taught. */
interface Answer {
  readonly reply: WorkerReply;
  readonly batch: WriteBatch | undefined;
  /** The series the reply's rows name, as they were when it arrived. */
  readonly series: SeriesList;
}

/**
 * Parses line protocol and decodes remote write bodies on worker threads, so that decoding (the
 * largest share of ingest CPU) runs beside the main thread's HTTP, WAL and MemTable work instead of
 * in turn with it. A body goes to the worker with the fewest bodies in flight; small bodies, and
 * every body when the pool has no workers, are decoded on the calling thread.
 */
export class ParsePool {
  private readonly slots: Slot[] = [];
  // Bodies decoded on the calling thread number their series here, as a worker does.
  private readonly inlineIds = new SeriesIds(100_000);
  private readonly inlineCache = new SeriesCache(this.inlineIds);
  private readonly inlineSeries = new SeriesTable();
  private nextId = 0;
  private closed = false;
  private failuresInARow = 0;

  /** `entry` is the worker's module; tests point it elsewhere. */
  constructor(
    workers: number,
    private readonly logger: Logger,
    private readonly entry: URL = WORKER_ENTRY,
  ) {
    for (let i = 0; i < workers; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  /** Workers that have loaded and take bodies. */
  get readyWorkers(): number {
    return this.slots.filter((s) => s.ready).length;
  }

  async parse(body: Buffer, options: ParseOptions): Promise<ParsedBody> {
    const slot = this.closed || body.length < INLINE_BODY_BYTES ? undefined : this.leastBusy();
    if (slot === undefined) {
      const batch = new WriteBatch();
      return { batch, result: parseLineProtocol(body, options, batch) };
    }
    const { reply, batch } = await this.send(slot, (id, owned) => ({ kind: 'lineprotocol', id, body: owned, options }), body);
    if (!('points' in reply) || batch === undefined) throw new Error('BUG: a line protocol body answered as something else');
    return { batch, result: { points: reply.points, errors: reply.errors } };
  }

  /**
   * A remote write body, snappy-compressed as sent, decoded (see decodeRemoteWrite).
   * @throws what decodeRemoteWrite throws for a bad body, also when a worker decoded it
   */
  async decodeRemoteWrite(body: Buffer, version: 1 | 2, maxBytes: number, limits: LabelLimits): Promise<RemoteWriteBody> {
    const slot = this.closed || body.length < INLINE_REMOTE_WRITE_BYTES ? undefined : this.leastBusy();
    if (slot === undefined) {
      const { rows, newSeries, ...decoded } = decodeRemoteWrite(body, version, maxBytes, { limits, cache: this.inlineCache });
      this.inlineSeries.learn(newSeries);
      return { ...decoded, rows, series: this.inlineSeries.list };
    }
    const { reply, batch, series } = await this.send(slot, (id, owned) => ({ kind: 'remote-write', id, body: owned, version, maxBytes, limits }), body);
    if (!('counts' in reply)) throw new Error('BUG: a remote write body answered as something else');
    const { rows } = reply;
    return { ...reply.counts, rows: SampleRows.of(rows.series, rows.ms, rows.values, rows.series.length), series, batch: batch ?? new WriteBatch() };
  }

  /** Hands `body` to the worker of `slot` and waits for its answer; a refusal is thrown as the RustsError it was. */
  private async send(slot: Slot, request: (id: number, owned: Uint8Array) => WorkerRequest, body: Buffer): Promise<Answer> {
    const id = this.nextId++;
    // The body is handed over, not copied: give the worker a buffer of its own.
    const owned = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : Uint8Array.prototype.slice.call(body);
    const answer = await new Promise<Answer>((resolve, reject) => {
      // A worker with a body in hand keeps the process alive until it answers; an idle one does not.
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage(request(id, owned), [owned.buffer as ArrayBuffer]);
    });
    const { reply } = answer;
    if ('failure' in reply) throw new Error(`decode worker failed: ${reply.failure}`);
    if ('refused' in reply) throw new RustsError(reply.refused.code, reply.refused.message);
    return answer;
  }

  private leastBusy(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.slots) if (s.ready && (best === undefined || s.pending.size < best.pending.size)) best = s;
    return best;
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.entry), ready: false, pending: new Map(), series: new SeriesTable() };
    slot.worker.on('message', (reply: WorkerReply | WorkerReady) => {
      if ('ready' in reply) {
        slot.ready = true;
        return;
      }
      const waiter = slot.pending.get(reply.id);
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) slot.worker.unref();
      this.failuresInARow = 0;
      let batch: WriteBatch | undefined;
      let series: SeriesList = [];
      try {
        if ('newSeries' in reply) {
          slot.series.learn(reply.newSeries);
          series = slot.series.list;
        }
        batch = 'batch' in reply && reply.batch !== undefined ? unpackBatch(reply.batch, slot.series) : undefined;
      } catch (err) {
        // Ids out of step with this worker would fail every later batch too: start a new worker.
        waiter?.reject(err as Error);
        void slot.worker.terminate();
        this.replace(slot, err as Error);
        return;
      }
      waiter?.resolve({ reply, batch, series });
    });
    slot.worker.on('error', (err) => this.replace(slot, err));
    slot.worker.on('exit', (code) => {
      if (!this.closed) this.replace(slot, new Error(`exited with code ${code}`));
    });
    slot.worker.unref();
    return slot;
  }

  /** A worker died: fail its bodies (their requests get a 500) and start another in its place. */
  private replace(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    for (const waiter of slot.pending.values()) waiter.reject(new Error(`decode worker failed: ${err.message}`));
    slot.pending.clear();
    if (++this.failuresInARow >= MAX_FAILURES_IN_A_ROW) {
      this.slots.splice(i, 1);
      this.logger.error('decode worker failed again; decoding without it', { error: err.message, workersLeft: this.slots.length });
      return;
    }
    this.logger.error('decode worker failed; starting another', { error: err.message });
    this.slots[i] = this.spawn();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
