// Grafana's Prometheus datasource against RusTs: the requests it sends on "Save & test", on
// loading a dashboard with template variables, and in Explore, in its order and forms (POST form
// bodies, as its default HTTP method is POST; query_range with start and end aligned to the step),
// each answer checked against what the data must give.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import request from 'supertest';
import snappy from 'snappy';
import { prometheusProto } from '../../src/protocol/prometheus/index.ts';
import { openApp, type Handler } from './_app.ts';

const proto = prometheusProto();
/** One hour of node exporter data, scraped every 15 s, ending at END (seconds). */
const END = 1_700_003_600;
const START = END - 3600;
const SCRAPE_S = 15;
const MODES = { idle: 0.7, user: 0.2, system: 0.1 };
const INSTANCES = ['node-1:9100', 'node-2:9100'];
const BUCKETS = ['0.1', '0.5', '1', '+Inf'];
/** Requests per second landing in each bucket (cumulative), the same at all times. */
const BUCKET_RATES = [50, 90, 99, 100];

type Labels = Record<string, string>;

function labelList(labels: Labels): Array<{ name: string; value: string }> {
  return Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => ({ name, value }));
}

function scrapeTimes(): number[] {
  const times: number[] = [];
  for (let t = START; t <= END; t += SCRAPE_S) times.push(t);
  return times;
}

function remoteWriteBody(): Buffer {
  const timeseries: object[] = [];
  const add = (labels: Labels, value: (t: number) => number) => timeseries.push({ labels: labelList(labels), samples: scrapeTimes().map((t) => ({ timestamp: t * 1000, value: value(t) })) });
  for (const instance of INSTANCES) {
    add({ __name__: 'up', job: 'node', instance }, () => 1);
    for (const [mode, share] of Object.entries(MODES)) {
      for (const cpu of ['0', '1']) add({ __name__: 'node_cpu_seconds_total', job: 'node', instance, cpu, mode }, (t) => (t - START) * share + 1000);
    }
    BUCKETS.forEach((le, i) => add({ __name__: 'http_request_duration_seconds_bucket', job: 'node', instance, le }, (t) => (t - START) * BUCKET_RATES[i]! + 10_000));
  }
  const metadata = [{ type: 1, metricFamilyName: 'node_cpu_seconds_total', help: 'Seconds the CPUs spent in each mode.', unit: '' }];
  return snappy.compressSync(Buffer.from(proto.WriteRequest.encode({ timeseries, metadata }).finish()));
}

/** Grafana's POST form request. */
function form(app: Handler, path: string, fields: Record<string, string | number>) {
  return request(app)
    .post(path)
    .type('form')
    .send(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])));
}

function dataOf(res: request.Response): any {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.status, 'success', res.text);
  return res.body.data;
}

/** Grafana aligns a range query's start and end down to multiples of the step. */
function aligned(fromS: number, toS: number, stepS: number): { start: number; end: number; step: number } {
  return { start: Math.floor(fromS / stepS) * stepS, end: Math.floor(toS / stepS) * stepS, step: stepS };
}

