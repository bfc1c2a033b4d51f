/** Metric metadata as remote write carries it and `/api/v1/metadata` serves it. */

/** Prometheus's metric types, spelled as its HTTP API prints them. */
export type MetricType = 'unknown' | 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset';

/** The wire enum's values, in order (remote write 1.0's MetricType and 2.0's METRIC_TYPE_*, which agree). */
const METRIC_TYPES: readonly MetricType[] = ['unknown', 'counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'];

/** The type of a wire enum value; values this version does not know read as `unknown`, as Prometheus reads them. */
export function metricTypeOf(wireValue: number): MetricType {
  return METRIC_TYPES[wireValue] ?? 'unknown';
}

/** What a sender says about one metric family. */
export interface MetricMetadata {
  /** The metric family name (`http_requests`, without suffixes such as `_total` for 1.0 senders; the series' name for 2.0). */
  readonly metric: string;
  readonly type: MetricType;
  readonly help: string;
  readonly unit: string;
}
