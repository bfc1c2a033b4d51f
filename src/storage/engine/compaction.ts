import type { Column } from '../../core/index.ts';
import type { Fs } from '../fs/index.ts';
import { SegmentReader, segmentFileName, writeSegment, type BlockCache, type SeriesToWrite } from '../segment/index.ts';
import { mergeColumns, removeRanges } from './merge.ts';
import type { Tombstones } from './tombstones.ts';

/**
 * Which segments of a partition to merge now (size-tiered): the newest run of segments in which
 * each older one is at most twice the size of all newer ones in the run together, once that run
 * holds `minSegments` segments. A big old segment is left alone until the small ones beside it
 * add up to its size, so each point is rewritten a logarithmic number of times, not once per
 * compaction. Only a run that is contiguous in sequence order may merge: the output takes the
 * run's sequence range, and a segment inside that range but outside the run would be mistaken
 * for an obsolete input on recovery.
 */
export function chooseCompaction(segments: readonly SegmentReader[], minSegments: number): SegmentReader[] | undefined {
  let newerBytes = 0;
  let first = segments.length;
  for (let i = segments.length - 1; i >= 0; i--) {
    const seg = segments[i]!;
    if (segments.length - i > minSegments && seg.bytes > 2 * newerBytes) break;
    newerBytes += seg.bytes;
    first = i;
  }
  const run = segments.slice(first);
  return run.length >= minSegments ? run : undefined;
}

/**
 * Merges `inputs` (oldest first) into one segment in `dir`: duplicate timestamps keep the newest
 * value, tombstoned series and points are dropped. Series stream through one at a time. The
 * output's sequence range covers its inputs (its `maxSeq` may be given higher: see
 * `StorageEngine.compactPartition` on rewriting a lone segment); the caller swaps it in and
 * removes the inputs.
 */
export async function compactSegments(
  fs: Fs,
  dir: string,
  inputs: readonly SegmentReader[],
  tombstones: Tombstones,
  cache: BlockCache,
  maxPointsPerBlock: number,
  maxSeqOverride?: number,
): Promise<SegmentReader> {
  const minSeq = Math.min(...inputs.map((s) => s.minSeq));
  const maxSeq = maxSeqOverride ?? Math.max(...inputs.map((s) => s.maxSeq));
  const keys = new Set<string>();
  for (const seg of inputs) for (const s of seg.series) keys.add(s.key);
  const sortedKeys = [...keys].sort();

  async function* mergedSeries(): AsyncGenerator<SeriesToWrite> {
    for (const key of sortedKeys) {
      const parts = new Map<string, Column[]>();
      let id: bigint | undefined;
      for (const seg of inputs) {
        if (tombstones.covers(key, seg.maxSeq)) continue;
        const entry = seg.seriesEntry(key);
        if (entry === undefined) continue;
        id = entry.id;
        const deleted = tombstones.rangesFor(key, seg.maxSeq);
        for (const field of entry.fields) {
          let list = parts.get(field.name);
          if (list === undefined) parts.set(field.name, (list = []));
          for (const block of await seg.readBlocks(field, undefined)) {
            const kept = deleted === undefined ? block : removeRanges(block, deleted);
            if (kept.length > 0) list.push(kept);
          }
        }
      }
      if (id === undefined) continue;
      // A field (or the whole series) whose points were all deleted is not written at all.
      const fields = [...parts].filter(([, columns]) => columns.length > 0).map(([name, columns]) => ({ name, column: mergeColumns(columns, undefined) }));
      if (fields.length > 0) yield { key, id, fields };
    }
  }

  const written = await writeSegment(fs, dir, segmentFileName(minSeq, maxSeq), mergedSeries(), {
    maxPointsPerBlock,
    expectedSeries: sortedKeys.length,
  });
  return SegmentReader.ofWritten(fs, written, minSeq, maxSeq, cache);
}
