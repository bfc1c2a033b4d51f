/**
 * Segment file layout: see docs/format/segment.md. Pure functions from entries to bytes and back,
 * so the format is tested without a file system.
 */
import { crc32c } from '@node-rs/crc32';
import { CorruptionError, isFieldType, type FieldType, type SeriesId } from '../../core/index.ts';

export const SEGMENT_MAGIC = Buffer.from('RTSSEG\0\x01', 'latin1');
export const SEGMENT_TRAILER_MAGIC = Buffer.from('RTSSEGND', 'latin1');
export const SEGMENT_VERSION = 1;
export const HEADER_BYTES = 16;
export const TRAILER_BYTES = 24;
const BLOCK_ENTRY_BYTES = 44;

export interface BlockRef {
  readonly offset: number;
  readonly length: number;
  readonly count: number;
  readonly minMs: number;
  readonly minSub: number;
  readonly maxMs: number;
  readonly maxSub: number;
  readonly crc: number;
}

export interface FieldEntry {
  readonly name: string;
  readonly type: FieldType;
  readonly blocks: readonly BlockRef[];
}

export interface SeriesEntry {
  readonly key: string;
  readonly id: SeriesId;
  readonly fields: readonly FieldEntry[];
}

export interface Footer {
  readonly series: readonly SeriesEntry[];
  readonly bloom: Uint8Array;
}

export function encodeHeader(): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  SEGMENT_MAGIC.copy(header, 0);
  header.writeUInt32LE(SEGMENT_VERSION, 8);
  return header;
}

export function encodeFooter(footer: Footer): Buffer {
  let size = 4 + 4 + footer.bloom.length;
  const keyBytes: Buffer[] = [];
  const nameBytes: Buffer[][] = [];
  for (const series of footer.series) {
    const key = Buffer.from(series.key, 'utf8');
    keyBytes.push(key);
    size += 4 + key.length + 8 + 2;
    const names: Buffer[] = [];
    for (const field of series.fields) {
      const name = Buffer.from(field.name, 'utf8');
      names.push(name);
      size += 2 + name.length + 1 + 4 + field.blocks.length * BLOCK_ENTRY_BYTES;
    }
    nameBytes.push(names);
  }
  const out = Buffer.alloc(size);
  let p = out.writeUInt32LE(footer.series.length, 0);
  footer.series.forEach((series, s) => {
    const key = keyBytes[s]!;
    p = out.writeUInt32LE(key.length, p);
    p += key.copy(out, p);
    p = out.writeBigUInt64LE(series.id, p);
    p = out.writeUInt16LE(series.fields.length, p);
    series.fields.forEach((field, f) => {
      const name = nameBytes[s]![f]!;
      p = out.writeUInt16LE(name.length, p);
      p += name.copy(out, p);
      p = out.writeUInt8(field.type, p);
      p = out.writeUInt32LE(field.blocks.length, p);
      for (const b of field.blocks) {
        p = out.writeBigUInt64LE(BigInt(b.offset), p);
        p = out.writeUInt32LE(b.length, p);
        p = out.writeUInt32LE(b.count, p);
        p = out.writeDoubleLE(b.minMs, p);
        p = out.writeInt32LE(b.minSub, p);
        p = out.writeDoubleLE(b.maxMs, p);
        p = out.writeInt32LE(b.maxSub, p);
        p = out.writeUInt32LE(b.crc, p);
      }
    });
  });
  p = out.writeUInt32LE(footer.bloom.length, p);
  out.set(footer.bloom, p);
  return out;
}

export function encodeTrailer(footerOffset: number, footer: Uint8Array): Buffer {
  const trailer = Buffer.alloc(TRAILER_BYTES);
  trailer.writeBigUInt64LE(BigInt(footerOffset), 0);
  trailer.writeUInt32LE(footer.length, 8);
  trailer.writeUInt32LE(crc32c(Buffer.from(footer.buffer, footer.byteOffset, footer.length)), 12);
  SEGMENT_TRAILER_MAGIC.copy(trailer, 16);
  return trailer;
}

