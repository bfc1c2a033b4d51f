/**
 * The series index: series key <-> dense ref, a tag inverted index on roaring bitmaps answering
 * Prometheus-style label matchers, and bloom filters over series ids. Byte formats:
 * docs/format/index.md. Nothing here touches files.
 */
export { SeriesIndex, type SeriesRef, type SeriesInfo } from './seriesIndex.ts';
export { MEASUREMENT_NAME, BadMatcherError, matchesEmpty, matchesValue, type Matcher, type MatchOp } from './matcher.ts';
export { BloomFilter } from './bloomFilter.ts';
export { RoaringBitmap32, type ReadonlyRoaringBitmap32 } from './bitmap.ts';
