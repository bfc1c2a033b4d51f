import { allocValues, ByteReader, ByteWriter, Column, FieldType, isFieldType } from '../core/index.ts';
import { decodeBooleans, encodeBooleans } from './booleans.ts';
import { corrupt, corruptAt } from './errors.ts';
import { compressInto, decompress, zstdSize } from './compress.ts';
import { decodeFloats, encodeFloats } from './floats.ts';
import {
  BLOCK_HEADER_SIZE,
  BLOCK_VERSION,
  Compression,
  FLAG_SUB_MS,
  MAX_BLOCK_POINTS,
  TimestampEncoding,
  ValueEncoding,
} from './format.ts';
import { decodeInts, encodeInts, type Int64Values } from './integers.ts';
import { decodeStrings, encodeStrings } from './strings.ts';
import { decodeMillis, decodeSubs, encodeMillis, encodeSubs, MAX_ABS_MS } from './timestamps.ts';

/**
 * One block = the points [start, end) of one field of one series, self-describing.
 * The byte layout is specified in docs/format/block.md; keep the two in step.
 */

/** Largest decompressed payload a decoder accepts: bounds what a bogus header can make it allocate. */
export const MAX_BLOCK_PAYLOAD = 1 << 28;

/** Worst-case payload bytes per point for types of fixed width (ms 8 + sub 3 + value 10 + slack). */
const MAX_FIXED_BYTES_PER_POINT = 24;

export interface BlockHeader {
  readonly version: number;
  readonly fieldType: FieldType;
  /** Number of points. */
  readonly count: number;
  /** First timestamp, split: integer ms since the epoch and ns within the ms. */
  readonly minMs: number;
  readonly minSub: number;
  /** Last timestamp, split. */
  readonly maxMs: number;
  readonly maxSub: number;
  readonly timestampEncoding: TimestampEncoding;
  readonly valueEncoding: ValueEncoding;
  readonly compression: Compression;
  /** Whether the block stores a sub-millisecond column (some sub is non-zero). */
  readonly hasSubMs: boolean;
  /** Uncompressed length of the timestamp section. */
  readonly timestampsLength: number;
  /** Uncompressed length of the value section. */
  readonly valuesLength: number;
  /** Payload length as stored. */
  readonly storedLength: number;
  /** Whole block: header plus stored payload. */
  readonly blockLength: number;
}

export interface EncodeOptions {
  /** Compression to use. Default: Zstd when it makes the block smaller, else None. */
  readonly compression?: Compression;
  /** Forces a timestamp encoding (benchmarks, tests); throws if it cannot hold the data. */
  readonly timestampEncoding?: TimestampEncoding;
  /** Forces a value encoding (benchmarks, tests); throws if it cannot hold the data. */
  readonly valueEncoding?: ValueEncoding;
}

const VALUE_ENCODINGS: Record<FieldType, readonly ValueEncoding[]> = {
  [FieldType.Float]: [ValueEncoding.FloatGorilla, ValueEncoding.FloatDecimal, ValueEncoding.FloatConst],
  [FieldType.Integer]: [ValueEncoding.IntDelta, ValueEncoding.IntConst],
  [FieldType.Unsigned]: [ValueEncoding.IntDelta, ValueEncoding.IntConst],
  [FieldType.String]: [ValueEncoding.StringPlain, ValueEncoding.StringDict],
  [FieldType.Boolean]: [ValueEncoding.BoolBits, ValueEncoding.BoolConst],
};

const sections = new ByteWriter(64 * 1024);

/**
 * Checks that points [start, end) have strictly increasing, representable timestamps and says
 * whether any has a non-zero sub-millisecond part.
 */
function checkTimestamps(column: Column, start: number, end: number): boolean {
  const { ms, sub } = column;
  let anySub = 0;
  let prevMs = -Infinity;
  let prevSub = 0;
  for (let i = start; i < end; i++) {
    const m = ms[i]!;
    const s = sub[i]!;
    if (!(m > prevMs || (m === prevMs && s > prevSub))) {
      throw new Error(
        `BUG: cannot encode block: timestamp ${i} (ms ${m}, sub ${s}) is not after timestamp ${i - 1} (ms ${prevMs}, sub ${prevSub}); sort and dedupe first`,
      );
    }
    if (Math.floor(m) !== m || m > MAX_ABS_MS || m < -MAX_ABS_MS || s < 0 || s > 999_999) {
      throw new Error(`BUG: cannot encode block: timestamp ${i} (ms ${m}, sub ${s}) is not a valid split timestamp`);
    }
    anySub |= s;
    prevMs = m;
    prevSub = s;
  }
  return anySub !== 0;
}

/**
 * Encodes points [start, end) of `column` into one block (docs/format/block.md). Timestamps must
 * strictly increase (the caller sorts and dedupes); anything else throws.
 */
