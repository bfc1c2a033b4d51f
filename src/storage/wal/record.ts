import {
  Column,
  DecodeError,
  FieldType,
  WriteBatch,
  isFieldType,
  parseSeriesKey,
  type Tag,
} from '../../core/index.ts';

/**
 * WAL record payloads (docs/format/wal.md, "Record payloads"). The first byte is the record type;
 * these numbers are part of the on-disk format: never renumber them.
 */
export const WalRecordType = {
  WriteBatch: 1,
} as const;
export type WalRecordType = (typeof WalRecordType)[keyof typeof WalRecordType];

// Columns go to and from records as raw typed-array bytes, which is little-endian only where the
// host is. Every platform Node supports in practice is; refuse loudly rather than write garbage.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('RusTs WAL records need a little-endian host');
}

const FLAG_SUB_ZERO = 1;

/** The record type of a payload, read from its first byte. */
export function walRecordType(payload: Uint8Array): number {
  if (payload.length === 0) throw new DecodeError('Cannot read a WAL record type from 0 bytes');
  return payload[0]!;
}

function allSubZero(sub: Int32Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (sub[i] !== 0) return false;
  return true;
}

type Typed = Float64Array | Int32Array | BigInt64Array | BigUint64Array | Uint8Array;

// V8 keeps typed arrays of up to 64 bytes on the JS heap, and reading `.buffer` of one moves it off
// the heap: an allocation and a copy each time, which made 1-point columns (remote write) several
// times slower. Small arrays are therefore copied through this scratch space with `set`, which
// never needs `.buffer`, and the views of it are made once, not per call.
const ON_HEAP_MAX_BYTES = 64;
const scratchBuffer = new ArrayBuffer(ON_HEAP_MAX_BYTES);
const scratchU8 = new Uint8Array(scratchBuffer);
const scratchF64 = new Float64Array(scratchBuffer);
const scratchI32 = new Int32Array(scratchBuffer);
const scratchI64 = new BigInt64Array(scratchBuffer);
const scratchU64 = new BigUint64Array(scratchBuffer);
const prefixes = (a: Typed): Typed[] => Array.from({ length: a.length + 1 }, (_, n) => a.subarray(0, n));
const scratchPrefixes = new Map<Typed, Typed[]>([
  [scratchU8, prefixes(scratchU8)],
  [scratchF64, prefixes(scratchF64)],
  [scratchI32, prefixes(scratchI32)],
  [scratchI64, prefixes(scratchI64)],
  [scratchU64, prefixes(scratchU64)],
]);

function scratchOf(a: Typed): Typed {
  if (a instanceof Float64Array) return scratchF64;
  if (a instanceof Int32Array) return scratchI32;
  if (a instanceof BigInt64Array) return scratchI64;
  if (a instanceof BigUint64Array) return scratchU64;
  return scratchU8;
}

/**
 * Writes the raw bytes of the first `n` elements of `a` at `out[off]`; returns the offset after
 * them. `via` is the scratch view of `a`'s type. Small arrays are copied byte by byte: cheaper
 * than a native call for a handful of bytes.
 */
function putTyped(out: Uint8Array, off: number, a: Typed, via: Typed, n: number): number {
  const size = n * a.BYTES_PER_ELEMENT;
  if (a.byteLength > ON_HEAP_MAX_BYTES) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, size), off);
  } else {
    (via as Float64Array).set(a as Float64Array);
    for (let i = 0; i < size; i++) out[off + i] = scratchU8[i]!;
  }
  return off + size;
}

const SCRATCH_BY_TYPE: Record<FieldType, Typed> = {
  [FieldType.Float]: scratchF64,
  [FieldType.Integer]: scratchI64,
  [FieldType.Unsigned]: scratchU64,
  [FieldType.Boolean]: scratchU8,
  [FieldType.String]: scratchU8,
};

/** Copies `n` elements' worth of raw bytes from `src` into `dst`, bit for bit. */
function copyBytesInto(dst: Typed, src: Uint8Array, n: number): void {
  const size = n * dst.BYTES_PER_ELEMENT;
  if (dst.byteLength > ON_HEAP_MAX_BYTES) {
    new Uint8Array(dst.buffer, dst.byteOffset, size).set(src.subarray(0, size));
    return;
  }
  for (let i = 0; i < size; i++) scratchU8[i] = src[i]!;
  const from = scratchOf(dst);
  (dst as Float64Array).set(scratchPrefixes.get(from)![n] as Float64Array);
}

// Whether each field's sub column is all zero, found while sizing; grown as needed, reused.
let subZeroFlags = new Uint8Array(1024);

