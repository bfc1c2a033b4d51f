import type { WalDurability } from '../wal/index.ts';

export type { WalDurability };

export interface EngineOptions {
  /** Directory that holds the WAL, the index and the partitions. Created if missing. */
  readonly dataDir: string;
  readonly walDurability: WalDurability;
  /** A WAL segment file is rotated past this size. */
  readonly walSegmentBytes: number;
  /** Width of a time partition in milliseconds (default one day). */
  readonly partitionDurationMs: number;
  /** MemTable flush triggers: whichever is reached first. */
  readonly memtableMaxBytes: number;
  readonly memtableMaxPoints: number;
  readonly memtableMaxAgeMs: number;
  /** Most points in one encoded block of a segment. */
  readonly maxPointsPerBlock: number;
  /** Compaction merges the newest run of segments of comparable size once it holds this many. */
  readonly compactionMinSegments: number;
  /** Bytes of encoded segment blocks kept in memory for repeated reads. */
  readonly blockCacheBytes: number;
}

export const DEFAULT_ENGINE_OPTIONS: Omit<EngineOptions, 'dataDir'> = {
  walDurability: { mode: 'every-write' },
  walSegmentBytes: 64 * 1024 * 1024,
  partitionDurationMs: 24 * 3600 * 1000,
  memtableMaxBytes: 256 * 1024 * 1024,
  memtableMaxPoints: 8_000_000,
  memtableMaxAgeMs: 10 * 60 * 1000,
  maxPointsPerBlock: 8192,
  compactionMinSegments: 4,
  blockCacheBytes: 64 * 1024 * 1024,
};
