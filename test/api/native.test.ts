import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { createApp, ServerState } from '../../src/api/index.ts';
import { DEFAULT_LIMITS, type LimitsConfig } from '../../src/api/limits/index.ts';
import { LocalRouter } from '../../src/cluster/index.ts';
import { silentLogger } from '../../src/core/index.ts';
import { MemFs } from '../../src/storage/index.ts';
import { openApp, type Handler, type TestApp } from './_app.ts';

const LIMITS: LimitsConfig = { ...DEFAULT_LIMITS, maxBodyBytes: 1 << 20, maxDecompressedBytes: 4 << 20, queryTimeoutMs: 10_000, maxQueryPoints: 1_000_000 };
const T0 = 1_764_028_800_000_000_000n; // 2025-11-25T00:00:00Z

/** Two shards per database, so that routing across shards is exercised too. */
function openNativeApp(limits: Partial<LimitsConfig> = {}): Promise<TestApp> {
  return openApp({ limits: { ...LIMITS, ...limits } }, 2);
}

function lines(hosts: number, points: number): string {
  const out: string[] = [];
  for (let i = 0; i < points; i++) {
    for (let h = 0; h < hosts; h++) out.push(`cpu,host=h${h} usage=${h * 100 + i},count=${i}i ${T0 + BigInt(i) * 10_000_000_000n}`);
  }
  return out.join('\n');
}

function post(handler: Handler, path: string, body: unknown): request.Test {
  return request(handler).post(path).set('Content-Type', 'application/json').send(JSON.stringify(body));
}