function putU32(out: Uint8Array, off: number, v: number): number {
  out[off] = v;
  out[off + 1] = v >>> 8;
  out[off + 2] = v >>> 16;
  out[off + 3] = v >>> 24;
  return off + 4;
}

/**
 * Encodes a batch as a type-1 WAL record payload. Sizes first and allocates once; columns are
 * copied as whole byte ranges, so the cost is per series and field, plus a memcpy per column.
 */
export function encodeWriteBatch(batch: WriteBatch): Uint8Array {
  const allSeries = batch.series;
  let size = 1 + 4;
  let fields = 0;
  // Most batches repeat a few field names (every remote-write series has "value"): measure and
  // encode a name once while it repeats.
  let lastName: string | undefined;
  let lastNameBytes = 0;
  for (let s = 0; s < allSeries.length; s++) {
    const series = allSeries[s]!;
    size += 4 + Buffer.byteLength(series.key, 'utf8') + 4;
    const seriesFields = series.fields;
    for (let k = 0; k < seriesFields.length; k++) {
      const { name, column } = seriesFields[k]!;
      const n = column.length;
      if (name !== lastName) {
        lastName = name;
        lastNameBytes = Buffer.byteLength(name, 'utf8');
      }
      size += 4 + lastNameBytes + 1 + 1 + 4 + n * 8;
      if (fields === subZeroFlags.length) {
        const grown = new Uint8Array(fields * 2);
        grown.set(subZeroFlags);
        subZeroFlags = grown;
      }
      const zero = allSubZero(column.sub, n);
      subZeroFlags[fields++] = zero ? 1 : 0;
      if (!zero) size += n * 4;
      switch (column.type) {
        case FieldType.Float:
        case FieldType.Integer:
        case FieldType.Unsigned:
          size += n * 8;
          break;
        case FieldType.Boolean:
          size += n;
          break;
        case FieldType.String: {
          const values = column.values as string[];
          for (let i = 0; i < n; i++) size += 4 + Buffer.byteLength(values[i]!, 'utf8');
          break;
        }
      }
    }
  }

  const out = Buffer.allocUnsafe(size);
  out[0] = WalRecordType.WriteBatch;
  let off = putU32(out, 1, allSeries.length);
  let f = 0;
  lastName = undefined;
  let lastNameAt = 0;
  for (let s = 0; s < allSeries.length; s++) {
    const series = allSeries[s]!;
    off = writeString(out, off, series.key);
    const seriesFields = series.fields;
    off = putU32(out, off, seriesFields.length);
    for (let k = 0; k < seriesFields.length; k++) {
      const { name, column } = seriesFields[k]!;
      const n = column.length;
      if (name === lastName) {
        for (let i = 0; i < 4 + lastNameBytes; i++) out[off + i] = out[lastNameAt + i]!;
        off += 4 + lastNameBytes;
      } else {
        lastName = name;
        lastNameAt = off;
        off = writeString(out, off, name);
        lastNameBytes = off - lastNameAt - 4;
      }
      const zero = subZeroFlags[f++] === 1;
      out[off++] = column.type;
      out[off++] = zero ? FLAG_SUB_ZERO : 0;
      off = putU32(out, off, n);
      off = putTyped(out, off, column.ms, scratchF64, n);
      if (!zero) off = putTyped(out, off, column.sub, scratchI32, n);
      if (column.type === FieldType.String) {
        const values = column.values as string[];
        for (let i = 0; i < n; i++) off = writeString(out, off, values[i]!);
      } else {
        off = putTyped(out, off, column.values as Typed, SCRATCH_BY_TYPE[column.type], n);
      }
    }
  }
  if (off !== size) throw new Error(`BUG: WriteBatch record sized ${size} bytes but encoded ${off}`);
  return out;
}

function writeString(out: Buffer, off: number, s: string): number {
  const n = out.write(s, off + 4, 'utf8');
  putU32(out, off, n);
  return off + 4 + n;
}

/** A read cursor over a payload; every read checks the bytes are there first. */
class Reader {
  off = 0;
  readonly buf: Buffer;

