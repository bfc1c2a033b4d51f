import { crc32c } from '@node-rs/crc32';
import { Column, CorruptionError, type FieldType, type SplitTimeRange } from '../../core/index.ts';
import { decodeBlock } from '../../codec/index.ts';
import { BloomFilter } from '../../index/index.ts';
import type { Fs, FsFile } from '../fs/index.ts';
import type { BlockCache } from './cache.ts';
import type { WrittenSegment } from './writer.ts';
import type { ScanReport } from '../scan.ts';
import {
  checkHeader,
  decodeFooter,
  decodeTrailer,
  HEADER_BYTES,
  TRAILER_BYTES,
  type BlockRef,
  type FieldEntry,
  type SeriesEntry,
} from './format.ts';

/**
 * An open segment: the footer stays in memory, blocks are read on demand through the block cache.
 */
export class SegmentReader {
  private readonly byKey = new Map<string, SeriesEntry>();
  readonly bloom: BloomFilter;
  /** Removed from disk (compaction or retention): further reads are a bug. */
  closed = false;

  private constructor(
    readonly path: string,
    readonly minSeq: number,
    readonly maxSeq: number,
    readonly bytes: number,
    private readonly file: FsFile,
    readonly series: readonly SeriesEntry[],
    bloom: Uint8Array,
    private readonly cache: BlockCache,
  ) {
    for (const s of series) this.byKey.set(s.key, s);
    this.bloom = BloomFilter.deserialize(bloom, path);
  }

  static async open(fs: Fs, path: string, minSeq: number, maxSeq: number, cache: BlockCache): Promise<SegmentReader> {
    const file = await fs.open(path);
    try {
      const size = await file.size();
      const header = Buffer.alloc(HEADER_BYTES);
      await readFully(file, header, 0);
      checkHeader(path, header);
      const trailer = Buffer.alloc(TRAILER_BYTES);
      await readFully(file, trailer, size - TRAILER_BYTES);
      const { footerOffset, footerLength, crc } = decodeTrailer(path, size, trailer);
      const footerBytes = Buffer.alloc(footerLength);
      await readFully(file, footerBytes, footerOffset);
      const footer = decodeFooter(path, footerOffset, footerBytes, crc);
      return new SegmentReader(path, minSeq, maxSeq, size, file, footer.series, footer.bloom, cache);
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  /**
   * The segment `writeSegment` has just written, from the footer it kept rather than read back and
   * decoded: with 200,000 series that was half a second of the event loop at the end of every flush.
   */
  static async ofWritten(fs: Fs, written: WrittenSegment, minSeq: number, maxSeq: number, cache: BlockCache): Promise<SegmentReader> {
    const file = await fs.open(written.path);
    return new SegmentReader(written.path, minSeq, maxSeq, written.bytes, file, written.footer.series, written.footer.bloom, cache);
  }

  get points(): number {
    let n = 0;
    for (const s of this.series) for (const f of s.fields) for (const b of f.blocks) n += b.count;
    return n;
  }

  seriesEntry(key: string): SeriesEntry | undefined {
    return this.byKey.get(key);
  }

  field(key: string, name: string): FieldEntry | undefined {
    const entry = this.byKey.get(key);
    if (entry === undefined) return undefined;
    for (const f of entry.fields) if (f.name === name) return f;
    return undefined;
  }

  /** The decoded blocks of one field that overlap `range`, in time order (not clipped). */
  async readBlocks(field: FieldEntry, range: SplitTimeRange | undefined, report?: ScanReport): Promise<Column[]> {
    const out: Column[] = [];
    for (const block of field.blocks) {
      if (range !== undefined && !blockOverlaps(block, range)) {
        if (report !== undefined) report.blocksSkippedByTime++;
        continue;
      }
      out.push(await this.readBlock(block, field.type));
    }
    if (report !== undefined) report.blocksRead += out.length;
    return out;
  }

  private async readBlock(block: BlockRef, type: FieldType): Promise<Column> {
    const cacheKey = `${this.path}:${block.offset}`;
    let bytes = this.cache.get(cacheKey);
    if (bytes === undefined) {
      const buf = Buffer.alloc(block.length);
      await readFully(this.file, buf, block.offset);
      if (crc32c(buf) !== block.crc) throw new CorruptionError(this.path, block.offset, 'block checksum mismatch');
      bytes = buf;
      this.cache.set(cacheKey, bytes);
    }
    const column = decodeBlock(bytes);
    if (column.type !== type || column.length !== block.count) {
      throw new CorruptionError(this.path, block.offset, `block holds ${column.length} points of type ${column.type}, footer says ${block.count} of type ${type}`);
    }
    return column;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.file.close();
  }
}

function blockOverlaps(b: BlockRef, r: SplitTimeRange): boolean {
  const endsBefore = b.maxMs < r.minMs || (b.maxMs === r.minMs && b.maxSub < r.minSub);
  const startsAfter = b.minMs > r.maxMs || (b.minMs === r.maxMs && b.minSub > r.maxSub);
  return !endsBefore && !startsAfter;
}

async function readFully(file: FsFile, dst: Uint8Array, position: number): Promise<void> {
  const n = await file.read(dst, position);
  if (n !== dst.length) throw new CorruptionError(file.path, position, `short read: ${n} of ${dst.length} bytes`);
}

