// A parse worker: line protocol bodies in, packed WriteBatches out (see pool.ts).
import { parentPort } from 'node:worker_threads';
import { WriteBatch } from '../../core/index.ts';
import { packBatch } from './packed.ts';
import { parseLineProtocol } from './parse.ts';
import type { ParseReply, ParseRequest, WorkerReady } from './pool.ts';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs only as a worker thread');
port.on('message', (request: ParseRequest) => {
  let reply: ParseReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const batch = new WriteBatch();
    const body = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    const result = parseLineProtocol(body, request.options, batch);
    const packed = packBatch(batch);
    transfer = packed.transfer;
    reply = { id: request.id, points: result.points, errors: result.errors, batch: packed.packed };
  } catch (err) {
    reply = { id: request.id, failure: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply, transfer);
});
// Loaded and listening: the pool sends bodies here only from now on.
port.postMessage({ ready: true } satisfies WorkerReady);