  constructor(readonly bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  get left(): number {
    return this.buf.length - this.off;
  }

  need(n: number, what: string): void {
    if (n > this.left) throw new DecodeError(`Cannot decode ${what} at offset ${this.off} of a ${this.buf.length}-byte WAL record: needs ${n} bytes, ${this.left} left`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.off++]!;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32LE(this.off);
    this.off += 4;
    return v;
  }

  string(what: string): string {
    const n = this.u32(what);
    this.need(n, what);
    const s = this.buf.toString('utf8', this.off, this.off + n);
    this.off += n;
    return s;
  }

  private lastName = '';
  private lastNameAt = 0;
  private lastNameLength = -1;

  /** A field name; a name equal to the one before is not decoded again. */
  fieldName(): string {
    const n = this.u32('a field name');
    this.need(n, 'a field name');
    const b = this.buf;
    const at = this.off;
    this.off += n;
    if (n === this.lastNameLength) {
      let i = 0;
      while (i < n && b[at + i] === b[this.lastNameAt + i]) i++;
      if (i === n) return this.lastName;
    }
    this.lastName = b.toString('utf8', at, at + n);
    this.lastNameAt = at;
    this.lastNameLength = n;
    return this.lastName;
  }

  /** Copies the next `n` elements of a typed array out of the record (the record is borrowed and unaligned). */
  copyInto(dst: Typed, n: number): void {
    copyBytesInto(dst, this.bytes.subarray(this.off), n);
    this.off += n * dst.BYTES_PER_ELEMENT;
  }
}

/** Splits a canonical series key; keys without escapes (nearly all) take a fast path. */
function splitKey(key: string): { measurement: string; tags: Tag[] } {
  if (key.indexOf('\\') >= 0) return parseSeriesKey(key);
  const parts = key.split(',');
  const tags: Tag[] = [];
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    const eq = part.indexOf('=');
    if (eq < 0) throw new Error(`malformed series key "${key}": tag without "="`);
    tags.push({ key: part.slice(0, eq), value: part.slice(eq + 1) });
  }
  return { measurement: parts[0]!, tags };
}

/**
 * Decodes a type-1 WAL record payload into a new batch that owns its columns (`bytes` may be
 * reused once this returns). Throws `DecodeError` for anything that does not decode; every count
 * is checked against the bytes left before anything is allocated for it.
 */
export function decodeWriteBatch(bytes: Uint8Array): WriteBatch {
  const r = new Reader(bytes);
  const type = r.u8('the record type');
  if (type !== WalRecordType.WriteBatch) throw new DecodeError(`Cannot decode a WAL record of type ${type} as a WriteBatch (type ${WalRecordType.WriteBatch})`);
  const batch = new WriteBatch();
  const seriesCount = r.u32('the series count');
  // Each series takes at least 8 bytes (key length and field count).
  r.need(seriesCount * 8, `${seriesCount} series`);
  for (let s = 0; s < seriesCount; s++) {
    const key = r.string('a series key');
    let parsed: { measurement: string; tags: Tag[] };
    try {
      parsed = splitKey(key);
    } catch (err) {
      throw new DecodeError(`Cannot decode series key ${JSON.stringify(key)} in a WAL record: ${(err as Error).message}`);
    }
    const series = batch.seriesByKey(key, parsed.measurement, parsed.tags);
    const fieldCount = r.u32('a field count');
    // Each field takes at least 10 bytes (name length, type, flags, point count).
    r.need(fieldCount * 10, `${fieldCount} fields of series ${JSON.stringify(key)}`);
    for (let f = 0; f < fieldCount; f++) {
      const name = r.fieldName();
      const fieldType = r.u8('a field type');
      if (!isFieldType(fieldType)) throw new DecodeError(`Cannot decode field "${name}" of series ${JSON.stringify(key)}: unknown field type ${fieldType}`);
      const flags = r.u8('field flags');
      if ((flags & ~FLAG_SUB_ZERO) !== 0) throw new DecodeError(`Cannot decode field "${name}" of series ${JSON.stringify(key)}: unknown flags 0x${flags.toString(16)}`);
      const n = r.u32('a point count');
      const subZero = (flags & FLAG_SUB_ZERO) !== 0;
      const valueBytes = fieldType === FieldType.Boolean ? 1 : fieldType === FieldType.String ? 4 : 8;
      r.need(n * (8 + (subZero ? 0 : 4) + valueBytes), `${n} points of field "${name}" of series ${JSON.stringify(key)}`);
      // Allocated at exactly n points: Column.of would also allocate three empty arrays first.
      const column = new Column(fieldType, n);
      r.copyInto(column.ms, n);
      if (!subZero) r.copyInto(column.sub, n);
      if (fieldType === FieldType.String) {
        const values = column.values as string[];
        for (let i = 0; i < n; i++) values[i] = r.string('a string value');
      } else {
        r.copyInto(column.values as Typed, n);
      }
      column.length = n;
      series.fields.push({ name, column });
    }
  }
  if (r.left !== 0) throw new DecodeError(`Cannot decode a WAL WriteBatch record: ${r.left} bytes left over after ${seriesCount} series`);
  return batch;
}
