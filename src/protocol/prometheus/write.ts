/**
 * Remote write requests (1.0 `prometheus.WriteRequest` and 2.0 `io.prometheus.write.v2.Request`)
 * decoded straight into a WriteBatch: float samples into each series' `value` column, with no
 * object per sample. A series met before is found by the raw bytes of its labels (1.0) or by its
 * label strings (2.0), so its labels are checked and its key built once, not once per request.
 *
 * What is stored, per series (DESIGN.md's data model): float samples in the Float field `value`;
 * native histograms in the String field `histogram`, as the base64 of the sample's protobuf
 * `Histogram` message, so remote read gives back the very bytes that came in; exemplars in the
 * String field `exemplar`, as JSON `{"labels": {...}, "value": v}` at the exemplar's time.
 */
import { isUtf8 } from 'node:buffer';
import { BytesMap, ColumnArena, FieldType, MAX_TIMESTAMP, MIN_TIMESTAMP, timestampMillis, WriteBatch, type BatchSeries, type Column } from '../../core/index.ts';
import { METRIC_EXEMPLAR_FIELD, METRIC_HISTOGRAM_FIELD, METRIC_VALUE_FIELD } from '../../query/index.ts';
import { describeLabels, InvalidLabelsError, seriesOfLabels, type LabeledSeries, type LabelLimits } from './labels.ts';
import { metricTypeOf, type MetricMetadata } from './metadata.ts';
import { uncompressSnappy } from './snappy.ts';
import { ProtobufDecodeError, ProtoReader, WireType } from './wire.ts';

const MIN_MS = timestampMillis(MIN_TIMESTAMP);
const MAX_MS = timestampMillis(MAX_TIMESTAMP);
// The reasons a client is told, one per problem kind is plenty to fix its sender.
const MAX_REASONS = 5;

/**
 * Series already met, by the key the decoder finds them by: the raw bytes of a 1.0 series' labels,
 * or a 2.0 series' label texts (see the decoders). Bounded: when full it starts over, so a sender
 * with more live series than this only loses the shortcut, never data.
 */
export class SeriesCache {
  private readonly v1: BytesMap<LabeledSeries>;
  private readonly v2 = new Map<string, LabeledSeries>();

  constructor(readonly capacity = 200_000) {
    this.v1 = new BytesMap(capacity);
  }

  /** A 1.0 series by the bytes of its Label messages. */
  byLabelBytes(r: ProtoReader, start: number, end: number): LabeledSeries | undefined {
    return this.v1.get(r.buf, r.view, start, end);
  }

  setLabelBytes(r: ProtoReader, start: number, end: number, series: LabeledSeries): void {
    this.v1.set(r.buf, r.view, start, end, series);
  }

  /** A 2.0 series by its label texts (see resolveRefs). */
  byLabelTexts(key: string): LabeledSeries | undefined {
    return this.v2.get(key);
  }

  setLabelTexts(key: string, series: LabeledSeries): void {
    if (this.v2.size >= this.capacity) this.v2.clear();
    this.v2.set(key, series);
  }
}

export interface WriteDecodeOptions {
  readonly limits: LabelLimits;
  /** Shared by the requests of one server. */
  readonly cache: SeriesCache;
}

/** A decoded request: what to write, and what was left out and why. */
export interface DecodedWrite {
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

// A series with more samples than this gets its column cut from an arena; fewer stay small arrays
// on the JS heap, which cost less than views on a shared buffer (see core/column.ts).
const ARENA_MIN_SAMPLES = 8;
// About 50,000 samples: a 500-series x 100-sample request fits one.
const ARENA_BYTES = 1024 * 1024;

/** What decoding one request collects. */
class Decoded {
  readonly batch = new WriteBatch();
  private arena: ColumnArena | undefined;
  samples = 0;
  histograms = 0;
  exemplars = 0;
  readonly metadata: MetricMetadata[] = [];
  rejected = 0;
  readonly reasons: string[] = [];

