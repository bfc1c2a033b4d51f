/**
 * Prometheus's status endpoints: `/api/v1/status/buildinfo` (which Grafana's Prometheus datasource
 * calls on "Save & test"), `runtimeinfo`, `flags`, `config` and `tsdb`, in Prometheus's shapes and
 * filled in with what RusTs has: where a Go runtime figure has no Node counterpart the answer says
 * so rather than invent one.
 */
import { availableParallelism } from 'node:os';
import type { Context } from 'koa';
import { parseSeriesKey } from '../../core/index.ts';
import { MEASUREMENT_NAME } from '../../index/index.ts';
import { formatDuration, PromqlBadDataError } from '../../query/index.ts';
import { authorize } from '../auth/index.ts';
import { requestParams } from '../params.ts';
import type { ServerState } from '../state.ts';
import { VERSION } from '../version.ts';
import { catalogSources } from './catalog.ts';
import { respondData, respondJson } from './envelope.ts';
import type { PrometheusApiOptions } from './options.ts';
import type { Target } from './write.ts';

/** How many entries each list of /status/tsdb has unless `limit` says otherwise (Prometheus's default). */
const DEFAULT_TSDB_LIMIT = 10;
/** Prometheus's head min/max time when it holds no samples (math.MaxInt64 and math.MinInt64). */
const EMPTY_HEAD_MIN_TIME = '9223372036854775807';
const EMPTY_HEAD_MAX_TIME = '-9223372036854775808';

/**
 * The Prometheus version whose API and PromQL RusTs follows. Clients such as Grafana read
 * buildinfo's `version` to decide which API features they may use, so it names the Prometheus
 * this server answers like; RusTs's own version is in `application`/`applicationVersion`.
 */
const PROMETHEUS_API_VERSION = '3.0.0';

export async function buildInfo(ctx: Context): Promise<void> {
  respondData(ctx, {
    application: 'RusTs',
    applicationVersion: VERSION,
    version: PROMETHEUS_API_VERSION,
    // A build records no revision, branch, user or date of its own.
    revision: 'unknown',
    branch: 'unknown',
    buildUser: 'unknown',
    buildDate: 'unknown',
    goVersion: `node ${process.version}`,
  });
}

export async function runtimeInfo(ctx: Context, target: Target, state: ServerState): Promise<void> {
  const started = state.startedAt.toISOString();
  respondData(ctx, {
    startTime: started,
    CWD: process.cwd(),
    // The configuration is read once, at start-up; there is no reload to fail.
    reloadConfigSuccess: true,
    lastConfigTime: started,
    corruptionCount: 0,
    // No goroutines: JavaScript runs on one thread per isolate.
    goroutineCount: 1,
    GOMAXPROCS: availableParallelism(),
    GOGC: '',
    GODEBUG: '',
    storageRetention: retentionText(state, target.database),
  });
}

export async function flags(ctx: Context, target: Target, state: ServerState, options: PrometheusApiOptions): Promise<void> {
  const { prometheus, limits } = options;
  // Prometheus's flag names for the settings RusTs shares with it, each value in Prometheus's format.
  respondData(ctx, {
    'query.lookback-delta': formatDuration(prometheus.lookbackDeltaMs),
    'query.max-samples': String(prometheus.queryMaxSamples),
    'query.timeout': formatDuration(limits.queryTimeoutMs),
    'storage.remote.read-sample-limit': String(prometheus.readSampleLimit),
    'storage.remote.read-max-bytes-in-frame': String(prometheus.readMaxBytesInFrame),
    'storage.tsdb.retention.time': retentionText(state, target.database) || '0s',
    'web.enable-remote-write-receiver': 'true',
    'web.enable-admin-api': 'false',
  });
}

export async function config(ctx: Context, _target: Target, _state: ServerState, options: PrometheusApiOptions): Promise<void> {
  respondData(ctx, { yaml: configYaml(options) });
}

/**
 * The `[limits]` and `[prometheus]` sections of the effective configuration (the ones these
 * endpoints are given), under their TOML key names, as YAML. Neither holds secrets.
 */
function configYaml({ limits, prometheus }: PrometheusApiOptions): string {
  const section = (name: string, entries: ReadonlyArray<readonly [string, string | number]>) =>
    `${name}:\n${entries.map(([k, v]) => `  ${k}: ${typeof v === 'string' ? JSON.stringify(v) : v}\n`).join('')}`;
  return (
    section('limits', [
      ['rate_limit_rps', limits.rateLimitRps],
      ['rate_limit_burst', limits.rateLimitBurst],
      ['max_body_size', limits.maxBodyBytes],
      ['max_decompressed_size', limits.maxDecompressedBytes],
      ['query_timeout', formatDuration(limits.queryTimeoutMs)],
      ['max_query_points', limits.maxQueryPoints],
    ]) +
    section('prometheus', [
      ['database', prometheus.database],
      ['max_labels_per_series', prometheus.maxLabelsPerSeries],
      ['max_label_size', prometheus.maxLabelBytes],
      ['remote_read_sample_limit', prometheus.readSampleLimit],
      ['remote_read_max_frame_size', prometheus.readMaxBytesInFrame],
      ['lookback_delta', formatDuration(prometheus.lookbackDeltaMs)],
      ['query_max_samples', prometheus.queryMaxSamples],
    ])
  );
}

