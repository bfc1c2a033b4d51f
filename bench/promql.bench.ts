/**
 * PromQL range-query latency of the RusTs server beside Prometheus and VictoriaMetrics, on the
 * same machine and the same data (issue 6). Each receiver runs as a child process on 127.0.0.1
 * with a fresh data directory, gets the whole dataset by remote write, and then answers
 *
 *   Q1  rate(http_requests_total[5m])                                                  (every counter)
 *   Q2  sum by (service) (rate(http_requests_total[5m]))                               (10 groups)
 *   Q3  histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))
 *
 * as GET /api/v1/query_range over the whole span at step 60 s: one warm-up, then `--runs`
 * sequential runs on one keep-alive connection, timed at the client (request sent to the last
 * byte of the answer).
 *
 *   RusTs            as `npm start` runs it
 *   VictoriaMetrics  -retentionPeriod=100y; queries with nocache=1 (no rollup result cache, which
 *                    would otherwise answer the timed runs from the warm-up's result)
 *   Prometheus       --web.enable-remote-write-receiver, no scrape targets
 *
 * Data (bench/lib/promqldata.ts, fixed seed): 1,000 counters `http_requests_total{instance,
 * job, service}` (10 values of `service`; integer increments, one series in ten resets once) and a
 * classic histogram `http_request_duration_seconds_bucket{instance, job, le, service}` of 100
 * label sets x 10 `le` buckets (1,000 series), one sample per series every 15 s for 24 h:
 * 2 x 5.76 M = 11.52 M samples. The span starts on the hour, 25 h before the bench, and samples
 * lie 7 s past each 15 s mark, so no sample falls on a query window's edge: Prometheus 2.42's
 * windows are closed on the left and Prometheus 3's (and RusTs's) open, and a sample on the edge
 * would be counted by one and not the other.
 *
 * Loading: the same pre-encoded remote write requests (snappy protobuf, 250 series x 20 samples
 * each) to every receiver's POST /api/v1/write, series split over 4 shards, each shard in order on
 * its own keep-alive connection and time-major, no shard more than 30 min of data time ahead of
 * the slowest. That is how Prometheus takes 24 h of old data through remote write: its head only
 * refuses samples more than an hour older than its newest, and it cuts 2 h blocks (and compacts
 * them) as the head moves on, as it would have after scraping for a day. Then VictoriaMetrics gets
 * GET /internal/force_flush; each receiver is polled with `sum(count_over_time(...[span]))` per
 * metric until it finds every sample (60 s at most), and the bench waits until the server's CPU
 * is quiet (under 5 % over 1 s, 60 s at most: block compaction, merges, flushes) before the queries.
 *
 * Printed: the load (informational: wall time, samples/s, time until searchable and quiet), the
 * sample counts each receiver finds against the generated ones, and per query and receiver the
 * median / min / p90 / warm-up ms, the answer's series x points and a checksum, how the answer
 * compares with Prometheus's (same series and timestamps, values within 1e-6 relative), and the
 * ratios RusTs / Prometheus and RusTs / VictoriaMetrics of the medians. VictoriaMetrics' `rate`
 * differs from Prometheus's by design (no extrapolation; the window's increase includes the step
 * from the last sample before it), so its values are compared only to show how far apart they are.
 * A receiver whose binary is missing is skipped, with the reason.
 *
 *   node --import tsx bench/promql.bench.ts [--quick] [--runs 5] [--only rusts,vm,prometheus]
 *        [--series 1000] [--histogram-sets 100] [--hours 24] [--interval 15] [--query EXPR]
 *        [--cpu-prof DIR]
 *
 * --cpu-prof DIR runs the RusTs server with `node --cpu-prof` and prints each thread's top
 * self-time functions during each query's runs.
 * --query adds one more expression (Qx) to the three, e.g. `count(rate(http_requests_total[5m]))`
 * to see Q1's evaluation without its 48 MB answer. --quick is a smoke run: 100 counters, 10 histogram label sets, 2 h. It prints figures; it
 * asserts nothing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { monotonicUs, printThreadProfile, threadProfiles, type ThreadProfile } from './lib/cpuprofile.ts';
import { postShards, timeRequests, type LoadResult } from './lib/http.ts';
import { freePort, sleep, stopAll, stopAllOnSignal, type ServerProcess } from './lib/process.ts';
import { BUCKETS, COUNTER_METRIC, HISTOGRAM_METRIC, promqlDataset, promqlRemoteWrite, type PromqlRemoteWrite } from './lib/promqldata.ts';
import { prometheusReceiver, rustsInfo, selectTargets, startRusts, victoriaMetricsReceiver, type RemoteWriteReceiver } from './lib/receivers.ts';
import { REMOTE_WRITE_HEADERS } from './lib/remotewrite.ts';
import { ascending, fixed, grouped, median, numberArg, quantile, removeDir, stringArg, tempDir } from './lib/stats.ts';

const QUICK = process.argv.includes('--quick');
const SERIES = numberArg('series', QUICK ? 100 : 1000);
const HISTOGRAM_SETS = numberArg('histogram-sets', QUICK ? 10 : Math.max(1, Math.round(SERIES / 10)));
const HOURS = numberArg('hours', QUICK ? 2 : 24);
const INTERVAL_MS = numberArg('interval', 15) * 1000;
const RUNS = numberArg('runs', 5);
const ONLY = stringArg('only', 'rusts,vm,prometheus').split(',');
const SERVICES = 10;
const STEP_S = 60;
const SHARDS = 4;
const SHAPE = { seriesPerRequest: 250, samplesPerSeries: 20 };

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** Query range: on the hour, ending an hour before now (VictoriaMetrics hides the last 30 s). */
const START_MS = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - (HOURS + 1) * HOUR_MS;
const END_MS = START_MS + HOURS * HOUR_MS;
/** Samples are this far past each interval mark, off every window edge (see the header). */
const SAMPLE_OFFSET_MS = 7_000;
/** Prometheus refuses a sample more than 1 h older than its newest; shards stay within 30 min. */
const MAX_LEAD_MS = 30 * MINUTE_MS;
const MAX_LOAD_SECONDS = 600;
/** Relative tolerance of a value against Prometheus's. */
const TOLERANCE = 1e-6;

