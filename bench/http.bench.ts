/**
 * HTTP ingest throughput and query latency of the RusTs server beside VictoriaMetrics, on the same
 * machine and the same data (issue 3). Each server runs as a child process on 127.0.0.1 with a
 * fresh data directory and gets:
 * - the devops "cpu" dataset (bench/lib/devops.ts: 100 hosts x 10 float fields with 2 decimals,
 *   10 s interval, 12 h = 4.32 M samples; fixed seed, starting on the hour 13 h ago) as
 *   line-protocol bodies of 5,000 lines, encoded before the clock starts and POSTed over 4
 *   keep-alive connections, each sending its next body when the previous answer is in;
 * - Q1, the mean of usage_user per minute over the 12 h of host_1, and Q2, the hourly max of
 *   usage_user of every host: one warm-up, then 7 sequential runs on one keep-alive connection.
 *
 *   RusTs            POST /write?db=bench&precision=ns, POST /query (JSON), as `npm start` runs it
 *   VictoriaMetrics  POST /write (its InfluxDB endpoint: cpu + usage_user = metric cpu_usage_user),
 *                    GET /api/v1/query_range with nocache=1:
 *                    Q1 avg_over_time(cpu_usage_user{hostname="host_1"}[1m]) step 60 s,
 *                    Q2 max by (hostname) (max_over_time(cpu_usage_user[1h])) step 1 h
 *
 * Ingest is repeated `--runs` times, each on a fresh server and data dir, the two servers taking
 * turns; the first table shows each figure's median over the runs, the next ones every run, with
 * a checksum of each query answer (Q1 and Q2 are also computed from the generated data, in
 * GROUP BY time() buckets; VictoriaMetrics' windows end at each step instead of starting there,
 * so its sums differ). Server CPU time and peak RSS (VmHWM) come
 * from /proc/PID. VictoriaMetrics is skipped, with the reason, when its binary is missing
 * (`apt-get install victoria-metrics`).
 *
 *   node --import tsx bench/http.bench.ts [--hosts 100] [--hours 12] [--runs 3] [--connections 4]
 *        [--lines 5000] [--only rusts|vm] [--cpu-prof DIR]
 *
 * --cpu-prof DIR runs the RusTs server with `node --cpu-prof` and prints its top self-time functions
 * during ingest. It prints figures; it asserts nothing.
 */
import os from 'node:os';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { monotonicUs, printThreadProfile, threadProfiles, type ThreadProfile } from './lib/cpuprofile.ts';
import { devopsDataset, devopsLineProtocol, DEVOPS_FIELDS, type DevopsDataset, type DevopsLineBody } from './lib/devops.ts';
import { postBodies, timeRequests, type LoadResult, type RequestSpec } from './lib/http.ts';
import { freePort, sleep, stopAll, stopAllOnSignal, type ServerProcess } from './lib/process.ts';
import { flushVictoriaMetrics, rustsInfo, selectTargets, startRusts, startVictoriaMetrics, victoriaMetricsInfo } from './lib/receivers.ts';
import { ascending, fixed, grouped, median, numberArg, quantile, removeDir, stringArg, tempDir } from './lib/stats.ts';

const HOSTS = numberArg('hosts', 100);
const HOURS = numberArg('hours', 12);
const RUNS = numberArg('runs', 3);
const CONNECTIONS = numberArg('connections', 4);
const LINES = numberArg('lines', 5000);
const ONLY = stringArg('only', '');
const CPU_PROF = stringArg('cpu-prof', '');
const QUERY_RUNS = 7;

const HOUR_MS = 3_600_000;
const INTERVAL_MS = 10_000;
const QUERY_HOST = 'host_1';
// Recent, so that VictoriaMetrics' retention takes it, on the hour like a real dashboard range, and
// ending an hour before now: VictoriaMetrics leaves the last -search.latencyOffset (30 s) out.
const START_MS = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - (HOURS + 1) * HOUR_MS;

const REPO = resolve(import.meta.dirname, '..');

/** Enough of a query answer to compare answers across servers and runs. */
interface Summary {
  readonly series: number;
  readonly points: number;
  /** Sum of every value returned. */
  readonly checksum: number;
}

