/**
 * WAL record kinds owned by the engine besides writes (type 1, src/storage/wal/record.ts):
 * see docs/format/wal.md. Type numbers are part of the format: never renumber them.
 */
import { DecodeError, type TimeRange } from '../../core/index.ts';

export const RECORD_DELETE_SERIES = 2;
export const RECORD_DROP_BEFORE = 3;
export const RECORD_DELETE_RANGE = 4;

/** Type 2: `u8 type | u32 count | count x (u32 length, UTF-8 canonical series key)`. */
export function encodeDeleteSeries(keys: readonly string[]): Uint8Array {
  return encodeKeys(Buffer.alloc(1, RECORD_DELETE_SERIES), keys);
}

export function decodeDeleteSeries(payload: Uint8Array): string[] {
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  if (buf.length < 1 || buf[0] !== RECORD_DELETE_SERIES) throw new DecodeError('delete-series record is truncated');
  return decodeKeys(buf, 1, 'delete-series');
}

/** Type 4: `u8 type | i64 min ns | i64 max ns | u32 count | count x (u32 length, key)`: points within [min, max] go. */
export function encodeDeleteRange(keys: readonly string[], range: TimeRange): Uint8Array {
  const head = Buffer.alloc(17);
  head.writeUInt8(RECORD_DELETE_RANGE, 0);
  head.writeBigInt64LE(range.min, 1);
  head.writeBigInt64LE(range.max, 9);
  return encodeKeys(head, keys);
}

export function decodeDeleteRange(payload: Uint8Array): { keys: string[]; range: TimeRange } {
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  if (buf.length < 17 || buf[0] !== RECORD_DELETE_RANGE) throw new DecodeError('delete-range record is truncated');
  const range = { min: buf.readBigInt64LE(1), max: buf.readBigInt64LE(9) };
  return { keys: decodeKeys(buf, 17, 'delete-range'), range };
}

function encodeKeys(head: Buffer, keys: readonly string[]): Uint8Array {
  const encoded = keys.map((k) => Buffer.from(k, 'utf8'));
  const out = Buffer.alloc(head.length + 4 + encoded.reduce((n, k) => n + 4 + k.length, 0));
  let p = head.copy(out, 0);
  p = out.writeUInt32LE(keys.length, p);
  for (const k of encoded) {
    p = out.writeUInt32LE(k.length, p);
    p += k.copy(out, p);
  }
  return out;
}

function decodeKeys(buf: Buffer, offset: number, what: string): string[] {
  if (offset + 4 > buf.length) throw new DecodeError(`${what} record is truncated`);
  const count = buf.readUInt32LE(offset);
  const keys: string[] = [];
  let p = offset + 4;
  for (let i = 0; i < count; i++) {
    if (p + 4 > buf.length) throw new DecodeError(`${what} record is truncated`);
    const length = buf.readUInt32LE(p);
    p += 4;
    if (p + length > buf.length) throw new DecodeError(`${what} record is truncated`);
    keys.push(buf.toString('utf8', p, p + length));
    p += length;
  }
  if (p !== buf.length) throw new DecodeError(`${what} record has trailing bytes`);
  return keys;
}

/** Type 3: `u8 type | f64 cutoff in ms` — every point before the cutoff is dropped. */
export function encodeDropBefore(cutoffMs: number): Uint8Array {
  const out = Buffer.alloc(9);
  out.writeUInt8(RECORD_DROP_BEFORE, 0);
  out.writeDoubleLE(cutoffMs, 1);
  return out;
}

export function decodeDropBefore(payload: Uint8Array): number {
  if (payload.length !== 9 || payload[0] !== RECORD_DROP_BEFORE) throw new DecodeError('drop-before record is malformed');
  return Buffer.from(payload.buffer, payload.byteOffset, payload.length).readDoubleLE(1);
}
