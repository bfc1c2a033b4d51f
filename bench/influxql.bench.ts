/**
 * InfluxQL query latency of RusTs beside a real influxd 1.6.7, on the same machine and the same
 * data (issue 4: "faster than influxd on each" of three Grafana-style queries). Each server runs as
 * a child process on 127.0.0.1 with a fresh data directory, gets `CREATE DATABASE bench` and the
 * devops "cpu" dataset (bench/lib/devops.ts: 100 hosts x 10 float fields, 10 s interval, 12 h =
 * 4.32 M samples) as line-protocol bodies of 5,000 lines over 4 keep-alive connections, and is
 * asked, once a count query sees every point, GET /query?db=bench&epoch=ms&q=... for
 *
 *   Q1  mean(usage_user) of one host per 1 m              (Grafana: one host's graph)
 *   Q2  max(usage_user) per 1 h and hostname, fill(none)  (Grafana: a panel per host)
 *   Q3  mean(usage_system) per 10 m and region            (Grafana: a panel per region)
 *
 * over the whole 12 h: one warm-up, then `--runs` (15) sequential runs of each on one keep-alive
 * connection. It prints the median and p90 of each server and their ratio, and a checksum of each
 * answer (series, non-null points and the sum of the values) so that a reader sees both servers
 * computed the same. influxd is skipped, with the reason, when /usr/bin/influxd is missing
 * (`apt-get install influxdb`). It prints figures; it asserts nothing.
 *
 *   node --import tsx bench/influxql.bench.ts [--hosts 100] [--hours 12] [--runs 15] [--connections 4]
 *        [--lines 5000] [--only rusts|influxd]
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { INFLUXD, writeInfluxdConfig } from '../compat/influx/influxd.ts';
import { devopsDataset, devopsLineProtocol, type DevopsLineBody } from './lib/devops.ts';
import { postBodies, timeRequests, type LoadResult } from './lib/http.ts';
import { freePort, sleep, startServer, stopAll, stopAllOnSignal, type ServerProcess } from './lib/process.ts';
import { packageVersion, rustsInfo, startRusts } from './lib/receivers.ts';
import { ascending, fixed, grouped, median, numberArg, quantile, removeDir, stringArg, tempDir } from './lib/stats.ts';

const HOSTS = numberArg('hosts', 100);
const HOURS = numberArg('hours', 12);
const RUNS = numberArg('runs', 15);
const CONNECTIONS = numberArg('connections', 4);
const LINES = numberArg('lines', 5000);
const ONLY = stringArg('only', '');

const HOUR_MS = 3_600_000;
const DB = 'bench';

// ---- the servers

interface Target {
  readonly key: 'rusts' | 'influxd';
  readonly name: string;
  readonly version: string;
  readonly readyPath: string;
  start(dir: string, port: number): Promise<ServerProcess>;
}

const rusts: Target = {
  ...rustsInfo(),
  async start(dir, port) {
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    return startRusts({ dataDir, logFile: join(dir, 'server.log'), port });
  },
};

const influxd: Target = {
  key: 'influxd',
  name: 'influxd',
  version: packageVersion('influxdb'),
  readyPath: '/ping',
  async start(dir, port) {
    const configFile = writeInfluxdConfig(dir, port, await freePort());
    // /ping answers 204, not 200: readiness is checked with waitPing below.
    return startServer({ name: 'influxd', command: INFLUXD, args: ['run', '-config', configFile], cwd: dir, logFile: join(dir, 'server.log') });
  },
};

/** Polls GET `url` until it answers 2xx, for at most `timeoutMs`; fails early if the server exits. */
async function waitUp(server: ServerProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (!server.alive) throw new Error(`${server.name} exited before ${url} answered; see ${server.logFile}`);
    const { status } = await timeRequests({ url, method: 'GET' }, 0, 2_000);
    if (status >= 200 && status < 300) return;
    await sleep(100);
  }
  throw new Error(`${server.name}: ${url} did not answer within ${timeoutMs} ms; see ${server.logFile}`);
}

// ---- the workload

