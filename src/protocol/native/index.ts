/**
 * The native HTTP API's wire format: JSON query requests into the shared LogicalQuery, results
 * back into JSON, and the time syntax both use. Routes live in `src/api`; see openapi.yaml.
 */
export { decodeQueryRequest, type NativeQueryRequest } from './query.ts';
export { encodeSeriesJson } from './response.ts';
export { EPOCH_NANOS, parseDuration, parseTimeValue, type Epoch } from './time.ts';
export { parsePrecision } from './write.ts';
