/**
 * Prometheus remote_write ingest throughput of the RusTs server beside VictoriaMetrics and
 * Prometheus's own receiver, on the same machine and the same pre-encoded requests. Each receiver
 * runs as a child process on 127.0.0.1 with a fresh data directory, once per request shape:
 *
 *   shape A  2,000 TimeSeries entries x 1 sample per request: what a Prometheus queue shard sends
 *            (a series comes back in the same request at its next timestamp when a shard holds
 *            fewer than 2,000 series); 500 hosts = 5,000 series, 4.5 M samples
 *   shape B  500 series x 100 samples per request: a batching agent or a backfill; 1,600 hosts =
 *            16,000 series, 14.4 M samples (so that the fast receivers take seconds, not one)
 *
 *   RusTs            POST /api/v1/write, as `npm start` runs it
 *   VictoriaMetrics  POST /api/v1/write, -retentionPeriod=100y
 *   Prometheus       POST /api/v1/write, --web.enable-remote-write-receiver, no scrape targets
 *
 * Data: the devops "cpu" dataset (bench/lib/devops.ts: 10 float fields per host with 2 decimals,
 * 10 s interval, 150 min; fixed seed), each (host, field) a series `cpu_<field>{arch=...,
 * datacenter=..., hostname=..., ..., team=...}` with 10 labels and `__name__`, sorted by name. It
 * ends 5 minutes before the bench starts, and spans less than the 3 h after which Prometheus cuts a
 * block from its head, so Prometheus takes every sample and does no compaction meanwhile.
 * Requests are `prompb.WriteRequest`s, snappy block-compressed, all encoded before the clock
 * starts. The series are split over 4 shards (series index mod 4); each shard's requests go in
 * order over its own keep-alive connection, the next when the previous answer is in, and no shard
 * runs more than 30 min of data time ahead of the slowest: Prometheus rejects a sample older than
 * its series' last one, or older than an hour before the newest of all (research/peers.md).
 *
 * Reported per receiver and shape: samples/s (accepted samples / wall time from the first send to
 * the last answer), request p50 / p99, server CPU seconds and peak RSS (VmHWM) from /proc/PID,
 * answers by status with the first error bodies, and how many samples a PromQL count over
 * /api/v1/query then finds ("-" where the receiver has no such API). A receiver whose binary is
 * missing is skipped, with the reason.
 *
 *   node --import tsx bench/remotewrite.bench.ts [--quick] [--only rusts,vm,prometheus] [--shapes A,B]
 *        [--hosts-a 500] [--hosts-b 1600] [--minutes 150] [--runs 1] [--shards 4] [--rusts-path /api/v1/write]
 *        [--rusts-wal every-write|periodic|os-default|none] [--rusts-ingest key=value,...] [--threads] [--cpu-prof DIR]
 *        [--rusts-base DIR] [--timeline] [--warm-up]
 *
 * --rusts-wal sets RusTs's `wal_durability` (default `every-write`, its default: an fsync before
 * each answer). The peers answer before anything is fsynced, like RusTs's `os-default`.
 * --rusts-ingest sets keys of RusTs's `[ingest]` section, e.g. `parse_workers=2`
 * (default: the server's defaults).
 * --rusts-base DIR also runs the RusTs of another checkout (a git worktree of the commit to compare
 * against, with node_modules), as "RusTs, base", taking turns with the others on the same requests:
 * this machine's speed moves the figures 10-30% from run to run, so a change of a few percent shows
 * only in many such interleaved runs (--runs 8).
 * --warm-up first sends, before the clock starts, 20 minutes of the same shape of data for other
 * series (metric names warmup_<field>, at the start of the span), so that the run measures a
 * receiver that has been running rather than one just started: RusTs's code runs interpreted until
 * V8 has compiled it, which takes its first requests several times their steady time.
 * --timeline prints each run's accepted samples/s per 250 ms: a start-up ramp, or the dip of a
 * MemTable flush (shape B's 14.4 M samples pass RusTs's 8 M-point flush trigger once).
 * --threads prints each receiver's CPU seconds per thread during the ingest, with the system time and
 * the minor page faults in them (from /proc/PID/task).
 * --cpu-prof DIR runs the RusTs server with `node --cpu-prof` and prints each thread's top
 * self-time functions during the ingest.
 * --minutes above 175 makes Prometheus cut blocks from its head during the ingest (more CPU).
 * --quick is a smoke run: 40 hosts x 20 minutes (48,000 samples) per shape. With --runs N each
 * receiver and shape runs N times, on a fresh server each time, the receivers taking turns, and the
 * tables show medians. It prints figures; it asserts nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { devopsDataset, DEVOPS_FIELDS, DEVOPS_MEASUREMENT } from './lib/devops.ts';
import { monotonicUs, printThreadProfile, threadProfiles, type ThreadProfile } from './lib/cpuprofile.ts';
import { REMOTE_WRITE_HEADERS, remoteWriteRequests, type RequestShape } from './lib/remotewrite.ts';
import { postShards, samplesPerInterval, timeRequests, type LoadResult, type ShardBody } from './lib/http.ts';
import { freePort, sleep, stopAll, stopAllOnSignal, type ThreadCpu } from './lib/process.ts';
import { prometheusReceiver, rustsInfo, selectTargets, startRusts, victoriaMetricsReceiver, type RemoteWriteReceiver } from './lib/receivers.ts';
import { ascending, fixed, grouped, median, numberArg, quantile, removeDir, stringArg, tempDir } from './lib/stats.ts';

const QUICK = process.argv.includes('--quick');
const HOSTS_A = numberArg('hosts-a', QUICK ? 40 : 500);
const HOSTS_B = numberArg('hosts-b', QUICK ? 40 : 1600);
const MINUTES = numberArg('minutes', QUICK ? 20 : 150);
const RUNS = numberArg('runs', 1);
const SHARDS = numberArg('shards', 4);
const ONLY = stringArg('only', 'rusts,vm,prometheus').split(',');
const SHAPES = stringArg('shapes', 'A,B').split(',');
const RUSTS_PATH = stringArg('rusts-path', '/api/v1/write');
// RusTs's default fsyncs before every answer; Prometheus and VictoriaMetrics answer before their
// WAL or buffers reach the disk, which is RusTs's "os-default" (a killed process loses nothing).
const RUSTS_WAL = stringArg('rusts-wal', 'every-write');
const RUSTS_INGEST = stringArg('rusts-ingest', '');
const CPU_PROF = stringArg('cpu-prof', '');
const THREADS = process.argv.includes('--threads');
const TIMELINE = process.argv.includes('--timeline');
const WARM_UP = process.argv.includes('--warm-up');
const WARM_UP_MINUTES = 20;
const TIMELINE_MS = 250;
const RUSTS_BASE = stringArg('rusts-base', '');

const MINUTE_MS = 60_000;
const INTERVAL_MS = 10_000;
// Recent, for VictoriaMetrics' retention and Prometheus' head, and ending a little before now.
const START_MS = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - (MINUTES + 5) * MINUTE_MS;
/** Sending stops after this long, finished or not. */
const MAX_LOAD_SECONDS = 300;
/**
 * How far, in data time, a shard may run ahead of the slowest one: Prometheus rejects ("out of
 * bounds") a sample more than 1 h older than the newest one of any series.
 */
