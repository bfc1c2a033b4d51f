/**
 * The single-node storage engine and what it is built from. Other layers use `StorageEngine`;
 * the file-system layer is exported for tests and tools that need to simulate crashes.
 */
export {
  StorageEngine,
  type WriteResult,
  type EngineStats,
  type PartitionStats,
  type SelectRequest,
  type SeriesData,
} from './engine/engine.ts';
export { DEFAULT_ENGINE_OPTIONS, type EngineOptions, type WalDurability } from './engine/options.ts';
export { MAX_BLOCK_POINTS } from '../codec/index.ts';
export { NodeFs, MemFs, ErrorFs, mkdirDurable, readFileIfExists, writeFileAtomic, isErrnoCode, type Fs } from './fs/index.ts';
export { emptyScanReport, type ScanReport } from './scan.ts';
export { BlockCache } from './segment/index.ts';
