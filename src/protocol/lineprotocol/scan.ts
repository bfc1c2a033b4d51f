/** The bytes line protocol's grammar turns on, and where lines and values end. */

export const SPACE = 0x20;
export const TAB = 0x09;
export const NL = 0x0a;
export const CR = 0x0d;
export const COMMA = 0x2c;
export const EQUALS = 0x3d;
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const MINUS = 0x2d;
export const PLUS = 0x2b;
export const DOT = 0x2e;
export const HASH = 0x23;
export const ZERO = 0x30;

/** A line ends at '\n', at the end of the body, or at a '\r' right before either (CRLF bodies). */
export function isLineEnd(buf: Buffer, i: number, len: number): boolean {
  if (i >= len) return true;
  const c = buf[i]!;
  return c === NL || (c === CR && (i + 1 === len || buf[i + 1] === NL));
}

/** A field value ends at ',', ' ' or the line end. */
export function isValueEnd(buf: Buffer, i: number, len: number): boolean {
  if (i >= len) return true;
  const c = buf[i]!;
  return c === COMMA || c === SPACE || isLineEnd(buf, i, len);
}

/**
 * influxd's scanLine: where a line ends, skipping escaped bytes and newlines inside a string
 * field value. Used to find the extent of a bad line, so it is reported and skipped as influxd would.
 */
export function scanLine(buf: Buffer, start: number): number {
  const len = buf.length;
  let i = start;
  let quoted = false;
  let fields = false;
  let equals = 0;
  let commas = 0;
  while (i < len) {
    const c = buf[i]!;
    if (c === BACKSLASH && i + 2 < len) {
      i += 2;
      continue;
    }
    if (c === SPACE) fields = true;
    if (fields) {
      if (!quoted && c === EQUALS) {
        i++;
        equals++;
        continue;
      } else if (!quoted && c === COMMA) {
        i++;
        commas++;
        continue;
      } else if (c === QUOTE && equals > commas) {
        i++;
        quoted = !quoted;
        continue;
      }
    }
    if (c === NL && !quoted) break;
    i++;
  }
  return i;
}

/** Newlines in [start, end): only string field values can hold them. */
export function newlinesIn(buf: Buffer, start: number, end: number): number {
  let n = 0;
  let at = buf.indexOf(NL, start);
  while (at >= 0 && at < end) {
    n++;
    at = buf.indexOf(NL, at + 1);
  }
  return n;
}

/** A copy of bytes [start, end) of `buf`, to compare with later bodies by sameBytes. */
export function copyBytes(buf: Buffer, start: number, end: number): DataView {
  const bytes = new Uint8Array(end - start);
  for (let j = 0; j < bytes.length; j++) bytes[j] = buf[start + j]!;
  return new DataView(bytes.buffer);
}

const SLAB_BYTES = 64 * 1024;

/**
 * Copies of many small byte ranges kept for long (series keys), packed into shared 64 KiB
 * buffers: a buffer of its own for each would take about four times the bytes copied. A slab
 * lives as long as any copy in it.
 */
export class BytePacker {
  private slab = new Uint8Array(SLAB_BYTES);
  private slabView = new DataView(this.slab.buffer);
  private used = 0;
  /** Where pack put the last copy in the view it returned. */
  at = 0;

  /** Copies bytes [start, end) of `buf`; returns the view they are in, at offset `this.at`. */
  pack(buf: Buffer, start: number, end: number): DataView {
    const n = end - start;
    if (n > SLAB_BYTES / 4) {
      this.at = 0;
      return copyBytes(buf, start, end);
    }
    if (this.used + n > SLAB_BYTES) {
      this.slab = new Uint8Array(SLAB_BYTES);
      this.slabView = new DataView(this.slab.buffer);
      this.used = 0;
    }
    const slab = this.slab;
    const at = this.used;
    for (let j = 0; j < n; j++) slab[at + j] = buf[start + j]!;
    this.used += n;
    this.at = at;
    return this.slabView;
  }
}

/** Whether `buf` (which `view` spans) holds at `at` the `n` bytes of `bytes` from `from`; compared four at a time. */
export function sameBytes(buf: Buffer, view: DataView, at: number, bytes: DataView, from: number, n: number): boolean {
  let j = 0;
  for (; j + 4 <= n; j += 4) if (view.getInt32(at + j, true) !== bytes.getInt32(from + j, true)) return false;
  for (; j < n; j++) if (buf[at + j] !== bytes.getUint8(from + j)) return false;
  return true;
}

interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}

/**
 * Bytes [start, end) as a latin1 string, for Number() on the floats the parser leaves to it.
 * Buffer's own latin1Slice skips toString's argument checks, which cost ~10% of a parse when
 * every line used it (it is what toString('latin1') calls; Node has had it since v0.x, but does
 * not document it).
 */
export const latin1: (buf: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as unknown as Partial<Latin1Slicer>).latin1Slice === 'function'
    ? (buf, start, end) => (buf as unknown as Latin1Slicer).latin1Slice(start, end)
    : (buf, start, end) => buf.toString('latin1', start, end);
