/**
 * The series a database holds, in Prometheus's terms, read from the series index and the field
 * catalogue alone (no samples): what /series, /labels, /label/<name>/values and /status/tsdb need.
 *
 * Metric names map onto stored data as the shared selection maps them (query/metrics.ts): metric `N`
 * is field `value` (or the native histograms) of measurement `N`, and numeric field `f` of
 * measurement `m` wherever `m_f` is `N`. The index knows series, not which fields each series has:
 * a series of a measurement is listed under every metric name of that measurement.
 */
import { parseSeriesKey, type Tag } from '../../core/index.ts';
import type { Namespace, SeriesSet, ShardRouter } from '../../cluster/index.ts';
import type { Matcher } from '../../index/index.ts';
import { labelsOf, metricSources, splitSelector, type MetricSource } from '../../query/index.ts';

/**
 * The metric sources (query/metrics.ts) the `__name__` matchers accept, native-histogram-only
 * metrics included; none for a database that does not exist yet.
 */
export function catalogSources(router: ShardRouter, namespace: Namespace, nameMatchers: readonly Matcher[]): MetricSource[] {
  return router.hasDatabase(namespace.database) ? metricSources(router, namespace, nameMatchers, true) : [];
}

/** The label sets (metric name included, sorted by label name) of every series the selector matches, and in `within` when given. */
export function* seriesLabels(router: ShardRouter, namespace: Namespace, matchers: readonly Matcher[], within?: SeriesSet): Generator<Tag[]> {
  const selector = splitSelector(matchers);
  for (const source of catalogSources(router, namespace, selector.nameMatchers)) {
    for (const key of router.seriesKeys(namespace.database, selector.seriesMatchers(source), within)) {
      yield labelsOf(source.metric, parseSeriesKey(key).tags);
    }
  }
}

/**
 * Strings sorted as Go's sort.Strings sorts them. JS compares UTF-16 code units, which agrees with
 * Go's byte order except between characters above U+FFFF and those in U+E000..U+FFFF: label names
 * and values there are rare enough not to pay for a byte comparison on every call.
 */
export function sortStrings(values: Iterable<string>): string[] {
  return [...values].sort();
}