describe('native API', () => {
  let handler: Handler;
  let state: ServerState;
  let router: LocalRouter;
  before(async () => {
    ({ handler, state, router } = await openNativeApp());
    await request(handler).post('/write?db=db').send(lines(3, 6)).expect(204);
  });
  after(() => router.close());

  it('writes line protocol and reads it back exactly, int64 included', async () => {
    const res = await post(handler, '/query', { database: 'db', measurement: 'cpu', where: { tag: 'host', op: '=', value: 'h1' }, select: ['usage', 'count'], epoch: 'ns' }).expect(200);
    const series = res.body.series as Array<{ name: string; columns: string[]; values: unknown[][] }>;
    assert.equal(series.length, 1);
    assert.deepEqual(series[0]!.columns, ['time', 'usage', 'count']);
    assert.equal(series[0]!.values.length, 6);
    assert.deepEqual(series[0]!.values[2], [Number(T0 + 20_000_000_000n), 102, 2]);
  });

  it('answers times as RFC3339 by default and integers with epoch', async () => {
    const f = async (epoch: string | undefined, want: unknown) => {
      const res = await post(handler, '/query', { database: 'db', measurement: 'cpu', select: ['usage'], limit: 1, ...(epoch ? { epoch } : {}) }).expect(200);
      assert.equal(res.body.series[0].values[0][0], want, `for epoch ${epoch}`);
    };
    await f(undefined, '2025-11-25T00:00:00Z');
    await f('ms', 1_764_028_800_000);
    await f('s', 1_764_028_800);
  });

  it('groups by time and tag with a mean', async () => {
    const res = await post(handler, '/query', {
      database: 'db',
      measurement: 'cpu',
      select: [{ fn: 'mean', field: 'usage', as: 'avg' }],
      start: Number(T0 / 1_000_000n),
      end: Number(T0 / 1_000_000n) + 59_999,
      groupBy: { time: '30s', tags: ['host'] },
      epoch: 's',
    }).expect(200);
    const series = res.body.series as Array<{ tags: Record<string, string>; columns: string[]; values: number[][] }>;
    assert.deepEqual(series.map((s) => s.tags['host']), ['h0', 'h1', 'h2']);
    assert.deepEqual(series[2]!.columns, ['time', 'avg']);
    // h2 has usage 200..205 at 10 s steps: buckets [0,30) hold 200,201,202, [30,60) hold 203,204,205.
    assert.deepEqual(series[2]!.values, [[1_764_028_800, 201], [1_764_028_830, 204]]);
  });

  it('explains a query with what was pruned', async () => {
    const res = await post(handler, '/query', { database: 'db', measurement: 'cpu', select: ['usage'], explain: true }).expect(200);
    assert.ok(Array.isArray(res.body.plan) && res.body.plan.length > 0);
    assert.equal(res.body.pruning.seriesMatched, 3);
  });

  it('keeps the good lines of a partly bad write and reports the bad ones', async () => {
    const body = ['mem,host=a free=1i 1', 'mem,host=a free=', 'mem,host=a free=2i 2', 'mem,host=a free="x" 3'].join('\n');
    const res = await request(handler).post('/write?db=db').send(body).expect(400);
    assert.equal(res.body.written, 2);
    assert.equal(res.body.error, 'partial write: field type conflict: input field "free" on measurement "mem" is type string, already exists as type integer dropped=1');
    assert.equal(res.body.rejected[0].line, 2);
    assert.match(res.body.rejected[1].message, /field type conflict/);
    const back = await post(handler, '/query', { database: 'db', measurement: 'mem', select: ['free'], epoch: 'ns' }).expect(200);
    assert.deepEqual(back.body.series[0].values, [[1, 1], [2, 2]]);
  });

  it('refuses "time" as a tag key or field name as influxd 1.6.7 does (a time field alone drops its point)', async () => {
    const tag = await request(handler).post('/write?db=t').send('m,time=x v=1 1').expect(400);
    assert.equal(tag.body.error, 'partial write: invalid tag key: input tag "time" on measurement "m" is invalid dropped=1');
    const field = await request(handler).post('/write?db=t').send(['m time=1 2', 'm time=2 3'].join('\n')).expect(400);
    assert.equal(field.body.error, 'partial write: invalid field name: input field "time" on measurement "m" is invalid dropped=2');
    // Beside other fields it is left out, and the point is written.
    await request(handler).post('/write?db=t').send('m v=1,time=2,w=3 4').expect(204);
    const back = await request(handler).get('/query').query({ db: 't', q: 'SELECT * FROM m', epoch: 'ns' }).expect(200);
    assert.deepEqual(back.body.results[0].series[0], { name: 'm', columns: ['time', 'v', 'w'], values: [[4, 1, 3]] });
  });

  it('takes gzip bodies and every precision', async () => {
    await request(handler).post('/write?db=p&precision=s').set('Content-Encoding', 'gzip').send(gzipSync('m v=1 1764028800')).expect(204);
    await request(handler).post('/write?db=p&precision=u').send('m v=2 1764028801000000').expect(204);
    const res = await post(handler, '/query', { database: 'p', measurement: 'm', select: ['v'], epoch: 's' }).expect(200);
    assert.deepEqual(res.body.series[0].values, [[1_764_028_800, 1], [1_764_028_801, 2]]);
  });

  it('stamps lines without a time with the server clock, truncated to the precision', async () => {
    const before = Math.floor(Date.now() / 1000);
    await request(handler).post('/write?db=now&precision=s').send('m v=1').expect(204);
    const res = await post(handler, '/query', { database: 'now', measurement: 'm', select: ['v'], epoch: 'ns' }).expect(200);
    const ts = BigInt(res.body.series[0].values[0][0]);
    assert.equal(ts % 1_000_000_000n, 0n);
    assert.ok(Number(ts / 1_000_000_000n) >= before);
  });

  it('answers bad requests with 4xx and a reason', async () => {
    const f = async (req: request.Test, status: number, error: RegExp) => {
      const res = await req.expect(status);
      assert.match(res.body.error, error);
    };
    await f(request(handler).post('/write').send('m v=1'), 400, /database is required/);
    await f(request(handler).post('/write?db=db&precision=xs').send('m v=1'), 400, /invalid precision "xs"/);
    await f(request(handler).post('/write?db=db').set('Content-Encoding', 'gzip').send('not gzip'), 400, /gzip/i);
    await f(post(handler, '/query', { database: 'nope', measurement: 'cpu' }), 404, /database not found: "nope"/);
    await f(post(handler, '/query', { database: 'db' }), 400, /exactly one of "measurement" and "measurementRegex"/);
    await f(post(handler, '/query', { database: 'db', measurement: 'cpu', select: [{ fn: 'avg', field: 'usage' }] }), 400, /select\[0\]\.fn: expected one of/);
    await f(post(handler, '/query', { database: 'db', measurement: 'cpu', groupBy: { time: '0s' } }), 400, /groupBy\.time: must be greater than zero/);
    await f(post(handler, '/query', { database: 'db', measurement: 'cpu', start: 'yesterday' }), 400, /start: invalid time "yesterday"/);
    await f(request(handler).post('/query').set('Content-Type', 'application/json').send('{"database":'), 400, /not valid JSON/);
  });

  it('refuses a query that would load more points than allowed', async () => {
    const small = await openNativeApp({ maxQueryPoints: 5 });
    await request(small.handler).post('/write?db=db').send(lines(3, 6)).expect(204);
    const res = await post(small.handler, '/query', { database: 'db', measurement: 'cpu', select: ['usage'] }).expect(422);
    assert.match(res.body.error, /more than 5 points/);
    await small.router.close();
  });

  it('creates, lists and drops databases', async () => {
    await post(handler, '/databases', { name: 'made' }).expect(201);
    await post(handler, '/databases', { name: 'made' }).expect(200);
    const list = await request(handler).get('/databases').expect(200);
    assert.ok(list.body.databases.includes('made'));
    await request(handler).delete('/databases/made').expect(204);
    await request(handler).delete('/databases/made').expect(404);
  });

  it('reports counters and storage figures at /stats', async () => {
    const res = await request(handler).get('/stats').expect(200);
    assert.ok(res.body.series >= 3);
    assert.ok(res.body.points >= 36);
    assert.ok(res.body.http.writeRequests >= 1);
    assert.ok(res.body.http.pointsWritten >= 36);
    assert.ok(res.body.http.writeErrors >= 2, 'the partial write and the refused writes count as errors');
    assert.ok(res.body.databases >= 1);
    assert.equal(typeof res.body.uptimeSeconds, 'number');
    assert.equal(state.counters.writeRequests, res.body.http.writeRequests);
  });

  it('serves openapi.yaml', async () => {
    const res = await request(handler).get('/openapi.yaml').expect(200).expect('Content-Type', /yaml/);
    assert.match(res.text, /^openapi: /m);
  });
});

