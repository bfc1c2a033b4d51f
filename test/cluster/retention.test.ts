import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { batchOf, floatValue, silentLogger, type Point } from '../../src/core/index.ts';
import { MEASUREMENT_NAME } from '../../src/index/index.ts';
import { MemFs, readFileIfExists, writeFileAtomic } from '../../src/storage/index.ts';
import {
  InvalidRetentionPolicyError,
  LocalRouter,
  RetentionPolicyConflictError,
  RetentionPolicyNotFoundError,
  defaultShardDuration,
  type Namespace,
} from '../../src/cluster/index.ts';
import { RetentionEnforcer } from '../../src/retention/index.ts';

const HOUR = 3_600_000_000_000n;
const DAY = 24n * HOUR;

function open(fs: MemFs): Promise<LocalRouter> {
  return LocalRouter.open({ dataDir: '/data', shards: 2 }, { logger: silentLogger, fs });
}

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** One point per host at each of `times`. */
function points(measurement: string, times: readonly bigint[], hosts = 3): Point[] {
  return times.flatMap((timestamp, i) =>
    Array.from({ length: hosts }, (_, h) => ({ measurement, tags: [{ key: 'host', value: `h${h}` }], fields: [{ key: 'v', value: floatValue(i) }, { key: 'w', value: floatValue(h) }], timestamp })),
  );
}

async function count(router: LocalRouter, namespace: Namespace, measurement = 'cpu'): Promise<number> {
  let n = 0;
  for await (const s of router.select(namespace, { matchers: [{ name: MEASUREMENT_NAME, op: '=', value: measurement }], fields: ['v'] })) n += s.fields[0]?.column.length ?? 0;
  return n;
}

