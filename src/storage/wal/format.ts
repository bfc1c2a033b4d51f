import { crc32c } from '@node-rs/crc32';

// These constants are part of the on-disk format (docs/format/wal.md): never change them.
/** "RWAL" read as a little-endian u32. */
export const SEGMENT_MAGIC = 0x4c415752;
export const SEGMENT_VERSION = 1;
export const SEGMENT_HEADER_BYTES = 16;
export const RECORD_HEADER_BYTES = 8;
/** Records longer than this are never written, and a length above it on disk is corruption. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

const SEGMENT_NAME = /^(\d{10,16})\.wal$/;

export function segmentName(seq: number): string {
  return String(seq).padStart(10, '0') + '.wal';
}

/** The sequence number in a segment file name, or undefined for any other file. */
export function parseSegmentName(name: string): number | undefined {
  const m = SEGMENT_NAME.exec(name);
  return m === null ? undefined : Number(m[1]);
}

export function encodeSegmentHeader(seq: number): Uint8Array {
  const header = new Uint8Array(SEGMENT_HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint32(0, SEGMENT_MAGIC, true);
  view.setUint16(4, SEGMENT_VERSION, true);
  view.setUint16(6, 0, true);
  view.setBigUint64(8, BigInt(seq), true);
  return header;
}

export type SegmentHeaderCheck = 'ok' | 'bad' | 'newer_version';

/** Checks a segment header read from the file of segment `seq`. */
export function checkSegmentHeader(header: Uint8Array, seq: number): SegmentHeaderCheck {
  if (header.length < SEGMENT_HEADER_BYTES) return 'bad';
  const view = new DataView(header.buffer, header.byteOffset, SEGMENT_HEADER_BYTES);
  if (view.getUint32(0, true) !== SEGMENT_MAGIC) return 'bad';
  const version = view.getUint16(4, true);
  if (version > SEGMENT_VERSION) return 'newer_version';
  if (version !== SEGMENT_VERSION || view.getUint16(6, true) !== 0) return 'bad';
  return view.getBigUint64(8, true) === BigInt(seq) ? 'ok' : 'bad';
}

/** The version field of a header that `checkSegmentHeader` found to be newer. */
export function segmentVersion(header: Uint8Array): number {
  return header[4]! | (header[5]! << 8);
}

/** The record checksum: CRC-32C over the 4 length bytes, then the payload. */
export function recordCrc(lengthBytes: Uint8Array, payload: Uint8Array): number {
  return crc32c(payload, crc32c(lengthBytes));
}

/**
 * A record payload written straight into the WAL's framing buffer when its batch is framed (see
 * Wal.append), so that it is never held in a buffer of its own.
 */
export interface RecordWriter {
  readonly length: number;
  /** Writes the payload's `length` bytes at `dst[at]`. */
  writeTo(dst: Uint8Array, at: number): void;
}

/** Writes one framed record at `dst[off]`; returns the offset after it. */
export function frameRecord(dst: Buffer, off: number, payload: Uint8Array | RecordWriter): number {
  dst.writeUInt32LE(payload.length, off);
  const at = off + RECORD_HEADER_BYTES;
  if (payload instanceof Uint8Array) dst.set(payload, at);
  else payload.writeTo(dst, at);
  dst.writeUInt32LE(recordCrc(dst.subarray(off, off + 4), dst.subarray(at, at + payload.length)), off + 4);
  return off + RECORD_HEADER_BYTES + payload.length;
}
