import { BitWriter } from './bits.ts';
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

/** Scratch for `loadWords`, reused across calls up to this many words (1 MiB); larger streams get their own. */
const MAX_CACHED_WORDS = 1 << 18;
let cachedWords = new Int32Array(2048);

/**
 * Returns `buf[pos, end)` as big-endian 32-bit words (a DataView load is one load and a byte
 * swap), the last one zero-padded, followed by three zero words: the decoder looks up to 64 bits
 * ahead of any position within the stream, and just past it, without going out of bounds.
 */
function loadWords(buf: Uint8Array, pos: number, end: number): Int32Array {
  const length = end - pos;
  const full = length >>> 2;
  const need = full + 4;
  let wd = cachedWords;
  if (wd.length < need) {
    wd = new Int32Array(need <= MAX_CACHED_WORDS ? Math.min(MAX_CACHED_WORDS, Math.max(need, wd.length * 2)) : need);
    if (wd.length <= MAX_CACHED_WORDS) cachedWords = wd;
  }
  const dv = new DataView(buf.buffer, buf.byteOffset + pos, full * 4);
  let k = 0;
  // Unrolled by four: about a third faster than one word per iteration.
  for (; k + 4 <= full; k += 4) {
    const q = k * 4;
    wd[k] = dv.getInt32(q);
    wd[k + 1] = dv.getInt32(q + 4);
    wd[k + 2] = dv.getInt32(q + 8);
    wd[k + 3] = dv.getInt32(q + 12);
  }
  for (; k < full; k++) wd[k] = dv.getInt32(k * 4);
  let p = pos + full * 4;
  let last = 0;
  for (let s = 24; p < end; p++, s -= 8) last |= buf[p]! << s;
  wd[full] = last;
  wd[full + 1] = 0;
  wd[full + 2] = 0;
  wd[full + 3] = 0;
  return wd;
}

/**
 * Decodes `n` values from the bit stream in `buf[pos, end)` and returns the byte position after
 * the stream. The stream is read as big-endian words (see `loadWords`) at a bit position `bp`,
 * all state in locals of this one loop: each value looks at the next 32 bits for its control
 * bits and, unless it repeats, at the 64 bits after them, from which the XOR is one shift right
 * by the leading zeros and a mask that clears the trailing zeros, applied to the previous
 * value's two halves. Reading past the end throws DecodeError, as BitReader does, with the same
 * message at the same value (test/codec/floats.test.ts checks this against the former decoder).
 */
export function decodeGorilla(buf: Uint8Array, pos: number, end: number, n: number, out: Float64Array): number {
  if (n === 0) return pos;
  const limit = (end - pos) * 8;
  if (limit < 64) throw corrupt('bit stream ends early');
  const wd = loadWords(buf, pos, end);
  const u32 = halves(out);
  let hi = wd[0]!;
  let lo = wd[1]!;
  u32[0] = lo;
  u32[1] = hi;
  let bp = 64;
  // The current window: leading zeros (-1: none yet), meaningful bits, and the masks that keep
  // the meaningful bits once shifted right by `lz` (they clear the `tz` trailing bits).
  let lz = -1;
  let sig = 0;
  let mhi = 0;
  let mlo = 0;
  for (let i = 1; i < n; i++) {
    let k = bp >>> 5;
    let off = bp & 31;
    // The next 32 bits; (x >>> (31 - off)) >>> 1 is x >>> (32 - off), and 0 for off = 0.
    const top = (wd[k]! << off) | ((wd[k + 1]! >>> (31 - off)) >>> 1);
    if (top >= 0) {
      // '0': the value repeats.
      bp++;
    } else {
      if ((top & 0x40000000) === 0) {
        // '10': the previous window.
        bp += 2;
        if (lz < 0) {
          if (bp > limit) throw corrupt('bit stream ends early');
          throw corrupt('gorilla value reuses a window before any was set');
        }
      } else {
        // '11': 5 bits leading zeros, 6 bits meaningful length (0 for 64).
        bp += 13;
        lz = (top >>> 25) & 31;
        sig = ((top >>> 19) & 63) || 64;
        const tz = 64 - lz - sig;
        if (tz < 0) {
          if (bp > limit) throw corrupt('bit stream ends early');
          throw corrupt(`gorilla window of ${lz} leading zeros and ${sig} bits exceeds 64`);
        }
        if (tz < 32) {
          mhi = -1;
          mlo = -1 << tz;
        } else {
          mhi = -1 << (tz - 32);
          mlo = 0;
        }
      }
      k = bp >>> 5;
      off = bp & 31;
      const a = wd[k]!;
      const b = wd[k + 1]!;
      const c = wd[k + 2]!;
      // 64 bits from bp, shifted right by lz: the XOR in its place, plus following bits that the masks clear.
      const p0 = (a << off) | ((b >>> (31 - off)) >>> 1);
      const p1 = (b << off) | ((c >>> (31 - off)) >>> 1);
      hi ^= (p0 >>> lz) & mhi;
      lo ^= ((p1 >>> lz) | ((p0 << (31 - lz)) << 1)) & mlo;
      bp += sig;
    }
    if (bp > limit) throw corrupt('bit stream ends early');
    u32[2 * i] = lo;
    u32[2 * i + 1] = hi;
  }
  return pos + ((bp + 7) >>> 3);
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
