/**
 * Latency of a durable acknowledgement: StorageEngine.write with every-write durability (the WAL
 * record is fsynced before the promise resolves), 100-line batches of the devops "cpu" dataset
 * (1,000 samples each), with one writer and with four concurrent writers sharing group commits.
 * Run: node --max-semi-space-size=16 --initial-old-space-size=128 --import tsx bench/ack-latency.bench.ts [--quick]
 * It prints figures and asserts nothing.
 */
import { silentLogger } from '../src/core/index.ts';
import { StorageEngine } from '../src/storage/index.ts';
import { devopsBatches, devopsDataset } from './lib/devops.ts';
import { latencies, removeDir, tempDir } from './lib/stats.ts';

const quick = process.argv.includes('--quick');
const warmup = quick ? 100 : 500;
const measured = quick ? 300 : 1500;

console.log('## Durable acknowledgement latency (every-write, 100-line batches = 1,000 samples)');
// Batches are generated as they are written: thousands of small batches held at once would make
// the garbage collector, not the engine, set the tail.
const data = devopsDataset({ spanMs: 6 * 3600_000 });
for (const concurrency of [1, 4]) {
  const dir = tempDir();
  const engine = await StorageEngine.open({ dataDir: dir, walDurability: { mode: 'every-write' } }, { logger: silentLogger });
  const ms: number[] = [];
  const batches = devopsBatches(data, 100);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < warmup + measured) {
        const i = next++;
        const batch = batches.next().value!;
        const start = performance.now();
        await engine.write(batch);
        if (i >= warmup) ms.push(performance.now() - start);
      }
    }),
  );
  console.log(`writers=${concurrency}  ${latencies(ms)}  (${ms.length} writes after ${warmup} warm-up)`);
  await engine.close();
  removeDir(dir);
}
