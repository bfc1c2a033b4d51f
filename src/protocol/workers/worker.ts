// A decode worker: line protocol and remote write bodies in, packed batches and rows out (see pool.ts).
import { parentPort } from 'node:worker_threads';
import { packBatch, RustsError, SeriesIds, WriteBatch } from '../../core/index.ts';
import { parseLineProtocol } from '../lineprotocol/index.ts';
import { decodeRemoteWrite, SeriesCache } from '../prometheus/index.ts';
import type { WorkerReady, WorkerReply, WorkerRequest } from './pool.ts';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs only as a worker thread');
// The numbers the main thread knows this worker's series by (see SeriesIds); the main thread
// keeps as many entries for this worker.
const seriesIds = new SeriesIds(100_000);
// The remote write series this worker has met, numbered by `seriesIds`.
const seriesCache = new SeriesCache(seriesIds);

port.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const body = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    if (request.kind === 'lineprotocol') {
      const batch = new WriteBatch();
      const result = parseLineProtocol(body, request.options, batch);
      const packed = packBatch(batch, seriesIds);
      transfer = packed.transfer;
      reply = { id: request.id, points: result.points, errors: result.errors, batch: packed.packed };
    } else {
      const { batch, rows, newSeries, ...counts } = decodeRemoteWrite(body, request.version, request.maxBytes, { limits: request.limits, cache: seriesCache });
      // Cut to length on buffers of their own (see decodeRemoteWrite): ready to hand over.
      transfer = [rows.series.buffer, rows.ms.buffer, rows.values.buffer] as ArrayBuffer[];
      let packed: ReturnType<typeof packBatch> | undefined;
      if (batch.series.length > 0) {
        packed = packBatch(batch, seriesIds);
        transfer.push(...packed.transfer);
      }
      reply = { id: request.id, counts, rows: { series: rows.series, ms: rows.ms, values: rows.values }, newSeries, batch: packed?.packed };
    }
  } catch (err) {
    reply = err instanceof RustsError ? { id: request.id, refused: { code: err.code, message: err.message } } : { id: request.id, failure: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply, transfer);
});
// Loaded and listening: the pool sends bodies here only from now on.
port.postMessage({ ready: true } satisfies WorkerReady);
