// Retention policies, deletes, SELECT ... INTO, chunked answers and GET warnings over /query, with
// the answers influxd 1.6.7 gives (compat/influx/schema.test.ts checks the same against influxd).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { LocalRouter } from '../../src/cluster/index.ts';
import { openApp, type Handler } from './_app.ts';

describe('InfluxQL statements that change things', () => {
  let handler: Handler;
  let router: LocalRouter;
  before(async () => {
    ({ handler, router } = await openApp({ autoCreateDatabases: false }));
  });
  after(() => router.close());

  const post = async (q: string, db?: string) => (await request(handler).post('/query').type('form').send(db === undefined ? { q } : { q, db }).expect(200)).body as unknown;
  const ok = (n = 1) => ({ results: Array.from({ length: n }, (_, i) => ({ statement_id: i })) });
  const error = (message: string) => ({ results: [{ statement_id: 0, error: message }] });
  const write = (body: string, query: Record<string, string>) => request(handler).post('/write').query(query).send(body);

  it('creates, lists, alters and drops retention policies', async () => {
    assert.deepEqual(await post('CREATE DATABASE db WITH DURATION 3d SHARD DURATION 1h NAME three'), ok());
    assert.deepEqual(await post('CREATE RETENTION POLICY hourly ON db DURATION 2h REPLICATION 2'), ok());
    assert.deepEqual(await post('CREATE RETENTION POLICY hourly ON db DURATION 3h REPLICATION 2'), error('retention policy already exists'));
    assert.deepEqual(await post('CREATE RETENTION POLICY tiny ON db DURATION 30m REPLICATION 1'), error('retention policy duration must be at least 1h0m0s'));
    assert.deepEqual(await post('ALTER RETENTION POLICY hourly ON db DURATION 4h DEFAULT'), ok());
    assert.deepEqual(await post('ALTER RETENTION POLICY nope ON db DURATION 4h'), error('retention policy not found: nope'));
    assert.deepEqual(await post('SHOW RETENTION POLICIES', 'db'), {
      results: [
        {
          statement_id: 0,
          series: [
            {
              columns: ['name', 'duration', 'shardGroupDuration', 'replicaN', 'default'],
              values: [
                ['three', '72h0m0s', '1h0m0s', 1, false],
                ['hourly', '4h0m0s', '1h0m0s', 2, true],
              ],
            },
          ],
        },
      ],
    });
    assert.deepEqual(await post('DROP RETENTION POLICY three ON db; DROP RETENTION POLICY three ON db'), ok(2));
    assert.deepEqual(await post('CREATE RETENTION POLICY r ON nodb DURATION 1d REPLICATION 1'), error('database not found: nodb'));
  });

  it('writes into a policy, drops points it no longer keeps, and reads it by name', async () => {
    const now = Math.floor(Date.now() / 1000);
    await write(`cpu,host=a v=1 ${now - 60}\ncpu,host=a v=2 ${now - 5 * 3600}`, { db: 'db', precision: 's' }).expect(400, { error: 'partial write: points beyond retention policy dropped=1', written: 1, rejected: [{ message: 'points beyond retention policy' }] });
    await write(`cpu,host=a v=3 ${now - 5 * 3600}`, { db: 'db', rp: 'nope', precision: 's' }).expect(500, { error: 'retention policy not found: nope' });
    await post('CREATE RETENTION POLICY forever ON db DURATION INF REPLICATION 1');
    await write(`cpu,host=b v=4 ${now - 5 * 3600}`, { db: 'db', rp: 'forever', precision: 's' }).expect(204);
    const values = async (q: string, rp?: string) => {
      const res = await request(handler).get('/query').query({ q, db: 'db', epoch: 's', ...(rp === undefined ? {} : { rp }) }).expect(200);
      return (res.body as { results: [{ series?: [{ values: unknown[][] }] }] }).results[0].series?.[0]?.values;
    };
    assert.deepEqual(await values('SELECT v FROM cpu'), [[now - 60, 1]]);
    assert.deepEqual(await values('SELECT v FROM forever.cpu'), [[now - 5 * 3600, 4]]);
    assert.deepEqual(await values('SELECT v FROM db.forever.cpu'), [[now - 5 * 3600, 4]]);
    assert.deepEqual(await values('SELECT v FROM cpu', 'forever'), [[now - 5 * 3600, 4]]);
  });

  it('drops series and deletes points', async () => {
    await post('CREATE DATABASE del');
    await write('m,host=a v=1 1000000000\nm,host=b v=2 1000000000\nn,host=a v=3 1000000000', { db: 'del' }).expect(204);
    assert.deepEqual(await post('DROP SERIES WHERE time > 0', 'del'), error("DROP SERIES doesn't support time in WHERE clause"));
    assert.deepEqual(await post('DROP SERIES FROM m WHERE v = 1', 'del'), error('fields not supported in WHERE clause during deletion'));
    assert.deepEqual(await post('DELETE FROM m', ''), error('database not found: '));
    assert.deepEqual(await post(`DROP SERIES FROM m WHERE host = 'a'`, 'del'), ok());
    assert.deepEqual(await post('SHOW SERIES', 'del'), { results: [{ statement_id: 0, series: [{ columns: ['key'], values: [['m,host=b'], ['n,host=a']] }] }] });
    assert.deepEqual(await post('DROP MEASUREMENT n; DROP MEASUREMENT nosuch', 'del'), ok(2));
    assert.deepEqual(await post('SHOW MEASUREMENTS', 'del'), { results: [{ statement_id: 0, series: [{ name: 'measurements', columns: ['name'], values: [['m']] }] }] });
  });

  it('writes the rows of SELECT ... INTO back as points', async () => {
    await post('CREATE DATABASE into_db');
    await write('cpu,host=a v=1 100000000000\ncpu,host=a v=2 160000000000\ncpu,host=b v=3 100000000000', { db: 'into_db' }).expect(204);
    assert.deepEqual(await post('SELECT mean(v) INTO per_minute FROM cpu WHERE time >= 0 AND time < 300s GROUP BY time(1m), host', 'into_db'), {
      results: [{ statement_id: 0, series: [{ name: 'result', columns: ['time', 'written'], values: [['1970-01-01T00:00:00Z', 3]] }] }],
    });
    assert.deepEqual(await post('SHOW TAG KEYS FROM per_minute', 'into_db'), { results: [{ statement_id: 0, series: [{ name: 'per_minute', columns: ['tagKey'], values: [['host']] }] }] });
    assert.deepEqual(await post('SELECT * FROM per_minute', 'into_db'), {
      results: [
        {
          statement_id: 0,
          series: [
            {
              name: 'per_minute',
              columns: ['time', 'host', 'mean'],
              values: [
                ['1970-01-01T00:01:00Z', 'a', 1],
                ['1970-01-01T00:01:00Z', 'b', 3],
                ['1970-01-01T00:02:00Z', 'a', 2],
              ],
            },
          ],
        },
      ],
    });
    assert.deepEqual(await post('SELECT * INTO nodb..x FROM cpu', 'into_db'), error('database not found: nodb'));
    assert.deepEqual(await post('SELECT * INTO into_db.nope.x FROM cpu', 'into_db'), error('retention policy not found: nope'));
  });

  it('answers chunked=true with a document per chunk and partial flags', async () => {
    // Several JSON documents under application/json: read as text.
    const res = await request(handler)
      .get('/query')
      .query({ q: 'SELECT v FROM cpu GROUP BY host; SELECT v FROM nosuch', db: 'into_db', epoch: 's', chunked: 'true', chunk_size: '1' })
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => done(null, text));
      })
      .expect(200);
    assert.deepEqual(
      (res.body as string)
        .trimEnd().split('\n').map((line) => JSON.parse(line) as unknown),
      [
        { results: [{ statement_id: 0, series: [{ name: 'cpu', tags: { host: 'a' }, columns: ['time', 'v'], values: [[100, 1]], partial: true }], partial: true }] },
        { results: [{ statement_id: 0, series: [{ name: 'cpu', tags: { host: 'a' }, columns: ['time', 'v'], values: [[160, 2]] }], partial: true }] },
        { results: [{ statement_id: 0, series: [{ name: 'cpu', tags: { host: 'b' }, columns: ['time', 'v'], values: [[100, 3]] }] }] },
        { results: [{ statement_id: 1 }] },
      ],
    );
  });

  it('runs changes sent by GET with influxd\'s deprecation warning', async () => {
    const res = await request(handler).get('/query').query({ q: 'CREATE DATABASE "my db" WITH DURATION 2d; SHOW DATABASES; DROP DATABASE "my db"' }).expect(200);
    const results = (res.body as { results: Array<{ messages?: unknown; series?: [{ values: string[][] }] }> }).results;
    assert.deepEqual(results[0]!.messages, [{ level: 'warning', text: `deprecated use of 'CREATE DATABASE "my db" WITH DURATION 48h0m0s' in a read only context, please use a POST request instead` }]);
    assert.ok(results[1]!.series![0].values.some(([name]) => name === 'my db'));
    assert.equal(results[1]!.messages, undefined);
    assert.deepEqual(results[2]!.messages, [{ level: 'warning', text: `deprecated use of 'DROP DATABASE "my db"' in a read only context, please use a POST request instead` }]);
  });
});
