// The Prometheus HTTP API beside the query endpoints: /series, /labels, /label/<name>/values,
// /metadata, /query_exemplars, /format_query, /parse_query and /status/*. Golden answers after
// Prometheus's documentation, and checked against a Prometheus 2.42 fed the same remote write
// (series, labels, values, exemplars, error wording, format_query); where Prometheus 3 answers
// otherwise (number literals in format_query, `limit`), the test says so.
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import request from 'supertest';
import snappy from 'snappy';
import { prometheusProto } from '../../src/protocol/prometheus/index.ts';
import { hashPassword } from '../../src/api/auth/index.ts';
import { MemFs } from '../../src/storage/index.ts';
import { openApp, type Handler } from './_app.ts';

const proto = prometheusProto();
const T = 1_700_000_000_000;

interface SeriesIn {
  labels: Record<string, string>;
  samples: Array<[number, number]>;
  exemplars?: Array<{ labels: Record<string, string>; value: number; timestamp: number }>;
}

const labelList = (labels: Record<string, string>) =>
  Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => ({ name, value }));

function remoteWriteBody(series: SeriesIn[], metadata: object[] = []): Buffer {
  const message = {
    timeseries: series.map((s) => ({
      labels: labelList(s.labels),
      samples: s.samples.map(([timestamp, value]) => ({ timestamp, value })),
      exemplars: (s.exemplars ?? []).map((e) => ({ labels: labelList(e.labels), value: e.value, timestamp: e.timestamp })),
    })),
    metadata,
  };
  return snappy.compressSync(Buffer.from(proto.WriteRequest.encode(message).finish()));
}

/** An app holding two Prometheus metrics (one with an exemplar and metadata) and one InfluxDB measurement with two fields. */
async function fixture(deps: Parameters<typeof openApp>[0] = {}): Promise<Handler> {
  const { handler } = await openApp(deps);
  const body = remoteWriteBody(
    [
      { labels: { __name__: 'up', job: 'node', instance: 'a:9100' }, samples: [[T, 1]] },
      { labels: { __name__: 'up', job: 'prometheus', instance: 'b:9090' }, samples: [[T, 1]] },
      {
        labels: { __name__: 'http_requests_total', job: 'api', code: '200' },
        samples: [[T, 5]],
        exemplars: [{ labels: { trace_id: 'abc' }, value: 1.5, timestamp: T + 500 }],
      },
    ],
    [{ type: 1, metricFamilyName: 'http_requests_total', help: 'Requests served.', unit: '' }],
  );
  const auth = deps.auth?.enabled === true ? (r: request.Test) => r.auth('admin', 'secret') : (r: request.Test) => r;
  const written = await auth(request(handler).post('/api/v1/write').set('Content-Type', 'application/x-protobuf').set('Content-Encoding', 'snappy').send(body));
  assert.equal(written.status, 204, written.text);
  const lines = await auth(request(handler).post('/write?db=prometheus&precision=ms').send(`cpu,host=h1 usage_user=1,usage_idle=2 ${T}\n`));
  assert.equal(lines.status, 204, lines.text);
  return handler;
}

function get(app: Handler, path: string) {
  return request(app).get(path);
}

/** The answer's `data`, after checking the success envelope. */
function dataOf(res: request.Response): unknown {
  assert.equal(res.status, 200, res.text);
  assert.match(String(res.headers['content-type']), /application\/json/);
  const body = res.body as { status: string; data: unknown };
  assert.equal(body.status, 'success');
  return body.data;
}

function badData(res: request.Response, error: string | RegExp): void {
  assert.equal(res.status, 400, res.text);
  const body = res.body as { status: string; errorType: string; error: string };
  assert.equal(body.status, 'error');
  assert.equal(body.errorType, 'bad_data');
  if (typeof error === 'string') assert.equal(body.error, error);
  else assert.match(body.error, error);
}