interface Workload {
  readonly bodies: readonly DevopsLineBody[];
  readonly samples: number;
  readonly bytes: number;
  readonly series: number;
  /** Timestamps of the first and last row, ms. */
  readonly firstMs: number;
  readonly lastMs: number;
  /** Q1 and Q2 computed from the generated data, with buckets [t, t + width) as GROUP BY time() has them. */
  readonly expected: Readonly<Record<QueryId, Summary>>;
}

type QueryId = 'Q1' | 'Q2';

interface QueryCase {
  readonly id: QueryId;
  readonly text: string;
  readonly request: RequestSpec;
  summarise(body: Buffer): Summary;
}

interface Target {
  readonly key: 'rusts' | 'vm';
  readonly name: string;
  readonly version: string;
  readonly readyPath: string;
  readonly writePath: string;
  start(dataDir: string, logFile: string, port: number, profileDir: string | undefined): ServerProcess;
  /** Resolves once every accepted sample can be queried; returns how many a count query saw. */
  waitSearchable(base: string, workload: Workload, accepted: number): Promise<number>;
  queries(base: string, workload: Workload): QueryCase[];
}

interface QueryRun {
  readonly id: QueryId;
  readonly ms: readonly number[];
  readonly warmupMs: number;
  readonly status: number;
  readonly summary?: Summary;
  readonly error?: string;
}

interface RunResult {
  readonly run: number;
  readonly idleRss: number;
  readonly load: LoadResult;
  readonly serverCpuSeconds: number;
  readonly peakRssAfterIngest: number;
  readonly searchableMs: number;
  readonly searchableSamples: number;
  readonly queries: readonly QueryRun[];
  readonly peakRssAfterQueries: number;
  readonly profile?: readonly ThreadProfile[];
}

// ---- the two servers

const rusts: Target = {
  ...rustsInfo(),
  writePath: '/write?db=bench&precision=ns',
  start(dataDir, logFile, port, profileDir) {
    return startRusts({ dataDir, logFile, port, profileDir });
  },
  async waitSearchable(base, workload, accepted) {
    // The native API has no flush: a write is queryable once it is acknowledged. Count to be sure
    // (one field's points, times the 10 fields every line carries).
    const count = async (): Promise<number> => {
      const spec = rustsQuery(base, { select: [{ fn: 'count', field: DEVOPS_FIELDS[0] }], start: workload.firstMs, end: workload.lastMs });
      const { status, body } = await timeRequests(spec, 0);
      return status === 200 ? summariseRusts(body).checksum * DEVOPS_FIELDS.length : -1;
    };
    return pollUntil(count, accepted);
  },
  queries(base, workload) {
    const range = { start: workload.firstMs, end: workload.lastMs, epoch: 'ms' };
    return [
      {
        id: 'Q1',
        text: `mean(usage_user) WHERE hostname = '${QUERY_HOST}' GROUP BY time(1m)`,
        request: rustsQuery(base, { where: { tag: 'hostname', op: '=', value: QUERY_HOST }, select: [{ fn: 'mean', field: 'usage_user' }], ...range, groupBy: { time: '1m' } }),
        summarise: summariseRusts,
      },
      {
        id: 'Q2',
        text: 'max(usage_user) GROUP BY time(1h), hostname',
        request: rustsQuery(base, { select: [{ fn: 'max', field: 'usage_user' }], ...range, groupBy: { time: '1h', tags: ['hostname'] } }),
        summarise: summariseRusts,
      },
    ];
  },
};

/** A native JSON query for the bench database's `cpu` measurement. */
function rustsQuery(base: string, query: object): RequestSpec {
  const body = Buffer.from(JSON.stringify({ database: 'bench', measurement: 'cpu', ...query }));
  return { url: `${base}/query`, method: 'POST', body, headers: { 'Content-Type': 'application/json' } };
}

/** Series, points and the sum of the first value column of a native /query answer. */
function summariseRusts(body: Buffer): Summary {
  const json = JSON.parse(body.toString()) as { series?: { values: (number | null)[][] }[] };
  let points = 0;
  let checksum = 0;
  for (const s of json.series ?? []) {
    for (const row of s.values) {
      if (row[1] === null || row[1] === undefined) continue;
      points++;
      checksum += row[1];
    }
  }
  return { series: json.series?.length ?? 0, points, checksum };
}

