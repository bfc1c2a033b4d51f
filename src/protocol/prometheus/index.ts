/**
 * Prometheus remote storage: remote write 1.0 and 2.0 requests decoded into WriteBatches, remote
 * read requests answered from selections (whole samples, or streamed XOR chunks).
 */
export { decodeRemoteWrite, decodeWriteRequest, decodeWriteRequestV2, SeriesCache, type DecodedWrite, type WriteDecodeOptions } from './write.ts';
export { DEFAULT_LABEL_LIMITS, InvalidLabelsError, METRIC_NAME_LABEL, type LabelLimits } from './labels.ts';
export { metricTypeOf, type MetricMetadata, type MetricType } from './metadata.ts';
export { compressSnappy, uncompressSnappy, SnappyDecodeError } from './snappy.ts';
export { ProtobufDecodeError } from './wire.ts';
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
