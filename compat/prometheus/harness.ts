// Helpers for the compat suite that runs a real Prometheus 2.42 (Debian's `prometheus` package)
// against a long-term store through remote write and remote read: starting Prometheus, the node
// exporter and the store (RusTs, or a second Prometheus with the remote write receiver as a
// reference), a remote read client whose decoder keeps every sample's float64 bits, and the
// comparisons with readable diffs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import snappy from 'snappy';
import { freePort } from '../../test/server/_rusts.ts';
import { start, startRusts, stop, upOrStopped, type Proc } from '../influx/harness.ts';
import { prometheusProto } from '../../src/protocol/prometheus/proto.ts';

export const PROMETHEUS = '/usr/bin/prometheus';
export const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

export type StoreKind = 'prometheus' | 'rusts';

/** A process started here and the base URL it serves. */
export interface Server {
  readonly proc: Proc;
  readonly url: string;
}

/** A long-term store: where remote write goes (`writeUrl`) and remote read comes from (`readUrl`). */
export interface Store extends Server {
  readonly kind: StoreKind;
  readonly writeUrl: string;
  readonly readUrl: string;
}

// ---------------------------------------------------------------------------------------------
// Processes.

/**
 * Start the node exporter on a free loopback port with a small, fast set of collectors (the
 * defaults include some that read slow or absent devices). Resolves once `/metrics` answers.
 */
export async function startNodeExporter(dir: string): Promise<Server> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const collectors = ['cpu', 'meminfo', 'loadavg', 'stat', 'time', 'uname', 'vmstat', 'netdev', 'filefd', 'sockstat', 'netstat'];
  const args = [`--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults', ...collectors.map((c) => `--collector.${c}`), '--log.level=warn'];
  const proc = start('node-exporter', NODE_EXPORTER, args, dir);
  const url = `http://127.0.0.1:${port}`;
  await upOrStopped(proc, `${url}/metrics`, 15_000);
  return { proc, url };
}

/**
 * Start Prometheus with everything under `dir` (config `dir/prometheus.yml`, TSDB `dir/data`) on
 * a free loopback port. `config` gets the port for a self-scrape target. Resolves on `/-/ready`.
 */
export async function startPrometheus(name: string, dir: string, config: (port: number) => string, extraArgs: readonly string[] = []): Promise<Server> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, config(port));
  const args = [`--config.file=${file}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', ...extraArgs];
  const proc = start(name, PROMETHEUS, args, dir);
  const url = `http://127.0.0.1:${port}`;
  await upOrStopped(proc, `${url}/-/ready`, 20_000);
  return { proc, url };
}

/**
 * Start the long-term store in `dir`: RusTs (`rusts serve`), or a second Prometheus with the
 * remote write receiver on and nothing to scrape, which serves `/api/v1/write` and
 * `/api/v1/read` the way the protocol's reference implementation does.
 */
export async function startStore(kind: StoreKind, dir: string): Promise<Store> {
  let server: Server;
  if (kind === 'prometheus') {
    server = await startPrometheus('prometheus-store', dir, () => 'global:\n  scrape_interval: 1s\nscrape_configs: []\n', ['--web.enable-remote-write-receiver']);
  } else {
    mkdirSync(dir, { recursive: true });
    server = await startRusts(join(dir, 'data'));
  }
  return { ...server, kind, writeUrl: `${server.url}/api/v1/write`, readUrl: `${server.url}/api/v1/read` };
}

export { stop };

/**
 * The YAML of a Prometheus that scrapes itself (at `port`) and, when given, the node exporter
 * every second, and remote-writes everything to every store.
 */
export function scrapingConfig(port: number, nodeExporter: string | undefined, stores: readonly Store[]): string {
  const lines = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    '  evaluation_interval: 1m',
    'scrape_configs:',
    '  - job_name: prometheus',
    `    static_configs: [{ targets: ['127.0.0.1:${port}'] }]`,
  ];
  if (nodeExporter !== undefined) lines.push('  - job_name: node', `    static_configs: [{ targets: ['${new URL(nodeExporter).host}'] }]`);
  lines.push('remote_write:');
  for (const store of stores) {
    lines.push(`  - url: ${store.writeUrl}`, `    name: ${store.kind}`, '    queue_config:', '      batch_send_deadline: 1s', '      min_backoff: 100ms', '      max_backoff: 1s');
  }
  return lines.join('\n') + '\n';
}