const MAX_LEAD_MS = 30 * MINUTE_MS;

const REPO = resolve(import.meta.dirname, '..');

// ---- request shapes and their bodies

interface Shape extends RequestShape {
  readonly key: string;
  readonly text: string;
  /** Of the devops dataset: 10 series each. */
  readonly hosts: number;
}

const ALL_SHAPES: readonly Shape[] = [
  { key: 'A', text: '2,000 series x 1 sample per request (a Prometheus queue shard)', hosts: HOSTS_A, seriesPerRequest: 2000, samplesPerSeries: 1 },
  { key: 'B', text: '500 series x 100 samples per request', hosts: HOSTS_B, seriesPerRequest: 500, samplesPerSeries: 100 },
];

interface Workload {
  readonly shape: Shape;
  /** One list per shard, in the order the shard sends them; `order` is a body's first timestamp. */
  readonly shards: readonly (readonly ShardBody[])[];
  readonly series: number;
  readonly samples: number;
  readonly span: Span;
  readonly requests: number;
  readonly snappyBytes: number;
  readonly rawBytes: number;
  readonly encodeSeconds: number;
  /** Requests for other series sent before the clock starts (--warm-up). */
  readonly warmUp: readonly (readonly ShardBody[])[] | undefined;
}

/**
 * The devops dataset of `shape.hosts` hosts as remote write requests of `shape`, per shard (see
 * remoteWriteRequests).
 */
