/**
 * The series a database holds, in Prometheus's terms, read from the series index and the field
 * catalogue alone (no samples): what /series, /labels, /label/<name>/values and /status/tsdb need.
 *
 * Metric names map onto stored data as the shared selection maps them (query/metrics.ts): metric `N`
 * is field `value` (or the native histograms) of measurement `N`, and numeric field `f` of
 * measurement `m` wherever `m_f` is `N`. The index knows series, not which fields each series has:
 * a series of a measurement is listed under every metric name of that measurement.
 */
import { FieldType, parseSeriesKey, type Tag } from '../../core/index.ts';
import type { Namespace, ShardRouter } from '../../cluster/index.ts';
import { MEASUREMENT_NAME, matchesValue, type Matcher } from '../../index/index.ts';
import { METRIC_HISTOGRAM_FIELD, METRIC_VALUE_FIELD } from '../../query/index.ts';

/** One field of one measurement read as a metric. */
export interface MetricSource {
  readonly metric: string;
  readonly measurement: string;
  readonly field: string;
}

const NUMERIC_TYPES: ReadonlySet<FieldType> = new Set([FieldType.Float, FieldType.Integer, FieldType.Unsigned, FieldType.Boolean]);

/** Every (measurement, field) whose metric name the `__name__` matchers accept. */
export function metricSources(router: ShardRouter, namespace: Namespace, nameMatchers: readonly Matcher[]): MetricSource[] {
  if (!router.hasDatabase(namespace.database)) return [];
  const accepts = (metric: string) => nameMatchers.every((m) => matchesValue(m, metric));
  const sources: MetricSource[] = [];
  for (const measurement of router.measurements(namespace.database)) {
    const fields = router.fieldsOf(namespace, measurement);
    for (const [field, type] of fields) {
      if (field === METRIC_VALUE_FIELD || !NUMERIC_TYPES.has(type)) continue;
      const metric = `${measurement}_${field}`;
      if (accepts(metric)) sources.push({ metric, measurement, field });
    }
    const value = fields.get(METRIC_VALUE_FIELD);
    const hasSamples = value !== undefined && NUMERIC_TYPES.has(value);
    const hasHistograms = fields.get(METRIC_HISTOGRAM_FIELD) === FieldType.String;
    if ((hasSamples || hasHistograms) && accepts(measurement)) sources.push({ metric: measurement, measurement, field: METRIC_VALUE_FIELD });
  }
  return sources;
}

/** A selector split as the index wants it: the metric name matchers, and those of the measurement's series. */
export interface SplitSelector {
  readonly nameMatchers: readonly Matcher[];
  /** Per source: the measurement's own matcher, then the label matchers. */
  seriesMatchers(source: MetricSource): Matcher[];
}

export function splitSelector(matchers: readonly Matcher[]): SplitSelector {
  const nameMatchers = matchers.filter((m) => m.name === MEASUREMENT_NAME);
  const labelMatchers = matchers.filter((m) => m.name !== MEASUREMENT_NAME);
  return {
    nameMatchers,
    seriesMatchers: (source) => [{ name: MEASUREMENT_NAME, op: '=', value: source.measurement }, ...labelMatchers],
  };
}

/** The label sets (metric name included, sorted by label name) of every series the selector matches. */
export function* seriesLabels(router: ShardRouter, namespace: Namespace, matchers: readonly Matcher[]): Generator<Tag[]> {
  const selector = splitSelector(matchers);
  for (const source of metricSources(router, namespace, selector.nameMatchers)) {
    for (const key of router.seriesKeys(namespace.database, selector.seriesMatchers(source))) {
      yield labelsOf(source.metric, parseSeriesKey(key).tags);
    }
  }
}

/** `__name__` placed among the tags where it sorts (byte order, as Prometheus sorts label names). */
export function labelsOf(metric: string, tags: readonly Tag[]): Tag[] {
  const labels: Tag[] = [];
  let placed = false;
  for (const tag of tags) {
    if (!placed && MEASUREMENT_NAME < tag.key) {
      labels.push({ key: MEASUREMENT_NAME, value: metric });
      placed = true;
    }
    labels.push(tag);
  }
  if (!placed) labels.push({ key: MEASUREMENT_NAME, value: metric });
  return labels;
}

/**
 * Strings sorted as Go's sort.Strings sorts them. JS compares UTF-16 code units, which agrees with
 * Go's byte order except between characters above U+FFFF and those in U+E000..U+FFFF: label names
 * and values there are rare enough not to pay for a byte comparison on every call.
 */
export function sortStrings(values: Iterable<string>): string[] {
  return [...values].sort();
}
