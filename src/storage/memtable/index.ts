export { MemTable, type MemSeries } from './memtable.ts';
export { ChunkedColumn } from './chunked.ts';
