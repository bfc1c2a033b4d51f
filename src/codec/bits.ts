import type { ByteWriter } from '../core/index.ts';
import { corrupt } from './errors.ts';

/**
 * Writes a bit stream, most significant bit first, into a ByteWriter. Up to 32 pending bits
 * sit in `acc` and leave four bytes at a time, so a sample costs a few integer operations.
 * The caller reserves room (`ByteWriter.ensure`) for the worst case before writing.
 */
export class BitWriter {
  private acc = 0;
  private accBits = 0;
  private w!: ByteWriter;
  /** A view of `w.buf` for big-endian word stores; the caller does not grow `w` while writing. */
  private view: DataView = new DataView(new ArrayBuffer(0));

  begin(w: ByteWriter): void {
    this.w = w;
    const b = w.buf;
    if (this.view.buffer !== b.buffer || this.view.byteOffset !== b.byteOffset || this.view.byteLength !== b.byteLength) {
      this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
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
    this.view.setInt32(w.pos, word);
    w.pos += 4;
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
export class BitReader {
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