function workload(shape: Shape): Workload {
  const start = performance.now();
  const data = devopsDataset({ hosts: shape.hosts, spanMs: MINUTES * MINUTE_MS, startMs: START_MS, intervalMs: INTERVAL_MS });
  const { shards, snappyBytes, rawBytes } = remoteWriteRequests(data, shape, SHARDS);
  const warmUp = WARM_UP
    ? remoteWriteRequests(devopsDataset({ hosts: shape.hosts, spanMs: WARM_UP_MINUTES * MINUTE_MS, startMs: START_MS, intervalMs: INTERVAL_MS, seed: 7 }), shape, SHARDS, 'warmup').shards
    : undefined;
  const ms = data.series[0]!.column.ms;
  return {
    shape,
    shards,
    series: data.series.length,
    span: { firstMs: ms[0]!, lastMs: ms[data.timestamps - 1]! },
    samples: shards.reduce((n, bodies) => n + bodies.reduce((m, b) => m + b.samples, 0), 0),
    requests: shards.reduce((n, bodies) => n + bodies.length, 0),
    snappyBytes,
    rawBytes,
    encodeSeconds: (performance.now() - start) / 1000,
    warmUp,
  };
}

// ---- the receivers

interface Target extends RemoteWriteReceiver<'rusts' | 'rusts-base' | 'vm' | 'prometheus'> {
  readonly writePath: string;
}

/** RusTs from checkout `repo` (default this one), with the configuration the options give. */
function rustsTarget(repo?: string): Target {
  const name = RUSTS_WAL === 'every-write' ? 'RusTs' : `RusTs (${RUSTS_WAL})`;
  return {
    ...rustsInfo(),
    key: repo === undefined ? 'rusts' : 'rusts-base',
    name: repo === undefined ? name : `${name}, base`,
    writePath: RUSTS_PATH,
    start(dir, dataDir, logFile, port, profileDir) {
      const configFile = join(dir, 'rusts.toml');
      const ingest = RUSTS_INGEST === '' ? '' : `[ingest]\n${RUSTS_INGEST.split(',').join('\n')}\n`;
      writeFileSync(configFile, `[storage]\nwal_durability = "${RUSTS_WAL}"\n${ingest}`);
      return startRusts({ dataDir, logFile, port, profileDir, configFile, repo });
    },
    async flush() {},
  };
}

const rusts = rustsTarget();

const victoriaMetrics = (binary: string): Target => ({ ...victoriaMetricsReceiver(binary), writePath: '/api/v1/write' });

const prometheus = (binary: string): Target => ({ ...prometheusReceiver(binary), writePath: '/api/v1/write' });

// ---- one run

interface RunResult {
  readonly run: number;
  readonly idleRss: number;
  readonly load: LoadResult;
  readonly serverCpuSeconds: number;
  readonly peakRss: number;
  /** Samples a PromQL count over the whole span finds after the ingest; undefined without an answer. */
  readonly stored: number | undefined;
  readonly profile?: readonly ThreadProfile[];
  /** CPU seconds of each thread that used at least 10 ms during the ingest, busiest first (--threads). */
  readonly threads?: readonly ThreadShare[];
}

interface ThreadShare extends ThreadCpu {
  readonly tid: number;
}

/** Each thread's CPU between two readings of ServerProcess.threadCpuSeconds, busiest first. */
function threadShares(before: Map<number, ThreadCpu>, after: Map<number, ThreadCpu>): ThreadShare[] {
  const shares: ThreadShare[] = [];
  for (const [tid, now] of after) {
    const then = before.get(tid) ?? { seconds: 0, systemSeconds: 0, minorFaults: 0 };
    const used = now.seconds - then.seconds;
    if (used >= 0.01) shares.push({ tid, name: now.name, seconds: used, systemSeconds: now.systemSeconds - then.systemSeconds, minorFaults: now.minorFaults - then.minorFaults });
  }
  return shares.sort((a, b) => b.seconds - a.seconds);
}

interface Span {
  readonly firstMs: number;
  readonly lastMs: number;
}

