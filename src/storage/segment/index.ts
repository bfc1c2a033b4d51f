export { writeSegment, type SeriesToWrite, type WrittenSegment } from './writer.ts';
export { SegmentReader } from './reader.ts';
export { BlockCache } from './cache.ts';
export { segmentFileName, parseSegmentFileName, type SeriesEntry, type FieldEntry, type BlockRef } from './format.ts';
