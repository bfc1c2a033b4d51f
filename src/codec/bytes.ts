import { DecodeError } from '../core/index.ts';

/**
 * A growable byte buffer that encoders write into. One per module is reused across blocks, so
 * encoding allocates nothing per sample and, once warm, nothing per block but the block itself.
 * Hot loops call `ensure` with a worst-case size once, then write through `buf`/`pos` locals.
 */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity = 4096) {
    this.buf = new Uint8Array(capacity);
  }

  reset(): void {
    this.pos = 0;
  }

  ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** `u` is an integer in [0, 2^53). */
  uvarint(u: number): void {
    this.ensure(8);
    this.pos = putUvarint(this.buf, this.pos, u);
  }

  /** Writes the low and high 32-bit halves of a 64-bit value, little-endian. */
  u64(lo: number, hi: number): void {
    this.ensure(8);
    const b = this.buf;
    let p = this.pos;
    b[p++] = lo;
    b[p++] = lo >>> 8;
    b[p++] = lo >>> 16;
    b[p++] = lo >>> 24;
    b[p++] = hi;
    b[p++] = hi >>> 8;
    b[p++] = hi >>> 16;
    b[p++] = hi >>> 24;
    this.pos = p;
  }
}

/**
 * Writes `u`, an integer in [0, 2^53), as a uvarint at `pos` and returns the position after it.
 * Float division past 31 bits because bitwise operators would truncate to 32.
 */
export function putUvarint(buf: Uint8Array, pos: number, u: number): number {
  while (u > 0x7fffffff) {
    buf[pos++] = (u % 128) | 128;
    u = Math.floor(u / 128);
  }
  while (u > 127) {
    buf[pos++] = (u & 127) | 128;
    u >>>= 7;
  }
  buf[pos++] = u;
  return pos;
}

/** Zigzag for integers held in a float64, exact while abs(d) < 2^52. */
export function zigzag(d: number): number {
  return d >= 0 ? d * 2 : -d * 2 - 1;
}

export function unzigzag(z: number): number {
  // z < 2^53, so z % 2 and the halving are exact.
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** The error every decoder throws for input that ends early or holds nonsense. */
export function corrupt(detail: string): DecodeError {
  return new DecodeError(`Cannot decode block: ${detail}`);
}

/**
 * A bounds-checked cursor over `[pos, end)` of a buffer. Every read checks the end, so a
 * truncated or garbage section throws `DecodeError` instead of reading zeros forever.
 */
export class ByteReader {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  byte(): number {
    if (this.pos >= this.end) throw corrupt('section ends early');
    return this.buf[this.pos++]!;
  }

  /** A uvarint below 2^53 (at most 8 bytes). */
  uvarint(): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    if (pos >= end) throw corrupt('section ends early');
    let b = buf[pos++]!;
    if (b < 128) {
      this.pos = pos;
      return b;
    }
    let result = b & 127;
    let mul = 128;
    for (let i = 1; ; i++) {
      if (pos >= end) throw corrupt('section ends early in a varint');
      if (i === 8) throw corrupt('varint too long');
      b = buf[pos++]!;
      result += (b & 127) * mul;
      if (b < 128) break;
      mul *= 128;
    }
    if (result >= 2 ** 53) throw corrupt('varint out of range');
    this.pos = pos;
    return result;
  }

  /** A uvarint that must fit in [0, max]. */
  uvarintMax(max: number, what: string): number {
    const v = this.uvarint();
    if (v > max) throw corrupt(`${what} ${v} exceeds ${max}`);
    return v;
  }

  /** Returns `[start, start + n)` of the buffer and moves past it. */
  take(n: number): number {
    if (n > this.end - this.pos) throw corrupt(`section ends early: need ${n} bytes, have ${this.end - this.pos}`);
    const start = this.pos;
    this.pos += n;
    return start;
  }

  u32(): number {
    const p = this.take(4);
    const b = this.buf;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  expectEnd(what: string): void {
    if (this.pos !== this.end) throw corrupt(`${this.end - this.pos} bytes left over after the ${what}`);
  }
}
