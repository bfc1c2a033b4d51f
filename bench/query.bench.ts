/**
 * Query executor latency on the devops "cpu" dataset (bench/lib/devops.ts: 100 hosts x 10 float
 * fields, 10 s interval, 12 h = 4.32 M samples), in process, through a LocalRouter over one storage
 * engine whose data has been flushed to segments (the router is closed and reopened first):
 * - `SELECT mean(usage_user) ... WHERE hostname='host_0' GROUP BY time(1m)`: 12 h of one series
 *   (4,320 points, 720 buckets);
 * - `SELECT max(usage_user) ... GROUP BY time(1h), hostname`: 12 h of all 100 hosts (432,000
 *   points, 100 groups x 12 buckets);
 * - for contrast, `median(usage_user)` (keeps the bucket's points) and a raw select of one host.
 * The first run reads blocks from disk, the others from the block cache; three more warm the JIT
 * before the timed runs.
 * Run: node --expose-gc --max-semi-space-size=16 --initial-old-space-size=128 --import tsx bench/query.bench.ts [--quick]
 * It prints figures and asserts nothing.
 */
import { LocalRouter } from '../src/cluster/index.ts';
import { silentLogger } from '../src/core/index.ts';
import { executeQuery, type LogicalQuery, type QueryContext } from '../src/query/index.ts';
import { devopsBatches, devopsDataset, DEVOPS_MEASUREMENT } from './lib/devops.ts';
import { gc, grouped, latencies, removeDir, tempDir } from './lib/stats.ts';

const quick = process.argv.includes('--quick');
const runs = quick ? 5 : 30;
const spanMs = 12 * 3600_000;
const NS = 1_000_000n;

async function time(router: LocalRouter, query: LogicalQuery): Promise<{ ms: number; rows: number }> {
  const ctx: QueryContext = { signal: new AbortController().signal, maxPoints: 100_000_000 };
  const start = performance.now();
  let rows = 0;
  for await (const series of executeQuery(router, query, ctx)) rows += series.values.length;
  return { ms: performance.now() - start, rows };
}

async function main(): Promise<void> {
  const data = devopsDataset({ spanMs });
  console.log(`devops cpu dataset: ${data.hosts.length} hosts x 10 fields, 10 s interval, 12 h: ${grouped(data.samples, 0)} samples`);
  const dir = tempDir();
  const options = { dataDir: dir, shards: 1, engine: { walDurability: { mode: 'none' as const } } };
  let router = await LocalRouter.open(options, { logger: silentLogger });
  await router.createDatabase('bench');
  for (const batch of devopsBatches(data, 5000)) await router.write({ database: 'bench' }, batch);
  await router.close(); // flushes the MemTable to segments
  router = await LocalRouter.open(options, { logger: silentLogger });

  const range = { min: BigInt(data.startMs) * NS, max: BigInt(data.startMs + spanMs) * NS - 1n };
  const base = { database: 'bench', from: { kind: 'name', name: DEVOPS_MEASUREMENT }, range } as const;
  const call = (name: 'mean' | 'max' | 'median') => ({ expr: { kind: 'call', name, args: [{ kind: 'field', name: 'usage_user' }] } }) as const;
  const oneHost = { kind: 'tag', matcher: { name: 'hostname', op: '=', value: 'host_0' } } as const;
  const cases: Array<[string, LogicalQuery, number]> = [
    ['mean(usage_user) GROUP BY time(1m), one host, 12 h', { ...base, condition: oneHost, projections: [call('mean')], groupBy: { tags: [], time: { interval: 60_000_000_000n, offset: 0n } } }, data.timestamps],
    ['max(usage_user) GROUP BY time(1h), hostname, all hosts', { ...base, projections: [call('max')], groupBy: { tags: ['hostname'], time: { interval: 3_600_000_000_000n, offset: 0n } } }, data.timestamps * data.hosts.length],
    ['median(usage_user) GROUP BY time(1h), hostname, all hosts', { ...base, projections: [call('median')], groupBy: { tags: ['hostname'], time: { interval: 3_600_000_000_000n, offset: 0n } } }, data.timestamps * data.hosts.length],
    ['raw usage_user, one host, 12 h', { ...base, condition: oneHost, projections: [{ expr: { kind: 'field', name: 'usage_user' } }], groupBy: { tags: [] } }, data.timestamps],
    ['raw usage_user, all hosts, 12 h', { ...base, projections: [{ expr: { kind: 'field', name: 'usage_user' } }], groupBy: { tags: [] } }, data.timestamps * data.hosts.length],
  ];
  for (const [name, query, points] of cases) {
    gc();
    const first = await time(router, query);
    for (let i = 0; i < 3; i++) await time(router, query);
    const ms: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs; i++) {
      const r = await time(router, query);
      ms.push(r.ms);
      rows = r.rows;
    }
    const best = Math.min(...ms);
    console.log(`${name}\n  ${grouped(points, 0)} points -> ${grouped(rows, 0)} rows; first run ${grouped(first.ms, 1)} ms; warm ${latencies(ms)}; ${grouped(points / best / 1000, 1)} M points/s at best`);
  }
  await router.close();
  removeDir(dir);
}

await main();