function victoriaMetrics(binary: string): Target {
  return {
    ...victoriaMetricsInfo(),
    // No db parameter, so no db label: the series are cpu_<field> with the ten host tags.
    writePath: '/write',
    start(dataDir, logFile, port) {
      // The data is from the last 13 h, inside even the default 1-month retention.
      return startVictoriaMetrics(binary, dataDir, logFile, port);
    },
    async waitSearchable(base, workload, accepted) {
      await flushVictoriaMetrics(base);
      const window = `${(workload.lastMs - workload.firstMs + INTERVAL_MS) / 1000}s`;
      const query = `sum(count_over_time({__name__=~"cpu_.+"}[${window}]))`;
      const url = `${base}/api/v1/query?query=${encodeURIComponent(query)}&time=${workload.lastMs / 1000}&nocache=1`;
      const count = async (): Promise<number> => {
        const { status, body } = await timeRequests({ url, method: 'GET' }, 0);
        if (status !== 200) return -1;
        const value = (JSON.parse(body.toString()) as PromAnswer).data?.result?.[0]?.value?.[1];
        return value === undefined ? 0 : Number(value);
      };
      return pollUntil(count, accepted);
    },
    queries(base, workload) {
      const range = (query: string, step: number): RequestSpec => ({
        url: `${base}/api/v1/query_range?query=${encodeURIComponent(query)}&start=${workload.firstMs / 1000}&end=${workload.lastMs / 1000}&step=${step}&nocache=1`,
        method: 'GET',
      });
      const q1 = `avg_over_time(cpu_usage_user{hostname="${QUERY_HOST}"}[1m])`;
      const q2 = 'max by (hostname) (max_over_time(cpu_usage_user[1h]))';
      return [
        { id: 'Q1', text: `${q1} step 60s`, request: range(q1, 60), summarise: summariseProm },
        { id: 'Q2', text: `${q2} step 1h`, request: range(q2, 3600), summarise: summariseProm },
      ];
    },
  };
}

interface PromAnswer {
  readonly data?: { readonly result?: readonly { readonly value?: readonly [number, string]; readonly values?: readonly (readonly [number, string])[] }[] };
}

function summariseProm(body: Buffer): Summary {
  const result = (JSON.parse(body.toString()) as PromAnswer).data?.result ?? [];
  let points = 0;
  let checksum = 0;
  for (const s of result) {
    for (const [, v] of s.values ?? []) {
      points++;
      checksum += Number(v);
    }
  }
  return { series: result.length, points, checksum };
}

/** Calls `count` every 100 ms until it returns `want`, for at most 60 s; returns the last count. */
async function pollUntil(count: () => Promise<number>, want: number): Promise<number> {
  const deadline = performance.now() + 60_000;
  let seen = await count();
  while (seen !== want && performance.now() < deadline) {
    await sleep(100);
    seen = await count();
  }
  return seen;
}

// ---- the workload

function workload(): Workload {
  const data = devopsDataset({ hosts: HOSTS, spanMs: HOURS * HOUR_MS, startMs: START_MS });
  const bodies = devopsLineProtocol(data, LINES);
  const ms = data.series[0]!.column.ms;
  return {
    bodies,
    samples: data.samples,
    bytes: bodies.reduce((n, b) => n + b.body.length, 0),
    series: data.series.length,
    firstMs: ms[0]!,
    lastMs: ms[data.timestamps - 1]!,
    expected: { Q1: expectedBuckets(data, [1], 60_000, 'mean'), Q2: expectedBuckets(data, data.hosts.map((_, h) => h), HOUR_MS, 'max') },
  };
}

/** usage_user of `hosts` aggregated per host and bucket of `widthMs` (buckets aligned to the epoch). */
function expectedBuckets(data: DevopsDataset, hosts: readonly number[], widthMs: number, fn: 'mean' | 'max'): Summary {
  let points = 0;
  let checksum = 0;
  for (const h of hosts) {
    const column = data.series[h * DEVOPS_FIELDS.length]!.column;
    const values = column.values as Float64Array;
    for (let t = 0; t < data.timestamps; ) {
      const bucket = Math.floor(column.ms[t]! / widthMs);
      let sum = 0;
      let max = -Infinity;
      let n = 0;
      for (; t < data.timestamps && Math.floor(column.ms[t]! / widthMs) === bucket; t++, n++) {
        sum += values[t]!;
        max = Math.max(max, values[t]!);
      }
      points++;
      checksum += fn === 'mean' ? sum / n : max;
    }
  }
  return { series: hosts.length, points, checksum };
}

