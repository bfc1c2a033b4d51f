// Prometheus 2.42 (Debian's `prometheus` package) using a long-term store through remote write
// and remote read. Prometheus A scrapes itself and a node exporter every second and remote-writes
// everything to each store; then, over a window fully in the past:
//  1. every series A holds is in the store with the same samples (timestamps and float64 bits,
//     stale markers included: the node exporter is stopped halfway, so its series end in stale
//     markers), both read through remote read and decoded by the same code;
//  2. A's own HTTP API answers range selectors with what the store's remote read returns;
//  3. Prometheus C, with nothing but `remote_read` from the store, answers instant and range
//     queries exactly as A does.
// The stores are RusTs and, as a self-check of the suite, a second Prometheus with the remote
// write receiver on (the protocol's reference implementation). PROMETHEUS_COMPAT_STORES
// (comma-separated, default "rusts,prometheus") picks a subset.
//
// Without /usr/bin/prometheus or /usr/bin/prometheus-node-exporter the suite skips, except with
// CI=true, where it fails: CI always installs the peers.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  NODE_EXPORTER,
  STALE_HI,
  STALE_LO,
  decodeReadResponse,
  PROMETHEUS,
  api,
  bitsOf,
  describeAnswerDiff,
  diffSeries,
  formatDiff,
  isEmptyDiff,
  isStale,
  labelKey,
  normalizeAnswer,
  readingConfig,
  remoteRead,
  scrapingConfig,
  sleep,
  startNodeExporter,
  startPrometheus,
  startStore,
  stop,
  valueOf,
  type ApiAnswer,
  type Matcher,
  type Series,
  type Server,
  type Store,
  type StoreKind,
} from './harness.ts';
import { prometheusProto } from '../../src/protocol/prometheus/proto.ts';
import { startRusts, type Rusts } from '../influx/harness.ts';

const missing = [PROMETHEUS, NODE_EXPORTER].filter((path) => !existsSync(path));
const missingReason = missing.length === 0 ? undefined : `prometheus not installed (${missing.join(', ')}): apt-get install prometheus prometheus-node-exporter`;
const inCI = process.env['CI'] === 'true';
const skip = missingReason !== undefined && !inCI ? missingReason : false;

const STORES: readonly StoreKind[] = (process.env['PROMETHEUS_COMPAT_STORES'] ?? 'rusts,prometheus').split(',').map((s) => {
  const kind = s.trim();
  if (kind !== 'rusts' && kind !== 'prometheus') throw new Error(`PROMETHEUS_COMPAT_STORES: unknown store ${JSON.stringify(kind)}`);
  return kind;
});

const ALL: readonly Matcher[] = [{ type: 'RE', name: '__name__', value: '.+' }];

/** Scraping after the first scrape before the node exporter is stopped, and after that. */
const SCRAPE_BEFORE_STOP_MS = 7_000;
const SCRAPE_AFTER_STOP_MS = 6_000;
/** The window ends this long before "now", so every scrape in it is complete. */
const END_LAG_MS = 3_000;
/** How long a store may take to hold everything A wrote up to the window's end. */
const CATCH_UP_MS = 20_000;

