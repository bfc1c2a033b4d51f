/**
 * Storage engine figures on the devops "cpu" dataset (bench/lib/devops.ts: 100 hosts x 10 float
 * fields, 10 s interval, 12 h = 4.32 M samples):
 * - in-process ingest of already-parsed batches (5,000 lines each), per WAL mode;
 * - bytes per sample on disk after flush and compaction (2-decimal and full-precision values);
 * - full read path scan speed (select every series, all fields, whole range);
 * - WAL replay speed at start-up after a kill.
 * The latency of a durable acknowledgement is in ack-latency.bench.ts: measured in a process of
 * its own, since the gigabytes this one allocates and writes first would set its tail.
 * Run: node --max-semi-space-size=16 --initial-old-space-size=128 --import tsx bench/engine.bench.ts [--quick]
 * It prints figures and asserts nothing.
 */
import { silentLogger, type WriteBatch } from '../src/core/index.ts';
import { MEASUREMENT_NAME } from '../src/index/index.ts';
import { NodeFs, StorageEngine, type EngineOptions } from '../src/storage/index.ts';
import { devopsBatches, devopsDataset, DEVOPS_MEASUREMENT, type DevopsDataset } from './lib/devops.ts';
import { best, grouped, median, removeDir, tempDir } from './lib/stats.ts';

const quick = process.argv.includes('--quick');
const spanMs = (quick ? 2 : 12) * 3600_000;

async function openEngine(dataDir: string, options: Partial<EngineOptions> = {}): Promise<StorageEngine> {
  return StorageEngine.open({ dataDir, ...options }, { logger: silentLogger });
}

async function ingest(data: DevopsDataset, batches: WriteBatch[], options: Partial<EngineOptions>, concurrency: number): Promise<{ rate: number; engine: StorageEngine; dir: string }> {
  const dir = tempDir();
  const engine = await openEngine(dir, options);
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) await engine.write(batches[next++]!);
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { rate: data.samples / seconds, engine, dir };
}

async function main(): Promise<void> {
  console.log(`devops cpu dataset: 100 hosts x 10 fields, 10 s interval, ${spanMs / 3600_000} h`);
  const data = devopsDataset({ spanMs });
  const batches = [...devopsBatches(data, 5000)];
  console.log(`${grouped(data.samples, 0)} samples in ${batches.length} batches of 5,000 lines\n`);

  console.log('## In-process ingest of parsed batches (samples/s)');
  const modes: Array<[string, Partial<EngineOptions>]> = [
    ['every-write', { walDurability: { mode: 'every-write' } }],
    ['periodic 100ms', { walDurability: { mode: 'periodic', intervalMs: 100 } }],
    ['none (no WAL)', { walDurability: { mode: 'none' } }],
  ];
  for (const [name, options] of modes) {
    for (const concurrency of [1, 4]) {
      const rates: number[] = [];
      for (let trial = 0; trial < (quick ? 1 : 3); trial++) {
        const { rate, engine, dir } = await ingest(data, batches, options, concurrency);
        rates.push(rate);
        await engine.close();
        removeDir(dir);
      }
      console.log(`${name.padEnd(16)} writers=${concurrency}  best ${grouped(best(rates) / 1e6)} M/s  median ${grouped(median(rates) / 1e6)} M/s`);
    }
  }

  console.log('\n## Bytes per sample on disk after flush and compaction');
  for (const decimals of [2, null] as const) {
    const set = decimals === null ? devopsDataset({ spanMs, decimals: null }) : data;
    const setBatches = decimals === null ? [...devopsBatches(set, 5000)] : batches;
    const { engine, dir } = await ingest(set, setBatches, { walDurability: { mode: 'none' }, memtableMaxPoints: 1_000_000 }, 1);
    await engine.flush();
    const flushed = await engine.stats();
    await engine.compact();
    const compacted = await engine.stats();
    const label = decimals === null ? 'full-precision floats' : '2-decimal floats     ';
    console.log(`${label}  after flush ${grouped(flushed.bytesOnDisk / set.samples, 3)} B/sample (${flushed.perPartition.reduce((n, p) => n + p.segments, 0)} segments)  after compaction ${grouped(compacted.bytesOnDisk / set.samples, 3)} B/sample (${compacted.partitions} partitions, ${grouped(compacted.bytesOnDisk / 1024 / 1024)} MiB)`);

    if (decimals === 2) {
      console.log('\n## Read path: select every series, all fields, whole range (samples/s)');
      const rates: number[] = [];
      for (let trial = 0; trial < (quick ? 2 : 5); trial++) {
        const start = performance.now();
        let samples = 0;
        for await (const s of engine.select({ matchers: [{ name: MEASUREMENT_NAME, op: '=', value: DEVOPS_MEASUREMENT }] })) {
          for (const f of s.fields) samples += f.column.length;
        }
        rates.push(samples / ((performance.now() - start) / 1000));
      }
      console.log(`scan (block cache warm after trial 1)  best ${grouped(best(rates) / 1e6)} M/s  median ${grouped(median(rates) / 1e6)} M/s\n`);
    }
    await engine.close();
    removeDir(dir);
  }

  // Last, because the abandoned engine keeps its MemTable in this process's heap.
  console.log('\n## Recovery: WAL replay at start-up after a kill (every-write, nothing flushed)');
  {
    const { engine: killed, dir } = await ingest(data, batches, { walDurability: { mode: 'every-write' }, memtableMaxPoints: 100_000_000, memtableMaxBytes: 8 * 1024 ** 3 }, 1);
    // `killed` is abandoned, never closed, as a killed process would leave it; a file system object
    // of its own stands for the next process, which takes over the lock.
    const start = performance.now();
    const recovered = await StorageEngine.open({ dataDir: dir }, { logger: silentLogger, fs: new NodeFs() });
    const seconds = (performance.now() - start) / 1000;
    const replayed = (await recovered.stats()).memtablePoints;
    console.log(`replayed ${grouped(replayed, 0)} samples in ${grouped(seconds * 1000, 0)} ms: ${grouped(replayed / seconds / 1e6)} M samples/s`);
    await recovered.close();
    void killed;
    removeDir(dir);
  }
}

await main();