const REPO = resolve(import.meta.dirname, '..');

interface QueryCase {
  readonly id: string;
  readonly text: string;
}

const EXTRA_QUERY = stringArg('query', '');
const CPU_PROF = stringArg('cpu-prof', '');

const QUERIES: readonly QueryCase[] = [
  { id: 'Q1', text: `rate(${COUNTER_METRIC}[5m])` },
  { id: 'Q2', text: `sum by (service) (rate(${COUNTER_METRIC}[5m]))` },
  { id: 'Q3', text: `histogram_quantile(0.99, sum by (le) (rate(${HISTOGRAM_METRIC}[5m])))` },
  ...(EXTRA_QUERY === '' ? [] : [{ id: 'Qx', text: EXTRA_QUERY }]),
];

// ---- the receivers

interface Target extends RemoteWriteReceiver<'rusts' | 'vm' | 'prometheus'> {
  /** Appended to every query URL. */
  readonly queryExtra: string;
  /** How the receiver laid the data out on disk, where that tells something about its queries. */
  describeStorage?(dataDir: string): string;
}

const rusts: Target = {
  ...rustsInfo(),
  queryExtra: '',
  start: (_dir, dataDir, logFile, port, profileDir) => startRusts({ dataDir, logFile, port, profileDir }),
  async flush() {},
};

const victoriaMetrics = (binary: string): Target => ({ ...victoriaMetricsReceiver(binary), queryExtra: '&nocache=1' });

