import {
  ByteReader,
  Column,
  DecodeError,
  FieldType,
  WriteBatch,
  isFieldType,
  parseSeriesKey,
  putRawArray,
  putU32,
  type RawArray,
  type ReadErrorFactory,
  type Tag,
} from '../../core/index.ts';
import type { RecordWriter } from './format.ts';

/**
 * WAL record payloads (docs/format/wal.md, "Record payloads"). The first byte is the record type;
 * these numbers are part of the on-disk format: never renumber them.
 */
export const WalRecordType = {
  WriteBatch: 1,
  SampleRows: 5,
} as const;
export type WalRecordType = (typeof WalRecordType)[keyof typeof WalRecordType];

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

/** Encodes a batch as a type-1 WAL record payload (see writeBatchRecord). */
export function encodeWriteBatch(batch: WriteBatch): Uint8Array {
  const record = writeBatchRecord(batch);
  const out = new Uint8Array(record.length);
  record.writeTo(out, 0);
  return out;
}

/**
 * A batch as a type-1 WAL record payload, sized now and written when asked: the batch's columns
 * must stay as they are until then. Columns are copied as whole byte ranges, so the cost is per
 * series and field, plus a memcpy per column.
 */
export function writeBatchRecord(batch: WriteBatch): RecordWriter {
  const allSeries = batch.series;
  let size = 1 + 4;
  let fields = 0;
  for (const series of allSeries) fields += series.fields.length;
  // Whether each field's sub column is all zero, found while sizing.
  const subZero = new Uint8Array(fields);
  fields = 0;
  // Most batches repeat a few field names (every remote-write series has "value"): measure and
  // encode a name once while it repeats.
  let lastName: string | undefined;
  let lastNameBytes = 0;
  for (let s = 0; s < allSeries.length; s++) {
    const series = allSeries[s]!;
    size += 4 + (series.keyBytes?.length ?? Buffer.byteLength(series.key, 'utf8')) + 4;
    const seriesFields = series.fields;
    for (let k = 0; k < seriesFields.length; k++) {
      const { name, column } = seriesFields[k]!;
      const n = column.length;
      if (name !== lastName) {
        lastName = name;
        lastNameBytes = Buffer.byteLength(name, 'utf8');
      }
      size += 4 + lastNameBytes + 1 + 1 + 4 + n * 8;
      const zero = allSubZero(column.sub, n);
      subZero[fields++] = zero ? 1 : 0;
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
  return { length: size, writeTo: (dst, at) => writeRecord(batch, subZero, size, dst, at) };
}

// Sized exactly by writeBatchRecord: the loop writes through `buf` and `pos` with no per-write
// checks, as the codecs' hot loops do (a writer call per field was 10% slower).
function writeRecord(batch: WriteBatch, subZero: Uint8Array, size: number, buf: Uint8Array, at: number): void {
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const putString = (pos: number, s: string): number => {
    const n = text.write(s, pos + 4, 'utf8');
    putU32(buf, pos, n);
    return pos + 4 + n;
  };
  const allSeries = batch.series;
  buf[at] = WalRecordType.WriteBatch;
  let pos = putU32(buf, at + 1, allSeries.length);
  let f = 0;
  let lastName: string | undefined;
  let lastNameAt = 0;
  let lastNameBytes = 0;
  for (let s = 0; s < allSeries.length; s++) {
    const series = allSeries[s]!;
    const keyBytes = series.keyBytes;
    if (keyBytes === undefined) {
      pos = putString(pos, series.key);
    } else {
      pos = putU32(buf, pos, keyBytes.length);
      buf.set(keyBytes, pos);
      pos += keyBytes.length;
    }
    const seriesFields = series.fields;
    pos = putU32(buf, pos, seriesFields.length);
    for (let k = 0; k < seriesFields.length; k++) {
      const { name, column } = seriesFields[k]!;
      const n = column.length;
      if (name === lastName) {
        // A copy of the bytes written for the name last time: a few bytes, so a loop beats a native call.
        for (let i = 0; i < 4 + lastNameBytes; i++) buf[pos + i] = buf[lastNameAt + i]!;
        pos += 4 + lastNameBytes;
      } else {
        lastName = name;
        lastNameAt = pos;
        pos = putString(pos, name);
        lastNameBytes = pos - lastNameAt - 4;
      }
      const zero = subZero[f++] === 1;
      buf[pos++] = column.type;
      buf[pos++] = zero ? FLAG_SUB_ZERO : 0;
      pos = putU32(buf, pos, n);
      pos = putRawArray(buf, pos, column.ms, n);
      if (!zero) pos = putRawArray(buf, pos, column.sub, n);
      if (column.type === FieldType.String) {
        const values = column.values as string[];
        for (let i = 0; i < n; i++) pos = putString(pos, values[i]!);
      } else {
        pos = putRawArray(buf, pos, column.values as RawArray, n);
      }
    }
  }
  if (pos - at !== size) throw new Error(`BUG: WriteBatch record sized ${size} bytes but encoded ${pos - at}`);
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
  const r = new ByteReader(bytes, 0, bytes.length, recordError(bytes.length));
  const type = r.u8('the record type');
  if (type !== WalRecordType.WriteBatch) throw new DecodeError(`Cannot decode a WAL record of type ${type} as a WriteBatch (type ${WalRecordType.WriteBatch})`);
  const batch = new WriteBatch();
  const seriesCount = r.u32('the series count');
  // Each series takes at least 8 bytes (key length and field count).
  r.need(seriesCount * 8, `${seriesCount} series`);
  // Most records repeat a few field names: a name whose bytes equal the previous one's is not decoded again.
  let lastName = '';
  let lastNameAt = 0;
  let lastNameLength = -1;
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
    // Each field takes at least 10 bytes (name length, type, flags, point count). Messages that
    // name a series are built only on failure: these checks run per series and per field.
    if (fieldCount * 10 > r.remaining) r.need(fieldCount * 10, `${fieldCount} fields of series ${JSON.stringify(key)}`);
    for (let f = 0; f < fieldCount; f++) {
      const nameLength = r.u32('a field name');
      const nameAt = r.take(nameLength, 'a field name');
      if (nameLength !== lastNameLength || !sameBytes(bytes, nameAt, lastNameAt, nameLength)) {
        r.pos = nameAt;
        lastName = r.utf8(nameLength, 'a field name');
        lastNameAt = nameAt;
        lastNameLength = nameLength;
      }
      const name = lastName;
      const fieldType = r.u8('a field type');
      if (!isFieldType(fieldType)) throw new DecodeError(`Cannot decode field "${name}" of series ${JSON.stringify(key)}: unknown field type ${fieldType}`);
      const flags = r.u8('field flags');
      if ((flags & ~FLAG_SUB_ZERO) !== 0) throw new DecodeError(`Cannot decode field "${name}" of series ${JSON.stringify(key)}: unknown flags 0x${flags.toString(16)}`);
      const n = r.u32('a point count');
      const subZero = (flags & FLAG_SUB_ZERO) !== 0;
      const valueBytes = fieldType === FieldType.Boolean ? 1 : fieldType === FieldType.String ? 4 : 8;
      const need = n * (8 + (subZero ? 0 : 4) + valueBytes);
      if (need > r.remaining) r.need(need, `${n} points of field "${name}" of series ${JSON.stringify(key)}`);
      // Allocated at exactly n points: Column.of would also allocate three empty arrays first.
      const column = new Column(fieldType, n);
      r.rawArray(column.ms, n, 'timestamps');
      if (!subZero) r.rawArray(column.sub, n, 'sub-millisecond timestamps');
      if (fieldType === FieldType.String) {
        const values = column.values as string[];
        for (let i = 0; i < n; i++) values[i] = r.string('a string value');
      } else {
        r.rawArray(column.values as RawArray, n, 'values');
      }
      column.length = n;
      series.fields.push({ name, column });
    }
  }
  r.expectEnd(`${seriesCount} series`);
  return batch;
}

/** Read errors that give the record's length with the offset, so a bad record can be found in a dump. */
function recordError(length: number): ReadErrorFactory {
  return (detail, offset) => new DecodeError(`Cannot decode a ${length}-byte WAL record: ${detail} (at offset ${offset})`);
}

function sameBytes(b: Uint8Array, x: number, y: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[x + i] !== b[y + i]) return false;
  return true;
}

