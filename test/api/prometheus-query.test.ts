// The Prometheus query API over HTTP: /api/v1/query and /api/v1/query_range by GET and by form
// POST, with Prometheus's envelope, value encoding, parameter formats and error types.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import request from 'supertest';
import { openApp, type Handler } from './_app.ts';

// Samples every 15 s over 10 minutes from T0 (seconds), written as line protocol: metric `up`
// from measurement `up` field `value`, metric `node_cpu_seconds` from `node` field `cpu_seconds`.
const T0 = 1_700_000_000;

async function seed(handler: Handler): Promise<void> {
  const lines: string[] = [];
  for (let i = 0; i <= 40; i++) {
    const ns = BigInt(T0 + i * 15) * 1_000_000_000n;
    lines.push(`up,job=api,instance=a value=1 ${ns}`, `up,job=api,instance=b value=${i < 20 ? 1 : 0} ${ns}`, `node,instance=a cpu_seconds=${i * 1.5} ${ns}`);
  }
  const res = await request(handler).post('/write?db=prometheus').send(lines.join('\n'));
  assert.equal(res.status, 204, res.text);
}

describe('Prometheus query API', () => {
  let handler: Handler;
  before(async () => {
    ({ handler } = await openApp());
    await seed(handler);
  });

  it('answers an instant query with a vector in Prometheus envelope', async () => {
    const res = await request(handler).get('/api/v1/query').query({ query: 'up', time: T0 + 600 });
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'] ?? '', /application\/json/);
    const result = res.body.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>;
    assert.equal(res.body.status, 'success');
    assert.equal(res.body.data.resultType, 'vector');
    assert.deepEqual(
      result.sort((a, b) => (a.metric.instance! < b.metric.instance! ? -1 : 1)),
      [
        { metric: { __name__: 'up', instance: 'a', job: 'api' }, value: [T0 + 600, '1'] },
        { metric: { __name__: 'up', instance: 'b', job: 'api' }, value: [T0 + 600, '0'] },
      ],
    );
  });

  it('reads line protocol fields as metrics named measurement_field', async () => {
    const res = await request(handler).get('/api/v1/query').query({ query: 'rate(node_cpu_seconds[1m])', time: T0 + 300 });
    const [only] = res.body.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>;
    assert.deepEqual(only!.metric, { instance: 'a' });
    assert.ok(Math.abs(Number(only!.value[1]) - 0.1) < 1e-12, only!.value[1]);
  });

  it('takes a form POST, an RFC 3339 time and writes milliseconds after the point', async () => {
    const res = await request(handler)
      .post('/api/v1/query')
      .type('form')
      .send({ query: 'sum(up)', time: new Date((T0 + 60) * 1000 + 500).toISOString() });
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /"value":\[1700000060\.500,"2"\]/);
  });

  it('answers scalars and strings, with NaN and infinities as Prometheus spells them', async () => {
    const scalar = await request(handler).get('/api/v1/query').query({ query: '1 / 0', time: T0 });
    assert.deepEqual(scalar.body.data, { resultType: 'scalar', result: [T0, '+Inf'] });
    const nan = await request(handler).get('/api/v1/query').query({ query: '0 / 0', time: T0 });
    assert.deepEqual(nan.body.data.result, [T0, 'NaN']);
    const string = await request(handler).get('/api/v1/query').query({ query: '"hello"', time: T0 });
    assert.deepEqual(string.body.data, { resultType: 'string', result: [T0, 'hello'] });
  });

  it('answers a range query with a matrix sorted by labels, one point per step', async () => {
    const res = await request(handler).get('/api/v1/query_range').query({ query: 'up == 1', start: T0, end: T0 + 600, step: '2m' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.data.resultType, 'matrix');
    const [a, b] = res.body.data.result as Array<{ metric: Record<string, string>; values: [number, string][] }>;
    assert.deepEqual(a!.metric, { __name__: 'up', instance: 'a', job: 'api' });
    assert.deepEqual(a!.values.map(([t]) => t), [T0, T0 + 120, T0 + 240, T0 + 360, T0 + 480, T0 + 600]);
    // b reads 0 from 300 s on, so the filter leaves only its first three steps.
    assert.deepEqual(b!.values.map(([t]) => t), [T0, T0 + 120, T0 + 240]);
  });

  it('answers a scalar range query as one series without labels', async () => {
    const res = await request(handler).get('/api/v1/query_range').query({ query: 'time()', start: T0, end: T0 + 60, step: 30 });
    assert.deepEqual(res.body.data, { resultType: 'matrix', result: [{ metric: {}, values: [[T0, String(T0)], [T0 + 30, String(T0 + 30)], [T0 + 60, String(T0 + 60)]] }] });
  });

  it('gives bad_data 400s with Prometheus wording for bad queries and parameters', async () => {
    const cases: Array<[string, Record<string, string | number>, RegExp]> = [
      ['/api/v1/query', { query: 'sum(' }, /^invalid parameter "query": 1:5: parse error: unexpected end of input$/],
      ['/api/v1/query', { query: 'up', time: 'yesterday' }, /^invalid parameter "time": invalid time value for 'time': cannot parse "yesterday" to a valid timestamp$/],
      ['/api/v1/query_range', { query: 'up', start: 'yesterday', end: T0, step: 15 }, /^invalid parameter "start": cannot parse "yesterday" to a valid timestamp$/],
      ['/api/v1/query_range', { query: 'up', start: T0, end: T0 - 1, step: 15 }, /^invalid parameter "end": end timestamp must not be before start time$/],
      ['/api/v1/query_range', { query: 'up', start: T0, end: T0 + 60, step: 0 }, /^invalid parameter "step": zero or negative query resolution step widths are not accepted/],
      ['/api/v1/query', { query: '' }, /^invalid parameter "query": 1:1: parse error: no expression found in input$/],
      ['/api/v1/query', { query: '# a comment\n  # another' }, /^invalid parameter "query": 1:1: parse error: no expression found in input$/],
      ['/api/v1/query_range', { query: 'up', start: 0, end: T0, step: 1 }, /^exceeded maximum resolution of 11,000 points per timeseries/],
      ['/api/v1/query_range', { query: 'up[5m]', start: T0, end: T0 + 60, step: 15 }, /^invalid expression type "range vector" for range query, must be Scalar or instant Vector$/],
    ];
    for (const [path, query, message] of cases) {
      const res = await request(handler).get(path).query(query);
      assert.equal(res.status, 400, `${JSON.stringify(query)}: ${res.text}`);
      assert.equal(res.body.status, 'error');
      assert.equal(res.body.errorType, 'bad_data');
      assert.match(res.body.error, message);
    }
  });

  it('gives execution 422s for errors found while evaluating', async () => {
    const res = await request(handler).get('/api/v1/query').query({ query: 'up * on (job) up', time: T0 + 60 });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.errorType, 'execution');
    assert.match(res.body.error, /many-to-many matching not allowed/);
  });

  it('limits the samples a query may hold', async () => {
    const { handler: small } = await openApp({ prometheus: { ...(await import('../../src/api/index.ts')).DEFAULT_PROMETHEUS_CONFIG, queryMaxSamples: 10 } });
    await seed(small);
    const res = await request(small).get('/api/v1/query').query({ query: 'up[10m]', time: T0 + 600 });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.error, 'query processing would load too many samples into memory in query execution');
  });

  it('cuts the answer at `limit` series with a warning (Prometheus 3)', async () => {
    const res = await request(handler).get('/api/v1/query_range').query({ query: 'up', start: T0, end: T0 + 60, step: 30, limit: 1 });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.warnings, ['results truncated due to limit']);
    assert.deepEqual(res.body.data.result.map((s: { metric: Record<string, string> }) => s.metric.instance), ['a']);
    const all = await request(handler).get('/api/v1/query').query({ query: 'up', time: T0, limit: 2 });
    assert.equal(all.body.warnings, undefined);
    assert.equal(all.body.data.result.length, 2);
  });

  it('limits the series a query may select', async () => {
    const { handler: small } = await openApp({ prometheus: { ...(await import('../../src/api/index.ts')).DEFAULT_PROMETHEUS_CONFIG, queryMaxSeries: 2 } });
    await seed(small);
    assert.equal((await request(small).get('/api/v1/query').query({ query: 'up', time: T0 + 60 })).status, 200);
    const res = await request(small).get('/api/v1/query').query({ query: 'up + on (instance) node_cpu_seconds', time: T0 + 60 });
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(res.body, { status: 'error', errorType: 'execution', error: 'query would select more than 2 series (query_max_series)' });
  });

  it('gzips a large answer for a client that accepts it, and only then', async () => {
    const query = { query: 'up', start: T0, end: T0 + 600, step: 1 };
    const zipped = await request(handler).get('/api/v1/query_range').set('Accept-Encoding', 'gzip').query(query);
    assert.equal(zipped.status, 200);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    const plain = await request(handler).get('/api/v1/query_range').set('Accept-Encoding', 'identity').query(query);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.deepEqual(zipped.body, plain.body);
    assert.equal(plain.body.data.result[0].values.length, 601);
  });

  it('answers the same over a database split into shards', async () => {
    const { handler: sharded } = await openApp({}, 4);
    await seed(sharded);
    for (const query of ['sum(up)', 'count by (instance) (node_cpu_seconds)', 'up']) {
      const one = await request(handler).get('/api/v1/query_range').query({ query, start: T0, end: T0 + 600, step: 60 });
      const four = await request(sharded).get('/api/v1/query_range').query({ query, start: T0, end: T0 + 600, step: 60 });
      assert.deepEqual(four.body, one.body, query);
    }
  });

  it('answers an empty vector for a database nothing was written to', async () => {
    const { handler: empty } = await openApp();
    const res = await request(empty).get('/api/v1/query').query({ query: 'up', time: T0 });
    assert.deepEqual(res.body, { status: 'success', data: { resultType: 'vector', result: [] } });
  });
});