function prometheus(binary: string): Target {
  return {
    ...prometheusReceiver(binary),
    queryExtra: '',
    describeStorage(dataDir) {
      // Blocks cut from the head during the load (2 h) and compacted from them (6 h, 18 h, ...).
      const blocks = readdirSync(dataDir)
        .filter((d) => existsSync(join(dataDir, d, 'meta.json')))
        .map((d) => JSON.parse(readFileSync(join(dataDir, d, 'meta.json'), 'utf8')) as { minTime: number; maxTime: number; stats?: { numSamples?: number } });
      const byHours = new Map<number, number>();
      let samples = 0;
      for (const b of blocks) {
        const hours = (b.maxTime - b.minTime) / HOUR_MS;
        byHours.set(hours, (byHours.get(hours) ?? 0) + 1);
        samples += b.stats?.numSamples ?? 0;
      }
      const kinds = [...byHours].sort((a, b) => b[0] - a[0]).map(([h, n]) => `${n} x ${fixed(h, 1)} h`);
      return `${blocks.length} blocks (${kinds.join(', ') || 'none'}) holding ${grouped(samples, 0)} samples; the rest in the head`;
    },
  };
}

// ---- answers

/** One series of a range-query answer. */
interface AnswerSeries {
  readonly labels: string;
  readonly t: Float64Array;
  readonly v: Float64Array;
}

interface Answer {
  /** By canonical label set (sorted `name="value"` pairs). */
  readonly series: Map<string, AnswerSeries>;
  readonly points: number;
  /** Sum of every finite value. */
  readonly checksum: number;
}

interface PromMatrix {
  readonly status?: string;
  readonly data?: { readonly result?: readonly { readonly metric: Record<string, string>; readonly values?: readonly (readonly [number, string])[] }[] };
}

function promFloat(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

function labelKey(metric: Record<string, string>): string {
  return Object.keys(metric)
    .sort()
    .map((k) => `${k}=${JSON.stringify(metric[k])}`)
    .join(',');
}

function parseAnswer(body: Buffer): Answer {
  const json = JSON.parse(body.toString()) as PromMatrix;
  const series = new Map<string, AnswerSeries>();
  let points = 0;
  let checksum = 0;
  for (const r of json.data?.result ?? []) {
    const values = r.values ?? [];
    const t = new Float64Array(values.length);
    const v = new Float64Array(values.length);
    values.forEach(([ts, text], i) => {
      t[i] = ts;
      v[i] = promFloat(text);
      if (Number.isFinite(v[i])) checksum += v[i]!;
    });
    const labels = `{${labelKey(r.metric)}}`;
    series.set(labels, { labels, t, v });
    points += values.length;
  }
  return { series, points, checksum };
}

interface Comparison {
  readonly missingSeries: number;
  readonly extraSeries: number;
  /** Points on one side only, in series both have. */
  readonly unmatchedPoints: number;
  /** Points on both sides whose values differ by more than TOLERANCE (relative). */
  readonly differentValues: number;
  readonly comparedPoints: number;
  /** Largest relative difference of a compared point. */
  readonly maxRelative: number;
  /** The first few differences, for the report. */
  readonly examples: string[];
}

function relativeDiff(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) || a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale < 1e-12 ? 0 : Math.abs(a - b) / scale;
}

/** `got` against `want` (Prometheus's answer). */
function compare(want: Answer, got: Answer): Comparison {
  let missingSeries = 0;
  let unmatchedPoints = 0;
  let differentValues = 0;
  let comparedPoints = 0;
  let maxRelative = 0;
  const examples: string[] = [];
  const note = (text: string): void => {
    if (examples.length < 3) examples.push(text);
  };
  for (const [key, w] of want.series) {
    const g = got.series.get(key);
    if (g === undefined) {
      missingSeries++;
      note(`series ${key} missing (${w.t.length} points)`);
      continue;
    }
    let i = 0;
    let j = 0;
    while (i < w.t.length || j < g.t.length) {
      if (j >= g.t.length || (i < w.t.length && w.t[i]! < g.t[j]!)) {
        unmatchedPoints++;
        note(`${key} at ${w.t[i]}: want ${w.v[i]}, got no point`);
        i++;
      } else if (i >= w.t.length || g.t[j]! < w.t[i]!) {
        unmatchedPoints++;
        note(`${key} at ${g.t[j]}: want no point, got ${g.v[j]}`);
        j++;
      } else {
        const d = relativeDiff(w.v[i]!, g.v[j]!);
        comparedPoints++;
        if (d > maxRelative) maxRelative = d;
        if (d > TOLERANCE) {
          differentValues++;
          note(`${key} at ${w.t[i]}: want ${w.v[i]}, got ${g.v[j]}`);
        }
        i++;
        j++;
      }
    }
  }
  let extraSeries = 0;
  for (const key of got.series.keys()) {
    if (!want.series.has(key)) {
      extraSeries++;
      note(`series ${key} not in Prometheus's answer`);
    }
  }
  return { missingSeries, extraSeries, unmatchedPoints, differentValues, comparedPoints, maxRelative, examples };
}