/**
 * Float rows of one field (a type-2 record): each row names its series by a number, which a
 * definition in this record or an earlier one of the log ties to a series key. The writer defines
 * each number in the log before its first row and again after the segments holding the definition
 * may have been removed (the engine does so once per MemTable, see StorageEngine.writeRows).
 */
export interface SampleRowsRecord {
  readonly field: string;
  /** Definitions: series number `defNumbers[i]` has key `defKeys[i]` (UTF-8). */
  readonly defNumbers: readonly number[];
  readonly defKeys: readonly Uint8Array[];
  /** Row i is (`numbers[i]`, `ms[i]`, `values[i]`), for i below `count`. */
  readonly numbers: Int32Array;
  readonly ms: Float64Array;
  readonly values: Float64Array;
  readonly count: number;
}

/** A SampleRowsRecord as a type-2 WAL record payload, written when asked: its arrays must not change until then. */
export function sampleRowsRecord(record: SampleRowsRecord): RecordWriter {
  const fieldBytes = Buffer.byteLength(record.field, 'utf8');
  let size = 1 + 4 + fieldBytes + 4 + 4 + record.count * 20;
  for (const key of record.defKeys) size += 8 + key.length;
  return {
    length: size,
    writeTo: (buf, at) => {
      const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
      buf[at] = WalRecordType.SampleRows;
      putU32(buf, at + 1, fieldBytes);
      let pos = at + 5 + text.write(record.field, at + 5, 'utf8');
      pos = putU32(buf, pos, record.defNumbers.length);
      for (let d = 0; d < record.defNumbers.length; d++) {
        const key = record.defKeys[d]!;
        pos = putU32(buf, pos, record.defNumbers[d]!);
        pos = putU32(buf, pos, key.length);
        buf.set(key, pos);
        pos += key.length;
      }
      pos = putU32(buf, pos, record.count);
      pos = putRawArray(buf, pos, record.numbers, record.count);
      pos = putRawArray(buf, pos, record.ms, record.count);
      pos = putRawArray(buf, pos, record.values, record.count);
      if (pos - at !== size) throw new Error(`BUG: SampleRows record sized ${size} bytes but encoded ${pos - at}`);
    },
  };
}