describe("Grafana's Prometheus datasource", () => {
  let app: Handler;
  before(async () => {
    ({ handler: app } = await openApp());
    const res = await request(app).post('/api/v1/write').set('Content-Type', 'application/x-protobuf').set('Content-Encoding', 'snappy').send(remoteWriteBody());
    assert.equal(res.status, 204, res.text);
  });

  it('passes "Save & test": the 1+1 health query at time 4, then buildinfo', async () => {
    assert.deepEqual(dataOf(await form(app, '/api/v1/query', { query: '1+1', time: 4 })), { resultType: 'scalar', result: [4, '2'] });
    const info = dataOf(await request(app).get('/api/v1/status/buildinfo'));
    // Grafana compares the version to decide which API features it may use.
    assert.match(info.version, /^[23]\.\d+\.\d+$/);
  });

  it('fills template variables: label_values(job) and label_values(up{job="node"}, instance)', async () => {
    const range = { start: START, end: END };
    assert.deepEqual(dataOf(await request(app).get('/api/v1/label/job/values').query(range)), ['node']);
    assert.deepEqual(dataOf(await request(app).get('/api/v1/label/instance/values').query({ 'match[]': 'up{job="node"}', ...range })), INSTANCES);
    // label_names() and metrics(...).
    const names = dataOf(await request(app).get('/api/v1/labels').query(range));
    for (const n of ['__name__', 'cpu', 'instance', 'job', 'le', 'mode']) assert.ok(names.includes(n), n);
    assert.deepEqual(dataOf(await request(app).get('/api/v1/label/__name__/values').query(range)), ['http_request_duration_seconds_bucket', 'node_cpu_seconds_total', 'up']);
  });

  it('draws a CPU panel: sum by (mode) (rate(...[$__rate_interval])) over the last hour at a 60 s step', async () => {
    const { start, end, step } = aligned(END - 3000, END - 7, 60);
    const data = dataOf(await form(app, '/api/v1/query_range', { query: 'sum by (mode) (rate(node_cpu_seconds_total{instance="node-1:9100"}[1m0s]))', start, end, step }));
    assert.equal(data.resultType, 'matrix');
    const modes = data.result.map((s: any) => s.metric.mode);
    assert.deepEqual(modes, ['idle', 'system', 'user']); // a range query's series come sorted by labels
    for (const series of data.result) {
      const want = 2 * MODES[series.metric.mode as keyof typeof MODES]; // two CPUs
      assert.equal(series.values.length, (end - start) / step + 1);
      series.values.forEach(([t, v]: [number, string], i: number) => {
        assert.equal(t, start + i * step);
        assert.ok(Math.abs(Number(v) - want) < 1e-9, `${series.metric.mode} at ${t}: ${v}`);
      });
    }
  });

  it('draws a latency panel: histogram_quantile(0.99, sum by (le) (rate(...)))', async () => {
    const { start, end, step } = aligned(END - 1800, END, 300);
    const data = dataOf(await form(app, '/api/v1/query_range', { query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))', start, end, step }));
    assert.equal(data.result.length, 1);
    assert.deepEqual(data.result[0].metric, {});
    // 99 % of 100 req/s fall below 1 s, exactly at the third bucket's upper bound.
    for (const [, v] of data.result[0].values) assert.ok(Math.abs(Number(v) - 1) < 1e-9, v);
  });

  it('serves Explore: metric browser, series, metadata, exemplars, "Both" queries and the format button', async () => {
    const range = { start: START, end: END };
    const series = dataOf(await form(app, '/api/v1/series', { 'match[]': 'node_cpu_seconds_total{mode="user"}', ...range }));
    assert.equal(series.length, 4);
    assert.deepEqual(series[0], { __name__: 'node_cpu_seconds_total', cpu: '0', instance: 'node-1:9100', job: 'node', mode: 'user' });
    assert.deepEqual(dataOf(await request(app).get('/api/v1/metadata')), { node_cpu_seconds_total: [{ type: 'counter', help: 'Seconds the CPUs spent in each mode.', unit: '' }] });
    assert.deepEqual(dataOf(await form(app, '/api/v1/query_exemplars', { query: 'node_cpu_seconds_total', ...range })), []);
    const instant = dataOf(await form(app, '/api/v1/query', { query: 'count by (instance) (up == 1)', time: END }));
    assert.deepEqual(
      instant.result.map((s: any) => [s.metric.instance, s.value[1]]).sort(),
      INSTANCES.map((i) => [i, '1']),
    );
    const both = dataOf(await form(app, '/api/v1/query_range', { query: 'count by (instance) (up == 1)', ...aligned(END - 600, END, 15) }));
    assert.equal(both.result.length, 2);
    assert.equal(dataOf(await form(app, '/api/v1/format_query', { query: 'sum(rate(node_cpu_seconds_total{mode!="idle"}[5m]))by(instance)' })), 'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))');
  });

  it('lists no alert rules, alerts, targets or Alertmanagers, as a Prometheus without them does', async () => {
    // Grafana's alerting pages ask a Prometheus datasource for its rules; a 404 reads as a broken datasource.
    assert.deepEqual(dataOf(await request(app).get('/api/v1/rules')), { groups: [] });
    assert.deepEqual(dataOf(await request(app).get('/api/v1/alerts')), { alerts: [] });
    assert.deepEqual(dataOf(await request(app).get('/api/v1/targets')), { activeTargets: [], droppedTargets: [] });
    assert.deepEqual(dataOf(await request(app).get('/api/v1/alertmanagers')), { activeAlertmanagers: [], droppedAlertmanagers: [] });
  });

  it('shows query errors as Prometheus reports them', async () => {
    const res = await form(app, '/api/v1/query_range', { query: 'rate(node_cpu_seconds_total)', ...aligned(START, END, 60) });
    assert.equal(res.status, 400);
    assert.equal(res.body.errorType, 'bad_data');
    assert.match(res.body.error, /expected type range vector in call to function "rate", got instant vector/);
  });
});
