import { setImmediate as nextTurn } from 'node:timers/promises';
import { crc32c } from '@node-rs/crc32';
import type { Column, SeriesId } from '../../core/index.ts';
import { encodeBlock } from '../../codec/index.ts';
import { BloomFilter } from '../../index/index.ts';
import type { Fs, FsFile } from '../fs/index.ts';
import { encodeFooter, encodeHeader, encodeTrailer, type BlockRef, type FieldEntry, type Footer, type SeriesEntry } from './format.ts';

/** A series to write: its fields' columns must be sorted by time without duplicates. */
export interface SeriesToWrite {
  readonly key: string;
  readonly id: SeriesId;
  readonly fields: ReadonlyArray<{ readonly name: string; readonly column: Column }>;
}

export interface WrittenSegment {
  readonly path: string;
  readonly bytes: number;
  readonly points: number;
  /** What the footer holds, for SegmentReader.ofWritten. */
  readonly footer: Footer;
}

// Encoded blocks are gathered into writes of about this size: few syscalls, bounded memory.
const WRITE_CHUNK_BYTES = 4 * 1024 * 1024;
// Work is done in slices so that encoding a large flush never holds the event loop for long: about
// a millisecond each. Every request in flight waits for a slice at each of its turns of the event
// loop; with slices of 200,000 points a flush of 8 M points cut remote write ingest to a fifth for
// most of a second, and the whole 500-series x 100-sample bench ran 1.1-1.2x slower.
const YIELD_EVERY_POINTS = 16_384;
// Series whose footer entries are encoded between turns of the event loop: a few milliseconds' worth.
const FOOTER_SERIES_PER_SLICE = 4096;

/**
 * Writes a segment (docs/format/segment.md) the crash-safe way: into `<name>.tmp`, fsync, rename
 * to `name`, fsync the directory. A crash at any moment leaves either no segment or a whole one.
 * `series` must come sorted by key; it is consumed as it is written (compaction streams a
 * partition through here one series at a time), so only the footer is held in memory. A series'
 * columns are read before the next series is asked for and never after: a producer may reuse
 * them. `expectedSeries` sizes the bloom filter.
 */
export async function writeSegment(
  fs: Fs,
  dir: string,
  fileName: string,
  series: Iterable<SeriesToWrite> | AsyncIterable<SeriesToWrite>,
  options: { readonly maxPointsPerBlock: number; readonly expectedSeries: number },
): Promise<WrittenSegment> {
  const path = `${dir}/${fileName}`;
  const tmp = `${path}.tmp`;
  const file = await fs.open(tmp, { write: true, create: true, truncate: true });
  try {
    const out = new ChunkedFileWriter(file);
    await out.add(encodeHeader());
    let points = 0;
    let sinceYield = 0;
    const entries: SeriesEntry[] = [];
    const bloom = BloomFilter.forCount(Math.max(options.expectedSeries, 1));
    for await (const s of series) {
      const fields: FieldEntry[] = [];
      for (const { name, column } of s.fields) {
        if (column.length === 0) continue;
        const blocks: BlockRef[] = [];
        for (let start = 0; start < column.length; start += options.maxPointsPerBlock) {
          const end = Math.min(start + options.maxPointsPerBlock, column.length);
          const block = encodeBlock(column, start, end);
          blocks.push({
            offset: out.offset,
            length: block.length,
            count: end - start,
            minMs: column.ms[start]!,
            minSub: column.sub[start]!,
            maxMs: column.ms[end - 1]!,
            maxSub: column.sub[end - 1]!,
            crc: crc32c(Buffer.from(block.buffer, block.byteOffset, block.length)),
          });
          await out.add(block);
        }
        fields.push({ name, type: column.type, blocks });
        points += column.length;
        sinceYield += column.length;
      }
      if (fields.length === 0) continue;
      entries.push({ key: s.key, id: s.id, fields });
      bloom.add(s.id);
      if (sinceYield >= YIELD_EVERY_POINTS) {
        sinceYield = 0;
        await nextTurn();
      }
    }
    const footer: Footer = { series: entries, bloom: bloom.serialize() };
    const footerOffset = out.offset;
    let footerCrc = 0;
    let pieces = 0;
    for (const piece of encodeFooter(footer, FOOTER_SERIES_PER_SLICE)) {
      if (pieces++ > 0) await nextTurn();
      footerCrc = crc32c(Buffer.from(piece.buffer, piece.byteOffset, piece.length), footerCrc);
      await out.add(piece);
    }
    await out.add(encodeTrailer(footerOffset, out.offset - footerOffset, footerCrc));
    await out.flush();
    await file.sync();
    await file.close();
    await fs.rename(tmp, path);
    await fs.syncDir(dir);
    return { path, bytes: out.offset, points, footer };
  } catch (err) {
    await file.close().catch(() => {});
    await fs.unlink(tmp).catch(() => {});
    throw err;
  }
}

/** Appends byte arrays to a file through a buffer of about WRITE_CHUNK_BYTES. */
class ChunkedFileWriter {
  /** Bytes added so far: where the next one lands in the file. */
  offset = 0;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private written = 0;

  constructor(private readonly file: FsFile) {}

  async add(bytes: Uint8Array): Promise<void> {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.offset += bytes.length;
    if (this.pendingBytes >= WRITE_CHUNK_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.file.write(chunk, this.written);
    this.written += chunk.length;
  }
}
