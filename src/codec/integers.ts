import type { ByteWriter } from '../core/index.ts';
import { decodeConst64, encodeConst64, isConst64 } from './const64.ts';
import { corrupt } from './errors.ts';
import { ValueEncoding } from './format.ts';

/**
 * Integer and unsigned value codecs (docs/format/block.md, "Value section"). Both types are
 * 64-bit patterns handled as (lo, hi) int32 pairs through an Int32Array view of the
 * BigInt64Array/BigUint64Array buffer (little-endian: low half first), so no BigInt is made
 * per sample. Deltas wrap mod 2^64 and the decoder reverses them exactly, so unsigned values
 * share the signed codec: a decreasing uint64 costs as little as an increasing one.
 */

export type Int64Values = BigInt64Array | BigUint64Array;

export function int32Halves(values: Int64Values): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** Zigzag of the wrapping delta from the previous value, as a uvarint of up to 10 bytes. */
export function encodeIntDelta(w: ByteWriter, v: Int32Array, start: number, end: number): void {
  w.ensure((end - start) * 10);
  const buf = w.buf;
  let pos = w.pos;
  let plo = 0;
  let phi = 0;
  for (let i = start; i < end; i++) {
    const lo = v[2 * i]!;
    const hi = v[2 * i + 1]!;
    const borrow = lo >>> 0 < plo >>> 0 ? 1 : 0;
    const dlo = (lo - plo) | 0;
    const dhi = (hi - phi - borrow) | 0;
    plo = lo;
    phi = hi;
    const sign = dhi >> 31;
    let zlo = ((dlo << 1) ^ sign) >>> 0;
    let zhi = (((dhi << 1) | (dlo >>> 31)) ^ sign) >>> 0;
    while (zhi !== 0) {
      buf[pos++] = (zlo & 127) | 128;
      zlo = ((zlo >>> 7) | (zhi << 25)) >>> 0;
      zhi >>>= 7;
    }
    while (zlo > 127) {
      buf[pos++] = (zlo & 127) | 128;
      zlo >>>= 7;
    }
    buf[pos++] = zlo;
  }
  w.pos = pos;
}

export function decodeIntDelta(buf: Uint8Array, pos: number, end: number, n: number, out: Int32Array): number {
  let plo = 0;
  let phi = 0;
  for (let i = 0; i < n; i++) {
    if (pos >= end) throw corrupt('integer section ends early');
    let b = buf[pos++]!;
    let zlo = b & 127;
    let zhi = 0;
    if (b >= 128) {
      let shift = 7;
      do {
        if (pos >= end) throw corrupt('integer section ends early in a varint');
        b = buf[pos++]!;
        const g = b & 127;
        if (shift < 28) {
          zlo |= g << shift;
        } else if (shift === 28) {
          zlo |= g << 28;
          zhi = g >>> 4;
        } else if (shift < 63) {
          zhi |= g << (shift - 32);
        } else if (g > 1 || b >= 128) {
          throw corrupt('integer varint exceeds 64 bits');
        } else {
          zhi |= g << 31;
        }
        shift += 7;
      } while (b >= 128);
    }
    const sign = -(zlo & 1);
    const dlo = ((zlo >>> 1) | (zhi << 31)) ^ sign;
    const dhi = (zhi >>> 1) ^ sign;
    const sum = (plo >>> 0) + (dlo >>> 0);
    plo = sum | 0;
    phi = (phi + dhi + (sum > 0xffffffff ? 1 : 0)) | 0;
    out[2 * i] = plo;
    out[2 * i + 1] = phi;
  }
  return pos;
}

export function encodeInts(w: ByteWriter, values: Int64Values, start: number, end: number, encoding?: ValueEncoding): ValueEncoding {
  const v = int32Halves(values);
  if (encoding === undefined) {
    encoding = end - start > 1 && isConst64(v, start, end) ? ValueEncoding.IntConst : ValueEncoding.IntDelta;
  }
  switch (encoding) {
    case ValueEncoding.IntConst:
      if (end <= start || !isConst64(v, start, end)) throw new Error('BUG: const integer encoding for values that differ');
      encodeConst64(w, v, start);
      break;
    case ValueEncoding.IntDelta:
      encodeIntDelta(w, v, start, end);
      break;
    default:
      throw new Error(`BUG: value encoding ${encoding} is not for integers`);
  }
  return encoding;
}

export function decodeInts(buf: Uint8Array, pos: number, end: number, encoding: number, n: number, out: Int64Values): number {
  const v = int32Halves(out);
  switch (encoding) {
    case ValueEncoding.IntDelta:
      return decodeIntDelta(buf, pos, end, n, v);
    case ValueEncoding.IntConst:
      return decodeConst64(buf, pos, end, n, v);
    default:
      throw corrupt(`value encoding ${encoding} is not for integers`);
  }
}
