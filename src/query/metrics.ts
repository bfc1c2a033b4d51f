/**
 * The selection in Prometheus's terms: label matchers, the metric name among them as `__name__`,
 * over a time range. Remote read answers with it, and PromQL's selectors read through it.
 *
 * Metric names map onto both write protocols (DESIGN.md's data model): metric `N` is the field
 * `value` of measurement `N` (how remote write stores a sample), and also field `f` of measurement
 * `m` wherever `m_f` is `N` (how InfluxDB line protocol data reads as Prometheus metrics, as
 * VictoriaMetrics maps it). Numeric fields only: integers read as floats, booleans as 0 and 1.
 */
import { Column, FieldType, type Tag, type TimeRange } from '../core/index.ts';
import { MEASUREMENT_NAME, matchesValue, type Matcher } from '../index/index.ts';
import type { Namespace, ShardRouter } from '../cluster/index.ts';
import type { QueryContext } from './plan.ts';
import { checkNamespace, namespaceOf, scan, ScanBudget } from './select.ts';

/** The field that holds a metric's samples when it was written as a Prometheus metric. */
export const METRIC_VALUE_FIELD = 'value';
/** The field that holds native histogram samples (remote write stores them there). */
export const METRIC_HISTOGRAM_FIELD = 'histogram';
/** The field that holds exemplars (remote write stores them there). */
export const METRIC_EXEMPLAR_FIELD = 'exemplar';

export interface MetricSelection {
  readonly database: string;
  /** The database's default retention policy when unset. */
  readonly retentionPolicy?: string | undefined;
  readonly matchers: readonly Matcher[];
  readonly range: TimeRange;
  /** Also read each metric's native histogram samples. */
  readonly histograms?: boolean;
}

export interface MetricSeries {
  /** The metric name (as `__name__`) and the series' labels, sorted by name as Prometheus sorts them. */
  readonly labels: readonly Tag[];
  /** Float samples by millisecond, sorted and unique, when the series has any in range. */
  readonly floats: Column | undefined;
  /** Native histogram samples (String column, see METRIC_HISTOGRAM_FIELD), when asked for and present. */
  readonly histograms: Column | undefined;
}

/** One field of one measurement read as a metric. */
export interface MetricSource {
  readonly metric: string;
  readonly measurement: string;
  readonly field: string;
  /** Whether the measurement's native histograms come with it (only for a Prometheus-written metric). */
  readonly histograms: boolean;
}

const NUMERIC_TYPES: ReadonlySet<FieldType> = new Set([FieldType.Float, FieldType.Integer, FieldType.Unsigned, FieldType.Boolean]);

/** Every series the selection matches, with its samples in range, under the query's limits. */
export async function* selectMetrics(router: ShardRouter, selection: MetricSelection, ctx: QueryContext): AsyncGenerator<MetricSeries> {
  const namespace = namespaceOf(selection);
  checkNamespace(router, namespace);
  const selector = splitSelector(selection.matchers);
  const budget = new ScanBudget(ctx);
  for (const source of metricSources(router, namespace, selector.nameMatchers, selection.histograms === true)) {
    const fields = source.histograms ? [source.field, METRIC_HISTOGRAM_FIELD] : [source.field];
    const request = { matchers: selector.seriesMatchers(source), fields, range: selection.range };
    for await (const series of scan(router, namespace, request, budget, ctx)) {
      let floats: Column | undefined;
      let histograms: Column | undefined;
      for (const f of series.fields) {
        if (f.name === source.field && NUMERIC_TYPES.has(f.column.type)) floats = byMillisecond(asFloats(f.column));
        else if (f.name === METRIC_HISTOGRAM_FIELD && f.column.type === FieldType.String) histograms = byMillisecond(f.column);
      }
      if (floats === undefined && histograms === undefined) continue;
      yield { labels: labelsOf(source.metric, series.tags), floats, histograms };
    }
  }
}

/** A selector split as the series index wants it: the metric name matchers, and those of one source's series. */
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

/**
 * The (measurement, field) pairs whose metric name the name matchers accept; with `histograms`,
 * also a measurement that holds native histograms only. The database must exist.
 */
export function metricSources(router: ShardRouter, namespace: Namespace, nameMatchers: readonly Matcher[], histograms: boolean): MetricSource[] {
  const accepts = (metric: string) => nameMatchers.every((m) => matchesValue(m, metric));
  const sources: MetricSource[] = [];
  const consider = (measurement: string, field: string, type: FieldType | undefined, fields: ReadonlyMap<string, FieldType>) => {
    if (field === METRIC_VALUE_FIELD) {
      const withHistograms = histograms && fields.get(METRIC_HISTOGRAM_FIELD) === FieldType.String;
      if ((type !== undefined && NUMERIC_TYPES.has(type)) || withHistograms) {
        if (accepts(measurement)) sources.push({ metric: measurement, measurement, field, histograms: withHistograms });
      }
    } else if (type !== undefined && NUMERIC_TYPES.has(type)) {
      const metric = `${measurement}_${field}`;
      if (accepts(metric)) sources.push({ metric, measurement, field, histograms: false });
    }
  };
  const equal = nameMatchers.find((m) => m.op === '=');
  if (equal !== undefined) {
    // The name is known: it is measurement `name`, or `m_f` split at one of its underscores.
    const name = equal.value;
    const known = new Set(router.measurements(namespace.database));
    if (known.has(name)) {
      const fields = router.fieldsOf(namespace, name);
      consider(name, METRIC_VALUE_FIELD, fields.get(METRIC_VALUE_FIELD), fields);
    }
    for (let at = name.indexOf('_'); at > 0; at = name.indexOf('_', at + 1)) {
      const measurement = name.slice(0, at);
      const field = name.slice(at + 1);
      if (field === METRIC_VALUE_FIELD || !known.has(measurement)) continue;
      const fields = router.fieldsOf(namespace, measurement);
      consider(measurement, field, fields.get(field), fields);
    }
    return sources;
  }
  for (const measurement of router.measurements(namespace.database)) {
    const fields = router.fieldsOf(namespace, measurement);
    if (!fields.has(METRIC_VALUE_FIELD)) consider(measurement, METRIC_VALUE_FIELD, undefined, fields);
    for (const [field, type] of fields) consider(measurement, field, type, fields);
  }
  return sources;
}

/** `__name__` and the tags, sorted by name (tags come sorted; `__name__` goes where it sorts, in byte order as Prometheus sorts label names). */
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

/** A numeric column as float64 values. */
function asFloats(column: Column): Column {
  if (column.type === FieldType.Float) return column;
  const out = new Column(FieldType.Float, column.length);
  const values = column.values as BigInt64Array | BigUint64Array | Uint8Array;
  for (let i = 0; i < column.length; i++) out.pushFloat(column.ms[i]!, column.sub[i]!, Number(values[i]!));
  return out;
}

/**
 * Prometheus samples are per millisecond: points finer than that (InfluxDB writes in ns) keep the
 * last one of each millisecond, at the millisecond.
 */
function byMillisecond(column: Column): Column {
  let fine = false;
  for (let i = 0; i < column.length && !fine; i++) fine = column.sub[i] !== 0;
  if (!fine) return column;
  const out = new Column(column.type, column.length);
  for (let i = 0; i < column.length; i++) {
    if (i + 1 < column.length && column.ms[i + 1] === column.ms[i]) continue;
    out.pushRange(column, i, i + 1);
    out.sub[out.length - 1] = 0;
  }
  return out;
}
