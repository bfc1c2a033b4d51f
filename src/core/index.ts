export * from './time.ts';
export * from './field.ts';
export * from './series.ts';
export * from './errors.ts';
export { Column, type ColumnValues } from './column.ts';
export { WriteBatch, BatchSeries, batchOf, type BatchField, type Field, type Point } from './batch.ts';
export { consoleLogger, silentLogger, type Logger } from './log.ts';