// The comparison code itself, without any server: a stale marker keeps its bits through encoding
// and decoding, and the diff notices a flipped bit, a missing sample and a missing series.
describe('remote read decoding and comparison', () => {
  it('keeps float64 bits and reports every kind of difference', () => {
    const { ReadResponse } = prometheusProto();
    const view = new DataView(new ArrayBuffer(8));
    view.setUint32(4, STALE_HI, true);
    view.setUint32(0, STALE_LO, true);
    const stale = view.getFloat64(0, true);
    const series = (name: string, samples: { value: number; timestamp: number }[]) => ({ labels: [{ name: 'job', value: 'j' }, { name: '__name__', value: name }], samples });
    const encode = (timeseries: ReturnType<typeof series>[]) => ReadResponse.encode({ results: [{ timeseries }] }).finish();
    const expected = decodeReadResponse(encode([series('a', [{ value: 1, timestamp: 1000 }, { value: stale, timestamp: 2000 }]), series('b', [{ value: -0, timestamp: -5 }])]))[0]!;
    assert.deepEqual(expected[0], { key: '[["__name__","a"],["job","j"]]', samples: [{ t: 1000, ...bitsOf(1) }, { t: 2000, hi: STALE_HI, lo: STALE_LO }] });
    assert.ok(isStale(expected[0]!.samples[1]!));
    assert.ok(isEmptyDiff(diffSeries(expected, expected)));
    // NaN instead of the stale marker, -0 as 0, a sample and a series missing.
    const actual = decodeReadResponse(encode([series('a', [{ value: NaN, timestamp: 2000 }]), series('b', [{ value: 0, timestamp: -5 }]), series('c', [{ value: 1, timestamp: 1 }])]))[0]!;
    const diff = diffSeries(expected, actual);
    assert.equal(diff.missingSamples, 1);
    assert.equal(diff.differentValues, 2);
    assert.deepEqual(diff.extraSeries, ['[["__name__","c"],["job","j"]]']);
    assert.equal(diff.differing.length, 2, formatDiff(diff));
  });
});

