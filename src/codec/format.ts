/**
 * Constants of the block format. The spec is docs/format/block.md; tag numbers are part of the
 * on-disk format and are never renumbered.
 */

export const BLOCK_VERSION = 1;
export const BLOCK_HEADER_SIZE = 46;

/** Most points one block may hold. Decoders check counts against it before allocating anything. */
export const MAX_BLOCK_POINTS = 1 << 20;

export const TimestampEncoding = {
  Const: 1,
  DeltaOfDelta: 2,
  Gorilla: 3,
} as const;
export type TimestampEncoding = (typeof TimestampEncoding)[keyof typeof TimestampEncoding];

export const ValueEncoding = {
  FloatGorilla: 1,
  FloatDecimal: 2,
  FloatConst: 3,
  IntDelta: 4,
  IntConst: 5,
  StringPlain: 6,
  StringDict: 7,
  BoolBits: 8,
  BoolConst: 9,
} as const;
export type ValueEncoding = (typeof ValueEncoding)[keyof typeof ValueEncoding];

export const Compression = {
  None: 0,
  Lz4: 1,
  Zstd: 2,
} as const;
export type Compression = (typeof Compression)[keyof typeof Compression];

/** Header flag: the block has a sub-millisecond column. */
export const FLAG_SUB_MS = 1;

export const TIMESTAMP_ENCODING_NAMES: Record<TimestampEncoding, string> = {
  1: 'const',
  2: 'dod-varint',
  3: 'gorilla',
};

export const VALUE_ENCODING_NAMES: Record<ValueEncoding, string> = {
  1: 'gorilla',
  2: 'decimal',
  3: 'const',
  4: 'delta-varint',
  5: 'const',
  6: 'plain',
  7: 'dict',
  8: 'bits',
  9: 'const',
};

export const COMPRESSION_NAMES: Record<Compression, string> = { 0: 'none', 1: 'lz4', 2: 'zstd' };