function comparisonText(c: Comparison): string {
  const parts: string[] = [];
  if (c.missingSeries > 0) parts.push(`${grouped(c.missingSeries, 0)} series missing`);
  if (c.extraSeries > 0) parts.push(`${grouped(c.extraSeries, 0)} extra series`);
  if (c.unmatchedPoints > 0) parts.push(`${grouped(c.unmatchedPoints, 0)} points on one side only`);
  if (c.differentValues > 0) parts.push(`${grouped(c.differentValues, 0)} of ${grouped(c.comparedPoints, 0)} values off by > ${TOLERANCE.toExponential(0)}`);
  const max = `max rel. diff ${c.maxRelative === 0 ? '0' : c.maxRelative.toExponential(1)}`;
  return parts.length === 0 ? `same (${grouped(c.comparedPoints, 0)} values within ${TOLERANCE.toExponential(0)}, ${max})` : `differs: ${parts.join(', ')}; ${max}`;
}

// ---- one receiver

interface QueryRun {
  readonly id: string;
  readonly ms: readonly number[];
  readonly warmupMs: number;
  readonly status: number;
  readonly bytes: number;
  readonly answer?: Answer;
  readonly error?: string;
}

interface Counts {
  readonly counters: number | undefined;
  readonly buckets: number | undefined;
}

interface RunResult {
  readonly load: LoadResult;
  readonly serverCpuSeconds: number;
  readonly searchableSeconds: number;
  readonly quietSeconds: number;
  readonly counts: Counts;
  readonly queries: readonly QueryRun[];
  readonly peakRss: number;
  readonly storage?: string;
  /** Per query, each thread's top self-time functions during its runs (--cpu-prof). */
  readonly profiles?: readonly { readonly id: string; readonly threads: readonly ThreadProfile[] }[];
}

async function runTarget(target: Target, work: PromqlRemoteWrite, expected: Counts, root: string): Promise<RunResult> {
  const dir = join(root, target.key);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const profileDir = CPU_PROF !== '' && target.key === 'rusts' ? resolve(CPU_PROF) : undefined;
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const server = target.start(dir, dataDir, join(root, `${target.key}.log`), port, profileDir);
  const windows: { id: string; window: [number, number] }[] = [];
  let result: RunResult;
  try {
    await server.waitHttp(base + target.readyPath);
    const cpu0 = server.cpuSeconds();
    const load = await postShards(`${base}/api/v1/write`, work.shards, { headers: REMOTE_WRITE_HEADERS, maxLead: MAX_LEAD_MS, maxSeconds: MAX_LOAD_SECONDS });
    const serverCpuSeconds = server.cpuSeconds() - cpu0;
    console.log(`  ${target.name}: loaded ${grouped(load.acceptedSamples, 0)} samples in ${fixed(load.seconds, 1)} s (${statusText(load)}), server CPU ${fixed(serverCpuSeconds, 1)} s`);
    for (const e of new Set(load.errors)) console.log(`    rejected: ${e.replace(/\s+/g, ' ')}`);

    const searchStart = performance.now();
    await target.flush(base);
    const counts = await storedSamples(base, target, expected);
    const searchableSeconds = (performance.now() - searchStart) / 1000;
    const quietStart = performance.now();
    await waitQuiet(server);
    const quietSeconds = (performance.now() - quietStart) / 1000;
    console.log(
      `  ${target.name}: counts ${countText(counts.counters)} + ${countText(counts.buckets)} after ${fixed(searchableSeconds, 1)} s, CPU quiet after ${fixed(quietSeconds, 1)} s more`,
    );

    const queries: QueryRun[] = [];
    for (const q of QUERIES) {
      const url = `${base}/api/v1/query_range?query=${encodeURIComponent(q.text)}&start=${START_MS / 1000}&end=${END_MS / 1000}&step=${STEP_S}${target.queryExtra}`;
      const from = monotonicUs();
      const timed = await timeRequests({ url, method: 'GET' }, RUNS, 300_000);
      windows.push({ id: q.id, window: [from, monotonicUs()] });
      let answer: Answer | undefined;
      let error: string | undefined;
      try {
        if (timed.status === 200) answer = parseAnswer(timed.body);
        else error = `${timed.status}: ${timed.body.toString('utf8', 0, Math.min(timed.body.length, 300))}`;
      } catch (err) {
        error = `unreadable answer: ${err instanceof Error ? err.message : String(err)}`;
      }
      queries.push({ id: q.id, ms: timed.ms, warmupMs: timed.warmupMs, status: timed.status, bytes: timed.body.length, answer, error });
      console.log(
        `  ${target.name} ${q.id}: median ${fixed(median(timed.ms), 1)} ms, warm-up ${fixed(timed.warmupMs, 1)} ms` +
          (answer === undefined ? `, ${error}` : `, ${grouped(answer.series.size, 0)} series x ${grouped(answer.points, 0)} points`),
      );
    }
    const storage = target.describeStorage?.(dataDir);
    if (storage !== undefined) console.log(`  ${target.name} storage after the queries: ${storage}`);
    result = { load, serverCpuSeconds, searchableSeconds, quietSeconds, counts, queries, peakRss: server.memory().peakRss, storage };
  } finally {
    await server.stop();
    removeDir(dir);
  }
  // node writes the profile as the server exits.
  if (profileDir === undefined) return result;
  return { ...result, profiles: windows.map(({ id, window }) => ({ id, threads: threadProfiles(profileDir, window, 15, REPO).filter((p) => p.top.some((f) => f.name !== '(idle)' && f.share > 0.01)) })) };
}