describe('/api/v1/series', () => {
  let app: Handler;
  before(async () => {
    app = await fixture();
  });

  it('lists the matching label sets, sorted, each once, labels in Prometheus order (golden from Prometheus 2.42)', async () => {
    const res = await get(app, `/api/v1/series?match[]=up&match[]=${encodeURIComponent('{job="node"}')}`);
    dataOf(res);
    assert.equal(res.text, '{"status":"success","data":[{"__name__":"up","instance":"a:9100","job":"node"},{"__name__":"up","instance":"b:9090","job":"prometheus"}]}');
  });

  it('reads line protocol fields as metrics m_f, and accepts POST form bodies and start/end', async () => {
    const res = await request(app)
      .post('/api/v1/series')
      .type('form')
      .send({ 'match[]': '{__name__=~"cpu_.*"}', start: String(T / 1000 - 60), end: '2030-01-01T00:00:00Z' });
    assert.deepEqual(dataOf(res), [
      { __name__: 'cpu_usage_idle', host: 'h1' },
      { __name__: 'cpu_usage_user', host: 'h1' },
    ]);
  });

  it('cuts at limit and warns (Prometheus 3)', async () => {
    const res = await get(app, '/api/v1/series?match[]=up&limit=1');
    assert.deepEqual(dataOf(res), [{ __name__: 'up', instance: 'a:9100', job: 'node' }]);
    assert.deepEqual((res.body as { warnings: string[] }).warnings, ['results truncated due to limit']);
    badData(await get(app, '/api/v1/series?match[]=up&limit=x'), 'invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax');
  });

  it('refuses a request without match[], a bad selector, one matching everything, a bad time', async () => {
    badData(await get(app, '/api/v1/series'), 'no match[] parameter provided');
    badData(await get(app, `/api/v1/series?match[]=${encodeURIComponent('up{')}`), /^invalid parameter "match\[\]": 1:\d+: parse error: /);
    badData(await get(app, `/api/v1/series?match[]=${encodeURIComponent('{job=~".*"}')}`), 'invalid parameter "match[]": match[] must contain at least one non-empty matcher');
    badData(await get(app, '/api/v1/series?match[]=up&start=yesterday'), 'invalid parameter "start": invalid time value for \'start\': cannot parse "yesterday" to a valid timestamp');
  });

  it('answers an empty list for a database without data', async () => {
    assert.deepEqual(dataOf(await get(app, '/api/v1/series?match[]=up&db=nothing')), []);
  });
});

describe('/api/v1/labels and /api/v1/label/<name>/values', () => {
  let app: Handler;
  before(async () => {
    app = await fixture();
  });

  it('lists every label name, __name__ included, sorted', async () => {
    assert.deepEqual(dataOf(await get(app, '/api/v1/labels')), ['__name__', 'code', 'host', 'instance', 'job']);
    assert.deepEqual(dataOf(await request(app).post('/api/v1/labels').type('form').send({ 'match[]': 'up' })), ['__name__', 'instance', 'job']);
    assert.deepEqual(dataOf(await get(app, '/api/v1/labels?limit=2')), ['__name__', 'code']);
  });

  it('lists metric names under both mappings, and tag values, with or without match[]', async () => {
    assert.deepEqual(dataOf(await get(app, '/api/v1/label/__name__/values')), ['cpu_usage_idle', 'cpu_usage_user', 'http_requests_total', 'up']);
    assert.deepEqual(dataOf(await get(app, `/api/v1/label/__name__/values?match[]=${encodeURIComponent('{job="api"}')}`)), ['http_requests_total']);
    assert.deepEqual(dataOf(await get(app, '/api/v1/label/job/values')), ['api', 'node', 'prometheus']);
    assert.deepEqual(dataOf(await get(app, '/api/v1/label/job/values?match[]=up')), ['node', 'prometheus']);
    assert.deepEqual(dataOf(await get(app, '/api/v1/label/nosuch/values')), []);
  });

  it('refuses an invalid label name and a bad selector with Prometheus wording', async () => {
    badData(await get(app, '/api/v1/label/0bad/values'), 'invalid label name: "0bad"');
    badData(await get(app, `/api/v1/labels?match[]=${encodeURIComponent('up{')}`), /^1:\d+: parse error: /);
  });
});

