/**
 * Remote write requests (1.0 `prometheus.WriteRequest` and 2.0 `io.prometheus.write.v2.Request`)
 * decoded straight into rows: float samples as (series number, time, value) in three typed arrays,
 * with no object per sample or per series. A series met before is found by the raw bytes of its
 * labels (1.0) or by its label strings (2.0), so its labels are checked and its key built once,
 * not once per request.
 *
 * What is stored, per series (DESIGN.md's data model): float samples in the Float field `value`;
 * native histograms in the String field `histogram`, as the base64 of the sample's protobuf
 * `Histogram` message, so remote read gives back the very bytes that came in; exemplars in the
 * String field `exemplar`, as JSON `{"labels": {...}, "value": v}` at the exemplar's time.
 */
import { isUtf8 } from 'node:buffer';
import { BytesMap, FieldType, MAX_TIMESTAMP, MIN_TIMESTAMP, parseSeriesKey, SampleRows, timestampMillis, withRoom, WriteBatch, type BatchSeries, type NewSeries, type SeriesIds } from '../../core/index.ts';
import { METRIC_EXEMPLAR_FIELD, METRIC_HISTOGRAM_FIELD } from '../../query/index.ts';
import { describeLabels, InvalidLabelsError, seriesOfLabels, type LabeledSeries, type LabelLimits } from './labels.ts';
import { metricTypeOf, type MetricMetadata } from './metadata.ts';
import { uncompressSnappy } from './snappy.ts';
import { ProtobufDecodeError, ProtoReader, WireType } from './wire.ts';

const MIN_MS = timestampMillis(MIN_TIMESTAMP);
const MAX_MS = timestampMillis(MAX_TIMESTAMP);
// The reasons a client is told, one per problem kind is plenty to fix its sender.
const MAX_REASONS = 5;

/**
 * A series met before, with its number in the cache's SeriesIds as of generation `generation`.
 * Its tags are not kept: they are in its key for the rare histogram or exemplar (see batchSeries),
 * and keeping them cost about 70 MB of peak RSS at 50,000 series.
 */
interface NumberedSeries {
  readonly key: string;
  readonly measurement: string;
  id: number;
  generation: number;
  /**
   * A 1.0 series whose Label messages came first: its entry in the cache's map of label bytes,
   * which predictedAt may follow; else -1. After the map starts over the number may name another
   * series: a prediction is always checked against the bytes in the map, so that costs a guess,
   * not a mistake.
   */
  slot: number;
}

/**
 * Series already met, by the key the decoder finds them by: the raw bytes of a 1.0 series' labels,
 * or a 2.0 series' label texts (see the decoders), each with its number in `ids`, the numbering the
 * decoded rows use. Bounded: when full it starts over, so a sender with more live series than this
 * only loses the shortcut, never data.
 */
export class SeriesCache {
  // 1.0 series by their label bytes; its entries, numbered in the order series were first met
  // (mostly the order a sender repeats), are the slots of the predictions (see predictedAt).
  private readonly v1: BytesMap<NumberedSeries>;
  private readonly v2 = new Map<string, NumberedSeries>();
  // Per slot, the slot that came after it last time, or -1.
  private nextSlot = new Int32Array(1024);
  /** The slot of the 1.0 series decoded last, or -1. */
  private previousSlot = -1;

  constructor(
    readonly ids: SeriesIds,
    readonly capacity = 200_000,
  ) {
    this.v1 = new BytesMap(capacity);
  }

  /** A 1.0 series by the bytes of its Label messages. */
  byLabelBytes(r: ProtoReader, start: number, end: number): NumberedSeries | undefined {
    return this.v1.get(r.buf, r.view, start, end);
  }

