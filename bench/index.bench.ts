// Series index benchmark: getOrAdd throughput, select latency, serialize/deserialize time and
// size. Run: node --import tsx bench/index.bench.ts   (add --expose-gc for steadier figures)
// It prints figures and asserts nothing.
import { canonicalSeriesKey, type Tag } from '../src/core/index.ts';
import { BloomFilter, MEASUREMENT_NAME, SeriesIndex, type Matcher } from '../src/index/index.ts';
import { mulberry32 } from './lib/devops.ts';
import { gc, median, perSecond } from './lib/stats.ts';

interface GenSeries {
  key: string;
  measurement: string;
  tags: Tag[];
}

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-south-1'];
const ENVS = ['prod', 'staging', 'dev'];

/**
 * Node-exporter-like series: 200 metrics x 1000 instances x `n / 200000` cpus. Each instance has a
 * fixed job, region and env; a fifth of the metrics carry a `mode` tag.
 */
function generate(n: number, seed: number): GenSeries[] {
  // Seeded, so every run indexes the same series.
  const rnd = mulberry32(seed);
  const instJob = Array.from({ length: 1000 }, () => `job_${Math.floor(rnd() * 10)}`);
  const instRegion = Array.from({ length: 1000 }, () => REGIONS[Math.floor(rnd() * REGIONS.length)]!);
  const instEnv = Array.from({ length: 1000 }, () => ENVS[Math.floor(rnd() * ENVS.length)]!);
  const out: GenSeries[] = [];
  for (let i = 0; i < n; i++) {
    const metric = i % 200;
    const inst = Math.floor(i / 200) % 1000;
    const cpu = Math.floor(i / 200_000);
    const measurement = `node_metric_${metric}_total`;
    const tags: Tag[] = [{ key: 'cpu', value: String(cpu) }, { key: 'env', value: instEnv[inst]! }, { key: 'instance', value: `host-${inst}.example.com:9100` }, { key: 'job', value: instJob[inst]! }];
    if (metric % 5 === 0) tags.push({ key: 'mode', value: ['idle', 'user', 'system', 'iowait'][cpu % 4]! });
    tags.push({ key: 'region', value: instRegion[inst]! });
    out.push({ key: canonicalSeriesKey(measurement, tags), measurement, tags });
  }
  return out;
}

function build(series: GenSeries[]): { idx: SeriesIndex; ms: number } {
  const idx = new SeriesIndex();
  const t0 = performance.now();
  for (const s of series) idx.getOrAdd(s.key, s.measurement, s.tags);
  return { idx, ms: performance.now() - t0 };
}

function benchGetOrAdd(series: GenSeries[]): SeriesIndex {
  gc();
  const { idx, ms } = build(series);
  console.log(`getOrAdd new keys    n=${series.length}: ${ms.toFixed(0)} ms, ${perSecond(series.length, ms)}`);
  let sink = 0;
  const rounds = 5;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const s of series) sink += idx.getOrAdd(s.key, s.measurement, s.tags);
  const ms2 = performance.now() - t0;
  console.log(`getOrAdd known keys  n=${series.length} x${rounds}: ${ms2.toFixed(0)} ms, ${perSecond(series.length * rounds, ms2)} (sink ${sink % 10})`);
  return idx;
}

function benchSelect(idx: SeriesIndex): void {
  const N = MEASUREMENT_NAME;
  const shapes: [string, Matcher[]][] = [
    ['name=', [{ name: N, op: '=', value: 'node_metric_7_total' }]],
    ['name= instance=', [{ name: N, op: '=', value: 'node_metric_7_total' }, { name: 'instance', op: '=', value: 'host-3.example.com:9100' }]],
    ['name= region!=', [{ name: N, op: '=', value: 'node_metric_7_total' }, { name: 'region', op: '!=', value: 'eu-west-1' }]],
    ['name= job=~a|b|c', [{ name: N, op: '=', value: 'node_metric_7_total' }, { name: 'job', op: '=~', value: 'job_1|job_2|job_3' }]],
    ['job=~a|b|c', [{ name: 'job', op: '=~', value: 'job_1|job_2|job_3' }]],
    ['instance=~prefix.*', [{ name: 'instance', op: '=~', value: 'host-1.*' }]],
    ['instance=~host-[0-9]+... (full regex)', [{ name: 'instance', op: '=~', value: 'host-[0-9]+\\.example\\.com:9100' }]],
    ['name=~.*_7_.* (full regex)', [{ name: N, op: '=~', value: '.*_7_.*' }]],
    ['mode=~.+', [{ name: 'mode', op: '=~', value: '.+' }]],
    ['name= mode=""', [{ name: N, op: '=', value: 'node_metric_7_total' }, { name: 'mode', op: '=', value: '' }]],
  ];
  for (const [label, matchers] of shapes) {
    let size = 0;
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      size = idx.select(matchers).size;
      times.push(performance.now() - t0);
    }
    console.log(`select ${label.padEnd(32)} -> ${String(size).padStart(6)} series: median ${(median(times) * 1000).toFixed(0)} µs`);
  }
}

function benchPersist(idx: SeriesIndex): void {
  // Best of three: the figures are dominated by GC and by whatever else shares the machine.
  let ser = Infinity;
  let de = Infinity;
  let bytes: Uint8Array = new Uint8Array(0);
  let heap = 0;
  for (let round = 0; round < 3; round++) {
    gc();
    let t0 = performance.now();
    bytes = idx.serialize();
    ser = Math.min(ser, performance.now() - t0);
    gc();
    const before = process.memoryUsage().heapUsed;
    t0 = performance.now();
    let back: SeriesIndex | undefined = SeriesIndex.deserialize(bytes);
    de = Math.min(de, performance.now() - t0);
    gc();
    heap = process.memoryUsage().heapUsed - before;
    if (back.size !== idx.size) throw new Error('BUG: round trip lost series');
    back = undefined;
  }
  console.log(
    `persist n=${idx.size}: ${(bytes.length / 1e6).toFixed(1)} MB (${(bytes.length / idx.size).toFixed(1)} B/series), ` +
      `serialize ${ser.toFixed(0)} ms, deserialize ${de.toFixed(0)} ms (best of 3), loaded index heap ${(heap / 1e6).toFixed(0)} MB`,
  );
}

function benchBloom(series: GenSeries[], idx: SeriesIndex): void {
  const n = series.length;
  const b = BloomFilter.forCount(n);
  let t0 = performance.now();
  for (let ref = 0; ref < n; ref++) b.addHalves(idx.idLoOf(ref), idx.idHiOf(ref));
  const add = performance.now() - t0;
  // Probe with ids the filter never saw: every hit is a false positive.
  let fp = 0;
  t0 = performance.now();
  for (let ref = 0; ref < n; ref++) if (b.mayContainHalves(idx.idHiOf(ref) ^ 0x5bd1e995, idx.idLoOf(ref))) fp++;
  const probe = performance.now() - t0;
  console.log(`bloom n=${n}: ${(b.byteLength / 1e3).toFixed(0)} kB, add ${perSecond(n, add)}, probe ${perSecond(n, probe)}, false positives ${((fp / n) * 100).toFixed(2)}% (target 1%)`);
}

console.log(`node ${process.version}, ${process.arch}`);
const small = generate(100_000, 1);
const idx100k = benchGetOrAdd(small);
benchSelect(idx100k);
benchPersist(idx100k);
benchBloom(small, idx100k);

const big = generate(1_000_000, 2);
const idx1m = benchGetOrAdd(big);
benchPersist(idx1m);
