import { BitReader, BitWriter } from './bits.ts';
import { ByteReader, putUvarint, zigzag, type ByteWriter } from '../core/index.ts';
import { corrupt, corruptAt } from './errors.ts';
import { TimestampEncoding } from './format.ts';

/**
 * Timestamp section codecs (docs/format/block.md, "Timestamp section"). The first and last
 * timestamps live in the block header, so a constant-interval block stores no ms bytes at all.
 * ms values are integers below 2^50 in magnitude, so deltas and delta-of-deltas are exact in
 * float64 and never go through 32-bit bitwise operators.
 */

const bits = new BitWriter();
const reader = new BitReader();

/** Bits the Gorilla form takes for one delta-of-delta. */
function gorillaBits(dod: number): number {
  if (dod === 0) return 1;
  if (dod >= -63 && dod <= 64) return 9;
  if (dod >= -255 && dod <= 256) return 12;
  if (dod >= -2047 && dod <= 2048) return 16;
  return 68;
}

/** True when points [start, end) are at one constant interval (always for fewer than 3). */
export function isConstInterval(ms: Float64Array, start: number, end: number): boolean {
  if (end - start < 3) return true;
  const delta = ms[start + 1]! - ms[start]!;
  for (let i = start + 2; i < end; i++) if (ms[i]! - ms[i - 1]! !== delta) return false;
  return true;
}

/**
 * Writes the ms column of points [start, end) in `encoding`, or in the smallest applicable one
 * when `encoding` is undefined. Returns the encoding used.
 */
export function encodeMillis(
  w: ByteWriter,
  ms: Float64Array,
  start: number,
  end: number,
  encoding?: TimestampEncoding,
): TimestampEncoding {
  if (encoding === undefined) {
    if (isConstInterval(ms, start, end)) return TimestampEncoding.Const;
    const at = w.pos;
    encodeDodVarint(w, ms, start, end);
    let gorilla = 0;
    let prevDelta = 0;
    for (let i = start + 1; i < end; i++) {
      const delta = ms[i]! - ms[i - 1]!;
      gorilla += gorillaBits(delta - prevDelta);
      prevDelta = delta;
    }
    if (Math.ceil(gorilla / 8) >= w.pos - at) return TimestampEncoding.DeltaOfDelta;
    w.pos = at;
    encodeGorilla(w, ms, start, end);
    return TimestampEncoding.Gorilla;
  }
  switch (encoding) {
    case TimestampEncoding.Const:
      if (!isConstInterval(ms, start, end)) throw new Error('BUG: const timestamp encoding for irregular timestamps');
      break;
    case TimestampEncoding.DeltaOfDelta:
      encodeDodVarint(w, ms, start, end);
      break;
    case TimestampEncoding.Gorilla:
      encodeGorilla(w, ms, start, end);
      break;
  }
  return encoding;
}

function encodeDodVarint(w: ByteWriter, ms: Float64Array, start: number, end: number): void {
  w.ensure((end - start) * 8);
  const buf = w.buf;
  let pos = w.pos;
  let prevDelta = 0;
  for (let i = start + 1; i < end; i++) {
    const delta = ms[i]! - ms[i - 1]!;
    const dod = delta - prevDelta;
    prevDelta = delta;
    if (dod === 0) buf[pos++] = 0;
    else pos = putUvarint(buf, pos, zigzag(dod));
  }
  w.pos = pos;
}

function encodeGorilla(w: ByteWriter, ms: Float64Array, start: number, end: number): void {
  w.ensure((end - start) * 9 + 8);
  bits.begin(w);
  let prevDelta = 0;
  for (let i = start + 1; i < end; i++) {
    const delta = ms[i]! - ms[i - 1]!;
    const dod = delta - prevDelta;
    prevDelta = delta;
    if (dod === 0) {
      bits.write(0, 1);
    } else if (dod >= -63 && dod <= 64) {
      bits.write(0b10, 2);
      bits.write(dod + 63, 7);
    } else if (dod >= -255 && dod <= 256) {
      bits.write(0b110, 3);
      bits.write(dod + 255, 9);
    } else if (dod >= -2047 && dod <= 2048) {
      bits.write(0b1110, 4);
      bits.write(dod + 2047, 12);
    } else {
      bits.write(0b1111, 4);
      const hi = Math.floor(dod / 2 ** 32);
      bits.write(hi, 32);
      bits.write(dod - hi * 2 ** 32, 32);
    }
  }
  bits.finish();
}