/** The default retention policy's duration (`15d`), or "" when it keeps data forever, as Prometheus leaves it unset. */
function retentionText(state: ServerState, database: string): string {
  const router = state.router;
  if (!router.hasDatabase(database)) return '';
  const { policies, defaultPolicy } = router.retentionPolicies(database);
  const policy = policies.find((p) => p.name === defaultPolicy);
  if (policy === undefined || policy.duration === 0n) return '';
  return formatDuration(Number(policy.duration / 1_000_000n));
}

interface Stat {
  readonly name: string;
  readonly value: number;
}

/**
 * `/api/v1/status/tsdb`: cardinality figures over the database's series, from the index. "Head"
 * here is the whole database; its min and max time are the bounds of its partitions (partition
 * boundaries, not sample times), and there are no chunks to count.
 */
export async function tsdbStatus(ctx: Context, target: Target, state: ServerState, options: PrometheusApiOptions): Promise<void> {
  const params = await requestParams(ctx, options.limits);
  const limitText = params.get('limit');
  let limit = DEFAULT_TSDB_LIMIT;
  if (limitText !== null && limitText !== '') {
    limit = /^[+-]?\d+$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1)) throw new PromqlBadDataError('limit must be a positive number');
  }
  authorize(ctx, target.database, 'read');
  const counts = labelPairCounts(state, target);
  let numSeries = 0;
  for (const count of counts.get(MEASUREMENT_NAME)?.values() ?? []) numSeries += count;
  const byMetric: Stat[] = [];
  const valuesByName: Stat[] = [];
  const bytesByName: Stat[] = [];
  const byPair: Stat[] = [];
  let numLabelPairs = 0;
  for (const [name, values] of counts) {
    valuesByName.push({ name, value: values.size });
    let bytes = 0;
    for (const [value, count] of values) {
      if (name === MEASUREMENT_NAME) byMetric.push({ name: value, value: count });
      byPair.push({ name: `${name}=${value}`, value: count });
      bytes += Buffer.byteLength(value) * count;
      numLabelPairs++;
    }
    bytesByName.push({ name, value: bytes });
  }
  const { minMs, maxMs } = await timeBounds(state, target.database);
  const head = `{"numSeries":${numSeries},"numLabelPairs":${numLabelPairs},"chunkCount":0,"minTime":${minMs ?? EMPTY_HEAD_MIN_TIME},"maxTime":${maxMs ?? EMPTY_HEAD_MAX_TIME}}`;
  const top = (stats: Stat[]) => JSON.stringify(topStats(stats, limit));
  respondJson(
    ctx,
    `{"headStats":${head},"seriesCountByMetricName":${top(byMetric)},"labelValueCountByLabelName":${top(valuesByName)},` +
      `"memoryInBytesByLabelName":${top(bytesByName)},"seriesCountByLabelValuePair":${top(byPair)}}`,
  );
}

/** Label name -> value -> number of series with it, over every metric series of the database (metric name as `__name__`). */
function labelPairCounts(state: ServerState, target: Target): Map<string, Map<string, number>> {
  const router = state.router;
  const counts = new Map<string, Map<string, number>>();
  const add = (name: string, value: string, n: number) => {
    let values = counts.get(name);
    if (values === undefined) counts.set(name, (values = new Map()));
    values.set(value, (values.get(value) ?? 0) + n);
  };
  const metricsByMeasurement = new Map<string, string[]>();
  for (const source of catalogSources(router, { database: target.database, retentionPolicy: target.retentionPolicy }, [])) {
    const metrics = metricsByMeasurement.get(source.measurement) ?? [];
    metrics.push(source.metric);
    metricsByMeasurement.set(source.measurement, metrics);
  }
  for (const [measurement, metrics] of metricsByMeasurement) {
    const keys = router.seriesKeys(target.database, [{ name: MEASUREMENT_NAME, op: '=', value: measurement }]);
    // Each series of the measurement is one series of each of its metrics.
    for (const metric of metrics) add(MEASUREMENT_NAME, metric, keys.length);
    for (const key of keys) for (const tag of parseSeriesKey(key).tags) add(tag.key, tag.value, metrics.length);
  }
  return counts;
}

async function timeBounds(state: ServerState, database: string): Promise<{ minMs: number | undefined; maxMs: number | undefined }> {
  let minMs: number | undefined;
  let maxMs: number | undefined;
  const stats = await state.router.stats();
  for (const db of stats.databases) {
    if (db.name !== database) continue;
    for (const shard of db.shards) {
      for (const p of shard.perPartition) {
        minMs = minMs === undefined ? p.startMs : Math.min(minMs, p.startMs);
        maxMs = maxMs === undefined ? p.endMs : Math.max(maxMs, p.endMs);
      }
    }
  }
  return { minMs, maxMs };
}

/** The `limit` largest, largest first (ties by name, where Prometheus's heap leaves them in no set order). */
function topStats(stats: Stat[], limit: number): Stat[] {
  return stats.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).slice(0, limit);
}