// The answers influxd 1.6.7 gives to the same requests (run by hand against it), which Telegraf and
// the v1 clients rely on; the native API adds `written` and `rejected` to a 400.
describe('POST /write as InfluxDB answers it', () => {
  let handler: Handler;
  let router: LocalRouter;
  before(async () => {
    ({ handler, router } = await openApp({ limits: LIMITS, autoCreateDatabases: false }));
    await router.createDatabase('db');
  });
  after(() => router.close());

  const f = async (query: string, body: string, status: number, error?: string) => {
    const res = await request(handler).post(`/write?${query}`).send(body).expect(status);
    if (error === undefined) return assert.equal(res.text, '', `for ${query} ${JSON.stringify(body)}`);
    assert.equal(res.body.error, error, `for ${query} ${JSON.stringify(body)}`);
    assert.equal(res.headers['x-influxdb-error'], error.replace(/\n/g, ' '));
  };

  it('answers with the statuses and error texts of influxd', async () => {
    await f('', 'cpu v=1', 400, 'database is required');
    await f('db=nope', 'cpu v=1', 404, 'database not found: "nope"');
    await f('db=db&consistency=bad', 'cpu v=1', 400, 'invalid consistency level');
    await f('db=db&consistency=quorum', 'cpu v=1 1', 204);
    await f('db=db&rp=nope', 'cpu v=1 7', 500, 'retention policy not found: nope');
    await f('db=db&rp=autogen', 'cpu v=1 8', 204);
    await f('db=db', 'cpu v=', 400, "unable to parse 'cpu v=': missing field value");
    await f('db=db', 'cpu v=1 1\ncpu v= 2\ncpu,a v=3 3\ncpu v=4 4', 400, "partial write: unable to parse 'cpu v= 2': missing field value\nunable to parse 'cpu,a v=3 3': missing tag value dropped=0");
    await f('db=db', 'cpu v=1i 5', 400, 'partial write: field type conflict: input field "v" on measurement "cpu" is type integer, already exists as type float dropped=1');
    await f('db=db', '', 204);
    await f('db=db', 'cpu v=1 1\n\ncpu v=2 2', 204);
  });

  it('sets InfluxDB headers on every answer but Prometheus API ones, and answers /ping', async () => {
    const ping = await request(handler).get('/ping').expect(204);
    assert.equal(ping.headers['x-influxdb-version'], '1.8.10');
    assert.equal(ping.headers['x-influxdb-build'], 'OSS');
    assert.match(ping.headers['request-id'] ?? '', /^[0-9a-f-]{36}$/);
    await request(handler).head('/ping').expect(204);
    const verbose = await request(handler).get('/ping?verbose=true').expect(200);
    assert.deepEqual(verbose.body, { version: '1.8.10' });
    const echoed = await request(handler).get('/health').set('X-Request-Id', 'abc').expect(200);
    assert.equal(echoed.headers['x-request-id'], 'abc');
    // Prometheus's own API answers without them; InfluxDB's Prometheus endpoints keep them.
    const prometheus = await request(handler).get('/api/v1/status/buildinfo').expect(200);
    for (const name of ['x-influxdb-version', 'x-influxdb-build', 'request-id', 'x-request-id']) assert.equal(prometheus.headers[name], undefined, name);
    const influxProm = await request(handler).post('/api/v1/prom/write?db=x').set('Content-Encoding', 'snappy').send(Buffer.from('not snappy'));
    assert.equal(influxProm.headers['x-influxdb-version'], '1.8.10');
  });
});

describe('/ready', () => {
  it('answers 503 until storage is open, and writes wait for it with a 503', async () => {
    const state = new ServerState();
    const handler = createApp({ state, logger: silentLogger, limits: LIMITS }).callback();
    const starting = await request(handler).get('/ready').expect(503);
    assert.equal(starting.body.status, 'starting');
    await request(handler).post('/write?db=x').send('m v=1').expect(503);
    // Alive, but not claiming to take writes yet.
    const alive = await request(handler).get('/health').expect(200);
    assert.equal(alive.body.status, 'pass');
    assert.match(alive.body.message, /^starting: .*\/ready/);
    const router = await LocalRouter.open({ dataDir: '/data', shards: 1 }, { logger: silentLogger, fs: new MemFs() });
    state.ready(router);
    const ready = await request(handler).get('/ready').expect(200);
    assert.equal(ready.body.status, 'ready');
    assert.equal((await request(handler).get('/health').expect(200)).body.message, 'ready for queries and writes');
    await router.close();
  });
});