/**
 * The samples of each metric a `sum(count_over_time(...))` over the whole span finds, polled every
 * 200 ms until both reach the generated counts, for at most 60 s.
 */
async function storedSamples(base: string, target: Target, expected: Counts): Promise<Counts> {
  const window = `${(END_MS - START_MS) / 1000 + STEP_S}s`;
  const count = async (metric: string): Promise<number | undefined> => {
    const query = `sum(count_over_time(${metric}[${window}]))`;
    const url = `${base}/api/v1/query?query=${encodeURIComponent(query)}&time=${END_MS / 1000}${target.queryExtra}`;
    const { status, body } = await timeRequests({ url, method: 'GET' }, 0, 60_000);
    if (status !== 200) return undefined;
    try {
      const value = (JSON.parse(body.toString()) as { data?: { result?: { value?: [number, string] }[] } }).data?.result?.[0]?.value?.[1];
      return value === undefined ? 0 : Number(value);
    } catch {
      return undefined;
    }
  };
  const deadline = performance.now() + 60_000;
  for (;;) {
    const counts = { counters: await count(COUNTER_METRIC), buckets: await count(HISTOGRAM_METRIC) };
    const done = counts.counters === expected.counters && counts.buckets === expected.buckets;
    if (done || counts.counters === undefined || counts.buckets === undefined || performance.now() > deadline) return counts;
    await sleep(200);
  }
}

/** Waits until the server used under 5 % of a core over the last second, for at most 60 s. */
async function waitQuiet(server: ServerProcess): Promise<void> {
  const deadline = performance.now() + 60_000;
  let last = server.cpuSeconds();
  while (performance.now() < deadline) {
    await sleep(1000);
    const now = server.cpuSeconds();
    if (now - last < 0.05) return;
    last = now;
  }
}

// ---- output

const MiB = 1024 * 1024;
const statusText = (l: LoadResult): string =>
  Object.entries(l.statuses)
    .map(([status, n]) => `${status === '0' ? 'no answer' : status} x ${n}`)
    .join(', ');
const countText = (n: number | undefined): string => (n === undefined ? 'no answer' : grouped(n, 0));

