import { Worker } from 'node:worker_threads';
import { RustsError, SeriesTable, unpackBatch, WriteBatch, type Logger, type PackedBatch } from '../../core/index.ts';
import { parseLineProtocol, type LineError, type ParseOptions, type ParseResult } from '../lineprotocol/index.ts';
import { decodeRemoteWrite, type DecodedWrite, type LabelLimits, type WriteDecodeOptions } from '../prometheus/index.ts';

/** What the main thread sends a worker; the body's buffer is transferred. */
export type WorkerRequest =
  | { readonly kind: 'lineprotocol'; readonly id: number; readonly body: Uint8Array; readonly options: ParseOptions }
  | { readonly kind: 'remote-write'; readonly id: number; readonly body: Uint8Array; readonly version: 1 | 2; readonly maxBytes: number; readonly limits: LabelLimits };

/** What a remote write decode tells besides its batch. */
export type RemoteWriteCounts = Omit<DecodedWrite, 'batch'>;

export type WorkerReply =
  | { readonly id: number; readonly points: number; readonly errors: LineError[]; readonly batch: PackedBatch }
  | { readonly id: number; readonly counts: RemoteWriteCounts; readonly batch: PackedBatch }
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

// Below these sizes a body is parsed in place: the round trip to a worker (about 0.1 ms) would cost
// more than the parse. A remote write body is snappy-compressed, about 5x.
const INLINE_BODY_BYTES = 64 * 1024;
const INLINE_REMOTE_WRITE_BYTES = 16 * 1024;
// A worker that keeps dying (it cannot even load, say) is not restarted forever: after this many
// failures in a row the pool parses on the calling thread.
const MAX_FAILURES_IN_A_ROW = 3;
const WORKER_ENTRY = new URL('./worker.mjs', import.meta.url);

interface Slot {
  worker: Worker;
  /** Loaded: until then (a worker takes a moment to load and compile its modules) bodies are parsed in place. */
  ready: boolean;
  readonly pending: Map<number, { resolve: (answer: Answer) => void; reject: (err: Error) => void }>;
  /** The worker's series by the ids its batches use. */
  readonly series: SeriesTable;
}

/** A worker's reply, with its batch unpacked as it arrived: a batch may name series by ids the ones before it taught. */
interface Answer {
  readonly reply: WorkerReply;
  readonly batch: WriteBatch | undefined;
}

/**
 * Parses line protocol and decodes remote write bodies on worker threads, so that decoding (the
 * largest share of ingest CPU) runs beside the main thread's HTTP, WAL and MemTable work instead of
 * in turn with it. A body goes to the worker with the fewest bodies in flight; small bodies, and
 * every body when the pool has no workers, are decoded on the calling thread.
 */
export class ParsePool {
  private readonly slots: Slot[] = [];
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
   * A remote write body, snappy-compressed as sent, decoded (see decodeRemoteWrite); `options.cache`
   * serves bodies decoded in place, each worker has its own.
   * @throws what decodeRemoteWrite throws for a bad body, also when a worker decoded it
   */
  async decodeRemoteWrite(body: Buffer, version: 1 | 2, maxBytes: number, options: WriteDecodeOptions): Promise<DecodedWrite> {
    const slot = this.closed || body.length < INLINE_REMOTE_WRITE_BYTES ? undefined : this.leastBusy();
    if (slot === undefined) return decodeRemoteWrite(body, version, maxBytes, options);
    const { reply, batch } = await this.send(slot, (id, owned) => ({ kind: 'remote-write', id, body: owned, version, maxBytes, limits: options.limits }), body);
    if (!('counts' in reply) || batch === undefined) throw new Error('BUG: a remote write body answered as something else');
    return { ...reply.counts, batch };
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
      try {
        batch = 'batch' in reply ? unpackBatch(reply.batch, slot.series) : undefined;
      } catch (err) {
        // Ids out of step with this worker would fail every later batch too: start a new worker.
        waiter?.reject(err as Error);
        void slot.worker.terminate();
        this.replace(slot, err as Error);
        return;
      }
      waiter?.resolve({ reply, batch });
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