  /** Keeps a 1.0 series by the bytes of its Label messages, which start the TimeSeries when `first`. */
  setLabelBytes(r: ProtoReader, start: number, end: number, first: boolean, series: LabeledSeries): NumberedSeries {
    // Starting over forgets the series the next prediction would follow from.
    if (this.v1.size >= this.capacity) this.previousSlot = -1;
    const numbered = this.number(series);
    const entry = this.v1.set(r.buf, r.view, start, end, numbered);
    if (first) {
      this.nextSlot = withRoom(this.nextSlot, entry + 1);
      this.nextSlot[entry] = -1;
      numbered.slot = entry;
    }
    return numbered;
  }

  /**
   * The 1.0 series that came after the previous one last time, if the TimeSeries at [start, end)
   * of `buf` starts with its very Label messages: then the next `labelsLengthOf(series)` bytes are
   * its labels. A sender sends its series in the same order request after request (a Prometheus
   * shard, in scrape order), so this one compare of bytes mostly spares reading each label and
   * hashing them to look the series up.
   */
  predictedAt(buf: Buffer, start: number, end: number): NumberedSeries | undefined {
    if (this.previousSlot < 0) return undefined;
    const slot = this.nextSlot[this.previousSlot]!;
    if (slot < 0 || !this.v1.keyIsAt(slot, buf, start, end)) return undefined;
    // Only an entry whose labels came first in their TimeSeries is one to follow (see slot).
    const predicted = this.v1.valueOf(slot);
    return predicted?.slot === slot ? predicted : undefined;
  }

  /** The length of the label bytes of a series predictedAt returned. */
  labelsLengthOf(numbered: NumberedSeries): number {
    return this.v1.keyLengthOf(numbered.slot);
  }

  /** Records that `numbered` came next, for predictedAt. */
  followedBy(numbered: NumberedSeries): void {
    if (this.previousSlot >= 0) this.nextSlot[this.previousSlot] = numbered.slot;
    this.previousSlot = numbered.slot;
  }

  /** A 2.0 series by its label texts (see resolveRefs). */
  byLabelTexts(key: string): NumberedSeries | undefined {
    return this.v2.get(key);
  }

  setLabelTexts(key: string, series: LabeledSeries): NumberedSeries {
    if (this.v2.size >= this.capacity) this.v2.clear();
    const numbered = this.number(series);
    this.v2.set(key, numbered);
    return numbered;
  }

  /** The series' number in the current generation of `ids`. */
  idOf(numbered: NumberedSeries): number {
    if (numbered.generation !== this.ids.generation) {
      numbered.id = this.ids.idOf(numbered.key);
      numbered.generation = this.ids.generation;
    }
    return numbered.id;
  }

  /** The series with its number, not kept (setLabelBytes and setLabelTexts keep it). */
  number(series: LabeledSeries): NumberedSeries {
    return { key: series.key, measurement: series.measurement, id: this.ids.idOf(series.key), generation: this.ids.generation, slot: -1 };
  }
}

export interface WriteDecodeOptions {
  readonly limits: LabelLimits;
  /** Shared by the requests decoded on one thread. */
  readonly cache: SeriesCache;
}

/** A decoded request: what to write, and what was left out and why. */
export interface DecodedWrite {
  /** The float samples, on buffers of their own cut to length; their series numbers are the cache's ids, of which `newSeries` are new. */
  readonly rows: SampleRows;
  readonly newSeries: NewSeries;
  /** Native histograms and exemplars. */
  readonly batch: WriteBatch;
  readonly samples: number;
  readonly histograms: number;
  readonly exemplars: number;
  readonly metadata: readonly MetricMetadata[];
  /** Samples, histograms and exemplars refused (bad labels, timestamps out of range). */
  readonly rejected: number;
  /** Why, the first few reasons. */
  readonly reasons: readonly string[];
}

// The rows of the request being decoded, reused from request to request (decoding is synchronous);
// what a decode returns is a copy cut to length.
const scratchRows = new SampleRows(64 * 1024);

/** What decoding one request collects. */
class Decoded {
  readonly rows = scratchRows;
  readonly batch = new WriteBatch();
  samples = 0;
  histograms = 0;
  exemplars = 0;
  readonly metadata: MetricMetadata[] = [];
  rejected = 0;
  readonly reasons: string[] = [];

