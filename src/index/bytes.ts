import { CorruptionError } from '../core/index.ts';

// Typed-array views of the host's memory are little-endian on every platform Node supports in
// practice (x64, arm64); the formats are little-endian, so whole arrays can be copied in one move.
const HOST_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A growable little-endian byte buffer, written with a cursor. */
export class ByteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialCapacity = 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.pos;
  }

  /** Makes room for `n` more bytes and returns the offset at which they start. */
  reserve(n: number): number {
    const need = this.pos + n;
    if (need > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < need) cap *= 2;
      const next = Buffer.allocUnsafe(cap);
      this.buf.copy(next, 0, 0, this.pos);
      this.buf = next;
    }
    const at = this.pos;
    this.pos = need;
    return at;
  }

  /** The buffer under construction: valid until the next write, which may reallocate it. */
  get raw(): Buffer {
    return this.buf;
  }

  u8(v: number): void {
    this.buf[this.reserve(1)] = v;
  }

  u16(v: number): void {
    this.buf.writeUInt16LE(v, this.reserve(2));
  }

  u32(v: number): void {
    this.buf.writeUInt32LE(v >>> 0, this.reserve(4));
  }

  /** Writes a u32 at an already written offset (for lengths known only afterwards). */
  patchU32(at: number, v: number): void {
    this.buf.writeUInt32LE(v >>> 0, at);
  }

  bytes(b: Uint8Array): void {
    this.buf.set(b, this.reserve(b.length));
  }

  u32Array(a: Uint32Array): void {
    const at = this.reserve(a.length * 4);
    if (HOST_LE) {
      this.buf.set(new Uint8Array(a.buffer, a.byteOffset, a.length * 4), at);
    } else {
      for (let i = 0; i < a.length; i++) this.buf.writeUInt32LE(a[i]!, at + i * 4);
    }
  }

  /** Writes raw UTF-8 with no length prefix; returns the number of bytes written. */
  utf8(s: string): number {
    // Exact sizing scans the string; worth it only where 3x over-reservation would force a large copy.
    const max = s.length < 4096 ? s.length * 3 : Buffer.byteLength(s, 'utf8');
    const at = this.reserve(max);
    const n = this.buf.write(s, at, 'utf8');
    this.pos = at + n;
    return n;
  }

  /** Writes a u32 byte length followed by the UTF-8 bytes. */
  string(s: string): void {
    const lenAt = this.reserve(4);
    this.patchU32(lenAt, this.utf8(s));
  }

  /** The written bytes; the writer must not be used afterwards. */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * A bounds-checked little-endian reader: every read past the end, and every malformed string,
 * throws a `CorruptionError` naming `file` and the offset, so corrupt bytes never crash a caller.
 */
export class ByteReader {
  pos: number;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(detail: string, at = this.pos): never {
    throw new CorruptionError(this.file, at, detail);
  }

  private need(n: number, what: string): number {
    if (n < 0 || this.pos + n > this.end) {
      this.fail(`${what} needs ${n} bytes, ${Math.max(0, this.end - this.pos)} left`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(what: string): number {
    return this.bytes[this.need(1, what)]!;
  }

  u16(what: string): number {
    return this.view.getUint16(this.need(2, what), true);
  }

  u32(what: string): number {
    return this.view.getUint32(this.need(4, what), true);
  }

  /** A view of the next `n` bytes (not a copy). */
  slice(n: number, what: string): Uint8Array {
    const at = this.need(n, what);
    return this.bytes.subarray(at, at + n);
  }

  /** Copies `n` u32 values into a new array of capacity `capacity` (>= n). */
  u32Array(n: number, capacity: number, what: string): Uint32Array {
    const at = this.need(n * 4, what);
    const out = new Uint32Array(capacity);
    if (HOST_LE) {
      new Uint8Array(out.buffer, 0, n * 4).set(this.bytes.subarray(at, at + n * 4));
    } else {
      for (let i = 0; i < n; i++) out[i] = this.view.getUint32(at + i * 4, true);
    }
    return out;
  }

  utf8(n: number, what: string): string {
    const at = this.pos;
    const b = this.slice(n, what);
    try {
      return utf8Decoder.decode(b);
    } catch {
      return this.fail(`${what} is not valid UTF-8`, at);
    }
  }

  /** Reads a u32 byte length followed by that many UTF-8 bytes. */
  string(what: string): string {
    return this.utf8(this.u32(what), what);
  }
}
