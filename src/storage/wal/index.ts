export {
  Wal,
  DEFAULT_MAX_BATCH_BYTES,
  DEFAULT_SEGMENT_BYTES,
  type ReplayReport,
  type WalDurability,
  type WalOptions,
  type WalStats,
} from './wal.ts';
export type { RecordHandler, WalCorruption, WalCorruptionReason } from './reader.ts';
export { WalBrokenError, WalClosedError, WalWriteError } from './errors.ts';
export { MAX_RECORD_BYTES, SEGMENT_HEADER_BYTES, RECORD_HEADER_BYTES, segmentName, type RecordWriter } from './format.ts';
export { WalRecordType, decodeSampleRows, decodeWriteBatch, encodeWriteBatch, sampleRowsRecord, walRecordType, writeBatchRecord, type DecodedSampleRows, type SampleRowsRecord } from './record.ts';
