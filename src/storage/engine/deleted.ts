import type { Column, SplitTimeRange } from '../../core/index.ts';
import type { BlockRef, FieldEntry, SegmentReader, SeriesEntry } from '../segment/index.ts';
import { hasPointIn, removeRanges } from './merge.ts';

/**
 * Questions a ranged delete asks of a segment's series: does it hold points within a range, and
 * does it hold any outside the deleted ranges. The footer's block bounds settle most of them; a
 * block that straddles a range's end is read (through the block cache) to answer exactly, since
 * a wrong "no" would drop a series from the index, or a tombstone, that still has points to hide.
 */

export function blockOverlaps(b: BlockRef, r: SplitTimeRange): boolean {
  const endsBefore = b.maxMs < r.minMs || (b.maxMs === r.minMs && b.maxSub < r.minSub);
  const startsAfter = b.minMs > r.maxMs || (b.minMs === r.maxMs && b.minSub > r.maxSub);
  return !endsBefore && !startsAfter;
}

/** Every point of the block lies within `r`. */
function blockWithin(b: BlockRef, r: SplitTimeRange): boolean {
  const startsIn = b.minMs > r.minMs || (b.minMs === r.minMs && b.minSub >= r.minSub);
  const endsIn = b.maxMs < r.maxMs || (b.maxMs === r.maxMs && b.maxSub <= r.maxSub);
  return b.count > 0 && startsIn && endsIn;
}

/** True when the series has a point within `range` in this segment. */
export async function hasPointsWithin(seg: SegmentReader, entry: SeriesEntry, range: SplitTimeRange): Promise<boolean> {
  for (const field of entry.fields) {
    for (const block of field.blocks) {
      if (!blockOverlaps(block, range)) continue;
      if (blockWithin(block, range)) return true;
      if (hasPointIn(await readOne(seg, field, block), range)) return true;
    }
  }
  return false;
}

/** True when the series has a point outside every range of `deleted` in this segment. */
export async function hasPointsOutside(seg: SegmentReader, entry: SeriesEntry, deleted: readonly SplitTimeRange[]): Promise<boolean> {
  for (const field of entry.fields) {
    for (const block of field.blocks) {
      if (block.count === 0 || deleted.some((r) => blockWithin(block, r))) continue;
      if (!deleted.some((r) => blockOverlaps(block, r))) return true;
      if (removeRanges(await readOne(seg, field, block), deleted).length > 0) return true;
    }
  }
  return false;
}

async function readOne(seg: SegmentReader, field: FieldEntry, block: BlockRef): Promise<Column> {
  const [column] = await seg.readBlocks({ name: field.name, type: field.type, blocks: [block] }, undefined);
  return column!;
}