export function decodeTrailer(file: string, fileSize: number, trailer: Buffer): { footerOffset: number; footerLength: number; crc: number } {
  if (fileSize < HEADER_BYTES + TRAILER_BYTES || trailer.length !== TRAILER_BYTES) {
    throw new CorruptionError(file, 0, `file of ${fileSize} bytes is too short for a segment`);
  }
  if (!trailer.subarray(16).equals(SEGMENT_TRAILER_MAGIC)) {
    throw new CorruptionError(file, fileSize - TRAILER_BYTES, 'bad trailer magic');
  }
  const footerOffset = Number(trailer.readBigUInt64LE(0));
  const footerLength = trailer.readUInt32LE(8);
  if (footerOffset < HEADER_BYTES || footerOffset + footerLength !== fileSize - TRAILER_BYTES) {
    throw new CorruptionError(file, fileSize - TRAILER_BYTES, `footer at ${footerOffset} of ${footerLength} bytes does not fit the file`);
  }
  return { footerOffset, footerLength, crc: trailer.readUInt32LE(12) };
}

export function checkHeader(file: string, header: Buffer): void {
  if (!header.subarray(0, 8).equals(SEGMENT_MAGIC)) throw new CorruptionError(file, 0, 'bad segment magic');
  const version = header.readUInt32LE(8);
  if (version !== SEGMENT_VERSION) throw new CorruptionError(file, 8, `unsupported segment version ${version}`);
}

export function decodeFooter(file: string, footerOffset: number, bytes: Buffer, crc: number): Footer {
  if (crc32c(bytes) !== crc) throw new CorruptionError(file, footerOffset, 'footer checksum mismatch');
  let p = 0;
  const need = (n: number): void => {
    if (p + n > bytes.length) throw new CorruptionError(file, footerOffset + p, 'footer is truncated');
  };
  need(4);
  const seriesCount = bytes.readUInt32LE(p);
  p += 4;
  const series: SeriesEntry[] = [];
  for (let s = 0; s < seriesCount; s++) {
    need(4);
    const keyLength = bytes.readUInt32LE(p);
    p += 4;
    need(keyLength + 10);
    const key = bytes.toString('utf8', p, p + keyLength);
    p += keyLength;
    const id = bytes.readBigUInt64LE(p);
    p += 8;
    const fieldCount = bytes.readUInt16LE(p);
    p += 2;
    const fields: FieldEntry[] = [];
    for (let f = 0; f < fieldCount; f++) {
      need(2);
      const nameLength = bytes.readUInt16LE(p);
      p += 2;
      need(nameLength + 5);
      const name = bytes.toString('utf8', p, p + nameLength);
      p += nameLength;
      const type = bytes.readUInt8(p);
      p += 1;
      if (!isFieldType(type)) throw new CorruptionError(file, footerOffset + p - 1, `unknown field type ${type}`);
      const blockCount = bytes.readUInt32LE(p);
      p += 4;
      need(blockCount * BLOCK_ENTRY_BYTES);
      const blocks: BlockRef[] = [];
      for (let b = 0; b < blockCount; b++) {
        blocks.push({
          offset: Number(bytes.readBigUInt64LE(p)),
          length: bytes.readUInt32LE(p + 8),
          count: bytes.readUInt32LE(p + 12),
          minMs: bytes.readDoubleLE(p + 16),
          minSub: bytes.readInt32LE(p + 24),
          maxMs: bytes.readDoubleLE(p + 28),
          maxSub: bytes.readInt32LE(p + 36),
          crc: bytes.readUInt32LE(p + 40),
        });
        p += BLOCK_ENTRY_BYTES;
      }
      fields.push({ name, type, blocks });
    }
    series.push({ key, id, fields });
  }
  need(4);
  const bloomLength = bytes.readUInt32LE(p);
  p += 4;
  need(bloomLength);
  const bloom = bytes.subarray(p, p + bloomLength);
  return { series, bloom };
}

const SEQ_DIGITS = 12;

export function segmentFileName(minSeq: number, maxSeq: number): string {
  return `${String(minSeq).padStart(SEQ_DIGITS, '0')}-${String(maxSeq).padStart(SEQ_DIGITS, '0')}.rseg`;
}

export function parseSegmentFileName(name: string): { minSeq: number; maxSeq: number } | undefined {
  const match = /^(\d{12})-(\d{12})\.rseg$/.exec(name);
  if (!match) return undefined;
  return { minSeq: Number(match[1]), maxSeq: Number(match[2]) };
}