// ---- one run

async function runOnce(target: Target, run: number, work: Workload, root: string): Promise<RunResult> {
  const dataDir = join(root, `${target.key}-${run}`);
  const logFile = join(root, `${target.key}-${run}.log`);
  const profileDir = CPU_PROF !== '' && target.key === 'rusts' ? resolve(CPU_PROF, `run-${run}`) : undefined;
  mkdirSync(dataDir);
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = target.start(dataDir, logFile, port, profileDir);
  let window: [number, number] = [0, 0];
  let result: RunResult;
  try {
    await server.waitHttp(base + target.readyPath);
    const idleRss = server.memory().rss;

    const cpu0 = server.cpuSeconds();
    const from = monotonicUs();
    const load = await postBodies(base + target.writePath, work.bodies, { connections: CONNECTIONS });
    window = [from, monotonicUs()];
    const serverCpuSeconds = server.cpuSeconds() - cpu0;
    const peakRssAfterIngest = server.memory().peakRss;

    const searchStart = performance.now();
    const searchableSamples = await target.waitSearchable(base, work, load.acceptedSamples);
    const searchableMs = performance.now() - searchStart;

    const queries: QueryRun[] = [];
    for (const q of target.queries(base, work)) {
      const timed = await timeRequests(q.request, QUERY_RUNS);
      let summary: Summary | undefined;
      let error: string | undefined;
      try {
        if (timed.status === 200) summary = q.summarise(timed.body);
        else error = `${timed.status}: ${timed.body.toString('utf8', 0, Math.min(timed.body.length, 200))}`;
      } catch (err) {
        error = `unreadable answer: ${err instanceof Error ? err.message : String(err)}`;
      }
      queries.push({ id: q.id, ms: timed.ms, warmupMs: timed.warmupMs, status: timed.status, summary, error });
    }
    const peakRssAfterQueries = server.memory().peakRss;
    result = { run, idleRss, load, serverCpuSeconds, peakRssAfterIngest, searchableMs, searchableSamples, queries, peakRssAfterQueries };
  } finally {
    await server.stop();
    removeDir(dataDir);
  }
  // node writes the profile as the server exits.
  return profileDir === undefined ? result : { ...result, profile: threadProfiles(profileDir, window, 20, REPO) };
}

// ---- output

const MiB = 1024 * 1024;
const rate = (r: RunResult): number => r.load.acceptedSamples / r.load.seconds;
const mbs = (r: RunResult): number => r.load.bytesSent / 1e6 / r.load.seconds;
const requestQuantile = (r: RunResult, q: number): number => quantile(ascending(r.load.latenciesMs), q);
const query = (r: RunResult, id: QueryId): QueryRun => r.queries.find((q) => q.id === id)!;
/** The median over runs of one figure; each row takes its own median. */
const medianOf = (runs: readonly RunResult[], f: (r: RunResult) => number): number => median(runs.map(f));

interface Row {
  readonly label: string;
  readonly value: (runs: readonly RunResult[]) => number;
  readonly digits: number;
}

