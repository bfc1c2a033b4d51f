export { MemTable, type MemSeries } from './memtable.ts';
export { ChunkedColumn, ChunkStore } from './chunked.ts';
export { ROW_LOG_ROWS } from './rowLog.ts';
