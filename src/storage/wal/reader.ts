import { CorruptionError } from '../../core/index.ts';
import type { Fs, FsFile } from '../fs/index.ts';
import {
  MAX_RECORD_BYTES,
  RECORD_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
  SEGMENT_VERSION,
  checkSegmentHeader,
  recordCrc,
  segmentVersion,
} from './format.ts';

/** Why replay stopped reading a segment early (docs/format/wal.md, "Replay and repair"). */
export type WalCorruptionReason =
  | 'bad_segment_header'
  | 'short_record_header'
  | 'zeroed_tail'
  | 'huge_length'
  | 'truncated_payload'
  | 'bad_crc';

/** One damaged segment found by replay. */
export interface WalCorruption {
  readonly file: string;
  readonly segmentSeq: number;
  /** Where the first bad byte starts: the end of the last good record (0 for a bad header). */
  readonly offset: number;
  readonly reason: WalCorruptionReason;
  /** Bytes from `offset` to the end of the file, which replay skipped. */
  readonly bytesDropped: number;
  /** True when the file was cut at `offset`; false when it was left as it is (a bad header). */
  readonly truncated: boolean;
}

/**
 * Receives each record's payload in log order. The payload is borrowed: it is valid until the
 * returned promise settles (or the call returns), and must be copied to be kept.
 */
export type RecordHandler = (payload: Uint8Array, segmentSeq: number) => void | Promise<void>;

export interface SegmentReplay {
  readonly records: number;
  readonly bytes: number;
  readonly corruption: WalCorruption | undefined;
}

// Large enough that small records are read many at a time, small enough to keep per WAL.
const READ_CHUNK = 1 << 20;

/** A sliding window over a file: small reads are served from one large read. */
class Window {
  private buf = new Uint8Array(0);
  private start = 0;
  private length = 0;

  constructor(
    private readonly file: FsFile,
    private readonly size: number,
  ) {}

  /** Bytes [off, off + n) of the file, which the caller has checked exist; valid until the next call. */
  async view(off: number, n: number): Promise<Uint8Array> {
    if (off >= this.start && off + n <= this.start + this.length) {
      return this.buf.subarray(off - this.start, off - this.start + n);
    }
    // Never more than the file holds: a length read from garbage cannot make us allocate more.
    const want = Math.min(Math.max(n, READ_CHUNK), this.size - off);
    if (this.buf.length < want) this.buf = new Uint8Array(want);
    const got = await this.file.read(this.buf.subarray(0, want), off);
    this.start = off;
    this.length = got;
    if (got < n) throw new Error(`WAL segment "${this.file.path}" shrank while being read: wanted ${n} bytes at ${off}, got ${got}`);
    return this.buf.subarray(0, n);
  }
}

function allZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * Replays one segment file, then truncates it at the end of its last good record if the rest
 * does not read (see docs/format/wal.md). Throws only for I/O errors, for a segment written by a
 * newer format version, and for errors thrown by `onRecord`.
 */
export async function replaySegment(fs: Fs, path: string, seq: number, onRecord: RecordHandler): Promise<SegmentReplay> {
  let records = 0;
  let bytes = 0;
  let reason: WalCorruptionReason | undefined;
  let off = 0;
  let size = 0;
  const file = await fs.open(path);
  try {
    size = await file.size();
    const window = new Window(file, size);
    const header = size >= SEGMENT_HEADER_BYTES ? await window.view(0, SEGMENT_HEADER_BYTES) : new Uint8Array(0);
    const check = checkSegmentHeader(header, seq);
    if (check === 'newer_version') {
      throw new CorruptionError(path, 4, `WAL format version ${segmentVersion(header)} is newer than this build reads (${SEGMENT_VERSION})`);
    }
    if (check === 'bad') {
      return { records, bytes, corruption: { file: path, segmentSeq: seq, offset: 0, reason: 'bad_segment_header', bytesDropped: size, truncated: false } };
    }
    off = SEGMENT_HEADER_BYTES;
    while (off < size) {
      const left = size - off;
      if (left < RECORD_HEADER_BYTES) {
        reason = allZero(await window.view(off, left)) ? 'zeroed_tail' : 'short_record_header';
        break;
      }
      const head = await window.view(off, RECORD_HEADER_BYTES);
      const length = (head[0]! | (head[1]! << 8) | (head[2]! << 16)) + head[3]! * 0x1000000;
      const crc = (head[4]! | (head[5]! << 8) | (head[6]! << 16)) + head[7]! * 0x1000000;
      if (length === 0) reason = 'zeroed_tail';
      else if (length > MAX_RECORD_BYTES) reason = 'huge_length';
      else if (length > left - RECORD_HEADER_BYTES) reason = 'truncated_payload';
      if (reason !== undefined) break;
      const record = await window.view(off, RECORD_HEADER_BYTES + length);
      const payload = record.subarray(RECORD_HEADER_BYTES);
      if (recordCrc(record.subarray(0, 4), payload) !== crc) {
        reason = 'bad_crc';
        break;
      }
      await onRecord(payload, seq);
      records++;
      bytes += length;
      off += RECORD_HEADER_BYTES + length;
    }
  } finally {
    await file.close();
  }
  if (reason === undefined) return { records, bytes, corruption: undefined };
  const writer = await fs.open(path, { write: true });
  try {
    await writer.truncate(off);
    await writer.sync();
  } finally {
    await writer.close();
  }
  return { records, bytes, corruption: { file: path, segmentSeq: seq, offset: off, reason, bytesDropped: size - off, truncated: true } };
}
