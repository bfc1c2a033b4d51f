import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FieldType, SampleRows, batchOf, floatValue, parseSeriesKey, silentLogger, type Point } from '../../src/core/index.ts';
import { MEASUREMENT_NAME } from '../../src/index/index.ts';
import { MemFs } from '../../src/storage/index.ts';
import { DatabaseNotFoundError, InvalidDatabaseNameError, LocalRouter, PointsBeyondRetentionError, emptyScanReport, shardIndex, type ScanReport } from '../../src/cluster/index.ts';

const T0 = 1_764_028_800_000n * 1_000_000n;

function open(fs: MemFs, shards = 1): Promise<LocalRouter> {
  return LocalRouter.open({ dataDir: '/data', shards }, { logger: silentLogger, fs });
}

function points(hosts: number, perHost: number): Point[] {
  const out: Point[] = [];
  for (let h = 0; h < hosts; h++) {
    for (let i = 0; i < perHost; i++) {
      out.push({ measurement: 'cpu', tags: [{ key: 'host', value: `h${h}` }], fields: [{ key: 'usage', value: floatValue(h + i / 10) }], timestamp: T0 + BigInt(i) * 10_000_000_000n });
    }
  }
  return out;
}

async function hostsIn(router: LocalRouter, db: string, report?: ScanReport): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for await (const s of router.select({ database: db }, { matchers: [{ name: MEASUREMENT_NAME, op: '=', value: 'cpu' }] }, report)) {
    seen.set(s.tags[0]!.value, s.fields[0]!.column.length);
  }
  return seen;
}