describe('start and end on /series, /labels and /label/<name>/values', () => {
  const DAY = 86_400_000;
  const post = async (app: Handler, series: SeriesIn[]) => {
    const res = await request(app).post('/api/v1/write').set('Content-Type', 'application/x-protobuf').set('Content-Encoding', 'snappy').send(remoteWriteBody(series));
    assert.equal(res.status, 204, res.text);
  };
  const range = (fromMs: number, toMs: number) => `start=${fromMs / 1000}&end=${toMs / 1000}`;

  it('keep the series with points in the range, from segments and from the MemTable, to within a day', async () => {
    const fs = new MemFs();
    const first = await openApp({}, 1, fs);
    await post(first.handler, [{ labels: { __name__: 'old_metric', job: 'batch', zone: 'z1' }, samples: [[T - 3 * DAY, 1]] }]);
    // Closing flushes the MemTable: old_metric is read back from a segment.
    await first.router.close();
    const { handler: app, router } = await openApp({}, 1, fs);
    await post(app, [{ labels: { __name__: 'up', job: 'node' }, samples: [[T, 1]] }]);

    const series = async (query: string) => dataOf(await get(app, `/api/v1/series?match[]=${encodeURIComponent('{job=~".+"}')}&${query}`));
    assert.deepEqual(await series(range(T - 60_000, T + 60_000)), [{ __name__: 'up', job: 'node' }]);
    assert.deepEqual(await series(range(T - 3 * DAY - 60_000, T - 3 * DAY + 60_000)), [{ __name__: 'old_metric', job: 'batch', zone: 'z1' }]);
    assert.deepEqual(await series(range(T - 3 * DAY, T)), [{ __name__: 'old_metric', job: 'batch', zone: 'z1' }, { __name__: 'up', job: 'node' }]);
    assert.deepEqual(await series(`start=${(T - DAY) / 1000}`), [{ __name__: 'up', job: 'node' }], 'open end');
    assert.deepEqual(await series(`end=${(T - DAY) / 1000}`), [{ __name__: 'old_metric', job: 'batch', zone: 'z1' }], 'open start');
    assert.deepEqual(await series(range(T + DAY, T + 2 * DAY)), []);

    assert.deepEqual(dataOf(await get(app, `/api/v1/labels?${range(T - 60_000, T)}`)), ['__name__', 'job']);
    assert.deepEqual(dataOf(await get(app, `/api/v1/labels?${range(T - 3 * DAY, T - 2 * DAY)}`)), ['__name__', 'job', 'zone']);
    assert.deepEqual(dataOf(await get(app, `/api/v1/labels?match[]=up&${range(T - 3 * DAY, T - 2 * DAY)}`)), []);
    assert.deepEqual(dataOf(await get(app, `/api/v1/label/job/values?${range(T - 60_000, T)}`)), ['node']);
    assert.deepEqual(dataOf(await get(app, `/api/v1/label/__name__/values?${range(T - 3 * DAY, T - 2 * DAY)}`)), ['old_metric']);
    assert.deepEqual(dataOf(await get(app, `/api/v1/label/__name__/values?${range(1000, 2000)}`)), []);
    // Without start and end: everything the index holds.
    assert.deepEqual(dataOf(await get(app, '/api/v1/label/job/values')), ['batch', 'node']);
    await router.close();
  });
});

describe('/api/v1/metadata', () => {
  it('answers what remote write reported, keyed by metric', async () => {
    const app = await fixture();
    assert.deepEqual(dataOf(await get(app, '/api/v1/metadata')), { http_requests_total: [{ type: 'counter', help: 'Requests served.', unit: '' }] });
    assert.deepEqual(dataOf(await get(app, '/api/v1/metadata?metric=up')), {});
    assert.deepEqual(dataOf(await get(app, '/api/v1/metadata?limit=0')), {});
    assert.deepEqual(dataOf(await get(app, '/api/v1/metadata?limit_per_metric=1&metric=http_requests_total')), { http_requests_total: [{ type: 'counter', help: 'Requests served.', unit: '' }] });
    badData(await get(app, '/api/v1/metadata?limit=x'), 'limit must be a number');
  });
});

describe('/api/v1/query_exemplars', () => {
  let app: Handler;
  before(async () => {
    app = await fixture();
  });

  // Timestamps as Prometheus's jsonutil.MarshalTimestamp writes them: milliseconds always in three digits.
  it('answers the exemplars of the selected series (golden from Prometheus 2.42)', async () => {
    const res = await get(app, `/api/v1/query_exemplars?query=${encodeURIComponent('sum(rate(http_requests_total[5m]))')}&start=${T / 1000 - 60}&end=${T / 1000 + 60}`);
    dataOf(res);
    assert.equal(
      res.text,
      '{"status":"success","data":[{"seriesLabels":{"__name__":"http_requests_total","code":"200","job":"api"},"exemplars":[{"labels":{"trace_id":"abc"},"value":"1.5","timestamp":1700000000.500}]}]}',
    );
  });

  it('answers none outside the time range or for series without any', async () => {
    assert.deepEqual(dataOf(await get(app, `/api/v1/query_exemplars?query=http_requests_total&start=${T / 1000 + 1}`)), []);
    assert.deepEqual(dataOf(await get(app, '/api/v1/query_exemplars?query=up')), []);
  });

  it('refuses a bad query and an end before the start', async () => {
    badData(await get(app, `/api/v1/query_exemplars?query=${encodeURIComponent('foo{')}`), /^1:5: parse error: /);
    badData(await get(app, '/api/v1/query_exemplars?query=up&start=10&end=5'), 'end timestamp must not be before start timestamp');
  });
});

