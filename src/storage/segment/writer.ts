import { crc32c } from '@node-rs/crc32';
import type { Column, SeriesId } from '../../core/index.ts';
import { encodeBlock } from '../../codec/index.ts';
import { BloomFilter } from '../../index/index.ts';
import type { Fs } from '../fs/index.ts';
import { encodeFooter, encodeHeader, encodeTrailer, HEADER_BYTES, type BlockRef, type FieldEntry, type SeriesEntry } from './format.ts';

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
}

// Work is done in slices so that encoding a large flush never holds the event loop for long.
const YIELD_EVERY_POINTS = 200_000;

/**
 * Writes a segment (docs/format/segment.md) the crash-safe way: into `<path>.tmp`, fsync, rename
 * to `path`, fsync the directory. A crash at any moment leaves either no segment or a whole one.
 * `series` must be sorted by key.
 */
export async function writeSegment(
  fs: Fs,
  dir: string,
  fileName: string,
  series: readonly SeriesToWrite[],
  maxPointsPerBlock: number,
): Promise<WrittenSegment> {
  const chunks: Uint8Array[] = [encodeHeader()];
  let offset = HEADER_BYTES;
  let points = 0;
  let sinceYield = 0;
  const entries: SeriesEntry[] = [];
  const bloom = BloomFilter.forCount(Math.max(series.length, 1));
  for (const s of series) {
    bloom.add(s.id);
    const fields: FieldEntry[] = [];
    for (const { name, column } of s.fields) {
      if (column.length === 0) continue;
      const blocks: BlockRef[] = [];
      for (let start = 0; start < column.length; start += maxPointsPerBlock) {
        const end = Math.min(start + maxPointsPerBlock, column.length);
        const block = encodeBlock(column, start, end);
        blocks.push({
          offset,
          length: block.length,
          count: end - start,
          minMs: column.ms[start]!,
          minSub: column.sub[start]!,
          maxMs: column.ms[end - 1]!,
          maxSub: column.sub[end - 1]!,
          crc: crc32c(Buffer.from(block.buffer, block.byteOffset, block.length)),
        });
        chunks.push(block);
        offset += block.length;
      }
      fields.push({ name, type: column.type, blocks });
      points += column.length;
      sinceYield += column.length;
    }
    if (fields.length > 0) entries.push({ key: s.key, id: s.id, fields });
    if (sinceYield >= YIELD_EVERY_POINTS) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const footer = encodeFooter({ series: entries, bloom: bloom.serialize() });
  chunks.push(footer, encodeTrailer(offset, footer));

  const path = `${dir}/${fileName}`;
  const tmp = `${path}.tmp`;
  const file = await fs.open(tmp, { write: true, create: true, truncate: true });
  let bytes = 0;
  try {
    await file.write(Buffer.concat(chunks), 0);
    for (const c of chunks) bytes += c.length;
    await file.sync();
  } finally {
    await file.close();
  }
  await fs.rename(tmp, path);
  await fs.syncDir(dir);
  return { path, bytes, points };
}