  constructor() {
    scratchRows.length = 0;
  }

  reject(count: number, reason: string): void {
    this.rejected += count;
    if (this.reasons.length < MAX_REASONS && !this.reasons.includes(reason)) this.reasons.push(reason);
  }
}

/**
 * Decodes a remote write body as sent: a snappy block of a 1.0 or 2.0 message.
 * @throws SnappyDecodeError, SnappyTooLargeError (over `maxBytes` decompressed), ProtobufDecodeError
 */
export function decodeRemoteWrite(block: Buffer, version: 1 | 2, maxBytes: number, options: WriteDecodeOptions): DecodedWrite {
  const body = uncompressSnappy(block, maxBytes);
  return version === 1 ? decodeWriteRequest(body, options) : decodeWriteRequestV2(body, options);
}

/** Runs a decoder within one batch of the cache's numbering, which a failure abandons. */
function numbering(options: WriteDecodeOptions, decode: (out: Decoded) => void): DecodedWrite {
  const ids = options.cache.ids;
  ids.begin();
  const out = new Decoded();
  try {
    decode(out);
  } catch (err) {
    ids.abandon();
    throw err;
  }
  return { ...out, rows: out.rows.copy(), newSeries: ids.end() };
}

/**
 * Decodes a remote write 1.0 body (already snappy-decoded).
 * @throws ProtobufDecodeError when the body is not a WriteRequest: nothing of it is written
 */
export function decodeWriteRequest(body: Buffer, options: WriteDecodeOptions): DecodedWrite {
  return numbering(options, (out) => decodeV1(body, options, out));
}

function decodeV1(body: Buffer, options: WriteDecodeOptions, out: Decoded): void {
  const r = new ProtoReader(body);
  while (!r.done) {
    const tag = r.tag();
    if (tag === 0x0a /* timeseries */) {
      const end = r.bytesLength() + r.pos;
      decodeSeriesV1(r, end, options, out);
      r.pos = end;
    } else if (tag === 0x1a /* metadata */) {
      const end = r.bytesLength() + r.pos;
      out.metadata.push(decodeMetadataV1(r, end));
      r.pos = end;
    } else {
      r.skip(tag & 7);
    }
  }
}

function decodeSeriesV1(r: ProtoReader, end: number, options: WriteDecodeOptions, out: Decoded): void {
  const start = r.pos;
  const cache = options.cache;
  const predicted = cache.predictedAt(r.buf, start, end);
  if (predicted !== undefined) {
    r.pos = start + cache.labelsLengthOf(predicted);
    if (decodeAfterLabelsV1(r, end, predicted, options, out)) {
      cache.followedBy(predicted);
      return;
    }
    r.pos = start;
  }
  let samples = 0;
  let histograms = 0;
  let exemplars = 0;
  // Senders write the labels first and together: their bytes are then the series' cache key, and
  // the second pass starts after them.
  let labelsStart = -1;
  let labelsEnd = -1;
  let contiguous = true;
  while (r.pos < end) {
    const tagAt = r.pos;
    const tag = r.tag();
    if (tag === 0x0a /* labels */) {
      const length = r.bytesLength();
      if (labelsStart < 0) labelsStart = tagAt;
      else if (labelsEnd !== tagAt) contiguous = false;
      r.pos += length;
      labelsEnd = r.pos;
      continue;
    }
    if (tag === 0x12) samples++;
    else if (tag === 0x1a) exemplars++;
    else if (tag === 0x22) histograms++;
    r.skip(tag & 7);
  }
  if (r.pos !== end) throw new ProtobufDecodeError('a field runs past the end of its TimeSeries', r.pos);

  const keyed = contiguous && labelsStart >= 0;
  let numbered = keyed ? options.cache.byLabelBytes(r, labelsStart, labelsEnd) : undefined;
  if (numbered === undefined) {
    let series: LabeledSeries;
    try {
      series = resolveLabelsV1(r, start, end, options.limits);
    } catch (err) {
      if (!(err instanceof InvalidLabelsError)) throw err;
      out.reject(samples + histograms + exemplars, err.message);
      return;
    }
    // A series whose labels are not together is numbered but not kept: its bytes are no key.
    numbered = keyed ? cache.setLabelBytes(r, labelsStart, labelsEnd, labelsStart === start, series) : cache.number(series);
  }
  cache.followedBy(numbered);

  r.pos = keyed && labelsStart === start ? labelsEnd : start;
  decodeSamples(r, end, numbered, { samples, histograms, exemplars }, V1_FIELDS, options, undefined, out);
}