/** The YAML of Prometheus C: nothing to scrape, everything read from `store` (recent data too). */
export function readingConfig(store: Store): string {
  return ['global:', '  scrape_interval: 1s', 'scrape_configs: []', 'remote_read:', `  - url: ${store.readUrl}`, '    read_recent: true', ''].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Remote read client.

export interface Matcher {
  readonly type: 'EQ' | 'NEQ' | 'RE' | 'NRE';
  readonly name: string;
  readonly value: string;
}

/** One sample: timestamp in ms and the float64 as its two 32-bit halves (exact, NaN payloads included). */
export interface Sample {
  readonly t: number;
  readonly hi: number;
  readonly lo: number;
}

/** A series of a remote read answer: its labels as a canonical key (sorted JSON pairs) and its samples. */
export interface Series {
  readonly key: string;
  readonly samples: Sample[];
}

const MATCH_TYPE = { EQ: 0, NEQ: 1, RE: 2, NRE: 3 } as const;

/** The snappy-compressed `ReadRequest` for one query, asking for SAMPLES only. */
export function readRequestBody(matchers: readonly Matcher[], startMs: number, endMs: number): Buffer {
  const { ReadRequest } = prometheusProto();
  const message = ReadRequest.fromObject({
    queries: [{ startTimestampMs: startMs, endTimestampMs: endMs, matchers: matchers.map((m) => ({ type: MATCH_TYPE[m.type], name: m.name, value: m.value })) }],
    acceptedResponseTypes: [0],
  });
  return snappy.compressSync(Buffer.from(ReadRequest.encode(message).finish()));
}

/**
 * POST one remote read query to `url` and decode the answer (series without samples in the
 * range are dropped, as they carry nothing to compare). Throws with the body on a non-2xx answer.
 */
export async function remoteRead(url: string, matchers: readonly Matcher[], startMs: number, endMs: number): Promise<Series[]> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy', 'X-Prometheus-Remote-Read-Version': '0.1.0' },
    body: readRequestBody(matchers, startMs, endMs),
    signal: AbortSignal.timeout(10_000),
  });
  const body = Buffer.from(await res.arrayBuffer());
  if (!res.ok) throw new Error(`remote read ${url}: ${res.status} ${res.statusText}: ${body.toString('utf8').slice(0, 500)}`);
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/x-protobuf')) throw new Error(`remote read ${url}: Content-Type ${type}, expected application/x-protobuf`);
  const raw = snappy.uncompressSync(body, { asBuffer: true }) as Buffer;
  const results = decodeReadResponse(raw);
  if (results.length !== 1) throw new Error(`remote read ${url}: ${results.length} query results for 1 query`);
  return results[0]!.filter((s) => s.samples.length > 0);
}

/**
 * Decode a `ReadResponse` by hand: results (1) -> timeseries (1) -> labels (1: name 1, value 2)
 * and samples (2: value 1 as fixed64, timestamp 2 as varint). Doubles are never turned into
 * numbers, so their bits (stale markers are NaN 0x7ff0000000000002) come through untouched.
 */
export function decodeReadResponse(buf: Uint8Array): Series[][] {
  const results: Series[][] = [];
  forEachField(buf, 0, buf.length, (field, _wire, start, end) => {
    if (field !== 1) return;
    const series: Series[] = [];
    forEachField(buf, start, end, (f, _w, s, e) => {
      if (f === 1) series.push(decodeTimeSeries(buf, s, e));
    });
    results.push(series);
  });
  return results;
}