describe('/api/v1/format_query', () => {
  it('pretty-prints as Prometheus (goldens from Prometheus 2.42)', async () => {
    const { handler } = await openApp();
    const format = async (query: string) => dataOf(await request(handler).post('/api/v1/format_query').type('form').send({ query }));
    assert.equal(await format('foo/bar'), 'foo / bar');
    assert.equal(await format('sum(rate(foo{c=~"d.*",a="b"}[5m] offset 1h)) by (job)'), 'sum by (job) (rate(foo{a="b",c=~"d.*"}[5m] offset 1h))');
    assert.equal(await format('foo * on(a,b) group_left(c) bar'), 'foo * on (a, b) group_left (c) bar');
    assert.equal(await format('max_over_time(rate(foo[1m])[1h:] @ start() offset -5m)'), 'max_over_time(rate(foo[1m])[1h:] @ start() offset -5m)');
    assert.equal(await format('foo[12w6d] @ 1700000000.5'), 'foo[90d] @ 1700000000.500');
    assert.equal(
      await format('sum by (job, instance) (rate(http_requests_total{job="api-server",status=~"5..",method="GET"}[5m])) / sum by (job, instance) (rate(http_requests_total{job="api-server"}[5m]))'),
      '  sum by (job, instance) (rate(http_requests_total{job="api-server",method="GET",status=~"5.."}[5m]))\n/\n  sum by (job, instance) (rate(http_requests_total{job="api-server"}[5m]))',
    );
    assert.equal(
      await format('-sum(rate(http_requests_total_with_an_extraordinarily_long_metric_name_that_goes_on{job="api-server"}[5m]))'),
      '-sum(\n  rate(\n    http_requests_total_with_an_extraordinarily_long_metric_name_that_goes_on{job="api-server"}[5m]\n  )\n)',
    );
    // Prometheus 3 writes number literals without an exponent; 2.42 wrote 1e+06.
    assert.equal(await format('1e6 + foo'), '1000000 + foo');
  });

  it('refuses what does not parse', async () => {
    const { handler } = await openApp();
    badData(await get(handler, `/api/v1/format_query?query=${encodeURIComponent('foo{')}`), /^invalid parameter "query": 1:5: parse error: /);
  });
});