/**
 * The rest of a TimeSeries whose Label messages were all at its start and are read already (see
 * SeriesCache.predictedAt), from `r.pos` to `end`, when it is float samples in range and nothing
 * else (as a scrape's series nearly always are): false, with nothing decoded, otherwise.
 */
function decodeAfterLabelsV1(r: ProtoReader, end: number, numbered: NumberedSeries, options: WriteDecodeOptions, out: Decoded): boolean {
  const rows = out.rows;
  const firstRow = rows.length;
  let id = -1;
  while (r.pos < end) {
    if (r.tag() !== 0x12) {
      rows.length = firstRow;
      return false;
    }
    readSample(r);
    if (sampleMs < MIN_MS || sampleMs > MAX_MS) {
      rows.length = firstRow;
      return false;
    }
    if (id < 0) id = options.cache.idOf(numbered);
    rows.push(id, sampleMs, sampleValue);
  }
  if (r.pos !== end) throw new ProtobufDecodeError('a field runs past the end of its TimeSeries', r.pos);
  out.samples += rows.length - firstRow;
  return true;
}

/** Where 1.0 and 2.0 differ in a TimeSeries: the numbers of its histograms and exemplars fields. */
interface SeriesFields {
  readonly histograms: number;
  readonly exemplars: number;
}
const V1_FIELDS: SeriesFields = { histograms: 0x22, exemplars: 0x1a };
const V2_FIELDS: SeriesFields = { histograms: 0x1a, exemplars: 0x22 };

/** How many of each a TimeSeries holds: the capacity of the columns they go to. */
interface SeriesCounts {
  readonly samples: number;
  readonly histograms: number;
  readonly exemplars: number;
}

/**
 * The second pass over a TimeSeries, from `r.pos` to `end`: its samples, histograms and exemplars
 * into the batch. Exemplar labels are Label messages in 1.0 and references into `symbols` in 2.0.
 */
function decodeSamples(r: ProtoReader, end: number, numbered: NumberedSeries, counts: SeriesCounts, fields: SeriesFields, options: WriteDecodeOptions, symbols: SymbolTable | undefined, out: Decoded): void {
  const key = numbered.key;
  const id = counts.samples > 0 ? options.cache.idOf(numbered) : -1;
  const rows = out.rows;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x12 /* samples */) {
      readSample(r);
      if (sampleMs < MIN_MS || sampleMs > MAX_MS) {
        out.reject(1, timestampOutOfRange(key, sampleMs));
        continue;
      }
      rows.push(id, sampleMs, sampleValue);
      out.samples++;
    } else if (tag === fields.histograms) {
      const histogramEnd = r.bytesLength() + r.pos;
      decodeHistogram(r, histogramEnd, key, batchSeries(numbered, out), counts.histograms, out);
    } else if (tag === fields.exemplars) {
      const exemplarEnd = r.bytesLength() + r.pos;
      if (symbols === undefined) decodeExemplarV1(r, exemplarEnd, key, batchSeries(numbered, out), counts.exemplars, options.limits, out);
      else decodeExemplarV2(r, exemplarEnd, key, batchSeries(numbered, out), counts.exemplars, symbols, out);
    } else {
      r.skip(tag & 7);
    }
  }
}