function decodeTimeSeries(buf: Uint8Array, start: number, end: number): Series {
  const labels: [string, string][] = [];
  const samples: Sample[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  forEachField(buf, start, end, (field, _wire, s, e) => {
    if (field === 1) {
      let name = '';
      let value = '';
      forEachField(buf, s, e, (f, _w, a, b) => {
        if (f === 1) name = decoder.decode(buf.subarray(a, b));
        else if (f === 2) value = decoder.decode(buf.subarray(a, b));
      });
      labels.push([name, value]);
    } else if (field === 2) {
      let t = 0;
      let hi = 0;
      let lo = 0;
      forEachField(buf, s, e, (f, w, a) => {
        if (f === 1 && w === 1) {
          const view = new DataView(buf.buffer, buf.byteOffset + a, 8);
          lo = view.getUint32(0, true);
          hi = view.getUint32(4, true);
        } else if (f === 2 && w === 0) {
          t = Number(BigInt.asIntN(64, readVarint(buf, a)[0]));
        }
      });
      samples.push({ t, hi, lo });
    }
  });
  return { key: labelKey(labels), samples };
}

/** Canonical key of a label set: the pairs sorted by name, as JSON. */
export function labelKey(labels: Iterable<readonly [string, string]>): string {
  return JSON.stringify([...labels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let value = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const byte = buf[pos++]!;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [value, pos];
    shift += 7n;
    if (shift > 63n) throw new Error('varint too long');
  }
}

/** Calls `visit(field, wireType, start, end)` for each field in buf[from, to); for varints start is the varint's offset. */
function forEachField(buf: Uint8Array, from: number, to: number, visit: (field: number, wire: number, start: number, end: number) => void): void {
  let pos = from;
  while (pos < to) {
    const [tag, afterTag] = readVarint(buf, pos);
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    pos = afterTag;
    switch (wire) {
      case 0: {
        const [, next] = readVarint(buf, pos);
        visit(field, wire, pos, next);
        pos = next;
        break;
      }
      case 1:
        visit(field, wire, pos, pos + 8);
        pos += 8;
        break;
      case 2: {
        const [length, next] = readVarint(buf, pos);
        const end = next + Number(length);
        if (end > to) throw new Error('truncated length-delimited field');
        visit(field, wire, next, end);
        pos = end;
        break;
      }
      case 5:
        visit(field, wire, pos, pos + 4);
        pos += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${wire} at ${pos}`);
    }
  }
  if (pos !== to) throw new Error('field overruns its message');
}

// ---------------------------------------------------------------------------------------------
// Float64 bits.

export const STALE_HI = 0x7ff00000;
export const STALE_LO = 0x00000002;

export function isStale(s: Sample): boolean {
  return s.hi === STALE_HI && s.lo === STALE_LO;
}

/** The float64 of a sample (only for display and for comparing with JSON values). */
export function valueOf(s: Sample): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, s.lo, true);
  view.setUint32(4, s.hi, true);
  return view.getFloat64(0, true);
}

/** The bits of a float64 as a sample's halves, for comparing a parsed JSON value with a stored one. */
export function bitsOf(value: number): { hi: number; lo: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value, true);
  return { lo: view.getUint32(0, true), hi: view.getUint32(4, true) };
}

function showSample(s: Sample | undefined): string {
  if (s === undefined) return '(none)';
  const bits = `0x${s.hi.toString(16).padStart(8, '0')}${s.lo.toString(16).padStart(8, '0')}`;
  return `${s.t}=${isStale(s) ? 'stale' : String(valueOf(s))} (${bits})`;
}

// ---------------------------------------------------------------------------------------------
// Comparing two remote read answers.

export interface SeriesDiff {
  readonly expectedSeries: number;
  readonly actualSeries: number;
  readonly expectedSamples: number;
  readonly actualSamples: number;
  readonly missingSeries: string[];
  readonly extraSeries: string[];
  /** Series in both whose samples differ, with the first difference described. */
  readonly differing: string[];
  /** Missing samples (in expected, not in actual) over the common series. */
  readonly missingSamples: number;
  /** Samples at a timestamp only `actual` has. */
  readonly extraSamples: number;
  /** Samples at the same timestamp with different bits. */
  readonly differentValues: number;
}

/** Compare `actual` (the store) with `expected` (Prometheus A), series by label set, samples by timestamp and bits. */
export function diffSeries(expected: readonly Series[], actual: readonly Series[]): SeriesDiff {
  const exp = new Map(expected.map((s) => [s.key, s.samples] as const));
  const act = new Map(actual.map((s) => [s.key, s.samples] as const));
  if (exp.size !== expected.length || act.size !== actual.length) throw new Error('a remote read answer repeats a label set');
  const missingSeries: string[] = [];
  const extraSeries: string[] = [];
  const differing: string[] = [];
  let missingSamples = 0;
  let extraSamples = 0;
  let differentValues = 0;
  for (const [key, samples] of exp) {
    const other = act.get(key);
    if (other === undefined) {
      missingSeries.push(key);
      continue;
    }
    const byTime = new Map(other.map((s) => [s.t, s] as const));
    let first: string | undefined;
    for (const s of samples) {
      const o = byTime.get(s.t);
      byTime.delete(s.t);
      if (o === undefined) missingSamples++;
      else if (o.hi !== s.hi || o.lo !== s.lo) differentValues++;
      else continue;
      first ??= `expected ${showSample(s)}, got ${showSample(o)}`;
    }
    extraSamples += byTime.size;
    if (byTime.size > 0) first ??= `unexpected ${showSample(byTime.values().next().value)}`;
    if (first === undefined && other.some((s, i) => s.t !== samples[i]?.t)) first = 'samples out of timestamp order';
    if (first !== undefined) differing.push(`${key}: ${first} (${samples.length} expected, ${other.length} got)`);
  }
  for (const key of act.keys()) if (!exp.has(key)) extraSeries.push(key);
  const count = (list: readonly Series[]) => list.reduce((n, s) => n + s.samples.length, 0);
  return {
    expectedSeries: exp.size,
    actualSeries: act.size,
    expectedSamples: count(expected),
    actualSamples: count(actual),
    missingSeries,
    extraSeries,
    differing,
    missingSamples,
    extraSamples,
    differentValues,
  };
}

export function isEmptyDiff(d: SeriesDiff): boolean {
  return d.missingSeries.length === 0 && d.extraSeries.length === 0 && d.differing.length === 0;
}

/** A readable report: counts, then the first `n` of each kind of difference. */
export function formatDiff(d: SeriesDiff, n = 10): string {
  const head = (title: string, list: readonly string[]) => (list.length === 0 ? [] : [`${title} (${list.length}):`, ...list.slice(0, n).map((x) => `  ${x}`), ...(list.length > n ? [`  ... ${list.length - n} more`] : [])]);
  return [
    `series: ${d.expectedSeries} expected, ${d.actualSeries} got; samples: ${d.expectedSamples} expected, ${d.actualSamples} got`,
    `samples missing: ${d.missingSamples}, extra: ${d.extraSamples}, different bits: ${d.differentValues}`,
    ...head('missing series', d.missingSeries),
    ...head('extra series', d.extraSeries),
    ...head('series with different samples', d.differing),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Prometheus HTTP API.

export interface ApiAnswer {
  readonly status: string;
  readonly data?: { resultType: string; result: unknown };
  readonly warnings?: string[];
  readonly error?: string;
  readonly errorType?: string;
}

/** GET `path` with `params` from a Prometheus HTTP API and parse the JSON (any status: errors are JSON too). */
export async function api(url: string, path: string, params: Record<string, string>): Promise<ApiAnswer> {
  const res = await fetch(`${url}${path}?${new URLSearchParams(params)}`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  try {
    return JSON.parse(text) as ApiAnswer;
  } catch {
    throw new Error(`${path}: ${res.status} answer is not JSON: ${text.slice(0, 300)}`);
  }
}

interface ApiSeries {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

/** An API answer with its series sorted by label set, so two answers compare with deepEqual. */
export function normalizeAnswer(answer: ApiAnswer): ApiAnswer {
  const data = answer.data;
  if (data === undefined || !Array.isArray(data.result)) return answer;
  const result = (data.result as ApiSeries[]).map((s) => ({ key: labelKey(Object.entries(s.metric)), s })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ...answer, data: { resultType: data.resultType, result: result.map((r) => r.s) } };
}

/** Where two normalized answers first differ, for a failure message. */
export function describeAnswerDiff(expected: ApiAnswer, actual: ApiAnswer, n = 5): string {
  if (expected.status !== actual.status || expected.data?.resultType !== actual.data?.resultType) {
    return `status/resultType: expected ${expected.status}/${expected.data?.resultType}, got ${actual.status}/${actual.data?.resultType} ${actual.error ?? ''}`;
  }
  const exp = expected.data?.result;
  const act = actual.data?.result;
  if (!Array.isArray(exp) || !Array.isArray(act)) return `result: expected ${JSON.stringify(exp)}, got ${JSON.stringify(act)}`;
  const e = new Map((exp as ApiSeries[]).map((s) => [labelKey(Object.entries(s.metric)), s] as const));
  const a = new Map((act as ApiSeries[]).map((s) => [labelKey(Object.entries(s.metric)), s] as const));
  const lines = [`series: ${e.size} expected, ${a.size} got`];
  const missing = [...e.keys()].filter((k) => !a.has(k));
  const extra = [...a.keys()].filter((k) => !e.has(k));
  if (missing.length > 0) lines.push(`missing (${missing.length}): ${missing.slice(0, n).join(' ')}`);
  if (extra.length > 0) lines.push(`extra (${extra.length}): ${extra.slice(0, n).join(' ')}`);
  let shown = 0;
  for (const [key, s] of e) {
    const o = a.get(key);
    if (o === undefined || JSON.stringify(o) === JSON.stringify(s)) continue;
    if (shown++ < n) {
      const ev = s.values ?? (s.value === undefined ? [] : [s.value]);
      const av = o.values ?? (o.value === undefined ? [] : [o.value]);
      const i = ev.findIndex((p, j) => JSON.stringify(p) !== JSON.stringify(av[j]));
      lines.push(`${key}: at #${i} expected ${JSON.stringify(ev[i])}, got ${JSON.stringify(av[i])} (${ev.length} vs ${av.length} points)`);
    }
  }
  if (shown > n) lines.push(`... ${shown - n} more differing series`);
  return lines.join('\n');
}

/** Wait `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