async function runOnce(target: Target, work: Workload, run: number, root: string): Promise<RunResult> {
  const dir = join(root, `${target.key}-${work.shape.key}-${run}`);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const profileDir = CPU_PROF !== '' && target.key === 'rusts' ? resolve(CPU_PROF, `${work.shape.key}-${run}`) : undefined;
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = target.start(dir, dataDir, join(root, `${target.key}-${work.shape.key}-${run}.log`), port, profileDir);
  let window: [number, number] = [0, 0];
  let result: RunResult;
  try {
    await server.waitHttp(base + target.readyPath);
    const idleRss = server.memory().rss;
    if (work.warmUp !== undefined) {
      const warm = await postShards(base + target.writePath, work.warmUp, { headers: REMOTE_WRITE_HEADERS, maxLead: MAX_LEAD_MS, maxSeconds: MAX_LOAD_SECONDS });
      if (warm.failedRequests > 0) throw new Error(`${warm.failedRequests} warm-up requests failed: ${warm.errors[0]}`);
    }
    const cpu0 = server.cpuSeconds();
    const threads0 = THREADS ? server.threadCpuSeconds() : undefined;
    const from = monotonicUs();
    const load = await postShards(base + target.writePath, work.shards, { headers: REMOTE_WRITE_HEADERS, maxLead: MAX_LEAD_MS, maxSeconds: MAX_LOAD_SECONDS });
    window = [from, monotonicUs()];
    const serverCpuSeconds = server.cpuSeconds() - cpu0;
    const threads = threads0 === undefined ? undefined : threadShares(threads0, server.threadCpuSeconds());
    const peakRss = server.memory().peakRss;
    await target.flush(base);
    const stored = await storedSamples(base, work.span, load.acceptedSamples);
    result = { run, idleRss, load, serverCpuSeconds, peakRss, stored, threads };
  } finally {
    await server.stop();
    removeDir(dir);
  }
  // node writes the profile as the server exits.
  return profileDir === undefined ? result : { ...result, profile: threadProfiles(profileDir, window, 20, REPO) };
}

/**
 * The sum of `count_over_time` of every metric over the whole span through /api/v1/query, polled
 * every 100 ms for at most 30 s until it reaches `want`; undefined if the receiver has no such API
 * (or no answer).
 */
async function storedSamples(base: string, span: Span, want: number): Promise<number | undefined> {
  const window = `${(span.lastMs - span.firstMs + INTERVAL_MS) / 1000}s`;
  // One term per metric: count_over_time drops the metric name, and Prometheus refuses the
  // same label set from two metrics in one vector.
  const query = DEVOPS_FIELDS.map((f) => `sum(count_over_time(${DEVOPS_MEASUREMENT}_${f}[${window}]))`).join(' + ');
  const url = `${base}/api/v1/query?query=${encodeURIComponent(query)}&time=${span.lastMs / 1000}&nocache=1`;
  const count = async (): Promise<number | undefined> => {
    const { status, body } = await timeRequests({ url, method: 'GET' }, 0, 30_000);
    if (status !== 200) return undefined;
    try {
      const answer = JSON.parse(body.toString()) as { data?: { result?: { value?: [number, string] }[] } };
      const value = answer.data?.result?.[0]?.value?.[1];
      return value === undefined ? 0 : Number(value);
    } catch {
      return undefined;
    }
  };
  const deadline = performance.now() + 30_000;
  let seen = await count();
  while (seen !== undefined && seen !== want && performance.now() < deadline) {
    await sleep(100);
    seen = await count();
  }
  return seen;
}

// ---- output

const MiB = 1024 * 1024;
const rate = (r: RunResult): number => r.load.acceptedSamples / r.load.seconds;
const requestQuantile = (r: RunResult, q: number): number => quantile(ascending(r.load.latenciesMs), q);
const medianOf = (runs: readonly RunResult[], f: (r: RunResult) => number): number => median(runs.map(f));
const statusText = (l: LoadResult): string =>
  Object.entries(l.statuses)
    .map(([status, n]) => `${status === '0' ? 'no answer' : status} x ${n}`)
    .join(', ');

interface Row {
  readonly label: string;
  readonly value: (runs: readonly RunResult[]) => number;
  readonly digits: number;
}

