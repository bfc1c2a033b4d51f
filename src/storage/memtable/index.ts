export { MemTable, type MemSeries } from './memtable.ts';
