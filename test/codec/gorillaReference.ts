/**
 * The Gorilla XOR float codec as it was before the word-at-a-time decoder (byte-wise BitReader,
 * BitWriter method per field), kept verbatim as an oracle: the optimised codec in
 * src/codec/floats.ts must write the same bytes, decode the same bits, stop at the same byte and
 * throw DecodeError with the same message on the same input.
 */
import type { ByteWriter } from '../../src/core/index.ts';
import { corrupt } from '../../src/codec/errors.ts';


/**
 * Writes a bit stream, most significant bit first, into a ByteWriter. Up to 32 pending bits
 * sit in `acc` and leave four bytes at a time, so a sample costs a few integer operations.
 * The caller reserves room (`ByteWriter.ensure`) for the worst case before writing.
 */
class BitWriter {
  private acc = 0;
  private accBits = 0;
  private w!: ByteWriter;

  begin(w: ByteWriter): void {
    this.w = w;
    this.acc = 0;
    this.accBits = 0;
  }

  /** Writes the low `n` bits of `v`, 1 <= n <= 32. */
  write(v: number, n: number): void {
    if (n < 32) v &= (1 << n) - 1;
    const free = 32 - this.accBits;
    if (n < free) {
      this.acc = (this.acc << n) | v;
      this.accBits += n;
      return;
    }
    const rest = n - free;
    // accBits === 0 implies acc === 0, so the shift by 32 (a no-op in JS) is harmless.
    const word = (this.acc << free) | (v >>> rest);
    const w = this.w;
    const b = w.buf;
    let p = w.pos;
    b[p++] = word >>> 24;
    b[p++] = word >>> 16;
    b[p++] = word >>> 8;
    b[p++] = word;
    w.pos = p;
    this.acc = rest === 0 ? 0 : v & ((1 << rest) - 1);
    this.accBits = rest;
  }

  /** Pads the last byte with zero bits. */
  finish(): void {
    const w = this.w;
    let bits = this.accBits;
    const acc = this.acc;
    while (bits >= 8) {
      bits -= 8;
      w.buf[w.pos++] = acc >>> bits;
    }
    if (bits > 0) w.buf[w.pos++] = (acc << (8 - bits)) & 255;
    this.acc = 0;
    this.accBits = 0;
  }
}

/**
 * Reads a bit stream written by BitWriter from `[pos, end)`. Reading past the end throws
 * DecodeError, so a truncated stream cannot loop forever.
 */
class BitReader {
  private buf: Uint8Array = new Uint8Array(0);
  private bytePos = 0;
  private end = 0;
  /** Bits not yet consumed, right-aligned in `acc`. */
  private acc = 0;
  private accBits = 0;

  begin(buf: Uint8Array, pos: number, end: number): void {
    this.buf = buf;
    this.bytePos = pos;
    this.end = end;
    this.acc = 0;
    this.accBits = 0;
  }

  bit(): number {
    if (this.accBits === 0) this.refill();
    this.accBits--;
    return (this.acc >>> this.accBits) & 1;
  }

  /** Reads `n` bits, 1 <= n <= 32, as an unsigned number. Reads of more than 24 bits are split so that shifts stay within 32 bits. */
  read(n: number): number {
    if (n > 24) return this.read(n - 16) * 65536 + this.read(16);
    if (n <= this.accBits) {
      this.accBits -= n;
      return (this.acc >>> this.accBits) & ((1 << n) - 1);
    }
    // Take what is pending, refill, take the rest: at most two steps since a refill yields >= 8 bits.
    const have = this.accBits;
    const high = have === 0 ? 0 : this.acc & ((1 << have) - 1);
    const need = n - have;
    this.accBits = 0;
    this.refill();
    if (need > this.accBits) {
      // Only possible near the end, where refill yields fewer than 24 bits.
      let v = high;
      for (let i = 0; i < need; i++) v = v * 2 + this.bit();
      return v;
    }
    this.accBits -= need;
    return (high << need) | ((this.acc >>> this.accBits) & ((1 << need) - 1));
  }

  /** Loads up to three whole bytes, keeping at most 24 bits buffered (so shifts stay in 32). */
  private refill(): void {
    const left = this.end - this.bytePos;
    if (left <= 0) throw corrupt('bit stream ends early');
    const b = this.buf;
    let p = this.bytePos;
    if (left >= 3) {
      this.acc = (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
      this.accBits = 24;
      p += 3;
    } else {
      let acc = 0;
      for (let i = 0; i < left; i++) acc = (acc << 8) | b[p++]!;
      this.acc = acc;
      this.accBits = left * 8;
    }
    this.bytePos = p;
  }

  /** Byte position after the stream, once the last value is read: prefetched whole bytes go back. */
  get endPos(): number {
    return this.bytePos - (this.accBits >>> 3);
  }
}

const bits = new BitWriter();
const reader = new BitReader();

export function encodeGorillaReference(w: ByteWriter, u32: Uint32Array, start: number, end: number): void {
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

export function decodeGorillaReference(buf: Uint8Array, pos: number, end: number, n: number, out: Float64Array): number {
  if (n === 0) return pos;
  const u32 = new Uint32Array(out.buffer, out.byteOffset, out.length * 2);
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