const ROWS: readonly Row[] = [
  { label: 'ingest, samples/s', value: (rs) => medianOf(rs, rate), digits: 0 },
  { label: 'ingest, MB/s of line protocol', value: (rs) => medianOf(rs, mbs), digits: 1 },
  { label: 'ingest wall time, s', value: (rs) => medianOf(rs, (r) => r.load.seconds), digits: 2 },
  { label: 'write request p50, ms', value: (rs) => medianOf(rs, (r) => requestQuantile(r, 0.5)), digits: 1 },
  { label: 'write request p99, ms', value: (rs) => medianOf(rs, (r) => requestQuantile(r, 0.99)), digits: 1 },
  { label: 'server CPU-seconds for the ingest', value: (rs) => medianOf(rs, (r) => r.serverCpuSeconds), digits: 2 },
  { label: 'server CPU-µs per sample ingested', value: (rs) => medianOf(rs, (r) => (r.serverCpuSeconds / r.load.acceptedSamples) * 1e6), digits: 3 },
  { label: 'load driver CPU-seconds', value: (rs) => medianOf(rs, (r) => r.load.clientCpuSeconds), digits: 2 },
  { label: 'idle RSS, MiB', value: (rs) => medianOf(rs, (r) => r.idleRss / MiB), digits: 0 },
  { label: 'peak RSS (VmHWM) after ingest, MiB', value: (rs) => medianOf(rs, (r) => r.peakRssAfterIngest / MiB), digits: 0 },
  { label: 'peak RSS (VmHWM) after queries, MiB', value: (rs) => medianOf(rs, (r) => r.peakRssAfterQueries / MiB), digits: 0 },
  { label: `Q1 one host, 1 m buckets: median ms`, value: (rs) => medianOf(rs, (r) => median(query(r, 'Q1').ms)), digits: 2 },
  { label: `Q1 p90 ms`, value: (rs) => medianOf(rs, (r) => quantile(ascending(query(r, 'Q1').ms), 0.9)), digits: 2 },
  { label: `Q2 all hosts, max per 1 h and host: median ms`, value: (rs) => medianOf(rs, (r) => median(query(r, 'Q2').ms)), digits: 2 },
  { label: `Q2 p90 ms`, value: (rs) => medianOf(rs, (r) => quantile(ascending(query(r, 'Q2').ms), 0.9)), digits: 2 },
];

function printSideBySide(results: ReadonlyMap<Target, RunResult[]>, targets: readonly Target[]): void {
  const [ours, theirs] = [targets.find((t) => t.key === 'rusts'), targets.find((t) => t.key === 'vm')];
  const a = ours === undefined ? undefined : results.get(ours);
  const b = theirs === undefined ? undefined : results.get(theirs);
  console.log(`\n## Side by side: median of ${RUNS} run(s) (query figures: median over runs of each run's median or p90 of ${QUERY_RUNS})\n`);
  console.log(`| metric | RusTs ${ours?.version ?? ''} | VictoriaMetrics ${theirs?.version ?? ''} | RusTs / VM |`);
  console.log('| --- | --- | --- | --- |');
  for (const row of ROWS) {
    const x = a !== undefined && a.length > 0 ? row.value(a) : undefined;
    const y = b !== undefined && b.length > 0 ? row.value(b) : undefined;
    const show = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '-' : grouped(v, row.digits));
    const ratio = x !== undefined && y !== undefined && y !== 0 ? fixed(x / y, 2) : '-';
    console.log(`| ${row.label} | ${show(x)} | ${show(y)} | ${ratio} |`);
  }
  console.log('\nIssue 3 target: RusTs line-protocol ingest >= 1.5 x VictoriaMetrics\' samples/s on the same machine.');
}

