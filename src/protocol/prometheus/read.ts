/**
 * Remote read: the request (a few queries of label matchers and a time range), the choice of
 * response type, and the two response encodings: one `ReadResponse` of whole samples, or a stream
 * of `ChunkedReadResponse` frames holding XOR chunks, one series per frame.
 */
import { crc32c } from '@node-rs/crc32';
import { RustsError, type Column, type Tag } from '../../core/index.ts';
import type { Matcher, MatchOp } from '../../index/index.ts';
import type { MetricSeries } from '../../query/index.ts';
import { prometheusProto } from './proto.ts';
import { ProtobufDecodeError, ProtoWriter, varintSize } from './wire.ts';
import { encodeXorChunk, XOR_CHUNK_SAMPLES } from './xor.ts';

export interface RemoteReadQuery {
  /** Inclusive bounds, in milliseconds. */
  readonly startMs: number;
  readonly endMs: number;
  readonly matchers: readonly Matcher[];
}

export type ReadResponseType = 'samples' | 'streamed';

export interface RemoteReadRequest {
  readonly queries: readonly RemoteReadQuery[];
  /** In the client's order of preference; an empty list means SAMPLES. */
  readonly accepted: readonly ReadResponseType[];
}

/** The Content-Type of a streamed response; Prometheus's client recognises the stream by it. */
export const STREAMED_CONTENT_TYPE = 'application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse';

/** A read request this server cannot answer as asked: HTTP 400. */
export class BadReadRequestError extends RustsError {
  constructor(message: string) {
    super('bad_read_request', message);
  }
}

const MATCH_OPS: readonly MatchOp[] = ['=', '!=', '=~', '!~'];
const RESPONSE_TYPES: readonly ReadResponseType[] = ['samples', 'streamed'];

interface DecodedReadRequest {
  queries?: Array<{
    startTimestampMs?: number;
    endTimestampMs?: number;
    matchers?: Array<{ type?: number; name?: string; value?: string }>;
  }>;
  acceptedResponseTypes?: number[];
}

/**
 * Decodes a ReadRequest (already snappy-decoded). It is small, so protobufjs decodes it.
 * @throws ProtobufDecodeError, BadReadRequestError for an unknown matcher type
 */
export function decodeReadRequest(body: Buffer): RemoteReadRequest {
  const { ReadRequest } = prometheusProto();
  let message: DecodedReadRequest;
  try {
    message = ReadRequest.toObject(ReadRequest.decode(body), { longs: Number, enums: Number, defaults: true }) as DecodedReadRequest;
  } catch (err) {
    throw new ProtobufDecodeError((err as Error).message, 0);
  }
  const queries = (message.queries ?? []).map((q): RemoteReadQuery => ({
    startMs: q.startTimestampMs ?? 0,
    endMs: q.endTimestampMs ?? 0,
    matchers: (q.matchers ?? []).map((m): Matcher => {
      const op = MATCH_OPS[m.type ?? 0];
      if (op === undefined) throw new BadReadRequestError(`unknown label matcher type ${m.type}`);
      return { name: m.name ?? '', op, value: m.value ?? '' };
    }),
  }));
  // Types this server does not know are left out, as if not offered.
  const accepted = (message.acceptedResponseTypes ?? []).flatMap((t) => RESPONSE_TYPES[t] ?? []);
  if (accepted.length === 0 && (message.acceptedResponseTypes ?? []).length > 0) {
    throw new BadReadRequestError(`server does not support any of the requested response types: ${JSON.stringify(message.acceptedResponseTypes)}`);
  }
  return { queries, accepted };
}

/**
 * The response type to answer with: the client's first choice, except that native histograms
 * go back as whole samples when the client takes those too (XOR chunks hold floats only).
 */
export function responseTypeFor(request: RemoteReadRequest, hasHistograms: boolean): ReadResponseType {
  const first = request.accepted[0] ?? 'samples';
  if (first === 'streamed' && hasHistograms && request.accepted.includes('samples')) return 'samples';
  return first;
}

