import { BitReader, BitWriter } from './bits.ts';
import { ByteReader, putUvarint, zigzag, type ByteWriter } from '../core/index.ts';
import { decodeConst64, encodeConst64, isConst64 } from './const64.ts';
import { corrupt, corruptAt } from './errors.ts';
import { ValueEncoding } from './format.ts';

/**
 * Float value codecs (docs/format/block.md, "Value section"): Gorilla XOR, Decimal and Const.
 * Values are handled as two uint32 halves of their bits (a Uint32Array view over the
 * Float64Array, little-endian: low half first), so NaN payloads, -0 and the Prometheus stale
 * marker survive bit for bit.
 */

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const MAX_EXPONENT = 15;
/** Mantissas stay below 2^51 so that their deltas (< 2^52) zigzag exactly in float64. */
const MAX_MANTISSA = 2 ** 51;

const bits = new BitWriter();
const reader = new BitReader();

export function halves(values: Float64Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** The smallest e <= 15 for which `v` is exactly m / 10^e with abs(m) < 2^51, or -1. */
function exponentOf(v: number): number {
  if (!(Math.abs(v) < MAX_MANTISSA) || (v === 0 && 1 / v < 0)) return -1;
  for (let e = 0; e <= MAX_EXPONENT; e++) {
    const p = POW10[e]!;
    const m = Math.round(v * p);
    if (m / p === v && Math.abs(m) < MAX_MANTISSA) return e;
  }
  return -1;
}

/**
 * Writes [start, end) as Decimal and returns its exponent, or returns -1 (having written
 * nothing) when some value is not exactly m / 10^e for any e <= 15. The value is recomputed
 * from m and e exactly as the decoder will (one correctly rounded division), so only blocks
 * that round-trip bit for bit are accepted. The exponent starts at 0 and rises as values need;
 * a rise restarts the block, which in practice happens within its first few values.
 */
export function encodeDecimal(w: ByteWriter, values: Float64Array, start: number, end: number): number {
  if (end <= start) return 0;
  const at = w.pos;
  w.ensure(1 + (end - start) * 8);
  const buf = w.buf;
  let e = 0;
  for (;;) {
    const p = POW10[e]!;
    let pos = at;
    buf[pos++] = e;
    let prev = 0;
    let i = start;
    for (; i < end; i++) {
      const v = values[i]!;
      const m = Math.round(v * p);
      // m / p === v also holds for v = -0 (m = +0), which Decimal cannot represent.
      if (m / p !== v || !(Math.abs(m) < MAX_MANTISSA) || (m === 0 && 1 / v < 0)) break;
      const d = m - prev;
      prev = m;
      if (d >= 0 && d < 64) buf[pos++] = d * 2;
      else pos = putUvarint(buf, pos, zigzag(d));
    }
    if (i === end) {
      w.pos = pos;
      return e;
    }
    const need = exponentOf(values[i]!);
    if (need < 0 || e === MAX_EXPONENT) return -1;
    e = need > e ? need : e + 1;
  }
}

export function decodeDecimal(buf: Uint8Array, pos: number, end: number, n: number, out: Float64Array): number {
  if (n === 0) return pos;
  if (pos >= end) throw corrupt('decimal section ends early');
  const e = buf[pos++]!;
  if (e > MAX_EXPONENT) throw corrupt(`decimal exponent ${e} exceeds ${MAX_EXPONENT}`);
  const p = POW10[e]!;
  const r = new ByteReader(buf, pos, end, corruptAt);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const q = r.pos;
    let z: number;
    // One- and two-byte varints inline: 2-decimal gauges are almost all one or two bytes.
    if (q + 1 < end && buf[q + 1]! < 128) {
      const b0 = buf[q]!;
      if (b0 < 128) {
        z = b0;
        r.pos = q + 1;
      } else {
        z = (b0 & 127) | (buf[q + 1]! << 7);
        r.pos = q + 2;
      }
    } else {
      z = r.uvarint('decimal mantissa delta');
    }
    // z & 1 is right for any z < 2^53: ToInt32 keeps the low bits.
    m += z & 1 ? -(z + 1) / 2 : z / 2;
    if (!(Math.abs(m) < MAX_MANTISSA)) throw corrupt(`decimal mantissa ${m} out of range`);
    out[i] = m / p;
  }
  return r.pos;
}

