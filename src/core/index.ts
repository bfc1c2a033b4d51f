export * from './time.ts';
export * from './field.ts';
export * from './series.ts';
export * from './errors.ts';
export { Column, ColumnArena, allocValues, pointTimeKey, type ColumnValues } from './column.ts';
export { WriteBatch, BatchSeries, batchOf, type BatchField, type Field, type Point } from './batch.ts';
export { BytesMap } from './bytesMap.ts';
export { packBatch, unpackBatch, SeriesIds, SeriesTable, type NewSeries, type PackedBatch } from './packedBatch.ts';
export { SampleRows, withRoom, type RowSeries, type SeriesList } from './rows.ts';
export { consoleLogger, silentLogger, type Logger } from './log.ts';
export { packageFile } from './packageFile.ts';
export {
  ByteReader,
  ByteWriter,
  allocBytes,
  corruptionIn,
  decodeErrorAt,
  getRawArray,
  getU32,
  putRawArray,
  putU16,
  putU32,
  putUvarint,
  unzigzag,
  zigzag,
  type RawArray,
  type ReadErrorFactory,
} from './bytes.ts';