describe('/api/v1/parse_query', () => {
  it("answers the tree in Prometheus 3's shape", async () => {
    const { handler } = await openApp();
    const res = await get(handler, `/api/v1/parse_query?query=${encodeURIComponent('sum by (job) (rate(foo{a="b"}[5m] offset 1m)) > bool 2')}`);
    assert.deepEqual(dataOf(res), {
      type: 'binaryExpr',
      op: '>',
      lhs: {
        type: 'aggregation',
        op: 'sum',
        expr: {
          type: 'call',
          func: { name: 'rate', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
          args: [
            {
              type: 'matrixSelector',
              name: 'foo',
              range: 300000,
              offset: 60000,
              matchers: [
                { name: 'a', value: 'b', type: '=' },
                { name: '__name__', value: 'foo', type: '=' },
              ],
              timestamp: null,
              startOrEnd: null,
            },
          ],
        },
        param: null,
        grouping: ['job'],
        without: false,
      },
      rhs: { type: 'numberLiteral', val: '2' },
      matching: null,
      bool: true,
    });
  });

  it('gives set operators many-to-many matching, and subqueries their step and @', async () => {
    const { handler } = await openApp();
    const parse = async (query: string) => dataOf(await get(handler, `/api/v1/parse_query?query=${encodeURIComponent(query)}`)) as Record<string, unknown>;
    assert.deepEqual((await parse('a and on(x) b'))['matching'], { card: 'many-to-many', labels: ['x'], on: true, include: [] });
    const call = await parse('max_over_time(-a[5m:1m] @ end())');
    assert.deepEqual(call['args'], [
      {
        type: 'subquery',
        expr: { type: 'unaryExpr', op: '-', expr: { type: 'vectorSelector', name: 'a', offset: 0, matchers: [{ name: '__name__', value: 'a', type: '=' }], timestamp: null, startOrEnd: null } },
        range: 300000,
        offset: 0,
        step: 60000,
        timestamp: null,
        startOrEnd: 'end',
      },
    ]);
    badData(await get(handler, '/api/v1/parse_query?query=%29'), /^invalid parameter "query": 1:1: parse error: /);
  });
});

describe('/api/v1/status', () => {
  let app: Handler;
  before(async () => {
    app = await fixture();
  });

  it('buildinfo has Prometheus keys, the Prometheus version it answers like, the RusTs version and the Node version', async () => {
    const data = dataOf(await get(app, '/api/v1/status/buildinfo')) as Record<string, string>;
    assert.deepEqual(Object.keys(data), ['application', 'applicationVersion', 'version', 'revision', 'branch', 'buildUser', 'buildDate', 'goVersion']);
    assert.equal(data['version'], '3.0.0');
    assert.equal(data['application'], 'RusTs');
    assert.match(data['applicationVersion']!, /^\d+\.\d+\.\d+/);
    assert.equal(data['goVersion'], `node ${process.version}`);
  });

  it('runtimeinfo, flags and config', async () => {
    const runtime = dataOf(await get(app, '/api/v1/status/runtimeinfo')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(runtime), ['startTime', 'CWD', 'reloadConfigSuccess', 'lastConfigTime', 'corruptionCount', 'goroutineCount', 'GOMAXPROCS', 'GOGC', 'GODEBUG', 'storageRetention']);
    assert.equal(runtime['reloadConfigSuccess'], true);
    const flags = dataOf(await get(app, '/api/v1/status/flags')) as Record<string, string>;
    assert.equal(flags['query.lookback-delta'], '5m');
    assert.equal(flags['query.max-samples'], '50000000');
    for (const value of Object.values(flags)) assert.equal(typeof value, 'string');
    const config = dataOf(await get(app, '/api/v1/status/config')) as { yaml: string };
    assert.match(config.yaml, /^prometheus:\n(?:.*\n)*  lookback_delta: "5m"\n/m);
  });

  it('tsdb counts series by metric, label and pair', async () => {
    const data = dataOf(await get(app, '/api/v1/status/tsdb')) as {
      headStats: { numSeries: number; numLabelPairs: number; minTime: number; maxTime: number };
      seriesCountByMetricName: Array<{ name: string; value: number }>;
      labelValueCountByLabelName: Array<{ name: string; value: number }>;
      memoryInBytesByLabelName: Array<{ name: string; value: number }>;
      seriesCountByLabelValuePair: Array<{ name: string; value: number }>;
    };
    assert.equal(data.headStats.numSeries, 5);
    // __name__ x4, job x3, instance x2, code x1, host x1.
    assert.equal(data.headStats.numLabelPairs, 11);
    // Partition bounds once flushed; Prometheus's empty-head values (MaxInt64, MinInt64) before.
    assert.equal(typeof data.headStats.minTime, 'number');
    assert.equal(typeof data.headStats.maxTime, 'number');
    assert.deepEqual(data.seriesCountByMetricName, [
      { name: 'up', value: 2 },
      { name: 'cpu_usage_idle', value: 1 },
      { name: 'cpu_usage_user', value: 1 },
      { name: 'http_requests_total', value: 1 },
    ]);
    assert.deepEqual(data.labelValueCountByLabelName[0], { name: '__name__', value: 4 });
    assert.deepEqual(data.memoryInBytesByLabelName.find((s) => s.name === 'job'), { name: 'job', value: 'node'.length + 'prometheus'.length + 'api'.length });
    assert.deepEqual(data.seriesCountByLabelValuePair[0], { name: '__name__=up', value: 2 });
    assert.equal(dataOf(await get(app, '/api/v1/status/tsdb?limit=1')) !== undefined, true);
    badData(await get(app, '/api/v1/status/tsdb?limit=0'), 'limit must be a positive number');
  });
});

describe('authorization', () => {
  it('needs read access to the database', async () => {
    const users = [
      { name: 'admin', passwordHash: await hashPassword('secret'), admin: true, permissions: new Map() },
      { name: 'writer', passwordHash: await hashPassword('secret'), admin: false, permissions: new Map([['prometheus', 'write' as const]]) },
    ];
    const app = await fixture({ auth: { enabled: true, users, tokens: [] } });
    assert.equal((await get(app, '/api/v1/series?match[]=up')).status, 401);
    const refused = await get(app, '/api/v1/labels').auth('writer', 'secret');
    assert.equal(refused.status, 403);
    assert.equal((refused.body as { status: string }).status, 'error');
    assert.deepEqual(dataOf(await get(app, '/api/v1/label/job/values?match[]=up').auth('admin', 'secret')), ['node', 'prometheus']);
  });
});
