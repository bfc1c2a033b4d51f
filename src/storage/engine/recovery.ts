import type { Logger } from '../../core/index.ts';
import { SeriesIndex } from '../../index/index.ts';
import { readFileIfExists, type Fs } from '../fs/index.ts';
import { SegmentReader, parseSegmentFileName, type BlockCache } from '../segment/index.ts';
import { Partition } from './partition.ts';

/**
 * Opens every partition directory and segment under `root`, cleaning up what a crash can leave:
 * `.tmp` files of segment writes that never finished, and the inputs of a compaction that crashed
 * after renaming its output but before removing them (their sequence range lies inside the
 * output's). A segment that fails its checks stops start-up with an error naming the file.
 */
export async function openPartitions(fs: Fs, root: string, cache: BlockCache, logger: Logger): Promise<Partition[]> {
  const partitions: Partition[] = [];
  for (const name of await fs.readdir(root)) {
    const range = Partition.parseDirName(name);
    if (range === undefined) {
      logger.warn('ignoring unknown entry in partitions directory', { name });
      continue;
    }
    const partition = new Partition(range.startMs, range.endMs, `${root}/${name}`);
    const found: Array<{ name: string; minSeq: number; maxSeq: number }> = [];
    let removed = false;
    for (const file of await fs.readdir(partition.dir)) {
      if (file.endsWith('.tmp')) {
        await fs.unlink(`${partition.dir}/${file}`);
        removed = true;
        continue;
      }
      const seq = parseSegmentFileName(file);
      if (seq) found.push({ name: file, ...seq });
    }
    for (const seg of found) {
      const obsolete = found.some((o) => o !== seg && o.minSeq <= seg.minSeq && seg.maxSeq <= o.maxSeq && o.maxSeq - o.minSeq > seg.maxSeq - seg.minSeq);
      if (obsolete) {
        await fs.unlink(`${partition.dir}/${seg.name}`);
        removed = true;
        continue;
      }
      partition.addSegment(await SegmentReader.open(fs, `${partition.dir}/${seg.name}`, seg.minSeq, seg.maxSeq, cache));
    }
    if (removed) await fs.syncDir(partition.dir);
    partitions.push(partition);
  }
  return partitions;
}

/** The series index snapshot, or an empty index when there is none or it is unreadable. */
export async function loadIndex(fs: Fs, path: string, logger: Logger): Promise<SeriesIndex> {
  const bytes = await readFileIfExists(fs, path);
  if (bytes === undefined) return new SeriesIndex();
  try {
    return SeriesIndex.deserialize(bytes, path);
  } catch (err) {
    // The index is derived data: segment footers and the WAL rebuild it.
    logger.warn('series index snapshot is unreadable; rebuilding it from segments and WAL', { path, error: String(err) });
    return new SeriesIndex();
  }
}