function printRuns(target: Target, runs: readonly RunResult[], work: Workload): void {
  if (runs.length === 0) return;
  console.log(`\n### ${target.name}: every run\n`);
  for (const q of target.queries('', work)) console.log(`${q.id}: ${q.text}`);
  console.log();
  console.log('| run | samples ok / rejected | requests ok / failed | wall s | samples/s | MB/s | req p50 / p99 / max ms | server CPU s | driver CPU s | idle RSS MiB | VmHWM after ingest / queries MiB | searchable after ms |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of runs) {
    const l = r.load;
    const lat = ascending(l.latenciesMs);
    console.log(
      `| ${r.run} | ${grouped(l.acceptedSamples, 0)} / ${grouped(l.rejectedSamples, 0)} | ${l.requests - l.failedRequests} / ${l.failedRequests} | ${fixed(l.seconds, 3)} | ${grouped(rate(r), 0)} | ${fixed(mbs(r), 1)} | ` +
        `${fixed(quantile(lat, 0.5), 1)} / ${fixed(quantile(lat, 0.99), 1)} / ${fixed(lat[lat.length - 1] ?? NaN, 1)} | ${fixed(r.serverCpuSeconds)} | ${fixed(l.clientCpuSeconds)} | ` +
        `${fixed(r.idleRss / MiB, 0)} | ${fixed(r.peakRssAfterIngest / MiB, 0)} / ${fixed(r.peakRssAfterQueries / MiB, 0)} | ${fixed(r.searchableMs, 0)} |`,
    );
    for (const e of l.errors) console.log(`|   | rejected: ${e.replace(/\s+/g, ' ')} |`);
    if (!l.complete) console.log('|   | stopped by the time limit before every body was sent |');
  }
  console.log('\n| run | query | warm-up ms | 7 runs ms | status | series | points | checksum | searchable samples |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of runs) {
    for (const q of r.queries) {
      const s = q.summary;
      const answer = s === undefined ? `${q.error ?? '?'} | | |` : `${s.series} | ${s.points} | ${fixed(s.checksum, 3)} |`;
      console.log(`| ${r.run} | ${q.id} | ${fixed(q.warmupMs)} | ${q.ms.map((m) => fixed(m)).join(', ')} | ${q.status} | ${answer} ${grouped(r.searchableSamples, 0)} |`);
    }
  }
  for (const r of runs) {
    for (const p of r.profile ?? []) printThreadProfile(`${target.name} server during ingest, run ${r.run}`, p);
  }
}

// ---- main

async function main(): Promise<void> {
  const { targets, skipped } = selectTargets(ONLY === '' ? ['rusts', 'vm'] : [ONLY], { rusts, vm: victoriaMetrics });

  const start = performance.now();
  const work = workload();
  console.log(`node ${process.version}, ${os.cpus().length} CPUs; load driver in this process: ${CONNECTIONS} keep-alive connections, ${LINES}-line bodies`);
  console.log(
    `devops cpu dataset: ${HOSTS} hosts x ${DEVOPS_FIELDS.length} fields (2 decimals), 10 s interval, ${HOURS} h from ${new Date(work.firstMs).toISOString()}: ` +
      `${grouped(work.series, 0)} series, ${grouped(work.samples, 0)} samples, ${work.bodies.length} bodies, ${fixed(work.bytes / 1e6, 1)} MB (encoded in ${fixed((performance.now() - start) / 1000, 1)} s)`,
  );
  for (const id of ['Q1', 'Q2'] as const) {
    const e = work.expected[id];
    console.log(`expected ${id} (GROUP BY time() buckets): ${e.series} series, ${e.points} points, checksum ${fixed(e.checksum, 3)}`);
  }
  for (const s of skipped) console.log(s);

  const loadAtStart = os.loadavg()[0]!;
  const root = tempDir('rusts-http-bench-');
  stopAllOnSignal(() => removeDir(root));
  const results = new Map<Target, RunResult[]>(targets.map((t) => [t, []]));
  // A server that fails is left out of the remaining runs; the other one still runs.
  const failures = new Map<Target, string>();
  try {
    for (let run = 1; run <= RUNS; run++) {
      for (const target of targets) {
        if (failures.has(target)) continue;
        try {
          const r = await runOnce(target, run, work, root);
          results.get(target)!.push(r);
          console.log(`${target.name} run ${run}: ${grouped(rate(r), 0)} samples/s, ${grouped(r.load.acceptedSamples, 0)} accepted, Q1 ${fixed(median(query(r, 'Q1').ms))} ms, Q2 ${fixed(median(query(r, 'Q2').ms))} ms`);
        } catch (err) {
          failures.set(target, `run ${run}: ${err instanceof Error ? err.message : String(err)}`);
          console.log(`${target.name} run ${run} failed: ${failures.get(target)}`);
        }
      }
    }
  } finally {
    await stopAll();
    if (failures.size > 0) console.log(`server logs kept in ${root}`);
    else removeDir(root);
  }

  console.log(`1-minute load average: ${fixed(loadAtStart)} before the runs, ${fixed(os.loadavg()[0]!)} after (2 cores: above ~1.5 something else was running too)`);
  printSideBySide(results, targets);
  for (const s of skipped) console.log(s);
  for (const [target, message] of failures) console.log(`${target.name} failed, ${message}`);
  for (const target of targets) printRuns(target, results.get(target)!, work);
}

await main();