function printResults(targets: readonly Target[], results: ReadonlyMap<Target, RunResult>, expected: Counts): void {
  const ran = targets.filter((t) => results.has(t));
  const reference = [...results.keys()].find((t) => t.key === 'prometheus');

  console.log(`\n## Load (informational): the same ${grouped(expected.counters! + expected.buckets!, 0)} samples by remote write\n`);
  console.log('| receiver | wall s | samples/s | answers | server CPU s | searchable after s | CPU quiet after s more | VmHWM after queries, MiB |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const t of ran) {
    const r = results.get(t)!;
    console.log(
      `| ${t.name} ${t.version} | ${fixed(r.load.seconds, 1)} | ${grouped(r.load.acceptedSamples / r.load.seconds, 0)} | ${statusText(r.load)} | ${fixed(r.serverCpuSeconds, 1)} | ` +
        `${fixed(r.searchableSeconds, 1)} | ${fixed(r.quietSeconds, 1)} | ${fixed(r.peakRss / MiB, 0)} |`,
    );
  }
  for (const t of ran) {
    const storage = results.get(t)!.storage;
    if (storage !== undefined) console.log(`\n${t.name} storage at the queries: ${storage}`);
  }

  console.log(`\n## Sample-count check: \`sum(count_over_time(<metric>[${(END_MS - START_MS) / 1000 + STEP_S}s]))\` at the end of the span\n`);
  console.log(`| receiver | ${COUNTER_METRIC} | ${HISTOGRAM_METRIC} | all found |`);
  console.log('| --- | --- | --- | --- |');
  console.log(`| generated | ${grouped(expected.counters!, 0)} | ${grouped(expected.buckets!, 0)} | |`);
  for (const t of ran) {
    const c = results.get(t)!.counts;
    const ok = c.counters === expected.counters && c.buckets === expected.buckets;
    console.log(`| ${t.name} | ${countText(c.counters)} | ${countText(c.buckets)} | ${ok ? 'yes' : '**no**'} |`);
  }

  console.log(
    `\n## Range queries: ${new Date(START_MS).toISOString()} .. ${new Date(END_MS).toISOString()} (${HOURS} h), step ${STEP_S} s; 1 warm-up + ${RUNS} runs, client wall time\n`,
  );
  for (const q of QUERIES) console.log(`- ${q.id} \`${q.text}\``);
  console.log();
  console.log('| query | receiver | median ms | min ms | p90 ms | warm-up ms | series x points | answer MB | checksum | answer vs Prometheus |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const details: string[] = [];
  for (const q of QUERIES) {
    const want = reference === undefined ? undefined : results.get(reference)!.queries.find((r) => r.id === q.id)?.answer;
    for (const t of ran) {
      const r = results.get(t)!.queries.find((x) => x.id === q.id)!;
      const ms = ascending(r.ms);
      let vs = '-';
      if (r.answer === undefined) vs = `error ${r.error?.replace(/\s+/g, ' ').replace(/\|/g, '\\|')}`;
      else if (t === reference) vs = 'reference';
      else if (want !== undefined) {
        const c = compare(want, r.answer);
        vs = comparisonText(c);
        for (const e of c.examples) details.push(`${q.id} ${t.name}: ${e}`);
      }
      const shape = r.answer === undefined ? '-' : `${grouped(r.answer.series.size, 0)} x ${grouped(r.answer.points, 0)}`;
      const checksum = r.answer === undefined ? '-' : r.answer.checksum.toPrecision(10);
      console.log(
        `| ${q.id} | ${t.name} | ${fixed(median(ms), 1)} | ${fixed(ms[0] ?? NaN, 1)} | ${fixed(quantile(ms, 0.9), 1)} | ${fixed(r.warmupMs, 1)} | ${shape} | ${fixed(r.bytes / 1e6, 1)} | ${checksum} | ${vs} |`,
      );
    }
  }
  if (ran.some((t) => t.key === 'vm') && reference !== undefined) {
    console.log(`\nVictoriaMetrics' rate does not extrapolate and counts the step from the last sample before the window, so its values differ from Prometheus's by design.`);
  }
  if (details.length > 0) {
    console.log('\nFirst differences from Prometheus (t in s):');
    for (const d of details) console.log(`- ${d}`);
  }

  const ours = results.get(rusts);
  const peers = ran.filter((t) => t !== rusts);
  if (ours !== undefined && peers.length > 0) {
    console.log(`\n## RusTs / peer, median latency (below 1 = RusTs faster)\n`);
    console.log(`| query | ${peers.map((t) => `RusTs / ${t.name}`).join(' | ')} |`);
    console.log(`| --- |${peers.map(() => ' --- |').join('')}`);
    for (const q of QUERIES) {
      const mine = ours.queries.find((r) => r.id === q.id)!;
      const cells = peers.map((t) => {
        const theirs = results.get(t)!.queries.find((r) => r.id === q.id)!;
        if (mine.answer === undefined || theirs.answer === undefined) return '-';
        return fixed(median(mine.ms) / median(theirs.ms), 2);
      });
      console.log(`| ${q.id} | ${cells.join(' | ')} |`);
    }
  }
}

// ---- main

async function main(): Promise<void> {
  const { targets, skipped } = selectTargets(ONLY, { rusts, vm: victoriaMetrics, prometheus });

  const encodeStart = performance.now();
  const data = promqlDataset({ counters: SERIES, services: SERVICES, histogramSets: HISTOGRAM_SETS, spanMs: HOURS * HOUR_MS, intervalMs: INTERVAL_MS, firstMs: START_MS + SAMPLE_OFFSET_MS });
  const perSeries = data.timestamps.length;
  const expected: Counts = { counters: data.counterSeries * perSeries, buckets: data.histogramSeries * perSeries };
  const work = promqlRemoteWrite(data, SHAPE, SHARDS);
  const encodeSeconds = (performance.now() - encodeStart) / 1000;

  console.log(`node ${process.version}, ${os.cpus().length} CPUs, 1-minute load average ${fixed(os.loadavg()[0]!)}`);
  console.log(
    `data: ${grouped(data.counterSeries, 0)} counters ${COUNTER_METRIC}{instance, job, service} (${SERVICES} services) + ${grouped(HISTOGRAM_SETS, 0)} label sets x ` +
      `${BUCKETS.length} le of ${HISTOGRAM_METRIC} = ${grouped(data.series.length, 0)} series x ${grouped(perSeries, 0)} samples (every ${INTERVAL_MS / 1000} s, ` +
      `${HOURS} h, first at ${new Date(data.timestamps[0]!).toISOString()}) = ${grouped(data.samples, 0)} samples`,
  );
  console.log(
    `load: ${grouped(work.requests, 0)} remote write requests of ${SHAPE.seriesPerRequest} series x ${SHAPE.samplesPerSeries} samples, ${fixed(work.snappyBytes / 1e6, 1)} MB snappy / ` +
      `${fixed(work.rawBytes / 1e6, 1)} MB protobuf (generated and encoded in ${fixed(encodeSeconds, 1)} s), ${SHARDS} in-order shards, at most ${MAX_LEAD_MS / MINUTE_MS} min apart`,
  );
  for (const s of skipped) console.log(s);

  const root = tempDir('rusts-promql-bench-');
  stopAllOnSignal(() => removeDir(root));
  const results = new Map<Target, RunResult>();
  const failures: string[] = [];
  try {
    for (const target of targets) {
      try {
        results.set(target, await runTarget(target, work, expected, root));
      } catch (err) {
        const message = `${target.name} failed: ${err instanceof Error ? err.message : String(err)}`;
        failures.push(message);
        console.log(`  ${message}`);
      }
    }
  } finally {
    await stopAll();
    if (failures.length > 0) console.log(`server logs kept in ${root}`);
    else removeDir(root);
  }

  console.log(`\n1-minute load average after the runs: ${fixed(os.loadavg()[0]!)} (${os.cpus().length} cores; other work on the machine shows here)`);
  printResults(targets, results, expected);
  for (const { id, threads } of results.get(rusts)?.profiles ?? []) {
    for (const p of threads) printThreadProfile(`RusTs during ${id} (warm-up and ${RUNS} runs)`, p);
  }
  console.log();
  for (const s of skipped) console.log(s);
  for (const f of failures) console.log(f);
}

await main();
