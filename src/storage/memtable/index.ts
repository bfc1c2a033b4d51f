export { MemTable, type MemSeries } from './memtable.ts';
export { ChunkedColumn, ChunkStore } from './chunked.ts';