describe('retention policies', () => {
  it('gives a database autogen, kept forever, with influxd shard durations for new policies', async () => {
    const router = await open(new MemFs());
    await router.createDatabase('db');
    assert.deepEqual(router.retentionPolicies('db'), { policies: [{ name: 'autogen', duration: 0n, shardDuration: 7n * DAY, replication: 1 }], defaultPolicy: 'autogen' });
    await router.createRetentionPolicy('db', { name: 'short', duration: 2n * HOUR }, false);
    await router.createRetentionPolicy('db', { name: 'mid', duration: 100n * DAY, replication: 3 }, false);
    await router.createRetentionPolicy('db', { name: 'tiny', duration: 0n, shardDuration: 1_000_000_000n }, true);
    const { policies, defaultPolicy } = router.retentionPolicies('db');
    assert.deepEqual(
      policies.map((p) => [p.name, p.duration / HOUR, p.shardDuration / HOUR, p.replication]),
      [
        ['autogen', 0n, 168n, 1],
        ['short', 2n, 1n, 1],
        ['mid', 2400n, 24n, 3],
        ['tiny', 0n, 1n, 1],
      ],
    );
    assert.equal(defaultPolicy, 'tiny');
    assert.equal(defaultShardDuration(2n * DAY), DAY);
    assert.equal(defaultShardDuration(200n * DAY), 7n * DAY);
    await router.close();
  });

  it("refuses what influxd refuses, with influxd's words", async () => {
    const router = await open(new MemFs());
    await router.createDatabase('db');
    await assert.rejects(router.createRetentionPolicy('db', { name: 'r', duration: HOUR / 2n }, false), new InvalidRetentionPolicyError('retention policy duration must be at least 1h0m0s'));
    await assert.rejects(
      router.createRetentionPolicy('db', { name: 'r', duration: 2n * HOUR, shardDuration: 3n * HOUR }, false),
      new InvalidRetentionPolicyError('retention policy duration must be greater than the shard duration'),
    );
    await router.createRetentionPolicy('db', { name: 'r', duration: 2n * HOUR }, false);
    // The same settings again are no error; other settings, or DEFAULT on a policy that is not, are.
    await router.createRetentionPolicy('db', { name: 'r', duration: 2n * HOUR }, false);
    await assert.rejects(router.createRetentionPolicy('db', { name: 'r', duration: 3n * HOUR }, false), new RetentionPolicyConflictError('retention policy already exists'));
    await assert.rejects(router.createRetentionPolicy('db', { name: 'r', duration: 2n * HOUR }, true), new RetentionPolicyConflictError('retention policy conflicts with an existing policy'));
    await assert.rejects(router.alterRetentionPolicy('db', 'zz', { duration: 4n * HOUR }), new RetentionPolicyNotFoundError('zz'));
    await assert.rejects(router.alterRetentionPolicy('db', 'r', { duration: HOUR, shardDuration: 2n * HOUR }), InvalidRetentionPolicyError);
    await assert.rejects(router.createDatabase('db', { name: 'other' }), new RetentionPolicyConflictError('retention policy conflicts with an existing policy'));
    await router.createDatabase('db', { name: 'autogen' });
    await router.createDatabase('db');
    await router.close();
  });

  it('keeps each policy its own namespace: writes, reads and field types', async () => {
    const router = await open(new MemFs());
    await router.createDatabase('db');
    await router.createRetentionPolicy('db', { name: 'week', duration: 7n * DAY }, false);
    const now = nowNs();
    await router.write({ database: 'db' }, batchOf(points('cpu', [now - 3n * HOUR, now - HOUR])));
    await router.write({ database: 'db', retentionPolicy: 'week' }, batchOf(points('cpu', [now - HOUR])));
    assert.equal(await count(router, { database: 'db' }), 6);
    assert.equal(await count(router, { database: 'db', retentionPolicy: 'autogen' }), 6);
    assert.equal(await count(router, { database: 'db', retentionPolicy: 'week' }), 3);
    await assert.rejects(router.write({ database: 'db', retentionPolicy: 'nope' }, batchOf(points('cpu', [now]))), new RetentionPolicyNotFoundError('nope'));
    // The index is per database (SHOW SERIES, tag values), field types per policy.
    await router.write({ database: 'db', retentionPolicy: 'week' }, batchOf([{ measurement: 'mem', tags: [], fields: [{ key: 'free', value: floatValue(1) }], timestamp: now }]));
    assert.deepEqual(router.measurements('db'), ['cpu', 'mem']);
    assert.deepEqual([...router.fieldsOf({ database: 'db' }, 'mem').keys()], []);
    assert.deepEqual([...router.fieldsOf({ database: 'db', retentionPolicy: 'week' }, 'mem').keys()], ['free']);
    assert.equal(router.seriesKeys('db', []).length, 4);
    await router.close();
  });

  it('drops the points older than the policy keeps and reports them as InfluxDB does', async () => {
    const router = await open(new MemFs());
    await router.createDatabase('db', { name: 'two_hours', duration: 2n * HOUR });
    const now = nowNs();
    const result = await router.write({ database: 'db' }, batchOf(points('cpu', [now - 4n * HOUR, now - 3n * HOUR, now - 60_000_000_000n])));
    assert.equal(result.dropped, 6, 'two points per host, each with two fields, count as two points');
    assert.equal(result.errors[0]?.message, 'points beyond retention policy');
    assert.equal(await count(router, { database: 'db' }), 3);
    await router.close();
  });

  it('survives a restart and forgets a dropped policy with its data', async () => {
    const fs = new MemFs();
    let router = await open(fs);
    await router.createDatabase('db');
    await router.createRetentionPolicy('db', { name: 'r1', duration: 2n * DAY }, true);
    await router.createRetentionPolicy('db', { name: 'r2', duration: 3n * DAY }, false);
    const now = nowNs();
    await router.write({ database: 'db' }, batchOf(points('cpu', [now - HOUR])));
    await router.write({ database: 'db', retentionPolicy: 'r2' }, batchOf(points('cpu', [now - HOUR, now])));
    await router.alterRetentionPolicy('db', 'r2', { duration: 4n * DAY, replication: 2 });
    await router.close();

    router = await open(fs);
    assert.deepEqual(
      router.retentionPolicies('db').policies.map((p) => [p.name, p.duration / DAY, p.replication]),
      [
        ['autogen', 0n, 1],
        ['r1', 2n, 1],
        ['r2', 4n, 2],
      ],
    );
    assert.equal(router.retentionPolicies('db').defaultPolicy, 'r1');
    assert.equal(await count(router, { database: 'db' }), 3);
    assert.equal(await count(router, { database: 'db', retentionPolicy: 'r2' }), 6);

    // Dropping the default leaves it named, as influxd does: unnamed writes and reads then fail.
    assert.equal(await router.dropRetentionPolicy('db', 'r1'), true);
    assert.equal(await router.dropRetentionPolicy('db', 'r1'), false);
    await assert.rejects(count(router, { database: 'db' }), new RetentionPolicyNotFoundError('r1'));
    await router.close();

    router = await open(fs);
    assert.deepEqual(
      router.retentionPolicies('db').policies.map((p) => p.name),
      ['autogen', 'r2'],
    );
    assert.equal(await count(router, { database: 'db', retentionPolicy: 'r2' }), 6);
    // A policy made again under the name of a dropped one starts empty.
    await router.createRetentionPolicy('db', { name: 'r1', duration: 2n * DAY }, true);
    assert.equal(await count(router, { database: 'db' }), 0);
    await router.close();
    assert.deepEqual(await fs.readdir('/data/databases/db/rp'), ['autogen', 'r1', 'r2']);
  });

  it("removes a policy directory a crash left without its metadata, and never reads it as a new policy's", async () => {
    const fs = new MemFs();
    let router = await open(fs);
    await router.createDatabase('db');
    await router.createRetentionPolicy('db', { name: 'r', duration: 2n * DAY }, false);
    await router.write({ database: 'db', retentionPolicy: 'r' }, batchOf(points('cpu', [nowNs()])));
    await router.close();
    // What a crash between the metadata update and the removal of a drop leaves behind.
    const meta = JSON.parse(new TextDecoder().decode((await readFileIfExists(fs, '/data/databases/db/database.json'))!)) as { policies: { name: string }[] };
    meta.policies = meta.policies.filter((p) => p.name !== 'r');
    await writeFileAtomic(fs, '/data/databases/db', 'database.json', new TextEncoder().encode(JSON.stringify(meta)));
    router = await open(fs);
    assert.deepEqual(await fs.readdir('/data/databases/db/rp'), ['autogen']);
    await router.createRetentionPolicy('db', { name: 'r', duration: 2n * DAY }, false);
    assert.equal(await count(router, { database: 'db', retentionPolicy: 'r' }), 0);
    await router.close();
  });

  it('opens a database written before policies existed as autogen in place', async () => {
    const fs = new MemFs();
    let router = await open(fs);
    await router.createDatabase('db');
    await router.write({ database: 'db' }, batchOf(points('cpu', [nowNs()])));
    await router.close();
    // The old layout: shards directly in the database directory, metadata without policies.
    for (const shard of ['0', '1']) await fs.rename(`/data/databases/db/rp/autogen/${shard}`, `/data/databases/db/${shard}`);
    await fs.removeAll('/data/databases/db/rp');
    await writeFileAtomic(fs, '/data/databases/db', 'database.json', new TextEncoder().encode('{"name":"db","shards":2}\n'));
    router = await open(fs);
    assert.equal(router.retentionPolicies('db').defaultPolicy, 'autogen');
    assert.equal(await count(router, { database: 'db' }), 3);
    await router.createRetentionPolicy('db', { name: 'r', duration: 2n * DAY }, false);
    await router.close();
    router = await open(fs);
    assert.equal(await count(router, { database: 'db' }), 3);
    await router.close();
  });

  it('drops expired partitions of each policy, and only those', async () => {
    const router = await open(new MemFs());
    await router.createDatabase('db');
    await router.createRetentionPolicy('db', { name: 'day', duration: DAY }, false);
    const now = nowNs();
    const times = [now - 20n * HOUR, now - 10n * HOUR, now - HOUR];
    await router.write({ database: 'db' }, batchOf(points('cpu', times)));
    await router.write({ database: 'db', retentionPolicy: 'day' }, batchOf(points('cpu', times)));
    await router.write({ database: 'db', retentionPolicy: 'day' }, batchOf(points('mem', [now - 20n * HOUR])));
    let clock = now;
    const enforcer = new RetentionEnforcer({ router, logger: silentLogger, checkIntervalMs: 60_000, now: () => clock });
    await enforcer.check();
    assert.equal(await count(router, { database: 'db', retentionPolicy: 'day' }), 9);
    // Twelve hours on, the points written 20 hours ago are past the day policy's 24 hours; their
    // one-hour partition goes, the later ones stay. autogen keeps everything.
    clock = now + 12n * HOUR;
    await enforcer.check();
    assert.equal(await count(router, { database: 'db', retentionPolicy: 'day' }), 6);
    assert.equal(await count(router, { database: 'db' }), 9);
    // Series whose every point expired leave the index (SHOW SERIES, SHOW MEASUREMENTS).
    assert.deepEqual(router.seriesKeys('db', [{ name: MEASUREMENT_NAME, op: '=', value: 'mem' }]), []);
    assert.deepEqual(router.measurements('db'), ['cpu']);
    clock = now + 30n * HOUR;
    await enforcer.check();
    assert.equal(await count(router, { database: 'db', retentionPolicy: 'day' }), 0);
    assert.equal(await count(router, { database: 'db' }), 9);
    await enforcer.stop();
    await router.close();
  });
});