/** A series' entry in the batch of histograms and exemplars, which are rare enough for one per series. */
function batchSeries(numbered: NumberedSeries, out: Decoded): BatchSeries {
  return out.batch.seriesByKey(numbered.key, numbered.measurement, parseSeriesKey(numbered.key).tags);
}

// What readSample decoded last: module variables rather than a returned object, which would be one
// allocation per sample. (A number kept in a variable keeps its NaN payload bits.)
let sampleValue = 0;
let sampleMs = 0;

/** Reads a Sample message, whose length is next (1.0's and 2.0's agree on fields 1 and 2), into sampleValue and sampleMs. */
function readSample(r: ProtoReader): void {
  const buf = r.buf;
  const at = r.pos;
  // How every sender encodes a sample with a non-zero value and time: a one-byte length, the
  // value (tag 0x09, 8 bytes), the timestamp (tag 0x10, a varint), and nothing else.
  const length = buf[at]!;
  if (length >= 11 && length < 0x80 && buf[at + 1] === 0x09 && buf[at + 10] === 0x10 && at + 1 + length <= r.end) {
    r.pos = at + 11;
    const ms = r.int64();
    if (r.pos === at + 1 + length) {
      sampleValue = r.view.getFloat64(at + 2, true);
      sampleMs = ms;
      return;
    }
    r.pos = at;
  }
  // Anything else (fields left out for being zero, in another order, a 2.0 start timestamp, which RusTs does not keep).
  const end = r.bytesLength() + r.pos;
  sampleValue = 0;
  sampleMs = 0;
  while (r.pos < end) {
    const field = r.tag();
    if (field === 0x09) sampleValue = r.double();
    else if (field === 0x10) sampleMs = r.int64();
    else r.skip(field & 7);
  }
  if (r.pos !== end) throw new ProtobufDecodeError('a field runs past the end of its Sample', r.pos);
}

/** The series of the Label messages of the TimeSeries at [start, end), wherever they are in it. */
function resolveLabelsV1(r: ProtoReader, start: number, end: number, limits: LabelLimits): LabeledSeries {
  const names: string[] = [];
  const values: string[] = [];
  r.pos = start;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag !== 0x0a) {
      r.skip(tag & 7);
      continue;
    }
    readLabel(r, limits, names, values);
  }
  return seriesOfLabels(names, values, limits);
}

/** Reads a 1.0 Label message, whose length is next, onto `names` and `values`. */
function readLabel(r: ProtoReader, limits: LabelLimits, names: string[], values: string[]): void {
  const end = r.bytesLength() + r.pos;
  let name = '';
  let value = '';
  while (r.pos < end) {
    const field = r.tag();
    if (field === 0x0a) name = labelText(r, limits, 'name');
    else if (field === 0x12) value = labelText(r, limits, 'value');
    else r.skip(field & 7);
  }
  if (r.pos !== end) throw new ProtobufDecodeError('a field runs past the end of its Label', r.pos);
  names.push(name);
  values.push(value);
}

/** A label name or value: checked for size and UTF-8 before it becomes a string (decoding would hide bad bytes). */
function labelText(r: ProtoReader, limits: LabelLimits, what: 'name' | 'value'): string {
  const length = r.bytesLength();
  const start = r.pos;
  r.pos += length;
  return checkedText(r.buf, start, start + length, limits, what);
}

function checkedText(buf: Buffer, start: number, end: number, limits: LabelLimits, what: 'name' | 'value'): string {
  if (end - start > limits.maxLabelBytes) throw new InvalidLabelsError(`label ${what} ${quoted(buf, start, end)} is ${end - start} bytes long, more than the limit of ${limits.maxLabelBytes}`);
  // Label texts are nearly always ASCII, valid UTF-8 as they are: checked here without the view
  // and the native call that isUtf8 costs per text.
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return buf.toString('latin1', start, end);
  if (!isUtf8(buf.subarray(start, end))) throw new InvalidLabelsError(`label ${what} ${quoted(buf, start, end)} is not valid UTF-8`);
  return buf.toString('utf8', start, end);
}