interface Workload {
  readonly bodies: readonly DevopsLineBody[];
  readonly samples: number;
  /** Rows of one field: hosts x timestamps. */
  readonly points: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

interface QueryCase {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

function workload(): Workload {
  // Fixed: on the hour, the dataset's default start, so both servers see identical timestamps.
  const data = devopsDataset({ hosts: HOSTS, spanMs: HOURS * HOUR_MS });
  const ms = data.series[0]!.column.ms;
  return {
    bodies: devopsLineProtocol(data, LINES),
    samples: data.samples,
    points: data.hosts.length * data.timestamps,
    firstMs: ms[0]!,
    lastMs: ms[data.timestamps - 1]!,
  };
}

function queries(work: Workload): QueryCase[] {
  const range = `time >= ${work.firstMs}ms AND time <= ${work.lastMs}ms`;
  return [
    {
      id: 'Q1',
      title: 'one host, mean per 1 m',
      text: `SELECT mean("usage_user") FROM "cpu" WHERE ("hostname" = 'host_1') AND ${range} GROUP BY time(1m) fill(null)`,
    },
    {
      id: 'Q2',
      title: 'all hosts, max per 1 h and host',
      text: `SELECT max("usage_user") FROM "cpu" WHERE ${range} GROUP BY time(1h), "hostname" fill(none)`,
    },
    {
      id: 'Q3',
      title: 'all hosts, mean per 10 m and region',
      text: `SELECT mean("usage_system") FROM "cpu" WHERE ${range} GROUP BY time(10m), "region" fill(null)`,
    },
  ];
}

const queryUrl = (base: string, q: string): string => `${base}/query?${new URLSearchParams({ db: DB, epoch: 'ms', q })}`;

// ---- answers

interface Summary {
  readonly series: number;
  /** Non-null values. */
  readonly points: number;
  /** Sum of every non-null value (time column excluded). */
  readonly checksum: number;
}

interface InfluxAnswer {
  readonly results?: readonly { readonly error?: string; readonly series?: readonly { readonly values?: readonly (readonly unknown[])[] }[] }[];
  readonly error?: string;
}

/** Summary of a /query answer, or the error it carries. */
function summarise(status: number, body: Buffer): Summary | string {
  if (status !== 200) return `status ${status}: ${body.toString().slice(0, 200)}`;
  let json: InfluxAnswer;
  try {
    json = JSON.parse(body.toString()) as InfluxAnswer;
  } catch {
    return `unparsable: ${body.toString().slice(0, 200)}`;
  }
  if (json.error !== undefined) return json.error;
  let series = 0;
  let points = 0;
  let checksum = 0;
  for (const result of json.results ?? []) {
    if (result.error !== undefined) return result.error;
    for (const s of result.series ?? []) {
      series++;
      for (const row of s.values ?? []) {
        for (let i = 1; i < row.length; i++) {
          if (typeof row[i] !== 'number') continue;
          points++;
          checksum += row[i] as number;
        }
      }
    }
  }
  return { series, points, checksum };
}

// ---- one server

interface QueryRun {
  readonly id: string;
  readonly ms: readonly number[];
  readonly warmupMs: number;
  readonly answer: Summary | string;
}

interface ServerResult {
  readonly target: Target;
  readonly load: LoadResult;
  readonly searchableMs: number;
  readonly counted: number;
  readonly queries: readonly QueryRun[];
  readonly error?: string;
}

async function count(base: string, work: Workload): Promise<number> {
  const q = `SELECT count("usage_user") FROM "cpu" WHERE time >= ${work.firstMs}ms AND time <= ${work.lastMs}ms`;
  const { status, body } = await timeRequests({ url: queryUrl(base, q), method: 'GET' }, 0, 30_000);
  const s = summarise(status, body);
  return typeof s === 'string' ? -1 : s.checksum;
}

async function runServer(target: Target, work: Workload, root: string): Promise<ServerResult> {
  const dir = join(root, target.key);
  mkdirSync(dir);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await target.start(dir, port);
  try {
    await waitUp(server, base + target.readyPath);
    const create = await timeRequests({ url: `${base}/query?${new URLSearchParams({ q: `CREATE DATABASE ${DB}` })}`, method: 'POST' }, 0, 30_000);
    if (create.status !== 200) throw new Error(`CREATE DATABASE: ${create.status} ${create.body.toString().slice(0, 200)}`);

    const load = await postBodies(`${base}/write?db=${DB}&precision=ns`, work.bodies, { connections: CONNECTIONS });
    if (load.failedRequests > 0) console.error(`${target.name}: ${load.failedRequests} write request(s) failed: ${load.errors.slice(0, 3).join('; ')}`);

    // Wait (at most 60 s) until a count query sees every row.
    const searchStart = performance.now();
    let counted = await count(base, work);
    while (counted !== work.points && performance.now() - searchStart < 60_000) {
      await sleep(200);
      counted = await count(base, work);
    }
    const searchableMs = performance.now() - searchStart;

    const runs: QueryRun[] = [];
    for (const q of queries(work)) {
      const timed = await timeRequests({ url: queryUrl(base, q.text), method: 'GET' }, RUNS);
      runs.push({ id: q.id, ms: timed.ms, warmupMs: timed.warmupMs, answer: summarise(timed.status, timed.body) });
    }
    return { target, load, searchableMs, counted, queries: runs };
  } finally {
    await server.stop(15_000);
  }
}

// ---- output

function printTable(results: readonly ServerResult[], work: Workload): void {
  const a = results.find((r) => r.target.key === 'rusts');
  const b = results.find((r) => r.target.key === 'influxd');
  console.log(`\n## InfluxQL query latency, ms (1 warm-up + ${RUNS} runs each, one keep-alive connection)\n`);
  console.log(`| query | RusTs ${rusts.version} median | p90 | influxd ${influxd.version} median | p90 | RusTs / influxd (median) | p90 ratio |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const q of queries(work)) {
    const qa = a?.queries.find((r) => r.id === q.id);
    const qb = b?.queries.find((r) => r.id === q.id);
    const med = (r: QueryRun | undefined): number | undefined => (r === undefined ? undefined : median(r.ms));
    const p90 = (r: QueryRun | undefined): number | undefined => (r === undefined ? undefined : quantile(ascending(r.ms), 0.9));
    const show = (v: number | undefined): string => (v === undefined ? '-' : fixed(v, 2));
    const ratio = (x: number | undefined, y: number | undefined): string => (x === undefined || y === undefined || y === 0 ? '-' : fixed(x / y, 2));
    console.log(`| ${q.id} ${q.title} | ${show(med(qa))} | ${show(p90(qa))} | ${show(med(qb))} | ${show(p90(qb))} | ${ratio(med(qa), med(qb))} | ${ratio(p90(qa), p90(qb))} |`);
  }
  console.log('\nIssue 4 target: RusTs faster than influxd on each query (ratio < 1).');

  console.log('\n## Answers (last timed run): series / non-null points / sum of values\n');
  console.log('| query | RusTs | influxd | same |');
  console.log('| --- | --- | --- | --- |');
  const show = (r: QueryRun | undefined): string =>
    r === undefined ? '-' : typeof r.answer === 'string' ? `error: ${r.answer.replace(/\s+/g, ' ')}` : `${r.answer.series} / ${r.answer.points} / ${fixed(r.answer.checksum, 4)}`;
  for (const q of queries(work)) {
    const qa = a?.queries.find((r) => r.id === q.id);
    const qb = b?.queries.find((r) => r.id === q.id);
    const same =
      qa === undefined || qb === undefined || typeof qa.answer === 'string' || typeof qb.answer === 'string'
        ? '-'
        : qa.answer.series === qb.answer.series && qa.answer.points === qb.answer.points && Math.abs(qa.answer.checksum - qb.answer.checksum) <= 1e-6 * Math.max(1, Math.abs(qb.answer.checksum))
          ? 'yes'
          : 'NO';
    console.log(`| ${q.id} | ${show(qa)} | ${show(qb)} | ${same} |`);
  }

  console.log('\n## Every run, ms\n');
  console.log('| server | query | warm-up | timed runs |');
  console.log('| --- | --- | --- | --- |');
  for (const r of results) for (const q of r.queries) console.log(`| ${r.target.name} | ${q.id} | ${fixed(q.warmupMs)} | ${q.ms.map((m) => fixed(m)).join(', ')} |`);

  console.log('\n## Loading (informational)\n');
  console.log('| server | samples accepted | failed requests | ingest s | samples/s | rows counted / expected | searchable after ms |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const l = r.load;
    console.log(
      `| ${r.target.name} | ${grouped(l.acceptedSamples, 0)} | ${l.failedRequests} | ${fixed(l.seconds, 2)} | ${grouped(l.acceptedSamples / l.seconds, 0)} | ${grouped(r.counted, 0)} / ${grouped(work.points, 0)} | ${fixed(r.searchableMs, 0)} |`,
    );
  }
  console.log();
  for (const q of queries(work)) console.log(`${q.id}: ${q.text}`);
}

// ---- main

async function main(): Promise<void> {
  const targets: Target[] = [];
  if (ONLY === '' || ONLY === 'rusts') targets.push(rusts);
  if (ONLY === '' || ONLY === 'influxd') {
    if (existsSync(INFLUXD)) targets.push(influxd);
    else console.log(`influxd skipped: ${INFLUXD} not found (apt-get install influxdb)`);
  }
  const work = workload();
  console.log(
    `devops cpu: ${HOSTS} hosts x ${HOURS} h x 10 s = ${grouped(work.samples, 0)} samples in ${work.bodies.length} bodies of ${LINES} lines, ` +
      `${new Date(work.firstMs).toISOString()} .. ${new Date(work.lastMs).toISOString()}; node ${process.version}`,
  );
  const root = tempDir('rusts-influxql-bench-');
  stopAllOnSignal(() => removeDir(root));
  const results: ServerResult[] = [];
  try {
    // One server at a time, so neither competes with the other for the CPU.
    for (const target of targets) {
      console.log(`${target.name}: starting, loading, querying ...`);
      try {
        results.push(await runServer(target, work, root));
      } catch (err) {
        console.log(`${target.name}: failed: ${(err as Error).message}`);
      }
    }
    printTable(results, work);
  } finally {
    await stopAll(5_000);
    removeDir(root);
  }
}

await main();
