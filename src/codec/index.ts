/**
 * Codecs: one self-describing block per run of points of one field of one series, with
 * timestamp and value encodings chosen per block and block compression on top.
 * Format: docs/format/block.md.
 */
export { encodeBlock, decodeBlock, readBlockHeader, MAX_BLOCK_PAYLOAD, type BlockHeader, type EncodeOptions } from './block.ts';
export {
  BLOCK_HEADER_SIZE,
  BLOCK_VERSION,
  MAX_BLOCK_POINTS,
  TimestampEncoding,
  ValueEncoding,
  Compression,
  TIMESTAMP_ENCODING_NAMES,
  VALUE_ENCODING_NAMES,
  COMPRESSION_NAMES,
} from './format.ts';
export { BitWriter } from './bits.ts';