export function encodeBlock(column: Column, start = 0, end = column.length, options: EncodeOptions = {}): Uint8Array {
  if (!(start >= 0 && start <= end && end <= column.length)) {
    throw new Error(`BUG: cannot encode block: range [${start}, ${end}) outside a column of ${column.length} points`);
  }
  const n = end - start;
  if (n > MAX_BLOCK_POINTS) throw new Error(`BUG: cannot encode block: ${n} points exceed the maximum of ${MAX_BLOCK_POINTS}`);
  const hasSub = checkTimestamps(column, start, end);

  const w = sections;
  w.reset();
  const tsEncoding = encodeMillis(w, column.ms, start, end, options.timestampEncoding);
  if (hasSub) encodeSubs(w, column.sub, start, end);
  const tsLength = w.pos;
  const valueEncoding = encodeValues(w, column, start, end, options.valueEncoding);
  const valuesLength = w.pos - tsLength;

  const raw = w.buf.subarray(0, w.pos);
  // An empty payload has nothing to compress, and a compressed one could not be empty.
  let compression = raw.length === 0 ? Compression.None : (options.compression ?? Compression.Zstd);
  let payload = compressInto(raw, compression);
  if (options.compression === undefined && payload.length >= raw.length) {
    compression = Compression.None;
    payload = raw;
  }

  const out = new ByteWriter(BLOCK_HEADER_SIZE + payload.length);
  out.u8(BLOCK_VERSION);
  out.u8(column.type);
  out.u8(tsEncoding);
  out.u8(valueEncoding);
  out.u8(compression);
  out.u8(hasSub ? FLAG_SUB_MS : 0);
  out.u32(n);
  out.i64(n > 0 ? column.ms[start]! : 0);
  out.u32(n > 0 ? column.sub[start]! : 0);
  out.i64(n > 0 ? column.ms[end - 1]! : 0);
  out.u32(n > 0 ? column.sub[end - 1]! : 0);
  out.u32(tsLength);
  out.u32(valuesLength);
  out.u32(payload.length);
  out.bytes(payload);
  return out.finish();
}

function encodeValues(w: ByteWriter, column: Column, start: number, end: number, encoding: ValueEncoding | undefined): ValueEncoding {
  switch (column.type) {
    case FieldType.Float:
      return encodeFloats(w, column.values as Float64Array, start, end, zstdSize, encoding);
    case FieldType.Integer:
    case FieldType.Unsigned:
      return encodeInts(w, column.values as Int64Values, start, end, encoding);
    case FieldType.String:
      return encodeStrings(w, column.values as string[], start, end, encoding);
    case FieldType.Boolean:
      return encodeBooleans(w, column.values as Uint8Array, start, end, encoding);
  }
}

/**
 * The header of the block at the start of `bytes`, checked for consistency, without decoding
 * anything. Needs only the first BLOCK_HEADER_SIZE bytes; `blockLength` says how long the block is.
 */
