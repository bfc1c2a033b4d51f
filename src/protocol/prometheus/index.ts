/**
 * Prometheus remote storage: remote write 1.0 and 2.0 requests decoded into rows of samples, remote
 * read requests answered from selections (whole samples, or streamed XOR chunks).
 */
export { decodeRemoteWrite, decodeWriteRequest, SeriesCache, type DecodedWrite, type WriteDecodeOptions } from './write.ts';
export { DEFAULT_LABEL_LIMITS, type LabelLimits } from './labels.ts';
export type { MetricMetadata, MetricType } from './metadata.ts';
export { compressSnappy, uncompressSnappy } from './snappy.ts';
export { prometheusProto, type PrometheusProto } from './proto.ts';
export {
  BadReadRequestError,
  chunkedReadFrames,
  decodeReadRequest,
  encodeReadResponse,
  responseTypeFor,
  STREAMED_CONTENT_TYPE,
  type ReadResponseType,
  type RemoteReadQuery,
  type RemoteReadRequest,
} from './read.ts';
export { decodeXorChunk, encodeXorChunk, XOR_CHUNK_SAMPLES } from './xor.ts';
