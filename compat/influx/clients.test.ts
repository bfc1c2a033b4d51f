// The InfluxDB client libraries that applications use, against a real RusTs server: node-influx (the
// 1.x client) and @influxdata/influxdb-client (the 2.x client, through InfluxDB 1.8's /api/v2/write).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB as InfluxV1 } from 'influx';
import { InfluxDB as InfluxV2, Point } from '@influxdata/influxdb-client';
import { silentLogger } from '../../src/core/index.ts';
import { loadConfig, startServer, type RunningServer } from '../../src/server/index.ts';

const T0 = Date.UTC(2026, 0, 1);

describe('InfluxDB client libraries against RusTs', () => {
  let dir: string;
  let server: RunningServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rusts-clients-'));
    server = await startServer(loadConfig({ bind: '127.0.0.1:0', dataDir: join(dir, 'data') }, {}, dir), { logger: silentLogger });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('node-influx pings, creates a database, writes points and queries them back', async () => {
    const influx = new InfluxV1({ host: '127.0.0.1', port: server.port, database: 'app' });
    const [ping] = await influx.ping(2000);
    assert.equal(ping?.online, true);
    assert.equal(ping?.version, '1.8.10');
    await influx.createDatabase('app');
    assert.ok((await influx.getDatabaseNames()).includes('app'));
    await influx.writePoints(
      [0, 1, 2, 3].map((i) => ({ measurement: 'response_times', tags: { host: i % 2 === 0 ? 'a' : 'b' }, fields: { duration: 10 * (i + 1), path: `/p${i}` }, timestamp: new Date(T0 + i * 30_000) })),
      { precision: 'ms' },
    );
    const rows = await influx.query<{ time: Date; mean: number }>(`SELECT mean("duration") FROM "response_times" WHERE time >= ${T0}ms AND time < ${T0 + 120_000}ms GROUP BY time(1m)`);
    assert.deepEqual(
      rows.map((r) => [r.time.getTime(), r.mean]),
      [[T0, 15], [T0 + 60_000, 35]],
    );
    const byHost = await influx.query<{ host: string; count: number }>('SELECT count("duration") FROM "response_times" GROUP BY "host"');
    assert.deepEqual(
      byHost.map((r) => [r.host, r.count]),
      [['a', 2], ['b', 2]],
    );
    assert.deepEqual(await influx.getMeasurements(), ['response_times']);
    await influx.dropDatabase('app');
    assert.ok(!(await influx.getDatabaseNames()).includes('app'));
  });

  it('@influxdata/influxdb-client writes through /api/v2/write (bucket "db/rp")', async () => {
    const client = new InfluxV2({ url: server.url, token: '' });
    const writeApi = client.getWriteApi('', 'v2db/autogen', 'ms');
    writeApi.writePoints([new Point('temperature').tag('room', 'kitchen').floatField('celsius', 21.5).intField('reading', 7).timestamp(T0)]);
    await writeApi.close();
    const res = await fetch(`${server.url}/query?db=v2db&epoch=ms&q=${encodeURIComponent('SELECT * FROM temperature')}`);
    assert.deepEqual(await res.json(), { results: [{ statement_id: 0, series: [{ name: 'temperature', columns: ['time', 'celsius', 'reading', 'room'], values: [[T0, 21.5, 7, 'kitchen']] }] }] });
  });
});