/** The start of a label text, quoted, for an error message. */
function quoted(buf: Buffer, start: number, end: number): string {
  return JSON.stringify(buf.toString('utf8', start, Math.min(end, start + 64)) + (end - start > 64 ? '...' : ''));
}

/** A Histogram message (1.0 and 2.0 share fields 1-16): stored as is, at its timestamp (field 15). */
function decodeHistogram(r: ProtoReader, end: number, key: string, target: BatchSeries, capacity: number, out: Decoded): void {
  const start = r.pos;
  let ms = 0;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x78 /* 15: timestamp */) ms = r.int64();
    else r.skip(tag & 7);
  }
  if (r.pos !== end) throw new ProtobufDecodeError('a field runs past the end of its Histogram', r.pos);
  if (ms < MIN_MS || ms > MAX_MS) {
    out.reject(1, timestampOutOfRange(key, ms));
    return;
  }
  target.column(METRIC_HISTOGRAM_FIELD, FieldType.String, capacity).pushString(ms, 0, r.buf.toString('base64', start, end));
  out.histograms++;
}

/** Stores one exemplar; its labels are those of the trace it points to. */
function storeExemplar(names: readonly string[], values: readonly string[], value: number, ms: number, key: string, target: BatchSeries, capacity: number, out: Decoded): void {
  if (ms < MIN_MS || ms > MAX_MS) {
    out.reject(1, timestampOutOfRange(key, ms));
    return;
  }
  const labels: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) labels[names[i]!] = values[i]!;
  target.column(METRIC_EXEMPLAR_FIELD, FieldType.String, capacity).pushString(ms, 0, JSON.stringify({ labels, value }));
  out.exemplars++;
}

function decodeExemplarV1(r: ProtoReader, end: number, key: string, target: BatchSeries, capacity: number, limits: LabelLimits, out: Decoded): void {
  const names: string[] = [];
  const values: string[] = [];
  let value = 0;
  let ms = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === 0x0a) readLabel(r, limits, names, values);
      else if (tag === 0x11) value = r.double();
      else if (tag === 0x18) ms = r.int64();
      else r.skip(tag & 7);
    }
  } catch (err) {
    if (!(err instanceof InvalidLabelsError)) throw err;
    r.pos = end;
    out.reject(1, `exemplar of ${key}: ${err.message}`);
    return;
  }
  if (r.pos !== end) throw new ProtobufDecodeError('a field runs past the end of its Exemplar', r.pos);
  storeExemplar(names, values, value, ms, key, target, capacity, out);
}

function decodeMetadataV1(r: ProtoReader, end: number): MetricMetadata {
  let type = 0;
  let metric = '';
  let help = '';
  let unit = '';
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x08) type = r.uint32();
    else if (tag === 0x12) metric = r.string();
    else if (tag === 0x22) help = r.string();
    else if (tag === 0x2a) unit = r.string();
    else r.skip(tag & 7);
  }
  if (r.pos !== end) throw new ProtobufDecodeError('a field runs past the end of its MetricMetadata', r.pos);
  return { metric, type: metricTypeOf(type), help, unit };
}

function timestampOutOfRange(key: string, ms: number): string {
  return `sample of ${key} at ${ms} ms is outside the representable time range`;
}

/**
 * Decodes a remote write 2.0 body (already snappy-decoded). Label names and values are references
 * into the request's symbol table; each symbol is decoded once per request.
 * @throws ProtobufDecodeError when the body is not a Request, or its symbol table does not start with ""
 */
export function decodeWriteRequestV2(body: Buffer, options: WriteDecodeOptions): DecodedWrite {
  return numbering(options, (out) => decodeV2(body, options, out));
}