describe('LocalRouter', () => {
  it('creates databases idempotently and lists them in creation order', async () => {
    const fs = new MemFs();
    let router = await open(fs);
    await Promise.all([router.createDatabase('b'), router.createDatabase('a'), router.createDatabase('b')]);
    assert.deepEqual(router.databases(), ['b', 'a']);
    await router.dropDatabase('b');
    await router.createDatabase('b');
    await router.close();
    router = await open(fs);
    assert.deepEqual(router.databases(), ['a', 'b']);
    assert.equal(router.hasDatabase('c'), false);
    await router.close();
  });

  it('refuses names it cannot store', async () => {
    const router = await open(new MemFs());
    const f = async (name: string): Promise<void> => {
      await assert.rejects(router.createDatabase(name), InvalidDatabaseNameError, `for ${JSON.stringify(name)}`);
    };
    await f('');
    await f('x'.repeat(256));
    await f('a\nb');
    await router.close();
  });

  it('keeps odd names apart and intact across a restart', async () => {
    const fs = new MemFs();
    let router = await open(fs);
    const names = ['.', '..', 'a/b', 'a%2Fb', 'metrics 2026', 'ünï'];
    for (const name of names) await router.createDatabase(name);
    await router.close();
    router = await open(fs);
    assert.deepEqual(router.databases(), names);
    await router.close();
  });

  it('writes to an unknown database fail with DatabaseNotFoundError', async () => {
    const router = await open(new MemFs());
    await assert.rejects(router.write({ database: 'nope' }, batchOf(points(1, 1))), DatabaseNotFoundError);
    assert.throws(() => router.measurements('nope'), /database not found: "nope"/);
    await router.close();
  });

  for (const shards of [1, 4]) {
    it(`with ${shards} shard(s), reads back every series after a restart`, async () => {
      const fs = new MemFs();
      let router = await open(fs, shards);
      await router.createDatabase('db');
      const result = await router.write({ database: 'db' }, batchOf(points(20, 5)));
      assert.equal(result.written, 100);
      assert.deepEqual(result.errors, []);
      await router.close();
      router = await open(fs, 1); // the database keeps the shard count it was created with
      const report = emptyScanReport();
      const seen = await hostsIn(router, 'db', report);
      assert.equal(seen.size, 20);
      for (const n of seen.values()) assert.equal(n, 5);
      assert.equal(report.shards, shards);
      assert.equal(report.seriesMatched, 20);
      assert.equal(report.pointsRead, 100);
      assert.deepEqual(router.measurements('db'), ['cpu']);
      assert.deepEqual(router.tagKeys('db', []), ['host']);
      assert.equal(router.tagValues('db', 'host', [{ name: 'host', op: '=~', value: 'h1.*' }]).length, 11);
      assert.deepEqual([...router.fieldsOf({ database: 'db' }, 'cpu')], [['usage', FieldType.Float]]);
      assert.equal(await router.deleteSeries('db', [{ name: 'host', op: '=', value: 'h3' }]), 1);
      assert.equal((await hostsIn(router, 'db')).size, 19);
      await router.close();
    });
  }

  it('writes rows to the shard of each series, and drops rows older than the policy keeps', async () => {
    const fs = new MemFs();
    const router = await open(fs, 4);
    await router.createDatabase('db', { name: 'week', duration: 7n * 86_400_000_000_000n });
    const keys = Array.from({ length: 20 }, (_, h) => `cpu,host=h${h}`);
    const series = keys.map((key) => ({ key, ...parseSeriesKey(key), keyBytes: Buffer.from(key) }));
    const now = Date.now();
    const rows = new SampleRows();
    for (let i = 0; i < 5; i++) for (let h = 0; h < 20; h++) rows.push(h, now - 60_000 + i * 1000, h + i);
    rows.push(0, now - 8 * 86_400_000, -1);
    const result = await router.writeRows({ database: 'db' }, 'usage', rows, series);
    assert.equal(result.written, 100);
    assert.equal(result.dropped, 1);
    assert.ok(result.errors[0] instanceof PointsBeyondRetentionError);
    const seen = await hostsIn(router, 'db');
    assert.equal(seen.size, 20);
    for (const n of seen.values()) assert.equal(n, 5);
    for (const key of keys) assert.equal(router.seriesKeys('db', [{ name: 'host', op: '=', value: parseSeriesKey(key).tags[0]!.value }]).length, 1);
    await router.close();
  });

  it('spreads series over shards', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[shardIndex(`cpu,host=h${i}`, 4)]!++;
    for (const c of counts) assert.ok(c > 800 && c < 1200, `uneven: ${counts.join(',')}`);
  });

  it('drops a database with its data', async () => {
    const fs = new MemFs();
    let router = await open(fs);
    await router.createDatabase('db');
    await router.write({ database: 'db' }, batchOf(points(2, 2)));
    assert.equal(await router.dropDatabase('db'), true);
    assert.equal(await router.dropDatabase('db'), false);
    await router.close();
    router = await open(fs);
    assert.deepEqual(router.databases(), []);
    await router.createDatabase('db');
    assert.equal((await hostsIn(router, 'db')).size, 0);
    await router.close();
  });

  it('does not bring back the data of a drop that a crash cut short', async () => {
    const fs = new MemFs();
    let router = await open(fs);
    await router.createDatabase('db');
    await router.write({ database: 'db' }, batchOf(points(2, 2)));
    await router.close();
    // What a crash right after the metadata went leaves behind: the shard directories.
    await fs.unlink('/data/databases/db/database.json');
    router = await open(fs);
    assert.deepEqual(router.databases(), []);
    await router.createDatabase('db');
    assert.equal((await hostsIn(router, 'db')).size, 0);
    await router.close();
  });

  it('reports pruning: partitions outside the range and blocks are skipped', async () => {
    const router = await open(new MemFs());
    await router.createDatabase('db');
    const day = 86_400_000_000_000n;
    await router.write({ database: 'db' }, batchOf([0n, day, 2n * day].map((d) => ({ ...points(1, 1)[0]!, timestamp: T0 + d }))));
    const before = await router.stats();
    assert.equal(before.databases[0]!.shards[0]!.memtablePoints, 3);
    const report = emptyScanReport();
    for await (const s of router.select({ database: 'db' }, { matchers: [], range: { min: T0 + day, max: T0 + day } }, report)) assert.equal(s.fields[0]!.column.length, 1);
    assert.equal(report.pointsRead, 1);
    await router.close();
  });
});