const ROWS: readonly Row[] = [
  { label: 'ingest, samples/s', value: (rs) => medianOf(rs, rate), digits: 0 },
  { label: 'ingest wall time, s', value: (rs) => medianOf(rs, (r) => r.load.seconds), digits: 2 },
  { label: 'samples accepted', value: (rs) => medianOf(rs, (r) => r.load.acceptedSamples), digits: 0 },
  { label: 'requests failed', value: (rs) => medianOf(rs, (r) => r.load.failedRequests), digits: 0 },
  { label: 'write request p50, ms', value: (rs) => medianOf(rs, (r) => requestQuantile(r, 0.5)), digits: 1 },
  { label: 'write request p99, ms', value: (rs) => medianOf(rs, (r) => requestQuantile(r, 0.99)), digits: 1 },
  { label: 'server CPU-seconds for the ingest', value: (rs) => medianOf(rs, (r) => r.serverCpuSeconds), digits: 2 },
  { label: 'server CPU-µs per sample accepted', value: (rs) => medianOf(rs, (r) => (r.serverCpuSeconds / r.load.acceptedSamples) * 1e6), digits: 3 },
  { label: 'load driver CPU-seconds', value: (rs) => medianOf(rs, (r) => r.load.clientCpuSeconds), digits: 2 },
  { label: 'idle RSS, MiB', value: (rs) => medianOf(rs, (r) => r.idleRss / MiB), digits: 0 },
  { label: 'peak RSS (VmHWM) after ingest, MiB', value: (rs) => medianOf(rs, (r) => r.peakRss / MiB), digits: 0 },
  { label: 'samples a PromQL count finds', value: (rs) => medianOf(rs, (r) => r.stored ?? NaN), digits: 0 },
];

