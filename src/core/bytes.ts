import { DecodeError, CorruptionError, type RustsError } from './errors.ts';

/**
 * The one way RusTs writes and reads little-endian binary data: block sections (codec), series
 * index and bloom filter files (index), WAL records and segment footers (storage). A growable
 * `ByteWriter`, a bounds-checked `ByteReader`, and the free functions both are built on, which
 * hot loops call directly after reserving a worst case once (`ensure`, then write through
 * `buf`/`pos` locals), so encoding costs no call or check per byte.
 */

// Typed arrays are copied to and from the formats as raw bytes, which are little-endian only
// where the host is. Every platform Node supports in practice is; refuse loudly rather than
// read or write garbage.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('RusTs needs a little-endian host');
}

/**
 * Makes the error a failed read throws. `detail` names what was being read and what is wrong
 * with it; `offset` is where, in the reader's buffer. Codecs raise `DecodeError`; readers of
 * files raise `CorruptionError` naming the file (`corruptionIn`).
 */
export type ReadErrorFactory = (detail: string, offset: number) => RustsError;

export const decodeErrorAt: ReadErrorFactory = (detail, offset) => new DecodeError(`Cannot decode ${detail} (at offset ${offset})`);

/** Errors that name `file`; `base` is the file offset of the reader's buffer[0]. */
export function corruptionIn(file: string, base = 0): ReadErrorFactory {
  return (detail, offset) => new CorruptionError(file, base + offset, detail);
}

/**
 * `n` bytes for a writer to fill. Large buffers are left uninitialised: writers write every byte
 * they hand out, and zeroing a WAL record of megabytes first is pure cost. None comes from
 * Buffer's shared pool, whose 8 KB slabs any small block that outlives the write would keep alive.
 * Small ones get an ArrayBuffer of their own so that V8 never keeps them on the JS heap: `finish`
 * takes a view, which would move an on-heap array off it (see ON_HEAP_MAX_BYTES).
 */