export function readBlockHeader(bytes: Uint8Array): BlockHeader {
  if (bytes.length < BLOCK_HEADER_SIZE) throw corrupt(`${bytes.length} bytes are shorter than the ${BLOCK_HEADER_SIZE}-byte header`);
  const r = new ByteReader(bytes, 0, BLOCK_HEADER_SIZE, corruptAt);
  const version = r.u8('block version');
  if (version !== BLOCK_VERSION) throw corrupt(`unknown block version ${version}`);
  const fieldType = r.u8('field type');
  if (!isFieldType(fieldType)) throw corrupt(`unknown field type ${fieldType}`);
  const timestampEncoding = r.u8('timestamp encoding');
  if (timestampEncoding < TimestampEncoding.Const || timestampEncoding > TimestampEncoding.Gorilla) {
    throw corrupt(`unknown timestamp encoding ${timestampEncoding}`);
  }
  const valueEncoding = r.u8('value encoding') as ValueEncoding;
  if (!VALUE_ENCODINGS[fieldType].includes(valueEncoding)) {
    throw corrupt(`value encoding ${valueEncoding} is not one of field type ${fieldType}`);
  }
  const compression = r.u8('compression');
  if (compression > Compression.Zstd) throw corrupt(`unknown compression ${compression}`);
  const flags = r.u8('flags');
  if ((flags & ~FLAG_SUB_MS) !== 0) throw corrupt(`unknown flags 0x${flags.toString(16)}`);
  const hasSubMs = (flags & FLAG_SUB_MS) !== 0;
  const count = r.u32('point count');
  if (count > MAX_BLOCK_POINTS) throw corrupt(`${count} points exceed the maximum of ${MAX_BLOCK_POINTS}`);
  const minMs = r.i64('min timestamp');
  const minSub = r.u32('min timestamp sub-millisecond');
  const maxMs = r.i64('max timestamp');
  const maxSub = r.u32('max timestamp sub-millisecond');
  if (Math.abs(minMs) > MAX_ABS_MS || Math.abs(maxMs) > MAX_ABS_MS || minSub > 999_999 || maxSub > 999_999) {
    throw corrupt('header timestamps out of range');
  }
  if (!hasSubMs && (minSub !== 0 || maxSub !== 0)) throw corrupt('header has sub-millisecond timestamps but the block has no sub column');
  const order = minMs === maxMs ? Math.sign(maxSub - minSub) : Math.sign(maxMs - minMs);
  if (count === 0 ? minMs !== 0 || maxMs !== 0 || hasSubMs : count === 1 ? order !== 0 : order <= 0) {
    throw corrupt(`header min and max timestamps do not fit ${count} points`);
  }
  const timestampsLength = r.u32('timestamp section length');
  const valuesLength = r.u32('value section length');
  const storedLength = r.u32('payload length');
  const rawLength = timestampsLength + valuesLength;
  const maxRaw = fieldType === FieldType.String ? MAX_BLOCK_PAYLOAD : count * MAX_FIXED_BYTES_PER_POINT + 16;
  if (rawLength > maxRaw) throw corrupt(`sections of ${rawLength} bytes for ${count} points`);
  if (compression === Compression.None && storedLength !== rawLength) {
    throw corrupt(`uncompressed payload of ${storedLength} bytes, sections of ${rawLength}`);
  }
  return {
    version,
    fieldType,
    count,
    minMs,
    minSub,
    maxMs,
    maxSub,
    timestampEncoding: timestampEncoding as TimestampEncoding,
    valueEncoding,
    compression: compression as Compression,
    hasSubMs,
    timestampsLength,
    valuesLength,
    storedLength,
    blockLength: BLOCK_HEADER_SIZE + storedLength,
  };
}

/** Decodes a whole block (exactly `blockLength` bytes, or more: the rest is ignored) into a new Column. */
export function decodeBlock(bytes: Uint8Array): Column {
  const h = readBlockHeader(bytes);
  if (bytes.length < h.blockLength) throw corrupt(`block of ${h.blockLength} bytes cut to ${bytes.length}`);
  const stored = bytes.subarray(BLOCK_HEADER_SIZE, h.blockLength);
  const rawLength = h.timestampsLength + h.valuesLength;
  const raw = h.compression === Compression.None ? stored : decompress(stored, h.compression, rawLength);

  const n = h.count;
  const ms = new Float64Array(n);
  const sub = new Int32Array(n);
  const tsEnd = h.timestampsLength;
  let pos = decodeMillis(raw, 0, tsEnd, h.timestampEncoding, n, h.minMs, h.maxMs, ms);
  if (h.hasSubMs) pos = decodeSubs(raw, pos, tsEnd, n, sub);
  if (pos !== tsEnd) throw corrupt(`${tsEnd - pos} bytes left over after the timestamps`);
  if (n > 0) checkDecodedTimestamps(h, ms, sub);

  const values = allocValues(h.fieldType, n);
  const end = rawLength;
  switch (h.fieldType) {
    case FieldType.Float:
      pos = decodeFloats(raw, pos, end, h.valueEncoding, n, values as Float64Array);
      break;
    case FieldType.Integer:
    case FieldType.Unsigned:
      pos = decodeInts(raw, pos, end, h.valueEncoding, n, values as Int64Values);
      break;
    case FieldType.String:
      pos = decodeStrings(raw, pos, end, h.valueEncoding, n, values as string[]);
      break;
    case FieldType.Boolean:
      pos = decodeBooleans(raw, pos, end, h.valueEncoding, n, values as Uint8Array);
      break;
  }
  if (pos !== end) throw corrupt(`${end - pos} bytes left over after the values`);
  return Column.of(h.fieldType, ms, sub, values, n);
}

function checkDecodedTimestamps(h: BlockHeader, ms: Float64Array, sub: Int32Array): void {
  const n = h.count;
  if (ms[n - 1] !== h.maxMs || sub[n - 1] !== h.maxSub || sub[0] !== h.minSub) {
    throw corrupt('decoded timestamps disagree with the header');
  }
  // A constant positive interval without subs is increasing by construction.
  if (h.timestampEncoding === TimestampEncoding.Const && !h.hasSubMs && (n < 2 || h.maxMs > h.minMs)) return;
  for (let i = 1; i < n; i++) {
    if (!(ms[i]! > ms[i - 1]! || (ms[i] === ms[i - 1] && sub[i]! > sub[i - 1]!))) {
      throw corrupt(`timestamp ${i} is not after timestamp ${i - 1}`);
    }
  }
}