/** A decoded type-2 record; its keys are strings, its arrays its own. */
export interface DecodedSampleRows extends Omit<SampleRowsRecord, 'defKeys'> {
  readonly defKeys: readonly string[];
}

/** Decodes a type-2 WAL record payload. Throws `DecodeError` for anything that does not decode. */
export function decodeSampleRows(bytes: Uint8Array): DecodedSampleRows {
  const r = new ByteReader(bytes, 0, bytes.length, recordError(bytes.length));
  const type = r.u8('the record type');
  if (type !== WalRecordType.SampleRows) throw new DecodeError(`Cannot decode a WAL record of type ${type} as SampleRows (type ${WalRecordType.SampleRows})`);
  const field = r.string('a field name');
  const defCount = r.u32('the definition count');
  // Each definition takes at least 8 bytes (number and key length).
  r.need(defCount * 8, `${defCount} series definitions`);
  const defNumbers: number[] = [];
  const defKeys: string[] = [];
  for (let d = 0; d < defCount; d++) {
    defNumbers.push(r.u32('a series number'));
    defKeys.push(r.string('a series key'));
  }
  const count = r.u32('the row count');
  r.need(count * 20, `${count} rows`);
  const numbers = new Int32Array(count);
  const ms = new Float64Array(count);
  const values = new Float64Array(count);
  r.rawArray(numbers, count, 'series numbers');
  r.rawArray(ms, count, 'timestamps');
  r.rawArray(values, count, 'values');
  r.expectEnd(`${count} rows`);
  return { field, defNumbers, defKeys, numbers, ms, values, count };
}
