/**
 * Where a remote write request's time goes inside the server, without HTTP: snappy decompression
 * (the native `snappy` binding as the server calls it, copying its output, against the pure-JS
 * `snappyjs`), protobuf decoding (protobufjs against the hand-written decoder that fills
 * columns), and decoding plus the engine's durable write (every-write WAL, one shard). The
 * choices in src/protocol/prometheus rest on these figures.
 *
 *   shape A  2,000 series x 1 sample per request (a Prometheus queue shard)
 *   shape B  500 series x 100 samples per request
 *
 * Data: the devops dataset (bench/lib/devops.ts), 200 hosts = 2,000 series over 60 minutes at 10 s,
 * 720,000 samples, as bench/lib/remotewrite.ts encodes it (--hosts and --minutes change both: --hosts
 * 5000 --minutes 10 is 50,000 series). Each figure is the median of --runs
 * rounds (default 5) over every request of the shape; the hand decoder's series cache is warm
 * after the first round, as in a server that has seen its senders before. "new series, each" is
 * the hand decoder's time per series met for the first time (a fresh cache per request): what a
 * new sender or series churn costs.
 *
 *   node --max-semi-space-size=16 --initial-old-space-size=128 --import tsx bench/remotewrite-decode.bench.ts [--runs 5] [--hosts 200] [--minutes 60]
 *
 * It prints figures; it asserts nothing.
 */
import { createRequire } from 'node:module';
import { LocalRouter } from '../src/cluster/index.ts';
import { SeriesIds, SeriesTable, silentLogger } from '../src/core/index.ts';
import { DEFAULT_LABEL_LIMITS, decodeWriteRequest, prometheusProto, SeriesCache, uncompressSnappy } from '../src/protocol/prometheus/index.ts';
import { devopsDataset } from './lib/devops.ts';
import { remoteWriteRequests, type RequestShape } from './lib/remotewrite.ts';
import { fixed, median, numberArg, withTempDir } from './lib/stats.ts';

const require = createRequire(import.meta.url);
const snappyjs = require('snappyjs') as { uncompress(input: Uint8Array): Uint8Array };

const RUNS = numberArg('runs', 5);
const HOSTS = numberArg('hosts', 200);
const HOUR_MS = 3_600_000;
const MINUTES = numberArg('minutes', 60);

const SHAPES: ReadonlyArray<RequestShape & { readonly key: string }> = [
  { key: 'A  2,000 series x 1 sample', seriesPerRequest: 2000, samplesPerSeries: 1 },
  { key: 'B  500 series x 100 samples', seriesPerRequest: 500, samplesPerSeries: 100 },
];

/** Median over RUNS rounds of `round()`'s milliseconds. */
function timed(round: () => void): number {
  const ms: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    round();
    ms.push(performance.now() - start);
  }
  return median(ms);
}

const perSecond = (count: number, ms: number): string => `${fixed(count / ms / 1000, 2)} M/s`;

const data = devopsDataset({ hosts: HOSTS, spanMs: MINUTES * 60_000, startMs: Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 2 * HOUR_MS, intervalMs: 10_000 });
const { WriteRequest } = prometheusProto();
console.log(`remote write decoding, ${data.series.length} series, median of ${RUNS} rounds`);
console.log('shape                          | snappy    | snappyjs  | protobufjs   | hand-written | new series, each   | hand + engine write | CPU us/sample');

for (const shape of SHAPES) {
  const bodies = remoteWriteRequests(data, shape, 1).shards[0]!;
  const samples = bodies.reduce((n, b) => n + b.samples, 0);
  const raw = bodies.map((b) => uncompressSnappy(b.body, Infinity));
  const rawBytes = raw.reduce((n, b) => n + b.length, 0);

  const nativeMs = timed(() => {
    for (const b of bodies) uncompressSnappy(b.body, Infinity);
  });
  const jsMs = timed(() => {
    for (const b of bodies) snappyjs.uncompress(b.body);
  });
  let decoded = 0;
  const protobufjsMs = timed(() => {
    for (const body of raw) {
      const message = WriteRequest.toObject(WriteRequest.decode(body), { longs: Number }) as { timeseries: Array<{ samples: unknown[] }> };
      for (const ts of message.timeseries) decoded += ts.samples.length;
    }
  });
  const cache = new SeriesCache(new SeriesIds(100_000));
  const handMs = timed(() => {
    for (const body of raw) decoded += decodeWriteRequest(body, { limits: DEFAULT_LABEL_LIMITS, cache }).samples;
  });
  // Every series met for the first time: a fresh cache per request (a new sender, or series churn).
  let firstContactSeries = 0;
  const firstContactMs = timed(() => {
    for (const body of raw) firstContactSeries += decodeWriteRequest(body, { limits: DEFAULT_LABEL_LIMITS, cache: new SeriesCache(new SeriesIds(100_000)) }).newSeries.newKeys.length;
  });
  if (decoded !== 2 * RUNS * samples) throw new Error(`decoded ${decoded} samples, expected ${2 * RUNS * samples}`);

  // The whole of the server's work but HTTP: decompress, decode, write durably. A fresh engine per round.
  const writeMs: number[] = [];
  const cpuUs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    await withTempDir('rusts-rw-decode-', async (dir) => {
      const router = await LocalRouter.open({ dataDir: dir, shards: 1 }, { logger: silentLogger });
      await router.createDatabase('prometheus');
      const writeCache = new SeriesCache(new SeriesIds(100_000));
      const table = new SeriesTable();
      const cpu = process.cpuUsage();
      const start = performance.now();
      for (const b of bodies) {
        const { rows, newSeries } = decodeWriteRequest(uncompressSnappy(b.body, Infinity), { limits: DEFAULT_LABEL_LIMITS, cache: writeCache });
        table.learn(newSeries);
        await router.writeRows({ database: 'prometheus' }, 'value', rows, table.list);
      }
      writeMs.push(performance.now() - start);
      const used = process.cpuUsage(cpu);
      cpuUs.push((used.user + used.system) / samples);
      await router.close();
    });
  }
  console.log(
    [
      shape.key.padEnd(30),
      `${fixed(rawBytes / nativeMs / 1000, 0)} MB/s`.padEnd(9),
      `${fixed(rawBytes / jsMs / 1000, 0)} MB/s`.padEnd(9),
      perSecond(samples, protobufjsMs).padEnd(12),
      perSecond(samples, handMs).padEnd(12),
      `${fixed((firstContactMs * 1e3 * RUNS) / firstContactSeries, 2)} us`.padEnd(18),
      perSecond(samples, median(writeMs)).padEnd(19),
      fixed(median(cpuUs), 2),
    ].join(' | '),
  );
}