  /**
   * Where a float column of `samples` comes from: buffers shared by the request's larger columns;
   * allocating each column a buffer of its own was a sixth of decoding 100-sample series.
   */
  arenaFor(samples: number): ColumnArena | undefined {
    if (samples <= ARENA_MIN_SAMPLES) return undefined;
    if (this.arena === undefined || !this.arena.fits(FieldType.Float, samples)) {
      this.arena = new ColumnArena(Math.max(ARENA_BYTES, ColumnArena.bytesFor(FieldType.Float, samples)));
    }
    return this.arena;
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

/**
 * Decodes a remote write 1.0 body (already snappy-decoded).
 * @throws ProtobufDecodeError when the body is not a WriteRequest: nothing of it is written
 */
export function decodeWriteRequest(body: Buffer, options: WriteDecodeOptions): DecodedWrite {
  const out = new Decoded();
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
  return out;
}

function decodeSeriesV1(r: ProtoReader, end: number, options: WriteDecodeOptions, out: Decoded): void {
  const start = r.pos;
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
  let series = keyed ? options.cache.byLabelBytes(r, labelsStart, labelsEnd) : undefined;
  if (series === undefined) {
    try {
      series = resolveLabelsV1(r, start, end, options.limits);
    } catch (err) {
      if (!(err instanceof InvalidLabelsError)) throw err;
      out.reject(samples + histograms + exemplars, err.message);
      return;
    }
    if (keyed) options.cache.setLabelBytes(r, labelsStart, labelsEnd, series);
  }

  r.pos = keyed && labelsStart === start ? labelsEnd : start;
  decodeSamples(r, end, series, { samples, histograms, exemplars }, V1_FIELDS, options.limits, undefined, out);
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
function decodeSamples(r: ProtoReader, end: number, series: LabeledSeries, counts: SeriesCounts, fields: SeriesFields, limits: LabelLimits, symbols: SymbolTable | undefined, out: Decoded): void {
  const target = out.batch.seriesByKey(series.key, series.measurement, series.tags);
  let values: Column | undefined;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x12 /* samples */) {
      readSample(r);
      if (sampleMs < MIN_MS || sampleMs > MAX_MS) {
        out.reject(1, timestampOutOfRange(series, sampleMs));
        continue;
      }
      values ??= target.column(METRIC_VALUE_FIELD, FieldType.Float, counts.samples, out.arenaFor(counts.samples));
      values.pushFloat(sampleMs, 0, sampleValue);
      out.samples++;
    } else if (tag === fields.histograms) {
      const histogramEnd = r.bytesLength() + r.pos;
      decodeHistogram(r, histogramEnd, series, target, counts.histograms, out);
    } else if (tag === fields.exemplars) {
      const exemplarEnd = r.bytesLength() + r.pos;
      if (symbols === undefined) decodeExemplarV1(r, exemplarEnd, series, target, counts.exemplars, limits, out);
      else decodeExemplarV2(r, exemplarEnd, series, target, counts.exemplars, symbols, out);
    } else {
      r.skip(tag & 7);
    }
  }
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
  if (!isUtf8(buf.subarray(start, end))) throw new InvalidLabelsError(`label ${what} ${quoted(buf, start, end)} is not valid UTF-8`);
  return buf.toString('utf8', start, end);
}

/** The start of a label text, quoted, for an error message. */
function quoted(buf: Buffer, start: number, end: number): string {
  return JSON.stringify(buf.toString('utf8', start, Math.min(end, start + 64)) + (end - start > 64 ? '...' : ''));
}

/** A Histogram message (1.0 and 2.0 share fields 1-16): stored as is, at its timestamp (field 15). */
function decodeHistogram(r: ProtoReader, end: number, series: LabeledSeries, target: BatchSeries, capacity: number, out: Decoded): void {
  const start = r.pos;
  let ms = 0;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x78 /* 15: timestamp */) ms = r.int64();
    else r.skip(tag & 7);
  }
  if (r.pos !== end) throw new ProtobufDecodeError('a field runs past the end of its Histogram', r.pos);
  if (ms < MIN_MS || ms > MAX_MS) {
    out.reject(1, timestampOutOfRange(series, ms));
    return;
  }
  target.column(METRIC_HISTOGRAM_FIELD, FieldType.String, capacity).pushString(ms, 0, r.buf.toString('base64', start, end));
  out.histograms++;
}

/** Stores one exemplar; its labels are those of the trace it points to. */
function storeExemplar(names: readonly string[], values: readonly string[], value: number, ms: number, series: LabeledSeries, target: BatchSeries, capacity: number, out: Decoded): void {
  if (ms < MIN_MS || ms > MAX_MS) {
    out.reject(1, timestampOutOfRange(series, ms));
    return;
  }
  const labels: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) labels[names[i]!] = values[i]!;
  target.column(METRIC_EXEMPLAR_FIELD, FieldType.String, capacity).pushString(ms, 0, JSON.stringify({ labels, value }));
  out.exemplars++;
}

function decodeExemplarV1(r: ProtoReader, end: number, series: LabeledSeries, target: BatchSeries, capacity: number, limits: LabelLimits, out: Decoded): void {
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
    out.reject(1, `exemplar of ${series.key}: ${err.message}`);
    return;
  }
  if (r.pos !== end) throw new ProtobufDecodeError('a field runs past the end of its Exemplar', r.pos);
  storeExemplar(names, values, value, ms, series, target, capacity, out);
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

function timestampOutOfRange(series: LabeledSeries, ms: number): string {
  return `sample of ${series.key} at ${ms} ms is outside the representable time range`;
}

/**
 * Decodes a remote write 2.0 body (already snappy-decoded). Label names and values are references
 * into the request's symbol table; each symbol is decoded once per request.
 * @throws ProtobufDecodeError when the body is not a Request, or its symbol table does not start with ""
 */
export function decodeWriteRequestV2(body: Buffer, options: WriteDecodeOptions): DecodedWrite {
  const out = new Decoded();
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
  return out;
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

  let series: LabeledSeries;
  try {
    series = resolveRefs(refs, symbols, options);
  } catch (err) {
    if (!(err instanceof InvalidLabelsError)) throw err;
    out.reject(samples + histograms + exemplars, err.message);
    return;
  }
  if (metadataStart >= 0) {
    r.pos = metadataStart;
    out.metadata.push(decodeMetadataV2(r, metadataEnd, series.measurement, symbols));
  }

  r.pos = start;
  decodeSamples(r, end, series, { samples, histograms, exemplars }, V2_FIELDS, options.limits, symbols, out);
}

/** The series of a 2.0 TimeSeries' label references. */
function resolveRefs(refs: RefList, symbols: SymbolTable, options: WriteDecodeOptions): LabeledSeries {
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
  let series = options.cache.byLabelTexts(key);
  if (series === undefined) {
    series = seriesOfLabels(names, values, options.limits);
    options.cache.setLabelTexts(key, series);
  }
  return series;
}

function decodeExemplarV2(r: ProtoReader, end: number, series: LabeledSeries, target: BatchSeries, capacity: number, symbols: SymbolTable, out: Decoded): void {
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
    out.reject(1, `exemplar of ${series.key} ${describeLabels(names, values)}: ${err.message}`);
    return;
  }
  storeExemplar(names, values, value, ms, series, target, capacity, out);
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
