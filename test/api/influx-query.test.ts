// InfluxQL over /query, with the answers influxd 1.6.7 gives for the same data and statements
// (taken by hand from it: see the shapes in test/protocol/influx/results.test.ts).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { LocalRouter } from '../../src/cluster/index.ts';
import { openApp, type Handler } from './_app.ts';

describe('InfluxQL over /query', () => {
  let handler: Handler;
  let router: LocalRouter;
  before(async () => {
    ({ handler, router } = await openApp({ autoCreateDatabases: false }));
    // Telegraf's first request.
    await request(handler).post('/query').type('form').send({ q: 'CREATE DATABASE "telegraf"' }).expect(200, { results: [{ statement_id: 0 }] });
    const lines = ['cpu,host=a,dc=x v=1.5,n=2i 1000000000', 'cpu,host=b v=2,s="q" 2000000000', 'cpu,host=a,dc=x v=2.5,n=4i 61000000000', 'mem,host=a free=10i 1000000000'];
    await request(handler).post('/write?db=telegraf').send(lines.join('\n')).expect(204);
  });
  after(() => router.close());

  const q = async (query: Record<string, string>, status = 200) => (await request(handler).get('/query').query(query).expect(status)).body as unknown;

  it('answers the SHOW statements Grafana sends for template variables', async () => {
    assert.deepEqual(await q({ q: 'SHOW DATABASES' }), { results: [{ statement_id: 0, series: [{ name: 'databases', columns: ['name'], values: [['telegraf']] }] }] });
    assert.deepEqual(await q({ q: 'SHOW MEASUREMENTS', db: 'telegraf' }), { results: [{ statement_id: 0, series: [{ name: 'measurements', columns: ['name'], values: [['cpu'], ['mem']] }] }] });
    assert.deepEqual(await q({ q: 'SHOW MEASUREMENTS WITH MEASUREMENT =~ /cp/ LIMIT 10', db: 'telegraf' }), { results: [{ statement_id: 0, series: [{ name: 'measurements', columns: ['name'], values: [['cpu']] }] }] });
    assert.deepEqual(await q({ q: 'SHOW TAG KEYS', db: 'telegraf' }), {
      results: [{ statement_id: 0, series: [{ name: 'cpu', columns: ['tagKey'], values: [['dc'], ['host']] }, { name: 'mem', columns: ['tagKey'], values: [['host']] }] }],
    });
    assert.deepEqual(await q({ q: 'SHOW TAG VALUES WITH KEY = "host"', db: 'telegraf' }), {
      results: [{ statement_id: 0, series: [{ name: 'cpu', columns: ['key', 'value'], values: [['host', 'a'], ['host', 'b']] }, { name: 'mem', columns: ['key', 'value'], values: [['host', 'a']] }] }],
    });
    assert.deepEqual(await q({ q: 'SHOW FIELD KEYS FROM "cpu"', db: 'telegraf' }), {
      results: [{ statement_id: 0, series: [{ name: 'cpu', columns: ['fieldKey', 'fieldType'], values: [['n', 'integer'], ['s', 'string'], ['v', 'float']] }] }],
    });
    assert.deepEqual(await q({ q: 'SHOW RETENTION POLICIES ON "telegraf"' }), {
      results: [{ statement_id: 0, series: [{ columns: ['name', 'duration', 'shardGroupDuration', 'replicaN', 'default'], values: [['autogen', '0s', '168h0m0s', 1, true]] }] }],
    });
  });

  it('filters SHOW statements by tag conditions, as chained Grafana variables ask', async () => {
    assert.deepEqual(await q({ q: `SHOW MEASUREMENTS WHERE "host" = 'b'`, db: 'telegraf' }), { results: [{ statement_id: 0, series: [{ name: 'measurements', columns: ['name'], values: [['cpu']] }] }] });
    assert.deepEqual(await q({ q: `SHOW TAG VALUES WITH KEY = "host" WHERE "dc" =~ /x/ AND "host" != 'b'`, db: 'telegraf' }), {
      results: [{ statement_id: 0, series: [{ name: 'cpu', columns: ['key', 'value'], values: [['host', 'a']] }] }],
    });
    assert.deepEqual(await q({ q: `SHOW TAG VALUES WITH KEY = "host" WHERE "host" = 'b' OR "dc" = 'x'`, db: 'telegraf' }), {
      results: [{ statement_id: 0, series: [{ name: 'cpu', columns: ['key', 'value'], values: [['host', 'a'], ['host', 'b']] }] }],
    });
    assert.deepEqual(await q({ q: `SHOW MEASUREMENTS WHERE time > now() - 1h`, db: 'telegraf' }), { results: [{ statement_id: 0, error: "SHOW MEASUREMENTS doesn't support time in WHERE clause" }] });
    assert.deepEqual(await q({ q: `SHOW TAG VALUES WITH KEY = "host" WHERE "v" > 1`, db: 'telegraf' }), { results: [{ statement_id: 0, error: 'invalid tag comparison operator' }] });
  });

  it('lists series keys', async () => {
    assert.deepEqual(await q({ q: 'SHOW SERIES', db: 'telegraf' }), { results: [{ statement_id: 0, series: [{ columns: ['key'], values: [['cpu,dc=x,host=a'], ['cpu,host=b'], ['mem,host=a']] }] }] });
    assert.deepEqual(await q({ q: `SHOW SERIES FROM "cpu" WHERE "host" = 'b'`, db: 'telegraf' }), { results: [{ statement_id: 0, series: [{ columns: ['key'], values: [['cpu,host=b']] }] }] });
  });

  it('counts cardinalities in InfluxDB 1.6\'s shapes, and lists users', async () => {
    const one = (statement: string) => q({ q: statement, db: 'telegraf' });
    assert.deepEqual(await one('SHOW SERIES CARDINALITY'), { results: [{ statement_id: 0, series: [{ columns: ['cardinality estimation'], values: [[3]] }] }] });
    assert.deepEqual(await one('SHOW MEASUREMENT EXACT CARDINALITY'), { results: [{ statement_id: 0, series: [{ columns: ['count'], values: [[2]] }] }] });
    assert.deepEqual(await one('SHOW TAG VALUES CARDINALITY WITH KEY = "host"'), {
      results: [{ statement_id: 0, series: [{ name: 'cpu', columns: ['count'], values: [[2]] }, { name: 'mem', columns: ['count'], values: [[1]] }] }],
    });
    assert.deepEqual(await one('SHOW FIELD KEY CARDINALITY FROM "cpu"'), { results: [{ statement_id: 0, series: [{ name: 'cpu', columns: ['count'], values: [[3]] }] }] });
    assert.deepEqual(await one('SHOW USERS'), { results: [{ statement_id: 0, series: [{ columns: ['user', 'admin'] }] }] });
  });

  it('runs a Grafana-style SELECT with a time filter, GROUP BY time and fill', async () => {
    const body = await q({ q: 'SELECT mean("v") FROM "cpu" WHERE ("host" =~ /^a$/) AND time >= 0ms and time <= 119999ms GROUP BY time(1m) fill(null)', db: 'telegraf', epoch: 'ms' });
    assert.deepEqual(body, { results: [{ statement_id: 0, series: [{ name: 'cpu', columns: ['time', 'mean'], values: [[0, 1.5], [60000, 2.5]] }] }] });
  });

  it('answers each statement on its own, errors included', async () => {
    assert.deepEqual(await q({ q: 'SHOW DATABASES; SELECT x FROM y', db: 'nope' }), {
      results: [{ statement_id: 0, series: [{ name: 'databases', columns: ['name'], values: [['telegraf']] }] }, { statement_id: 1, error: 'database not found: nope' }],
    });
    assert.deepEqual(await q({ q: 'SHOW MEASUREMENTS' }), { results: [{ statement_id: 0, error: 'database name required' }] });
    assert.deepEqual(await q({ q: 'SELECT v FROM nope', db: 'telegraf' }), { results: [{ statement_id: 0 }] });
  });

  it('refuses requests it cannot parse with a 400', async () => {
    assert.deepEqual(await q({}, 400), { error: 'missing required parameter "q"' });
    const body = (await q({ q: 'SELECT bad(' }, 400)) as { error: string };
    assert.match(body.error, /^error parsing query: /);
  });

  it('answers in CSV when asked', async () => {
    const res = await request(handler).get('/query').set('Accept', 'application/csv').query({ q: 'SELECT v FROM cpu WHERE time < 61s GROUP BY host', db: 'telegraf' }).expect(200);
    assert.equal(res.text, 'name,tags,time,v\ncpu,host=a,1000000000,1.5\ncpu,host=b,2000000000,2\n');
  });

  it('still takes the native JSON query on POST /query', async () => {
    const res = await request(handler).post('/query').set('Content-Type', 'application/json').send(JSON.stringify({ database: 'telegraf', measurement: 'mem', epoch: 's' })).expect(200);
    assert.deepEqual(res.body, { series: [{ name: 'mem', tags: {}, columns: ['time', 'free', 'host'], values: [[1, 10, 'a']] }] });
  });

  it('drops a database', async () => {
    await request(handler).post('/query').query({ q: 'CREATE DATABASE other; DROP DATABASE other' }).expect(200, { results: [{ statement_id: 0 }, { statement_id: 1 }] });
    assert.deepEqual(router.databases(), ['telegraf']);
  });
});