function printShape(work: Workload, targets: readonly Target[], results: ReadonlyMap<Target, RunResult[]>): void {
  const ran = targets.filter((t) => (results.get(t) ?? []).length > 0);
  console.log(`\n## Shape ${work.shape.key}: ${work.shape.text}; median of ${RUNS} run(s)\n`);
  console.log(`| metric | ${ran.map((t) => `${t.name} ${t.version}`).join(' | ')} |`);
  console.log(`| --- |${ran.map(() => ' --- |').join('')}`);
  for (const row of ROWS) {
    const cells = ran.map((t) => {
      const v = row.value(results.get(t)!);
      return Number.isNaN(v) ? '-' : grouped(v, row.digits);
    });
    console.log(`| ${row.label} | ${cells.join(' | ')} |`);
  }
  const ours = results.get(rusts) ?? [];
  const ratios = ran
    .filter((t) => t !== rusts)
    .map((t) => {
      const theirs = results.get(t)!;
      const ratio = ours.length > 0 ? fixed(medianOf(ours, rate) / medianOf(theirs, rate), 2) : '- (RusTs did not run)';
      return `RusTs / ${t.name} ${ratio}`;
    });
  if (ratios.length > 0) console.log(`\nShape ${work.shape.key} samples/s ratio: ${ratios.join(', ')}`);

  console.log(`\n| receiver | run | samples ok / rejected | answers | wall s | samples/s | req p50 / p99 / max ms | server CPU s | driver CPU s | VmHWM MiB | PromQL count |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const t of ran) {
    for (const r of results.get(t)!) {
      const l = r.load;
      const lat = ascending(l.latenciesMs);
      console.log(
        `| ${t.name} | ${r.run} | ${grouped(l.acceptedSamples, 0)} / ${grouped(l.rejectedSamples, 0)} | ${statusText(l)} | ${fixed(l.seconds, 3)} | ${grouped(rate(r), 0)} | ` +
          `${fixed(quantile(lat, 0.5), 1)} / ${fixed(quantile(lat, 0.99), 1)} / ${fixed(lat[lat.length - 1] ?? NaN, 1)} | ${fixed(r.serverCpuSeconds)} | ${fixed(l.clientCpuSeconds)} | ` +
          `${fixed(r.peakRss / MiB, 0)} | ${r.stored === undefined ? '-' : grouped(r.stored, 0)} |`,
      );
      // The first error answers, each different one once.
      for (const e of new Set(l.errors)) console.log(`|   |   | rejected: ${e.replace(/\s+/g, ' ').replace(/\|/g, '\\|')} |`);
      if (!l.complete) console.log(`|   |   | stopped by the ${MAX_LOAD_SECONDS} s limit before every request was sent |`);
    }
  }
  if (TIMELINE) {
    console.log(`\nShape ${work.shape.key}: accepted samples/s (thousands) in each ${TIMELINE_MS} ms of the run`);
    for (const t of ran) {
      for (const r of results.get(t)!) console.log(`${t.name}, run ${r.run}: ${samplesPerInterval(r.load, TIMELINE_MS).map((v) => grouped(v / 1000, 0)).join(' ')}`);
    }
  }
  for (const t of ran) {
    for (const r of results.get(t)!) {
      if (r.threads === undefined) continue;
      const list = r.threads.map((th) => `${th.name}[${th.tid}] ${fixed(th.seconds)} (sys ${fixed(th.systemSeconds)}, ${grouped(th.minorFaults, 0)} faults)`).join(', ');
      console.log(`${t.name}, shape ${work.shape.key}, run ${r.run}: CPU seconds by thread during the ingest: ${list}`);
    }
  }
  for (const r of results.get(rusts) ?? []) {
    for (const p of r.profile ?? []) printThreadProfile(`RusTs during the ingest, shape ${work.shape.key}, run ${r.run}`, p);
  }
}

// ---- main

async function main(): Promise<void> {
  const { targets, skipped } = selectTargets(ONLY, { rusts, vm: victoriaMetrics, prometheus });
  if (RUSTS_BASE !== '') targets.splice(targets.indexOf(rusts) + 1, 0, rustsTarget(resolve(RUSTS_BASE)));
  const shapes = ALL_SHAPES.filter((s) => SHAPES.includes(s.key));

  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs; load driver in this process: ${SHARDS} shards (series index mod ${SHARDS}), each in order on its own ` +
      `keep-alive connection, at most ${MAX_LEAD_MS / MINUTE_MS} min of data time ahead of the slowest`,
  );
  console.log(
    `devops cpu dataset: hosts x ${DEVOPS_FIELDS.length} fields (2 decimals) as cpu_<field> series with 11 labels, ${INTERVAL_MS / 1000} s interval, ` +
      `${MINUTES} min from ${new Date(START_MS).toISOString()}`,
  );
  if (WARM_UP) console.log(`warm-up before each run: ${WARM_UP_MINUTES} min of the same hosts as warmup_<field> series, from the start of the span`);
  for (const s of skipped) console.log(s);

  const loadAtStart = os.loadavg()[0]!;
  const root = tempDir('rusts-remotewrite-bench-');
  stopAllOnSignal(() => removeDir(root));
  const failures: string[] = [];
  const byShape: { work: Workload; results: Map<Target, RunResult[]> }[] = [];
  try {
    for (const shape of shapes) {
      // One shape's data at a time, so only one set is in memory.
      const work = workload(shape);
      console.log(
        `shape ${shape.key} (${shape.text}): ${shape.hosts} hosts, ${grouped(work.series, 0)} series, ${grouped(work.requests, 0)} requests, ${grouped(work.samples, 0)} samples, ` +
          `${fixed(work.snappyBytes / 1e6, 1)} MB snappy / ${fixed(work.rawBytes / 1e6, 1)} MB protobuf (encoded in ${fixed(work.encodeSeconds, 1)} s)`,
      );
      const results = new Map<Target, RunResult[]>(targets.map((t) => [t, []]));
      for (let run = 1; run <= RUNS; run++) {
        for (const target of targets) {
          try {
            const r = await runOnce(target, work, run, root);
            results.get(target)!.push(r);
            console.log(
              `  ${target.name} run ${run}: ${grouped(rate(r), 0)} samples/s, ${grouped(r.load.acceptedSamples, 0)} accepted, ` +
                `${statusText(r.load)}, server CPU ${fixed(r.serverCpuSeconds)} s, VmHWM ${fixed(r.peakRss / MiB, 0)} MiB`,
            );
          } catch (err) {
            const message = `${target.name} shape ${shape.key} run ${run} failed: ${err instanceof Error ? err.message : String(err)}`;
            failures.push(message);
            console.log(`  ${message}`);
          }
        }
      }
      byShape.push({ work, results });
    }
  } finally {
    await stopAll();
    if (failures.length > 0) console.log(`server logs kept in ${root}`);
    else removeDir(root);
  }

  console.log(`1-minute load average: ${fixed(loadAtStart)} before the runs, ${fixed(os.loadavg()[0]!)} after (${os.cpus().length} cores)`);
  for (const { work, results } of byShape) printShape(work, targets, results);
  console.log();
  for (const s of skipped) console.log(s);
  for (const f of failures) console.log(f);
}

await main();