function decodeV2(body: Buffer, options: WriteDecodeOptions, out: Decoded): void {
  const r = new ProtoReader(body);
  // Symbols may come after the series that use them: find them all first.
  const symbols = new SymbolTable(body, options.limits);
  const series: number[] = [];
  while (!r.done) {
    const tag = r.tag();
    if (tag === 0x22 /* symbols */) {
      r.expect(WireType.Bytes, tag);
      const length = r.bytesLength();
      symbols.add(r.pos, r.pos + length);
      r.pos += length;
    } else if (tag === 0x2a /* timeseries */) {
      const length = r.bytesLength();
      series.push(r.pos, r.pos + length);
      r.pos += length;
    } else {
      r.skip(tag & 7);
    }
  }
  if (symbols.count > 0 && symbols.endOf(0) !== symbols.startOf(0)) throw new ProtobufDecodeError('the first symbol must be the empty string', 0);
  const refs = new RefList();
  for (let i = 0; i < series.length; i += 2) {
    r.pos = series[i]!;
    decodeSeriesV2(r, series[i + 1]!, symbols, refs, options, out);
  }
}

/** The symbols of one 2.0 request: where each is, and its text once asked for. */
class SymbolTable {
  private starts: number[] = [];
  private ends: number[] = [];
  private readonly texts: (string | InvalidLabelsError | undefined)[] = [];

  constructor(
    private readonly buf: Buffer,
    private readonly limits: LabelLimits,
  ) {}

  get count(): number {
    return this.starts.length;
  }

  add(start: number, end: number): void {
    this.starts.push(start);
    this.ends.push(end);
  }

  startOf(ref: number): number {
    return this.starts[ref]!;
  }

  endOf(ref: number): number {
    return this.ends[ref]!;
  }

  /** The text of symbol `ref` used as a label `what`. @throws InvalidLabelsError for a reference out of range, bad UTF-8 or an over-long text */
  text(ref: number, what: 'name' | 'value'): string {
    if (ref >= this.starts.length) throw new InvalidLabelsError(`symbol reference ${ref} is out of range: the request has ${this.starts.length} symbols`);
    let text = this.texts[ref];
    if (text === undefined) {
      try {
        text = checkedText(this.buf, this.starts[ref]!, this.ends[ref]!, this.limits, what);
      } catch (err) {
        if (!(err instanceof InvalidLabelsError)) throw err;
        text = err;
      }
      this.texts[ref] = text;
    }
    if (text instanceof InvalidLabelsError) throw text;
    return text;
  }
}

/** A series' `labels_refs`, reused across series. */
class RefList {
  refs = new Uint32Array(128);
  count = 0;

  push(ref: number): void {
    if (this.count === this.refs.length) {
      const grown = new Uint32Array(this.count * 2);
      grown.set(this.refs);
      this.refs = grown;
    }
    this.refs[this.count++] = ref;
  }
}

/** Reads a `repeated uint32` field, packed (proto3's default) or not, into `into`. */
function readRefs(r: ProtoReader, tag: number, into: RefList): void {
  if ((tag & 7) === WireType.Bytes) {
    const end = r.bytesLength() + r.pos;
    while (r.pos < end) into.push(r.uint32());
    if (r.pos !== end) throw new ProtobufDecodeError('a packed field runs past its length', r.pos);
  } else {
    r.expect(WireType.Varint, tag);
    into.push(r.uint32());
  }
}