describe('Prometheus 2.42 with a long-term store (remote write, remote read)', { skip }, () => {
  let dir = '';
  const procs: Server[] = [];
  const stores = new Map<StoreKind, Store>();
  const storeErrors = new Map<StoreKind, unknown>();
  let a: Server | undefined;
  /** The window [t0, t1] (ms): after each target's first scrape, ending END_LAG_MS before it was chosen. */
  let t0 = 0;
  let t1 = 0;
  /** An instant while the node exporter was still up. */
  let tMid = 0;
  /** What A holds over the window, read through remote read. */
  let fromA: Series[] = [];

  before(async () => {
    if (missingReason !== undefined) throw new Error(`${missingReason} (CI=true: the suite must not skip)`);
    dir = mkdtempSync(join(tmpdir(), 'rusts-compat-prometheus-'));
    const exporterStarting = startNodeExporter(join(dir, 'node-exporter'));
    exporterStarting.catch(() => {}); // awaited below, after the stores
    const started = await Promise.allSettled(STORES.map((kind) => startStore(kind, join(dir, `store-${kind}`))));
    started.forEach((s, i) => {
      if (s.status === 'fulfilled') {
        stores.set(STORES[i]!, s.value);
        procs.push(s.value);
      } else storeErrors.set(STORES[i]!, s.reason);
    });
    const exporter = await exporterStarting;
    procs.push(exporter);
    a = await startPrometheus('prometheus-a', join(dir, 'a'), (port) => scrapingConfig(port, exporter.url, [...stores.values()]));
    procs.push(a);

    // Both targets scraped once: the window starts after the later first scrape.
    const firstUp = await waitFor('both targets scraped by A', 15_000, async () => {
      const up = await remoteRead(`${a!.url}/api/v1/read`, [{ type: 'EQ', name: '__name__', value: 'up' }], 0, Date.now() + 60_000);
      return up.length === 2 ? Math.max(...up.map((s) => s.samples[0]!.t)) : undefined;
    });
    t0 = firstUp + 1;
    await sleep(t0 + SCRAPE_BEFORE_STOP_MS - Date.now());
    // Stop the node exporter: A's next scrape of it fails, so its series end in stale markers and
    // up{job="node"} turns 0. tMid is a whole second before that.
    tMid = Math.floor(Date.now() / 1000) * 1000 - 1000;
    await stop(exporter.proc);
    await sleep(SCRAPE_AFTER_STOP_MS);
    t1 = Math.floor((Date.now() - END_LAG_MS) / 1000) * 1000;

    fromA = await remoteRead(`${a.url}/api/v1/read`, ALL, t0, t1);
    const samples = fromA.reduce((n, s) => n + s.samples.length, 0);
    const stale = fromA.filter((s) => s.samples.some(isStale)).length;
    console.log(`window [${t0}, ${t1}] (${t1 - t0} ms): A holds ${fromA.length} series, ${samples} samples, ${stale} series with stale markers`);
    // Self-checks of the setup: a window with several scrapes of both jobs and the stale markers.
    assert.ok(t1 - t0 >= 7_000, `window too short: ${t1 - t0} ms`);
    assert.ok(fromA.length > 300, `A holds only ${fromA.length} series in the window`);
    assert.ok(stale > 50, `only ${stale} series with a stale marker (the node exporter's series should end in one)`);
  });

  after(async () => {
    for (const p of procs.reverse()) await stop(p.proc);
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  for (const kind of STORES) {
    describe(`store: ${kind === 'rusts' ? 'RusTs' : 'Prometheus (remote write receiver)'}`, () => {
      const storeOf = (): Store => {
        const store = stores.get(kind);
        if (store === undefined) throw new Error(`the ${kind} store did not start: ${String(storeErrors.get(kind))}`);
        return store;
      };
      let c: Server | undefined;

      after(async () => {
        if (c !== undefined) await stop(c.proc);
      });

      it('holds every series A holds in the window, sample for sample (float64 bits)', async () => {
        const store = storeOf();
        const deadline = Date.now() + CATCH_UP_MS;
        let last = '';
        for (let round = 0; ; round++) {
          const failures = await remoteWriteFailures(a!, kind);
          const fromStore = await remoteRead(store.readUrl, ALL, t0, t1).catch((e: unknown) => e as Error);
          if (!(fromStore instanceof Error)) {
            const diff = diffSeries(fromA, fromStore);
            if (isEmptyDiff(diff)) return;
            last = formatDiff(diff);
          } else last = fromStore.message;
          // A gave up on some samples (a 4xx answer): waiting longer cannot help.
          if (failures !== '' || Date.now() > deadline) {
            assert.fail(`the ${kind} store differs from Prometheus A over [${t0}, ${t1}] after ${round + 1} reads:\n${last}\n${failures}\nA's remote write log:\n${remoteWriteLog(a!, store)}`);
          }
          await sleep(1000);
        }
      });

      it("answers range selectors like A's own /api/v1/query", async () => {
        const store = storeOf();
        const range = `${t1 - t0}ms`;
        const selectors: { promql: string; matchers: Matcher[] }[] = [
          { promql: 'up', matchers: [{ type: 'EQ', name: '__name__', value: 'up' }] },
          { promql: 'scrape_samples_scraped', matchers: [{ type: 'EQ', name: '__name__', value: 'scrape_samples_scraped' }] },
          {
            promql: 'node_cpu_seconds_total{mode="idle"}',
            matchers: [
              { type: 'EQ', name: '__name__', value: 'node_cpu_seconds_total' },
              { type: 'EQ', name: 'mode', value: 'idle' },
            ],
          },
          {
            promql: '{__name__=~"prometheus_http_request.*",handler=~"/api/v1/.*"}',
            matchers: [
              { type: 'RE', name: '__name__', value: 'prometheus_http_request.*' },
              { type: 'RE', name: 'handler', value: '/api/v1/.*' },
            ],
          },
        ];
        const problems: string[] = [];
        for (const { promql, matchers } of selectors) {
          const answer = await api(a!.url, '/api/v1/query', { query: `${promql}[${range}]`, time: String(t1 / 1000) });
          assert.equal(answer.status, 'success', `A: ${promql}[${range}]: ${answer.error}`);
          const fromApi = apiToSeries(answer);
          assert.ok(fromApi.length > 0, `A has no series for ${promql}`);
          // Range selectors leave stale markers out; the store's answer is compared the same way.
          const fromStore = (await remoteRead(store.readUrl, matchers, t0, t1)).map((s) => ({ key: s.key, samples: s.samples.filter((x) => !isStale(x)) })).filter((s) => s.samples.length > 0);
          const diff = diffSeries(fromApi, fromStore.map(canonicalNaN));
          if (!isEmptyDiff(diff)) problems.push(`${promql}[${range}] at ${t1 / 1000}:\n${formatDiff(diff)}`);
        }
        assert.equal(problems.length, 0, problems.join('\n\n'));
      });

      it('lets a Prometheus with only remote_read from the store answer like A', async () => {
        const store = storeOf();
        c = await startPrometheus(`prometheus-c-${kind}`, join(dir, `c-${kind}`), () => readingConfig(store));
        const queries = [
          'up',
          'sum by (job) (up)',
          'rate(prometheus_http_requests_total[5s])',
          'node_cpu_seconds_total{mode="idle"}',
          'count({__name__=~".+"})',
          'count by (job) ({__name__=~".+"})',
          'max_over_time(scrape_duration_seconds[3s])',
          'histogram_quantile(0.9, sum by (le) (rate(prometheus_http_request_duration_seconds_bucket[5s])))',
        ];
        // Range queries start 5 s into the window, so even the 5 s range functions see only window data.
        const start = Math.ceil((t0 + 5_000) / 1000);
        const requests: { path: string; params: Record<string, string> }[] = [];
        for (const query of queries) {
          requests.push({ path: '/api/v1/query', params: { query, time: String(tMid / 1000) } });
          requests.push({ path: '/api/v1/query', params: { query, time: String(t1 / 1000) } });
          requests.push({ path: '/api/v1/query_range', params: { query, start: String(start), end: String(t1 / 1000), step: '1' } });
        }
        const cUrl = c.url;
        const problems: string[] = [];
        const warnings = new Set<string>();
        let nonEmpty = 0;
        for (const { path, params } of requests) {
          const [expected, actual]: ApiAnswer[] = await Promise.all([api(a!.url, path, params), api(cUrl, path, params)]);
          const what = `${path} ${JSON.stringify(params)}`;
          assert.equal(expected!.status, 'success', `A: ${what}: ${expected!.error}`);
          if (isNonEmpty(expected!)) nonEmpty++;
          for (const w of actual!.warnings ?? []) warnings.add(w);
          const e = normalizeAnswer({ status: expected!.status, data: expected!.data } as ApiAnswer);
          const g = normalizeAnswer({ status: actual!.status, data: actual!.data, ...(actual!.error === undefined ? {} : { error: actual!.error }) } as ApiAnswer);
          try {
            assert.deepEqual(g, e);
          } catch {
            problems.push(`${what}:\n${describeAnswerDiff(e, g)}`);
          }
        }
        assert.ok(nonEmpty >= requests.length - 2, `only ${nonEmpty} of ${requests.length} answers of A have data: the window is too thin`);
        const warned = warnings.size === 0 ? '' : `C's warnings: ${[...warnings].slice(0, 3).join(' | ')}\n`;
        assert.ok(problems.length === 0 && warnings.size === 0, `${problems.length} of ${requests.length} answers differ from A's\n${warned}${problems.slice(0, 6).join('\n\n')}`);
      });
    });
  }
});

// A kill -9 of RusTs while Prometheus writes to it: what RusTs acknowledged survives (the WAL), and
// what it did not, Prometheus sends again once RusTs is back on the same address, so nothing is lost.
describe('Prometheus 2.42 writing to RusTs through a kill -9 and a restart', { skip: skip || !STORES.includes('rusts') }, () => {
  let dir = '';
  let rusts: Rusts | undefined;
  let d: Server | undefined;

  after(async () => {
    if (d !== undefined) await stop(d.proc);
    if (rusts !== undefined) await stop(rusts.proc);
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('holds every sample Prometheus scraped, before and after the crash', async () => {
    if (missingReason !== undefined) throw new Error(`${missingReason} (CI=true: the suite must not skip)`);
    dir = mkdtempSync(join(tmpdir(), 'rusts-compat-prometheus-crash-'));
    const dataDir = join(dir, 'rusts');
    rusts = await startRusts(dataDir);
    const port = Number(new URL(rusts.url).port);
    const store: Store = { ...rusts, kind: 'rusts', writeUrl: `${rusts.url}/api/v1/write`, readUrl: `${rusts.url}/api/v1/read` };
    d = await startPrometheus('prometheus-d', join(dir, 'd'), (self) => scrapingConfig(self, undefined, [store]));
    const firstUp = await waitFor('D scraped itself', 15_000, async () => {
      const up = await remoteRead(`${d!.url}/api/v1/read`, [{ type: 'EQ', name: '__name__', value: 'up' }], 0, Date.now() + 60_000);
      return up.length === 1 ? up[0]!.samples[0]!.t : undefined;
    });
    await sleep(firstUp + 4_000 - Date.now());
    // No clean shutdown: the process dies between whatever writes were in flight.
    const exited = new Promise<void>((resolve) => rusts!.proc.child.once('close', () => resolve()));
    rusts.proc.child.kill('SIGKILL');
    await exited;
    await sleep(2_000);
    rusts = await startRusts(dataDir, undefined, port);
    await sleep(4_000);
    const t0 = firstUp + 1;
    const t1 = Math.floor((Date.now() - END_LAG_MS) / 1000) * 1000;
    // A self-check of the setup: D did have to send samples again.
    const metrics = await (await fetch(`${d.url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const retried = /^prometheus_remote_storage_samples_retried_total\{[^}]*\} (\S+)$/m.exec(metrics);
    assert.ok(retried !== null && Number(retried[1]) > 0, `D retried no samples while RusTs was down:\n${metrics.split('\n').filter((l) => l.includes('retried')).join('\n')}`);
    const fromD = await remoteRead(`${d.url}/api/v1/read`, ALL, t0, t1);
    assert.ok(fromD.length > 100, `D holds only ${fromD.length} series`);
    const deadline = Date.now() + CATCH_UP_MS;
    for (;;) {
      const diff = diffSeries(fromD, await remoteRead(`${rusts.url}/api/v1/read`, ALL, t0, t1));
      if (isEmptyDiff(diff)) return;
      if (Date.now() > deadline) assert.fail(`RusTs differs from Prometheus D over [${t0}, ${t1}] after the restart:\n${formatDiff(diff)}\nD's remote write log:\n${remoteWriteLog(d, store)}`);
      await sleep(1000);
    }
  });
});

/** Poll `probe` every 200 ms until it returns a value, failing after `ms`. */
async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${lastError === undefined ? '' : `: ${String(lastError)}`}`);
    await sleep(200);
  }
}

/**
 * A's counters of samples it failed to send (or dropped) to the queue `name`, read from its own
 * /metrics; empty when there are none.
 */
async function remoteWriteFailures(a: Server, name: string): Promise<string> {
  const text = await (await fetch(`${a.url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const lines = text.split('\n').filter((l) => /^prometheus_remote_storage_(samples|exemplars|histograms|metadata)_(failed|dropped)_total\{/.test(l) && l.includes(`remote_name="${name}"`));
  return lines.some((l) => Number(l.slice(l.lastIndexOf(' ') + 1)) > 0) ? `A's remote write counters:\n${lines.join('\n')}` : '';
}

/** A's log lines about the store's remote write queue (the last few). */
function remoteWriteLog(a: Server, store: Store): string {
  const lines = a.proc.output().split('\n').filter((l) => l.includes(store.writeUrl));
  return lines.slice(-5).join('\n') || '(none)';
}

/** A matrix answer of /api/v1/query as series with samples (values parsed back to float64). */
function apiToSeries(answer: ApiAnswer): Series[] {
  assert.equal(answer.data?.resultType, 'matrix');
  return (answer.data!.result as { metric: Record<string, string>; values: [number, string][] }[]).map((s) => ({
    key: labelKey(Object.entries(s.metric)),
    samples: s.values.map(([t, v]) => ({ t: Math.round(t * 1000), ...bitsOf(parseGoFloat(v)) })),
  }));
}

/** Go's FormatFloat 'f' -1 back to a float64: "+Inf", "-Inf" and "NaN" as well as decimals. */
function parseGoFloat(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return NaN;
  const n = Number(v);
  if (Number.isNaN(n)) throw new Error(`not a float: ${v}`);
  return n;
}

/** The JSON API prints every NaN as "NaN": compare the store's NaNs (not stale markers) as the canonical one. */
function canonicalNaN(s: Series): Series {
  const nan = bitsOf(NaN);
  return {
    key: s.key,
    samples: s.samples.map((x) => (Number.isNaN(valueOf(x)) ? { t: x.t, ...nan } : x)),
  };
}

function isNonEmpty(answer: ApiAnswer): boolean {
  const result = answer.data?.result;
  return Array.isArray(result) && result.length > 0;
}