/** Largest ms magnitude a block may hold; keeps every delta-of-delta exact in float64. */
export const MAX_ABS_MS = 2 ** 49;

/**
 * Decodes the ms column of `n` points from `[pos, end)` into `out` and returns the position
 * after it. `minMs` and `maxMs` come from the header.
 */
export function decodeMillis(
  buf: Uint8Array,
  pos: number,
  end: number,
  encoding: number,
  n: number,
  minMs: number,
  maxMs: number,
  out: Float64Array,
): number {
  if (n === 0) return pos;
  out[0] = minMs;
  switch (encoding) {
    case TimestampEncoding.Const: {
      if (n === 1) return pos;
      const interval = (maxMs - minMs) / (n - 1);
      if (!Number.isInteger(interval) || interval < 0) throw corrupt(`no constant interval from ${minMs} to ${maxMs} in ${n} points`);
      let t = minMs;
      for (let i = 1; i < n; i++) out[i] = t += interval;
      return pos;
    }
    case TimestampEncoding.DeltaOfDelta:
      return decodeDodVarint(buf, pos, end, n, minMs, out);
    case TimestampEncoding.Gorilla:
      return decodeGorilla(buf, pos, end, n, minMs, out);
    default:
      throw corrupt(`unknown timestamp encoding ${encoding}`);
  }
}

function decodeDodVarint(buf: Uint8Array, pos: number, end: number, n: number, first: number, out: Float64Array): number {
  let t = first;
  let delta = 0;
  const r = new ByteReader(buf, pos, end, corruptAt);
  for (let i = 1; i < n; i++) {
    // Inline single-byte case: regular timestamps are almost all zero delta-of-deltas.
    const p = r.pos;
    if (p < end && buf[p]! < 128) {
      const z = buf[p]!;
      r.pos = p + 1;
      delta += z & 1 ? -(z + 1) / 2 : z / 2;
    } else {
      delta += r.varint('delta-of-delta');
    }
    t += delta;
    if (t > MAX_ABS_MS || t < -MAX_ABS_MS) throw corrupt(`timestamp ${t} ms out of range`);
    out[i] = t;
  }
  return r.pos;
}

function decodeGorilla(buf: Uint8Array, pos: number, end: number, n: number, first: number, out: Float64Array): number {
  reader.begin(buf, pos, end);
  let t = first;
  let delta = 0;
  for (let i = 1; i < n; i++) {
    let dod: number;
    if (reader.bit() === 0) dod = 0;
    else if (reader.bit() === 0) dod = reader.read(7) - 63;
    else if (reader.bit() === 0) dod = reader.read(9) - 255;
    else if (reader.bit() === 0) dod = reader.read(12) - 2047;
    else {
      const hi = reader.read(32) | 0;
      dod = hi * 2 ** 32 + reader.read(32);
      if (dod > 4 * MAX_ABS_MS || dod < -4 * MAX_ABS_MS) throw corrupt(`delta-of-delta ${dod} out of range`);
    }
    delta += dod;
    t += delta;
    if (t > MAX_ABS_MS || t < -MAX_ABS_MS) throw corrupt(`timestamp ${t} ms out of range`);
    out[i] = t;
  }
  return reader.endPos;
}

/** Sub-ms column: one uvarint per point. */
export function encodeSubs(w: ByteWriter, sub: Int32Array, start: number, end: number): void {
  w.ensure((end - start) * 3);
  const buf = w.buf;
  let pos = w.pos;
  for (let i = start; i < end; i++) pos = putUvarint(buf, pos, sub[i]!);
  w.pos = pos;
}

export function decodeSubs(buf: Uint8Array, pos: number, end: number, n: number, out: Int32Array): number {
  const r = new ByteReader(buf, pos, end, corruptAt);
  for (let i = 0; i < n; i++) out[i] = r.uvarintMax(999_999, 'sub-millisecond');
  return r.pos;
}