export function allocBytes(n: number): Uint8Array {
  if (n < 4096) return new Uint8Array(new ArrayBuffer(n));
  const b = Buffer.allocUnsafeSlow(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
}

/** A Buffer over the same memory, for Node's native UTF-8 conversion; no copy. */
function bufferOf(a: Uint8Array): Buffer {
  return Buffer.isBuffer(a) ? a : Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

export function putU16(buf: Uint8Array, pos: number, v: number): number {
  buf[pos] = v;
  buf[pos + 1] = v >>> 8;
  return pos + 2;
}

/** Writes the low 32 bits of `v` (signed or unsigned) at `pos`; returns the position after them. */
export function putU32(buf: Uint8Array, pos: number, v: number): number {
  buf[pos] = v;
  buf[pos + 1] = v >>> 8;
  buf[pos + 2] = v >>> 16;
  buf[pos + 3] = v >>> 24;
  return pos + 4;
}

/** Reads a u32 at `pos` without a bounds check: for offsets the caller has checked. */
export function getU32(buf: Uint8Array, pos: number): number {
  return (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
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

/** Typed arrays whose raw bytes the formats store. */
export type RawArray = Float64Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | Uint8Array;

// V8 keeps typed arrays of up to 64 bytes on the JS heap, and reading `.buffer` of one moves it off
// the heap: an allocation and a copy each time, which made 1-point columns (remote write) several
// times slower to put in a WAL record. Small arrays are therefore copied through this scratch
// space with `set`, which never needs `.buffer`, and the views of it are made once, not per call.
const ON_HEAP_MAX_BYTES = 64;
const scratchBuffer = new ArrayBuffer(ON_HEAP_MAX_BYTES);
const scratchU8 = new Uint8Array(scratchBuffer);
const scratchF64 = new Float64Array(scratchBuffer);
const scratchI32 = new Int32Array(scratchBuffer);
const scratchU32 = new Uint32Array(scratchBuffer);
const scratchI64 = new BigInt64Array(scratchBuffer);
const scratchU64 = new BigUint64Array(scratchBuffer);
const prefixes = (a: RawArray): RawArray[] => Array.from({ length: a.length + 1 }, (_, n) => a.subarray(0, n));
const scratchPrefixes = new Map<RawArray, RawArray[]>(
  [scratchU8, scratchF64, scratchI32, scratchU32, scratchI64, scratchU64].map((a) => [a, prefixes(a)]),
);

// By constructor identity, not `instanceof`, whose prototype walk per call measurably slowed WAL
// records of 1-point columns (remote write).
function scratchOf(a: RawArray): RawArray {
  const type = a.constructor;
  if (type === Float64Array) return scratchF64;
  if (type === Int32Array) return scratchI32;
  if (type === BigInt64Array) return scratchI64;
  if (type === BigUint64Array) return scratchU64;
  if (type === Uint32Array) return scratchU32;
  return scratchU8;
}

/**
 * Writes the raw bytes of the first `n` elements of `a` at `buf[pos]`; returns the position after
 * them. Small arrays go through the scratch space (see above) and then byte by byte: cheaper than
 * a native call for a handful of bytes.
 */
export function putRawArray(buf: Uint8Array, pos: number, a: RawArray, n: number): number {
  const size = n * a.BYTES_PER_ELEMENT;
  if (a.byteLength > ON_HEAP_MAX_BYTES) {
    buf.set(new Uint8Array(a.buffer, a.byteOffset, size), pos);
  } else {
    (scratchOf(a) as Float64Array).set(a as Float64Array);
    for (let i = 0; i < size; i++) buf[pos + i] = scratchU8[i]!;
  }
  return pos + size;
}

/** Copies `n` elements' worth of raw bytes from `buf[pos]` into `dst`, bit for bit (the source may be unaligned). */
export function getRawArray(buf: Uint8Array, pos: number, dst: RawArray, n: number): void {
  const size = n * dst.BYTES_PER_ELEMENT;
  if (dst.byteLength > ON_HEAP_MAX_BYTES) {
    new Uint8Array(dst.buffer, dst.byteOffset, size).set(buf.subarray(pos, pos + size));
    return;
  }
  for (let i = 0; i < size; i++) scratchU8[i] = buf[pos + i]!;
  (dst as Float64Array).set(scratchPrefixes.get(scratchOf(dst))![n] as Float64Array);
}

/**
 * A growable little-endian byte buffer. `buf` is a plain Uint8Array, not a Buffer, so that
 * `buf.slice` copies as everywhere else in the language. Reused writers (one per codec module)
 * allocate nothing once warm; `reset` starts over.
 */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;
  /** A Buffer view of `buf` for UTF-8 writes; made on the first string, not for every header-sized writer. */
  private text: Buffer | undefined;

  constructor(capacity = 1024) {
    this.buf = allocBytes(capacity);
  }

  get length(): number {
    return this.pos;
  }

  reset(): void {
    this.pos = 0;
  }

  /** Makes room for `extra` more bytes; `buf` may be replaced. */
  ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    const grown = allocBytes(Math.max(need, this.buf.length * 2));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.text = undefined;
  }

  /** Makes room for `n` more bytes, moves past them and returns the offset at which they start (see `patchU32`). */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos = at + n;
    return at;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.pos = putU16(this.buf, this.pos, v);
  }

  /** Also writes an i32: the low 32 bits are the same. */
  u32(v: number): void {
    this.ensure(4);
    this.pos = putU32(this.buf, this.pos, v);
  }

  i32(v: number): void {
    this.u32(v);
  }

  /** Writes a u32 at an already written offset (for lengths known only afterwards). */
  patchU32(at: number, v: number): void {
    putU32(this.buf, at, v);
  }

  /** A bigint is taken mod 2^64; a number must be an integer of magnitude below 2^53 (negative ones as two's complement). */
  u64(v: number | bigint): void {
    let lo: number;
    let hi: number;
    if (typeof v === 'bigint') {
      lo = Number(v & 0xffff_ffffn);
      hi = Number((v >> 32n) & 0xffff_ffffn);
    } else {
      hi = Math.floor(v / 2 ** 32);
      lo = v - hi * 2 ** 32;
    }
    this.ensure(8);
    putU32(this.buf, this.pos, lo);
    this.pos = putU32(this.buf, this.pos + 4, hi);
  }

  i64(v: number | bigint): void {
    this.u64(v);
  }

  f64(v: number): void {
    scratchF64[0] = v;
    this.ensure(8);
    const b = this.buf;
    const p = this.pos;
    for (let i = 0; i < 8; i++) b[p + i] = scratchU8[i]!;
    this.pos = p + 8;
  }

  /** `u` is an integer in [0, 2^53). */
  uvarint(u: number): void {
    this.ensure(8);
    this.pos = putUvarint(this.buf, this.pos, u);
  }

  /** Zigzag varint of an integer of magnitude below 2^52. */
  varint(v: number): void {
    this.uvarint(zigzag(v));
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** The raw bytes of the first `n` elements of `a` (see `putRawArray`). */
  rawArray(a: RawArray, n = a.length): void {
    this.ensure(n * a.BYTES_PER_ELEMENT);
    this.pos = putRawArray(this.buf, this.pos, a, n);
  }

  /** Writes raw UTF-8 with no length prefix; returns the number of bytes written. */
  utf8(s: string): number {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit; the exact size scans the string, so it is
    // worked out only where the bound does not fit (long strings, the end of an exactly sized buffer).
    if (this.pos + s.length * 3 > this.buf.length) this.ensure(Buffer.byteLength(s, 'utf8'));
    const n = (this.text ??= bufferOf(this.buf)).write(s, this.pos, 'utf8');
    this.pos += n;
    return n;
  }

  /** A u32 byte length, then the UTF-8 bytes. */
  string(s: string): void {
    const at = this.reserve(4);
    // utf8 may grow `buf`: read it only afterwards.
    const n = this.utf8(s);
    putU32(this.buf, at, n);
  }

  /**
   * `string` at `pos` of a buffer sized in advance, for loops that write through `buf` and a local
   * position: nothing is checked or grown. Returns the position after the string.
   */
  putString(pos: number, s: string): number {
    const n = (this.text ??= bufferOf(this.buf)).write(s, pos + 4, 'utf8');
    putU32(this.buf, pos, n);
    return pos + 4 + n;
  }

  /** A u16 byte length, then the UTF-8 bytes; throws for more than 65,535 bytes. */
  string16(s: string): void {
    const at = this.reserve(2);
    const n = this.utf8(s);
    if (n > 0xffff) throw new RangeError(`BUG: string of ${n} UTF-8 bytes does not fit a u16 length`);
    putU16(this.buf, at, n);
  }

  /** A uvarint byte length, then the UTF-8 bytes. */
  varString(s: string): void {
    this.ensure(8 + s.length * 3);
    const at = this.pos;
    // Leave one byte for the length, right for the common short string; move the bytes if it needs more.
    const n = (this.text ??= bufferOf(this.buf)).write(s, at + 1, 'utf8');
    if (n < 128) {
      this.buf[at] = n;
      this.pos = at + 1 + n;
      return;
    }
    let lengthBytes = 1;
    for (let x = n; x >= 128; x = Math.floor(x / 128)) lengthBytes++;
    this.buf.copyWithin(at + lengthBytes, at + 1, at + 1 + n);
    putUvarint(this.buf, at, n);
    this.pos = at + lengthBytes + n;
  }

  /** The written bytes (a view, not a copy): valid until the next write, which may reallocate. */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

// fatal: bytes that are not UTF-8 are corruption, not text to patch with U+FFFD.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A bounds-checked little-endian cursor over `[pos, end)` of a buffer. Every read names what it
 * reads (`what`); a read past the end, or of a malformed value, throws the error `error` makes,
 * naming that and the offset, so truncated or garbage bytes never read zeros or crash a caller.
 */
export class ByteReader {
  private text: Buffer | undefined;

  constructor(
    readonly buf: Uint8Array,
    public pos = 0,
    readonly end = buf.length,
    private readonly error: ReadErrorFactory = decodeErrorAt,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(detail: string, at = this.pos): never {
    throw this.error(detail, at);
  }

  /** Fails unless `n` more bytes are there; does not move. For counts checked before allocating for them. */
  need(n: number, what: string): void {
    if (!(n <= this.end - this.pos)) this.fail(`${what} needs ${n} bytes, ${this.end - this.pos} left`);
  }

  /** Moves past the next `n` bytes and returns the offset at which they start. */
  take(n: number, what: string): number {
    if (!(n <= this.end - this.pos)) this.fail(`${what} needs ${n} bytes, ${this.end - this.pos} left`);
    const at = this.pos;
    this.pos = at + n;
    return at;
  }

  u8(what: string): number {
    if (this.pos >= this.end) this.fail(`${what} needs 1 bytes, 0 left`);
    return this.buf[this.pos++]!;
  }

  u16(what: string): number {
    const p = this.take(2, what);
    return this.buf[p]! | (this.buf[p + 1]! << 8);
  }

  u32(what: string): number {
    return getU32(this.buf, this.take(4, what));
  }

  i32(what: string): number {
    return getU32(this.buf, this.take(4, what)) | 0;
  }

  /** A u64 that must be below 2^53, as a number. */
  u64(what: string): number {
    const p = this.take(8, what);
    const hi = getU32(this.buf, p + 4);
    if (hi >= 2 ** 21) this.fail(`${what} is 2^53 or more`, p);
    return hi * 2 ** 32 + getU32(this.buf, p);
  }

  /** An i64 that must be of magnitude below 2^53, as a number. */
  i64(what: string): number {
    const p = this.take(8, what);
    const hi = getU32(this.buf, p + 4) | 0;
    if (hi >= 2 ** 21 || hi < -(2 ** 21)) this.fail(`${what} is out of the range of a float64 integer`, p);
    return hi * 2 ** 32 + getU32(this.buf, p);
  }

  u64big(what: string): bigint {
    const p = this.take(8, what);
    return (BigInt(getU32(this.buf, p + 4)) << 32n) | BigInt(getU32(this.buf, p));
  }

  f64(what: string): number {
    const p = this.take(8, what);
    for (let i = 0; i < 8; i++) scratchU8[i] = this.buf[p + i]!;
    return scratchF64[0]!;
  }

  /** A uvarint below 2^53 (at most 8 bytes). */
  uvarint(what: string): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    if (pos >= end) this.fail(`${what} needs 1 bytes, 0 left`);
    let b = buf[pos++]!;
    if (b < 128) {
      this.pos = pos;
      return b;
    }
    let result = b & 127;
    let mul = 128;
    for (let i = 1; ; i++) {
      if (pos >= end) this.fail(`${what} ends early in a varint`, pos);
      if (i === 8) this.fail(`${what} is a varint longer than 8 bytes`);
      b = buf[pos++]!;
      result += (b & 127) * mul;
      if (b < 128) break;
      mul *= 128;
    }
    if (result >= 2 ** 53) this.fail(`${what} is a varint of 2^53 or more`);
    this.pos = pos;
    return result;
  }

  /** A uvarint that must fit in [0, max]. */
  uvarintMax(max: number, what: string): number {
    const at = this.pos;
    const v = this.uvarint(what);
    if (v > max) this.fail(`${what} ${v} exceeds ${max}`, at);
    return v;
  }

  /** A zigzag varint. */
  varint(what: string): number {
    return unzigzag(this.uvarint(what));
  }

  /** A view of the next `n` bytes (not a copy). */
  bytes(n: number, what: string): Uint8Array {
    const at = this.take(n, what);
    return this.buf.subarray(at, at + n);
  }

  /** Copies the raw bytes of `n` elements into `dst` (see `getRawArray`). */
  rawArray(dst: RawArray, n: number, what: string): void {
    getRawArray(this.buf, this.take(n * dst.BYTES_PER_ELEMENT, what), dst, n);
  }

  /** `n` bytes of UTF-8; anything that is not valid UTF-8 fails. */
  utf8(n: number, what: string): string {
    const at = this.take(n, what);
    this.text ??= bufferOf(this.buf);
    // Node's native decoder is several times faster than a fatal TextDecoder, but patches bad bytes
    // with U+FFFD: only text that holds one (rare, and never in ASCII) is checked strictly.
    const s = this.text.toString('utf8', at, at + n);
    if (s.indexOf('\ufffd') < 0) return s;
    try {
      return strictUtf8.decode(this.buf.subarray(at, at + n));
    } catch {
      return this.fail(`${what} is not valid UTF-8`, at);
    }
  }

  /** A u32 byte length, then UTF-8. */
  string(what: string): string {
    return this.utf8(this.u32(what), what);
  }

  /** A u16 byte length, then UTF-8. */
  string16(what: string): string {
    return this.utf8(this.u16(what), what);
  }

  /** A uvarint byte length, then UTF-8. */
  varString(what: string): string {
    return this.utf8(this.uvarint(what), what);
  }

  expectEnd(what: string): void {
    if (this.pos !== this.end) this.fail(`${this.end - this.pos} bytes left over after the ${what}`);
  }
}
