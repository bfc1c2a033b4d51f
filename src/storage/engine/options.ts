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
  /** A partition with this many segments or more is compacted into one. */
  readonly compactionMinSegments: number;
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
};
