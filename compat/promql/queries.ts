// The expressions of the PromQL differential suite, over the metrics of data.ts, and the query
// kinds (instant times, range windows) each one runs as.
//
// `compared` runs against both servers and must match. `newerOnly` uses functions or syntax that
// Prometheus 2.42 lacks (added in 2.43+ or 3.x, several behind 3.x's experimental-functions
// flag): nothing to compare them with, so the suite only checks that the system under test
// answers them with success. `apiCases` exercise the HTTP parameters (step, start/end, time
// formats) rather than the language.
import { Timeline } from './data.ts';

export interface Case {
  readonly expr: string;
  /** What the case covers, for the report. */
  readonly group: string;
}

export interface QueryKind {
  readonly id: string;
  readonly path: '/api/v1/query' | '/api/v1/query_range';
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Three instant times (near the end, the middle with task t1 just gone stale and a gap's
 * lookback running, and early where long ranges reach before the data) and two range queries:
 * the whole data at 60 s, and 10 minutes at 15 s around a stale marker and a counter reset.
 */
export function queryKinds(t: Timeline): QueryKind[] {
  const instant = (id: string, m: number): QueryKind => ({ id, path: '/api/v1/query', params: { time: t.seconds(m) } });
  return [
    instant('instant@end', 104),
    instant('instant@mid', 52),
    instant('instant@early', 9),
    { id: 'range@60s', path: '/api/v1/query_range', params: { start: t.seconds(6), end: t.seconds(104), step: '60' } },
    { id: 'range@15s', path: '/api/v1/query_range', params: { start: t.seconds(42), end: t.seconds(52), step: '15' } },
  ];
}

// Short names for the metrics.
const CPU = 'demo_cpu_seconds_total';
const REQ = 'demo_http_requests_total';
const MEM = 'demo_memory_bytes';
const TEMP = 'demo_temperature_celsius';
const CPUS = 'demo_num_cpus';
const INFO = 'demo_info';
const DISK = 'demo_disk_usage_bytes';
const QUEUE = 'demo_queue_length';
const BUCKET = 'demo_request_duration_seconds_bucket';
const HSUM = 'demo_request_duration_seconds_sum';
const HCOUNT = 'demo_request_duration_seconds_count';
const GAPS = 'demo_intermittent';
const EPH = 'demo_ephemeral';
const JOBS = 'demo_jobs_processed_total';
const BATCH = 'demo_batch_last_success_timestamp_seconds';
const WEIRD = 'demo_weird_values';

const SIMPLE_AGGREGATIONS = ['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count'];
const ARITHMETIC = ['+', '-', '*', '/', '%', '^', 'atan2'];
const COMPARISON = ['==', '!=', '>', '<', '>=', '<='];
const MATH = ['abs', 'ceil', 'floor', 'exp', 'ln', 'log2', 'log10', 'sqrt', 'sgn', 'round', 'rad', 'deg'];
const TRIG = ['acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cos', 'cosh', 'sin', 'sinh', 'tan', 'tanh'];
const OVER_TIME = ['avg', 'min', 'max', 'sum', 'count', 'last', 'present', 'stddev', 'stdvar'];
const DATE = ['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year'];

export function compared(t: Timeline): Case[] {
  const cases: Case[] = [];
  const add = (group: string, ...exprs: string[]) => {
    for (const expr of exprs) cases.push({ expr, group });
  };
  const at30 = t.seconds(30);
  const at80 = t.seconds(80);

  add('literals', '42', '1.234', '.123', '1.23e-3', '0x3d', 'Inf', '+Inf', '-Inf', 'NaN', '-0', '1e308 * 10', '"a string"', "'single quoted'", '`raw \\n string`');

  add(
    'selectors',
    MEM,
    `{__name__="${MEM}"}`,
    `${MEM}{type="free"}`,
    `${MEM}{type!="free"}`,
    `${MEM}{instance=~"host-[01]:9100"}`,
    `${MEM}{instance=~"host"}`,
    `${MEM}{instance!~".*-0:9100"}`,
    `${MEM}{type="free", instance!="host-0:9100"}`,
    `{type="free", instance!="host-0:9100"}`,
    `{__name__=~"demo_.*_total"}`,
    `{__name__=~"demo_(memory|disk).*", instance="host-3:9100"}`,
    `${MEM}{nonexistent=""}`,
    `${MEM}{type=""}`,
    `${MEM}{instance=~"(?i)HOST-1:9100"}`,
    `${MEM}{instance=~"host-\\\\d:9100", type=~"f.*|c.*"}`,
    `${MEM}{job=~"api|db", type!~"used"}`,
    'nonexistent_metric_name',
    `{__name__=~"demo_.+", job="weird"}`,
    CPUS,
    INFO,
    QUEUE,
    `${BUCKET}{le="+Inf"}`,
    `${BUCKET}{le="0.1", method="GET"}`,
    HCOUNT,
    WEIRD,
  );

  add('staleness and lookback', GAPS, EPH, JOBS, `${EPH} offset 3m`, `count(${EPH})`, `${EPH} > 0`, `timestamp(${EPH})`, `timestamp(${GAPS})`, `sum(${GAPS})`, `absent(${EPH}{task="t1"})`, `${EPH}{task="t1"} or ${EPH}{task="t3"}`);

  add(
    'offset and @',
    `${MEM} offset 5m`,
    `${MEM} offset -5m`,
    `${MEM} offset 1h`,
    `rate(${CPU}[5m] offset 10m)`,
    `sum(${MEM} offset 30m)`,
    `${MEM} @ ${at30}`,
    `${MEM} @ ${at80} offset 10m`,
    `${MEM} offset 10m @ ${at80}`,
    `${MEM} @ start()`,
    `${MEM} @ end()`,
    `rate(${CPU}[5m] @ end())`,
    `rate(${CPU}[5m] @ start() offset -5m)`,
    `sum(rate(${CPU}[5m] @ ${at80}))`,
    `max_over_time(${MEM}[10m] @ end())`,
    `timestamp(${MEM} @ ${at30})`,
    `${EPH} @ ${at30}`,
    `${MEM} - ${MEM} @ start()`,
    `${MEM} - ${MEM} offset 5m`,
  );

  // Aggregations: each simple operator without grouping, by, without, on a missing metric and on NaN/Inf.
  for (const op of SIMPLE_AGGREGATIONS) {
    add(
      'aggregations',
      `${op}(${MEM})`,
      `${op} by (instance) (${MEM})`,
      `${op} by (instance, type) (${MEM})`,
      `${op} by (nonexistent) (${MEM})`,
      `${op} without (instance) (${MEM})`,
      `${op} without (instance, type) (${MEM})`,
      `${op}(nonexistent_metric_name)`,
      `${op} by (kind) (${WEIRD})`,
      `${op} by (job) (rate(${CPU}[5m]))`,
    );
  }
  add(
    'aggregations',
    `sum(${MEM}) by (job)`,
    `avg without () (${TEMP})`,
    `count by () (${MEM})`,
    `sum(${WEIRD})`,
    `avg(${WEIRD})`,
    `max(${WEIRD})`,
    `min(${WEIRD})`,
    `stddev(${WEIRD})`,
    `avg(max by (type) (${MEM}))`,
    `sum(sum by (instance) (${MEM}))`,
    `count by (__name__) ({__name__=~"demo_.+"})`,
    `sum by (__name__, job) ({__name__=~"demo_(memory|disk).+"})`,
    `sum by (le) (rate(${BUCKET}[5m]))`,
    `stdvar by (sensor) (${TEMP})`,
    `group by (job, instance) (${CPU})`,
    `topk(3, ${MEM})`,
    `topk by (instance) (2, ${MEM})`,
    `topk without (instance) (2, ${MEM})`,
    `topk without () (2, ${MEM})`,
    `bottomk(3, ${MEM})`,
    `bottomk by (job) (1, ${TEMP})`,
    `topk(0, ${MEM})`,
    `topk(1000, ${TEMP})`,
    `topk(2.7, ${MEM})`,
    `topk(3, ${WEIRD})`,
    `bottomk(3, ${WEIRD})`,
    `topk(scalar(${CPUS}{instance="host-0:9100"}), ${DISK})`,
    `topk(5, rate(${CPU}[5m]))`,
    `bottomk(5, rate(${CPU}[10m]))`,
    `quantile(0, ${MEM})`,
    `quantile(0.5, ${MEM})`,
    `quantile(0.95, ${MEM})`,
    `quantile(1, ${MEM})`,
    `quantile(-1, ${MEM})`,
    `quantile(2, ${MEM})`,
    `quantile(NaN, ${MEM})`,
    `quantile by (instance) (0.9, ${MEM})`,
    `quantile without (type) (0.25, ${MEM})`,
    `quantile(0.5, ${WEIRD})`,
    `count_values("value", ${CPUS})`,
    `count_values("v", ${QUEUE})`,
    `count_values by (instance) ("v", ${QUEUE})`,
    `count_values("value", ${BUCKET})`,
    `count_values("job", ${CPUS})`,
    `count_values("value", ${WEIRD})`,
    `count_values("value", ${TEMP})`,
  );

  add(
    'binary operators: scalars, precedence, associativity',
    '1 * 2 + 4 / 6 - 10 % 2 ^ 2',
    '2 ^ 3 ^ 2',
    '(2 ^ 3) ^ 2',
    '-2 ^ 2',
    '(-2) ^ 2',
    '-1 ^ 2',
    '2 ^ -1',
    '2 ^ 2 ^ -1',
    '10 - 2 - 3',
    '100 / 10 / 5',
    '2 * 3 % 4',
    '1 + 2 * 3',
    '(1 + 2) * 3',
    '- -1',
    '+1',
    '1 - -1',
    '5 % 3',
    '-5 % 3',
    '5 % -3',
    '5.5 % 2',
    '1 / 0',
    '-1 / 0',
    '0 / 0',
    'Inf - Inf',
    '2 atan2 1',
    '1 == bool 1',
    '1 < bool 2',
    '1 > bool 2',
    'NaN == bool NaN',
    'NaN != bool NaN',
    'time() > bool 0',
    'time() - time()',
    '1 + time()',
    'time() / 60',
    `${MEM} > 3e9 and ${MEM} < 6e9`,
    `${MEM} * 2 > 8e9`,
    `-${MEM}`,
    `-${MEM} + 1`,
    `- ${TEMP} ^ 2`,
    `2 * -${TEMP}`,
    `${TEMP} + -(1)`,
  );

  // Arithmetic and comparison between a vector and a scalar, both ways, and between two vectors.
  for (const op of [...ARITHMETIC, ...COMPARISON]) {
    add('binary operators: vector and scalar', `${TEMP} ${op} 1.2345`, `0.12345 ${op} ${TEMP}`, `${TEMP} ${op} on(instance, job, sensor) ${TEMP} offset 5m`);
  }
  for (const op of COMPARISON) {
    add('binary operators: bool', `${TEMP} ${op} bool 1.2345`, `1.2345 ${op} bool ${TEMP}`, `${TEMP} ${op} bool on(instance, job, sensor) ${TEMP} offset 5m`, `${CPUS} + (1 ${op} bool 2)`);
  }
  add(
    'binary operators: matching',
    `${MEM} / on(instance, job) group_left ${CPUS}`,
    `${MEM} * on(instance, job) group_left(version, region) ${INFO}`,
    `${INFO} * on(instance, job) group_right(version) ${MEM}`,
    `${CPUS} / on(instance, job) group_right ${MEM}`,
    `${MEM} + ignoring(type) group_left ${CPUS}`,
    `sum by (instance, job) (${MEM}) / on(instance, job) group_right ${MEM}`,
    `${MEM} / on(instance, job) group_left sum by (instance, job) (${MEM})`,
    `sum without (type) (${MEM}) / on(instance) group_left ${MEM}`,
    `sum without (type) (${MEM}) / on(instance) group_left(type) ${MEM}`,
    `${MEM} / on(instance, job, type, __name__) ${MEM}`,
    `${MEM} / on(instance, job, type, nonexistent) ${MEM}`,
    `${MEM}{type="free"} / ignoring(type) ${MEM}{type="used"}`,
    `${MEM} - ${MEM}`,
    `${MEM} == bool ${MEM}`,
    `${CPU} > on(instance, job, mode) ${CPU} offset 5m`,
    `rate(${CPU}[5m]) / on(instance, job) group_left sum by (instance, job) (rate(${CPU}[5m]))`,
    `${TEMP} > on(instance, job) group_left ${CPUS} * 10`,
    `${CPUS} + on() group_left vector(1)`,
    `vector(1) + vector(2)`,
    `${CPUS} * Inf`,
    `${CPUS} * -Inf`,
    `${CPUS} * NaN`,
    `${WEIRD} + 1`,
    `${WEIRD} > 0`,
    `${WEIRD} == bool ${WEIRD}`,
    `${WEIRD} != ${WEIRD}`,
    `time() - ${BATCH}`,
    `${BATCH} - time()`,
    `timestamp(${MEM} * 1)`,
    `timestamp(-${MEM})`,
  );
  add(
    'binary operators: set operators',
    `${MEM} and ${MEM}{type="free"}`,
    `${MEM} or ${TEMP}`,
    `${MEM} unless on(instance) ${CPUS}{instance="host-0:9100"}`,
    `${MEM} and on(instance) (${TEMP} > 50)`,
    `${MEM}{type="free"} or on(instance) ${CPUS}`,
    `${MEM}{type="free"} or vector(1)`,
    `nonexistent_metric_name or ${MEM}{type="used"}`,
    `${MEM} and nonexistent_metric_name`,
    `${MEM} unless nonexistent_metric_name`,
    `${MEM} and on() vector(1)`,
    `vector(1) and on() ${MEM}`,
    `${MEM} and ignoring(type) ${CPUS}`,
    `${MEM} and on(instance) ${TEMP}`,
    `${MEM} unless ignoring(type) ${MEM}{type="cached"}`,
    `${GAPS} or ${EPH}`,
    `(${MEM} > 5e9) or (${MEM} < 2e9)`,
    `${MEM} > 5e9 or ${MEM} < 2e9 and ${MEM} > 1e9`,
    `${MEM} or ${MEM} unless ${MEM}`,
  );

  // Functions.
  for (const f of MATH) add('functions: math', `${f}(${TEMP})`, `${f}(-${TEMP})`, `${f}(${WEIRD})`);
  for (const f of TRIG) add('functions: trigonometric', `${f}(${TEMP} / 100)`, `${f}(${WEIRD})`);
  add(
    'functions: math',
    `round(${TEMP}, 0.5)`,
    `round(${TEMP}, 5)`,
    `round(${TEMP}, -3)`,
    `exp(${MEM})`,
    `ln(0 * ${TEMP})`,
    `sqrt(-1 * abs(${TEMP}))`,
    'pi()',
    `deg(pi())`,
    `rad(180)`,
    `clamp(${TEMP}, -1, 50)`,
    `clamp(${TEMP}, 50, 0)`,
    `clamp(${TEMP}, 0, 0)`,
    `clamp(${WEIRD}, 0, 1)`,
    `clamp_min(${TEMP}, 0)`,
    `clamp_max(${TEMP}, 0)`,
    `clamp_min(${WEIRD}, -1)`,
    `clamp_max(${WEIRD}, NaN)`,
  );
  for (const f of DATE) add('functions: time', `${f}()`, `${f}(${BATCH})`, `${f}(vector(951782400))`);
  add(
    'functions: time',
    'time()',
    'vector(time())',
    `timestamp(${MEM})`,
    `timestamp(timestamp(${MEM}))`,
    `timestamp(${MEM} offset 5m)`,
    `time() - timestamp(${MEM})`,
    'month(vector(1709164800))',
    'days_in_month(vector(1709164800))',
    'day_of_year(vector(1735603200))',
    'day_of_week(vector(-86400))',
    'year(vector(4102444800))',
    'hour(vector(time() + 3600))',
    'minute(vector(1700000000.5))',
  );
  for (const range of ['1m', '5m', '1h']) {
    for (const op of OVER_TIME) add('functions: *_over_time', `${op}_over_time(${MEM}[${range}])`);
    add('functions: *_over_time', `quantile_over_time(0.9, ${MEM}[${range}])`);
  }
  for (const op of OVER_TIME) add('functions: *_over_time', `${op}_over_time(${WEIRD}[5m])`, `${op}_over_time(${EPH}[10m])`);
  add(
    'functions: *_over_time',
    `quantile_over_time(0, ${TEMP}[10m])`,
    `quantile_over_time(0.5, ${TEMP}[10m])`,
    `quantile_over_time(1, ${TEMP}[10m])`,
    `quantile_over_time(-1, ${TEMP}[10m])`,
    `quantile_over_time(2, ${TEMP}[10m])`,
    `quantile_over_time(0.5, ${WEIRD}[5m])`,
    `count_over_time(${GAPS}[5m])`,
    `last_over_time(${GAPS}[20m])`,
    `present_over_time(${GAPS}[1m])`,
    `absent_over_time(${MEM}[5m])`,
    `absent_over_time(nonexistent_metric_name[5m])`,
    `absent_over_time(nonexistent_metric_name{job="x", instance=~"y"}[5m])`,
    `absent_over_time(${EPH}{task="t1"}[5m])`,
    `absent_over_time(${GAPS}{instance="host-0:9100"}[2m])`,
    `sum_over_time(${QUEUE}[1h])`,
  );
  for (const f of ['rate', 'increase', 'irate']) {
    add('functions: counters', `${f}(${CPU}[1m])`, `${f}(${CPU}[5m])`, `${f}(${CPU}[15m])`, `${f}(${REQ}[5m])`, `${f}(${JOBS}[5m])`, `${f}(nonexistent_metric_name[5m])`);
  }
  for (const f of ['delta', 'idelta', 'deriv']) add('functions: gauges', `${f}(${TEMP}[5m])`, `${f}(${MEM}[30m])`, `${f}(${EPH}[10m])`);
  add(
    'functions: counters',
    `rate(${CPU}[10s])`,
    `rate(${MEM}[5m])`,
    `rate(${WEIRD}[5m])`,
    `increase(${HCOUNT}[10m])`,
    `rate(${HSUM}[5m]) / rate(${HCOUNT}[5m])`,
    `sum by (instance) (rate(${CPU}[5m]))`,
    `resets(${CPU}[15m])`,
    `resets(${CPU}[1h])`,
    `resets(${JOBS}[30m])`,
    `changes(${QUEUE}[10m])`,
    `changes(${BATCH}[1h])`,
    `changes(${WEIRD}[5m])`,
    `changes(${EPH}[10m])`,
    `deriv(${DISK}[10m])`,
    `deriv(${DISK}[1h])`,
    `predict_linear(${DISK}[10m], 600)`,
    `predict_linear(${DISK}[1h], 3600)`,
    `predict_linear(${DISK}[10m], -600)`,
    `holt_winters(${MEM}[10m], 0.5, 0.5)`,
    `holt_winters(${DISK}[30m], 0.1, 0.9)`,
  );
  for (const q of ['0', '0.25', '0.5', '0.9', '0.99', '1', '-0.1', '1.1', 'NaN']) add('functions: histogram_quantile', `histogram_quantile(${q}, rate(${BUCKET}[5m]))`);
  add(
    'functions: histogram_quantile',
    `histogram_quantile(0.9, sum by (le) (rate(${BUCKET}[5m])))`,
    `histogram_quantile(0.5, sum by (le, method) (rate(${BUCKET}[10m])))`,
    `histogram_quantile(0.99, sum by (job, le) (increase(${BUCKET}[1h])))`,
    `histogram_quantile(0.5, ${BUCKET})`,
    `histogram_quantile(0.5, increase(${BUCKET}[10m]))`,
    'histogram_quantile(0.9, nonexistent_metric_name)',
    `histogram_quantile(0.9, ${MEM})`,
    `histogram_quantile(0.9, {__name__=~"demo_request_duration_seconds_.+"})`,
    `histogram_quantile(0.9, rate(${BUCKET}{le!="+Inf"}[5m]))`,
    `histogram_quantile(0.9, rate(${BUCKET}{le=~"0.1|\\\\+Inf"}[5m]))`,
    `histogram_count(rate(${BUCKET}[5m]))`,
    `histogram_sum(rate(${BUCKET}[5m]))`,
    `histogram_fraction(0, 0.1, rate(${BUCKET}[5m]))`,
  );
  add(
    'functions: labels',
    `label_replace(${CPUS}, "job", "destination-value-$1", "instance", "host-(.*):9100")`,
    `label_replace(${CPUS}, "job", "destination-value-$1", "instance", "host:(.*)")`,
    `label_replace(${CPUS}, "job", "$1-$2", "instance", "h(.*)-(.*)")`,
    `label_replace(${CPUS}, "job", "value-$1", "nonexistent-src", "source-value-(.*)")`,
    `label_replace(${CPUS}, "job", "value-$1", "nonexistent-src", "(.*)")`,
    `label_replace(${CPUS}, "job", "value-$1", "instance", "non-matching-regex")`,
    `label_replace(${CPUS}, "job", "", "dst", ".*")`,
    `label_replace(${CPUS}, "port", "\${1}x", "instance", ".*:(?P<port>.*)")`,
    `label_replace(${CPUS}, "port", "$port", "instance", ".*:(?P<port>.*)")`,
    `label_replace(${MEM}, "__name__", "renamed_$1", "type", "(.*)")`,
    `label_replace(rate(${CPU}[5m]), "m", "$1", "mode", "(.)")`,
    `label_join(${CPUS}, "new_label", "-", "instance", "job")`,
    `label_join(${CPUS}, "job", "-", "instance", "job")`,
    `label_join(${CPUS}, "job", "-", "instance")`,
    `label_join(${CPUS}, "job", "-")`,
    `label_join(${CPUS}, "x", "", "job", "job", "nonexistent")`,
  );
  add(
    'functions: misc',
    'vector(1.23)',
    'vector(-Inf)',
    `scalar(${CPUS}{instance="host-0:9100"})`,
    `scalar(${CPUS})`,
    'scalar(nonexistent_metric_name)',
    `scalar(sum(${CPUS}))`,
    `${MEM} / scalar(sum(${CPUS}))`,
    `absent(${MEM})`,
    'absent(nonexistent_metric_name)',
    'absent(nonexistent_metric_name{job="x"})',
    'absent(nonexistent_metric_name{job="x", job="y"})',
    'absent(nonexistent_metric_name{job=~"x"})',
    'absent(sum(nonexistent_metric_name))',
    `absent(${MEM}{type="nonexistent"})`,
    `sort(${MEM})`,
    `sort_desc(${MEM})`,
    `sort(${WEIRD})`,
    `sort_desc(${WEIRD})`,
    `sort(rate(${CPU}[5m]))`,
    `sort_desc(sum by (instance) (${MEM}))`,
    `(sort_desc(${TEMP}))`,
  );
  // Nested subqueries evaluate the inner one at multiples of the outer step, whole minutes here:
  // its range must not be a multiple of its step, or 2.42 ([t-r, t]) counts one more point than
  // 3.x ((t-r, t]). So 5m:2m inside 10m:2m, never 5m:1m.
  add(
    'subqueries',
    `max_over_time((time() - max(${BATCH}) < 1000)[5m:10s] offset 5m)`,
    `avg_over_time(rate(${CPU}[1m])[2m:10s])`,
    `max_over_time(rate(${CPU}[5m])[30m:1m])`,
    `min_over_time(sum(rate(${CPU}[5m]))[1h:5m])`,
    `rate(sum(${CPU})[10m:1m])`,
    `count_over_time(${MEM}[10m:1m])`,
    `sum_over_time(${MEM}{type="free"}[10m:30s])`,
    `last_over_time(${MEM}[5m:])`,
    `quantile_over_time(0.9, rate(${CPU}[5m])[20m:2m])`,
    `deriv(sum(${MEM})[30m:1m])`,
    `predict_linear(sum(${DISK})[30m:1m], 600)`,
    `stddev_over_time(${TEMP}[10m:1m] offset 10m)`,
    `max_over_time(${TEMP}[10m:1m] @ end())`,
    `max_over_time(rate(${CPU}[5m])[10m:1m] @ ${at80})`,
    `max_over_time(avg_over_time(${MEM}[5m:2m])[10m:2m])`,
    `min_over_time((${MEM} > 3e9)[10m:1m])`,
    `absent_over_time(nonexistent_metric_name[5m:1m])`,
    `present_over_time(${EPH}[10m:1m])`,
    `count_over_time(${GAPS}[10m:15s])`,
    `sum_over_time(${CPUS}[10m:1m] @ start())`,
    `rate(${CPU}[5m])[10m:1m]`,
    `${MEM}[5m:1m]`,
  );
  add('range vectors', `${MEM}[5m]`, `${EPH}[10m]`, `${WEIRD}[2m]`, `${MEM}[5m] offset 10m`, `${GAPS}[3m] @ ${at30}`);

  add(
    'errors',
    `sum(${MEM}`,
    `${MEM}{`,
    '1 +',
    `${MEM}[5m`,
    `rate(${MEM}[5m]`,
    `rate(${MEM})`,
    'abs()',
    `abs(${MEM}, ${MEM})`,
    `nonexistent_function(${MEM})`,
    `${MEM}[5m] + 1`,
    `sum(${MEM}[5m])`,
    `${MEM} offset`,
    '"a" + 1',
    `topk("a", ${MEM})`,
    `histogram_quantile(${MEM}, ${MEM})`,
    `count_values(1, ${MEM})`,
    `count_values("invalid-label", ${CPUS})`,
    `vector(${MEM})`,
    `${MEM} @ 1 @ 2`,
    `${MEM} offset 5m offset 5m`,
    'time(1)',
    '1 and 2',
    '1 == 1',
    '{}',
    '{__name__=~".*"}',
    '{job=~".*"}',
    '{job=""}',
    `${MEM}{instance=~"["}`,
    `${CPU} + on(instance) ${CPU}`,
    `${MEM} + ignoring(type) ${MEM}`,
    `${MEM} / on(instance, job) group_left ${TEMP}`,
    `${CPUS} * on(instance, job) group_left(type) ${MEM}`,
    `${CPUS} + on(job) group_left ${CPUS}`,
    `${MEM} + on(instance, job) ${CPUS}`,
    `{__name__=~"${CPUS}|${QUEUE}"} * on(instance, job) group_left ${INFO}`,
    `abs({__name__=~"${CPUS}|${QUEUE}"})`,
    `rate({__name__=~"${EPH}|${JOBS}"}[5m])`,
    `label_replace(${CPUS}, "job", "value-$1", "src", "(.*")`,
    `label_replace(${CPUS}, "~invalid", "", "src", "(.*)")`,
    `label_replace(${CPUS}, "instance", "", "", "")`,
    `label_join(${CPUS}, "~invalid", "-", "instance")`,
    `label_join(${MEM}, "type", "", "job")`,
    `holt_winters(${MEM}[10m], 0, 0.5)`,
    `${MEM}[5m:1m:1m]`,
    `${MEM} unless`,
    `sum by (instance) without (type) (${MEM})`,
    `quantile(${MEM}, 0.5)`,
    `rate(${MEM}[5m:])[5m]`,
  );
  return cases;
}

/** Functions and syntax Prometheus 2.42 does not have: the system under test must answer them with success. */
export function newerOnly(): Case[] {
  const add = (group: string, ...exprs: string[]) => exprs.map((expr) => ({ expr, group }));
  return [
    ...add('limitk and limit_ratio (2.54, experimental in 3.x)', `limitk(2, ${MEM})`, `limitk by (instance) (1, ${MEM})`, `limit_ratio(0.5, ${MEM})`, `limit_ratio(-0.5, ${MEM})`),
    ...add('mad_over_time (2.51, experimental)', `mad_over_time(${TEMP}[10m])`),
    ...add('sort_by_label (2.49, experimental)', `sort_by_label(${MEM}, "instance", "type")`, `sort_by_label_desc(${MEM}, "type")`),
    ...add('double_exponential_smoothing (3.0, the renamed holt_winters, experimental)', `double_exponential_smoothing(${MEM}[10m], 0.5, 0.5)`),
    ...add('first_over_time and ts_of_* (3.5+, experimental)', `first_over_time(${MEM}[5m])`, `ts_of_max_over_time(${MEM}[10m])`, `ts_of_min_over_time(${MEM}[10m])`, `ts_of_last_over_time(${MEM}[10m])`),
    ...add('native-histogram functions (2.47+), empty on classic buckets', `histogram_avg(rate(${BUCKET}[5m]))`, `histogram_stddev(rate(${BUCKET}[5m]))`, `histogram_stdvar(rate(${BUCKET}[5m]))`),
    ...add('quoted UTF-8 metric names (3.0)', `{"${MEM}"}`, `{"${MEM}", type="free"}`, `sum by ("instance") ({"${MEM}"})`),
  ];
}

/** A request with its own parameters: the HTTP API's handling of step, start/end and time formats. */
export interface ApiCase {
  readonly name: string;
  readonly path: '/api/v1/query' | '/api/v1/query_range';
  readonly params: Readonly<Record<string, string>>;
}

export function apiCases(t: Timeline): ApiCase[] {
  const start = t.seconds(40);
  const end = t.seconds(50);
  const rfc = (m: number) => new Date(t.evalAt(m)).toISOString();
  const range = (name: string, params: Record<string, string>): ApiCase => ({ name, path: '/api/v1/query_range', params: { query: `rate(${CPU}[5m])`, ...params } });
  return [
    range('step as a duration', { start, end, step: '1m' }),
    range('step as a float', { start, end, step: '30.5' }),
    range('RFC3339 start and end', { start: rfc(40), end: rfc(50), step: '60' }),
    range('start equal to end', { start, end: start, step: '60' }),
    range('step larger than the range', { start, end, step: '3600' }),
    range('zero step', { start, end, step: '0' }),
    range('negative step', { start, end, step: '-15' }),
    range('end before start', { start: end, end: start, step: '60' }),
    range('more than 11000 points', { start: t.seconds(0), end: t.seconds(100), step: '0.5' }),
    range('missing step', { start, end }),
    range('unparsable start', { start: 'yesterday', end, step: '60' }),
    { name: 'instant at an RFC3339 time', path: '/api/v1/query', params: { query: MEM, time: rfc(60) } },
    { name: 'instant at a fractional time', path: '/api/v1/query', params: { query: `timestamp(${MEM})`, time: `${t.evalAt(60) / 1000}.25` } },
    { name: 'instant with an unparsable time', path: '/api/v1/query', params: { query: MEM, time: 'noon' } },
    { name: 'empty query', path: '/api/v1/query', params: { query: '', time: t.seconds(60) } },
    { name: 'missing query', path: '/api/v1/query', params: { time: t.seconds(60) } },
    { name: 'range query of a string', path: '/api/v1/query_range', params: { query: '"text"', start, end, step: '60' } },
    { name: 'range query of a range vector', path: '/api/v1/query_range', params: { query: `${MEM}[5m]`, start, end, step: '60' } },
  ];
}