function decodeSeriesV2(r: ProtoReader, end: number, symbols: SymbolTable, refs: RefList, options: WriteDecodeOptions, out: Decoded): void {
  const start = r.pos;
  let samples = 0;
  let histograms = 0;
  let exemplars = 0;
  refs.count = 0;
  let metadataStart = -1;
  let metadataEnd = -1;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag >>> 3 === 1) {
      readRefs(r, tag, refs);
      continue;
    }
    if (tag === 0x12) samples++;
    else if (tag === 0x1a) histograms++;
    else if (tag === 0x22) exemplars++;
    else if (tag === 0x2a) {
      metadataEnd = r.bytesLength() + r.pos;
      metadataStart = r.pos;
      r.pos = metadataEnd;
      continue;
    }
    r.skip(tag & 7);
  }
  if (r.pos !== end) throw new ProtobufDecodeError('a field runs past the end of its TimeSeries', r.pos);

  let numbered: NumberedSeries;
  try {
    numbered = resolveRefs(refs, symbols, options);
  } catch (err) {
    if (!(err instanceof InvalidLabelsError)) throw err;
    out.reject(samples + histograms + exemplars, err.message);
    return;
  }
  if (metadataStart >= 0) {
    r.pos = metadataStart;
    out.metadata.push(decodeMetadataV2(r, metadataEnd, numbered.measurement, symbols));
  }

  r.pos = start;
  decodeSamples(r, end, numbered, { samples, histograms, exemplars }, V2_FIELDS, options, symbols, out);
}

/** The series of a 2.0 TimeSeries' label references. */
function resolveRefs(refs: RefList, symbols: SymbolTable, options: WriteDecodeOptions): NumberedSeries {
  if (refs.count % 2 !== 0) throw new InvalidLabelsError(`a series has an odd number (${refs.count}) of label references`);
  const names: string[] = [];
  const values: string[] = [];
  // Each text is prefixed with its length, so that no two label sets share a key.
  let key = '';
  for (let i = 0; i < refs.count; i += 2) {
    const name = symbols.text(refs.refs[i]!, 'name');
    const value = symbols.text(refs.refs[i + 1]!, 'value');
    names.push(name);
    values.push(value);
    key += String.fromCharCode(name.length) + name + String.fromCharCode(value.length) + value;
  }
  return options.cache.byLabelTexts(key) ?? options.cache.setLabelTexts(key, seriesOfLabels(names, values, options.limits));
}

function decodeExemplarV2(r: ProtoReader, end: number, key: string, target: BatchSeries, capacity: number, symbols: SymbolTable, out: Decoded): void {
  const refs = new RefList();
  let value = 0;
  let ms = 0;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag >>> 3 === 1) readRefs(r, tag, refs);
    else if (tag === 0x11) value = r.double();
    else if (tag === 0x18) ms = r.int64();
    else r.skip(tag & 7);
  }
  if (r.pos !== end) throw new ProtobufDecodeError('a field runs past the end of its Exemplar', r.pos);
  const names: string[] = [];
  const values: string[] = [];
  try {
    if (refs.count % 2 !== 0) throw new InvalidLabelsError(`an exemplar has an odd number (${refs.count}) of label references`);
    for (let i = 0; i < refs.count; i += 2) {
      names.push(symbols.text(refs.refs[i]!, 'name'));
      values.push(symbols.text(refs.refs[i + 1]!, 'value'));
    }
  } catch (err) {
    if (!(err instanceof InvalidLabelsError)) throw err;
    out.reject(1, `exemplar of ${key} ${describeLabels(names, values)}: ${err.message}`);
    return;
  }
  storeExemplar(names, values, value, ms, key, target, capacity, out);
}

function decodeMetadataV2(r: ProtoReader, end: number, metric: string, symbols: SymbolTable): MetricMetadata {
  let type = 0;
  let help = '';
  let unit = '';
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x08) type = r.uint32();
    else if (tag === 0x18) help = symbolOrEmpty(symbols, r.uint32());
    else if (tag === 0x20) unit = symbolOrEmpty(symbols, r.uint32());
    else r.skip(tag & 7);
  }
  if (r.pos !== end) throw new ProtobufDecodeError('a field runs past the end of its Metadata', r.pos);
  return { metric, type: metricTypeOf(type), help, unit };
}

// Metadata is advisory: a bad reference in it loses the text, not the series' samples.
function symbolOrEmpty(symbols: SymbolTable, ref: number): string {
  try {
    return symbols.text(ref, 'value');
  } catch {
    return '';
  }
}