export function encodeGorilla(w: ByteWriter, u32: Uint32Array, start: number, end: number): void {
  if (end <= start) return;
  w.ensure((end - start) * 10 + 8);
  bits.begin(w);
  let phi = u32[2 * start + 1]!;
  let plo = u32[2 * start]!;
  bits.write(phi, 32);
  bits.write(plo, 32);
  let prevLz = -1;
  let prevTz = 0;
  for (let i = start + 1; i < end; i++) {
    const hi = u32[2 * i + 1]!;
    const lo = u32[2 * i]!;
    const xhi = hi ^ phi;
    const xlo = lo ^ plo;
    phi = hi;
    plo = lo;
    if ((xhi | xlo) === 0) {
      bits.write(0, 1);
      continue;
    }
    let lz = xhi !== 0 ? Math.clz32(xhi) : 32 + Math.clz32(xlo);
    const tz = xlo !== 0 ? 31 - Math.clz32(xlo & -xlo) : 63 - Math.clz32(xhi & -xhi);
    if (lz > 31) lz = 31;
    let shift: number;
    let sig: number;
    if (prevLz >= 0 && lz >= prevLz && tz >= prevTz) {
      bits.write(0b10, 2);
      shift = prevTz;
      sig = 64 - prevLz - prevTz;
    } else {
      sig = 64 - lz - tz;
      bits.write(0b11, 2);
      bits.write(lz, 5);
      bits.write(sig & 63, 6);
      shift = tz;
      prevLz = lz;
      prevTz = tz;
    }
    let shi: number;
    let slo: number;
    if (shift === 0) {
      shi = xhi;
      slo = xlo;
    } else if (shift < 32) {
      slo = (xlo >>> shift) | (xhi << (32 - shift));
      shi = xhi >>> shift;
    } else {
      slo = xhi >>> (shift - 32);
      shi = 0;
    }
    if (sig > 32) {
      bits.write(shi, sig - 32);
      bits.write(slo, 32);
    } else {
      bits.write(slo, sig);
    }
  }
  bits.finish();
}

export function decodeGorilla(buf: Uint8Array, pos: number, end: number, n: number, out: Float64Array): number {
  if (n === 0) return pos;
  const u32 = halves(out);
  reader.begin(buf, pos, end);
  let hi = reader.read(32);
  let lo = reader.read(32);
  u32[0] = lo;
  u32[1] = hi;
  let lz = -1;
  let tz = 0;
  let sig = 0;
  for (let i = 1; i < n; i++) {
    if (reader.bit() !== 0) {
      if (reader.bit() === 0) {
        if (lz < 0) throw corrupt('gorilla value reuses a window before any was set');
      } else {
        lz = reader.read(5);
        sig = reader.read(6);
        if (sig === 0) sig = 64;
        tz = 64 - lz - sig;
        if (tz < 0) throw corrupt(`gorilla window of ${lz} leading zeros and ${sig} bits exceeds 64`);
      }
      let shi: number;
      let slo: number;
      if (sig > 32) {
        shi = reader.read(sig - 32);
        slo = reader.read(32);
      } else {
        shi = 0;
        slo = reader.read(sig);
      }
      if (tz === 0) {
        hi ^= shi;
        lo ^= slo;
      } else if (tz < 32) {
        hi ^= (shi << tz) | (slo >>> (32 - tz));
        lo ^= slo << tz;
      } else {
        hi ^= slo << (tz - 32);
      }
    }
    u32[2 * i] = lo;
    u32[2 * i + 1] = hi;
  }
  return reader.endPos;
}

/**
 * Writes the float values of [start, end) and returns the encoding used: Const when all bits
 * are equal, Decimal when it applies and takes at most 4 bytes per value, else Gorilla. In the
 * remaining case (Decimal applies but is large) `compressedSize` decides between the two.
 */
export function encodeFloats(
  w: ByteWriter,
  values: Float64Array,
  start: number,
  end: number,
  compressedSize: (bytes: Uint8Array) => number,
  encoding?: ValueEncoding,
): ValueEncoding {
  const u32 = halves(values);
  const n = end - start;
  if (encoding === undefined) {
    if (n === 0) return ValueEncoding.FloatGorilla;
    if (isConst64(u32, start, end)) {
      encodeConst64(w, u32, start);
      return ValueEncoding.FloatConst;
    }
    const at = w.pos;
    if (encodeDecimal(w, values, start, end) >= 0) {
      const decimalLength = w.pos - at;
      if (decimalLength <= 4 * n) return ValueEncoding.FloatDecimal;
      const decimal = w.buf.slice(at, w.pos);
      w.pos = at;
      encodeGorilla(w, u32, start, end);
      if (compressedSize(w.buf.subarray(at, w.pos)) <= compressedSize(decimal)) return ValueEncoding.FloatGorilla;
      w.pos = at;
      w.bytes(decimal);
      return ValueEncoding.FloatDecimal;
    }
    encodeGorilla(w, u32, start, end);
    return ValueEncoding.FloatGorilla;
  }
  switch (encoding) {
    case ValueEncoding.FloatConst:
      if (n === 0 || !isConst64(u32, start, end)) throw new Error('BUG: const float encoding for values that differ');
      encodeConst64(w, u32, start);
      break;
    case ValueEncoding.FloatDecimal:
      if (encodeDecimal(w, values, start, end) < 0) throw new Error('BUG: decimal encoding for values that are not decimal');
      break;
    case ValueEncoding.FloatGorilla:
      encodeGorilla(w, u32, start, end);
      break;
    default:
      throw new Error(`BUG: value encoding ${encoding} is not for floats`);
  }
  return encoding;
}

export function decodeFloats(buf: Uint8Array, pos: number, end: number, encoding: number, n: number, out: Float64Array): number {
  switch (encoding) {
    case ValueEncoding.FloatGorilla:
      return decodeGorilla(buf, pos, end, n, out);
    case ValueEncoding.FloatDecimal:
      return decodeDecimal(buf, pos, end, n, out);
    case ValueEncoding.FloatConst:
      return decodeConst64(buf, pos, end, n, halves(out));
    default:
      throw corrupt(`value encoding ${encoding} is not for floats`);
  }
}