/** A `ReadResponse`: per query of the request, in its order, its series with their samples. */
export function encodeReadResponse(results: ReadonlyArray<readonly MetricSeries[]>): Buffer {
  const w = new ProtoWriter(64 * 1024);
  for (const series of results) {
    const result = w.beginMessage(1);
    for (const s of series) {
      const ts = w.beginMessage(1);
      writeLabels(w, s.labels);
      if (s.floats !== undefined) writeSamples(w, s.floats);
      if (s.histograms !== undefined) writeHistograms(w, s.histograms);
      w.endMessage(ts);
    }
    w.endMessage(result);
  }
  return w.finish();
}

function writeLabels(w: ProtoWriter, labels: readonly Tag[]): void {
  for (const label of labels) {
    const at = w.beginMessage(1);
    w.string(1, label.key);
    w.string(2, label.value);
    w.endMessage(at);
  }
}

function writeSamples(w: ProtoWriter, column: Column): void {
  const values = column.values as Float64Array;
  for (let i = 0; i < column.length; i++) {
    const at = w.beginMessage(2);
    w.tag(1, 1);
    w.double(values[i]!);
    w.tag(2, 0);
    w.int64(column.ms[i]!);
    w.endMessage(at);
  }
}

/** Stored histograms are the protobuf `Histogram` messages as written, timestamp included. */
function writeHistograms(w: ProtoWriter, column: Column): void {
  const values = column.values as string[];
  for (let i = 0; i < column.length; i++) w.bytes(4, Buffer.from(values[i]!, 'base64'));
}

/**
 * The frames of a streamed response for one query's series: each frame is
 * `uvarint(size) | CRC32C(message) big-endian | message`, one series per frame, a series split
 * over several frames when its chunks pass `maxFrameBytes`.
 */
export function* chunkedReadFrames(series: readonly MetricSeries[], queryIndex: number, maxFrameBytes: number): Generator<Buffer> {
  const w = new ProtoWriter(64 * 1024);
  for (const s of series) {
    const floats = s.floats;
    if (floats === undefined || floats.length === 0) continue;
    let frame = startFrame(w, s.labels);
    for (let start = 0; start < floats.length; start += XOR_CHUNK_SAMPLES) {
      const end = Math.min(start + XOR_CHUNK_SAMPLES, floats.length);
      const data = encodeXorChunk(floats.ms, floats.values as Float64Array, start, end);
      // Start a new frame rather than pass the limit, unless this frame has no chunk yet.
      if (w.pos - frame.chunksAt > 0 && w.pos + data.length + 64 > maxFrameBytes) {
        yield endFrame(w, frame, queryIndex);
        frame = startFrame(w, s.labels);
      }
      const chunk = w.beginMessage(2);
      w.tag(1, 0);
      w.int64(floats.ms[start]!);
      w.tag(2, 0);
      w.int64(floats.ms[end - 1]!);
      w.tag(3, 0);
      w.uint32(1); // Chunk.Encoding XOR
      w.bytes(4, data);
      w.endMessage(chunk);
    }
    yield endFrame(w, frame, queryIndex);
  }
}

interface Frame {
  readonly seriesAt: number;
  readonly chunksAt: number;
}

function startFrame(w: ProtoWriter, labels: readonly Tag[]): Frame {
  w.reset();
  const seriesAt = w.beginMessage(1);
  writeLabels(w, labels);
  return { seriesAt, chunksAt: w.pos };
}

function endFrame(w: ProtoWriter, frame: Frame, queryIndex: number): Buffer {
  w.endMessage(frame.seriesAt);
  if (queryIndex !== 0) {
    w.tag(2, 0);
    w.int64(queryIndex);
  }
  const message = w.finish();
  const frameBytes = Buffer.allocUnsafe(varintSize(message.length) + 4 + message.length);
  let at = 0;
  let n = message.length;
  while (n > 0x7f) {
    frameBytes[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  frameBytes[at++] = n;
  frameBytes.writeUInt32BE(crc32c(message), at);
  message.copy(frameBytes, at + 4);
  return frameBytes;
}
