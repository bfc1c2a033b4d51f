// The data of the PromQL differential suite: a fixed-seed set of series (counters with resets,
// gauges with negative values, classic histograms, gaps, series ending in stale markers, NaN and
// ±Inf values) over 105 minutes at a 15 s spacing, and the remote write 1.0 requests that carry
// the same samples, in time order, to every store.
//
// Sample timestamps sit 7 ms after a 15 s boundary while every evaluation time is a whole second
// (see `Timeline`): no sample ever lies on the edge of a range window or of the lookback window,
// so Prometheus 2.42's closed windows [t-r, t] and 3.x's left-open (t-r, t] select the same samples.
import snappy from 'snappy';

export const STEP_MS = 15_000;
export const SAMPLE_OFFSET_MS = 7;
export const SAMPLE_COUNT = 420; // 105 minutes

/** The stale marker's float64 bits (a signalling NaN): high and low 32-bit halves. */
export const STALE_HI = 0x7ff00000;
export const STALE_LO = 0x00000002;

/**
 * Where the data sits in time. `base` is a whole minute; sample k is at base + k*15 s + 7 ms.
 * Evaluation times are `evalAt(m)` = base + m min + 37 s: 37 is a multiple of none of the
 * subquery steps used (10 s, 15 s, 30 s, 1 m, 2 m, 5 m), so subquery steps never land on the
 * start of a subquery range either (2.42 includes that point, 3.x does not).
 */
export class Timeline {
  constructor(readonly base: number) {}

  /** A timeline whose last sample is about five minutes before `now` (Prometheus's head takes it). */
  static endingBefore(now: number): Timeline {
    return new Timeline(Math.floor((now - 110 * 60_000) / 60_000) * 60_000);
  }

  sampleTime(k: number): number {
    return this.base + k * STEP_MS + SAMPLE_OFFSET_MS;
  }

  /** Evaluation time `m` minutes and 37 s after base, in ms. */
  evalAt(m: number): number {
    return this.base + m * 60_000 + 37_000;
  }

  /** `evalAt(m)` as the seconds string the HTTP API and `@` take. */
  seconds(m: number): string {
    return String(this.evalAt(m) / 1000);
  }
}

export type Labels = Readonly<Record<string, string>>;

/** One generated series: its labels, sample timestamps (ms) and values (stale markers by their bits). */
export interface GeneratedSeries {
  readonly labels: Labels;
  readonly timestamps: readonly number[];
  readonly values: Float64Array;
}

/** A sample value, or `STALE` for a stale marker, or `undefined` for no sample at that step. */
const STALE = Symbol('stale');
type Step = number | typeof STALE | undefined;

function build(labels: Labels, timeline: Timeline, valueAt: (k: number) => Step): GeneratedSeries {
  const timestamps: number[] = [];
  const plain: number[] = [];
  const stale: number[] = [];
  for (let k = 0; k < SAMPLE_COUNT; k++) {
    const v = valueAt(k);
    if (v === undefined) continue;
    if (v === STALE) stale.push(timestamps.length);
    timestamps.push(timeline.sampleTime(k));
    plain.push(v === STALE ? 0 : v);
  }
  // The stale NaN is written as bits into the typed array, never held as a JS number: V8 may
  // replace a signalling NaN with the canonical quiet one when it moves through plain values.
  const values = Float64Array.from(plain);
  const view = new DataView(values.buffer);
  for (const i of stale) {
    view.setUint32(i * 8, STALE_LO, true);
    view.setUint32(i * 8 + 4, STALE_HI, true);
  }
  return { labels, timestamps, values };
}

/** mulberry32: a small PRNG, so that every run writes the same values. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rounded to two decimals, and never -0 (Prometheus 2.42's storage turns -0 into 0: no data should depend on that). */
function round2(v: number): number {
  return Math.round(v * 100) / 100 + 0;
}

/** A counter: a start value, then `inc()` per step; at each index of `resets` it restarts from one increment. */
function counterValues(rand: () => number, inc: () => number, resets: readonly number[] = []): number[] {
  const out: number[] = [];
  let v = Math.floor(rand() * 1000);
  for (let k = 0; k < SAMPLE_COUNT; k++) {
    v = resets.includes(k) ? inc() : v + inc();
    out.push(round2(v));
  }
  return out;
}

/** A gauge doing a random walk from `start` by at most `step` per sample, kept within [lo, hi]. */
function walk(rand: () => number, start: number, step: number, lo: number, hi: number, digits = 2): number[] {
  const out: number[] = [];
  const scale = 10 ** digits;
  let v = start;
  for (let k = 0; k < SAMPLE_COUNT; k++) {
    v = Math.min(hi, Math.max(lo, v + (rand() * 2 - 1) * step));
    out.push(Math.round(v * scale) / scale + 0); // + 0: no -0, as in round2
  }
  return out;
}

export const JOBS = { api: ['host-0:9100', 'host-1:9100', 'host-2:9100'], db: ['host-3:9100', 'host-4:9100'] } as const;
export const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'] as const;

/** Where the lifecycles of the short-lived series change (sample indexes). */
export const EVENTS = {
  /** demo_ephemeral/demo_jobs_processed_total task t1 ends with a stale marker here (45:00). */
  t1Stale: 180,
  /** task t2 runs [100, 260), stale at 260, comes back at 330. */
  t2Start: 100,
  t2Stale: 260,
  t2Back: 330,
  /** task t3 ends with a stale marker at 380. */
  t3Stale: 380,
  /** demo_cpu_seconds_total{instance="host-1:9100",mode="user"} resets here (50:00). */
  cpuReset: 200,
  /** The histogram of host-1 POST resets here. */
  histogramReset: 250,
} as const;

/** Every series of the suite, deterministic for a given timeline. */
export function generate(timeline: Timeline): GeneratedSeries[] {
  const rand = prng(20240607);
  const out: GeneratedSeries[] = [];
  const add = (labels: Labels, valueAt: (k: number) => Step) => out.push(build(labels, timeline, valueAt));
  const instances = (Object.entries(JOBS) as [string, readonly string[]][]).flatMap(([job, list]) => list.map((instance, i) => ({ job, instance, i })));

  // Counters with resets: CPU seconds per mode, HTTP requests per method and status.
  for (const { job, instance, i } of instances) {
    for (const [m, mode] of ['idle', 'user', 'system', 'iowait'].entries()) {
      const resets = instance === 'host-1:9100' && mode === 'user' ? [EVENTS.cpuReset] : instance === 'host-3:9100' && mode === 'idle' ? [330] : [];
      const speed = [12, 2.5, 0.8, 0.1][m]! * (1 + i / 4);
      const values = counterValues(rand, () => speed * (0.5 + rand()), resets);
      add({ __name__: 'demo_cpu_seconds_total', job, instance, mode }, (k) => values[k]);
    }
  }
  for (const instance of JOBS.api) {
    for (const method of ['GET', 'POST']) {
      for (const status of ['200', '404', '500']) {
        const idle = instance === 'host-2:9100' && method === 'POST' && status === '500'; // never increases
        const resets = instance === 'host-0:9100' && status === '200' ? [120, 300] : [];
        const mean = status === '200' ? 40 : status === '404' ? 4 : 1.5;
        const values = counterValues(rand, () => (idle ? 0 : Math.floor(rand() * mean * 2)), resets);
        add({ __name__: 'demo_http_requests_total', job: 'api', instance, method, status }, (k) => values[k]);
      }
    }
  }

  // Gauges: memory (large integers), temperatures (crossing zero), queue lengths (small repeated
  // integers), disks (linear growth, for deriv and predict_linear), CPUs and an info metric.
  for (const { job, instance, i } of instances) {
    for (const type of ['free', 'used', 'cached']) {
      const values = walk(rand, 2e9 + rand() * 6e9, 2e7, 1e8, 1.6e10, 0);
      add({ __name__: 'demo_memory_bytes', job, instance, type }, (k) => values[k]);
    }
    const cpu = walk(rand, 50 + rand() * 20, 1.5, 30, 95);
    add({ __name__: 'demo_temperature_celsius', job, instance, sensor: 'cpu' }, (k) => cpu[k]);
    const ambient = walk(rand, rand() * 4 - 2, 0.8, -12, 12);
    add({ __name__: 'demo_temperature_celsius', job, instance, sensor: 'ambient' }, (k) => ambient[k]);
    for (const [d, device] of ['sda', 'sdb'].entries()) {
      const start = 1e10 * (1 + i + d);
      const slope = (d === 0 ? 1e5 : -3e4) * (1 + i);
      const noise = walk(rand, 0, 2e5, -1e6, 1e6, 0);
      add({ __name__: 'demo_disk_usage_bytes', job, instance, device }, (k) => start + slope * k + noise[k]!);
    }
    add({ __name__: 'demo_num_cpus', job, instance }, () => (i % 2 === 0 ? 4 : 8));
    add({ __name__: 'demo_info', job, instance, version: i < 2 ? 'v1.2.0' : 'v1.3.0', region: i % 2 === 0 ? 'eu' : 'us' }, () => 1);
  }
  for (const instance of JOBS.api) {
    const values = Array.from({ length: SAMPLE_COUNT }, () => Math.floor(rand() * 6));
    add({ __name__: 'demo_queue_length', job: 'api', instance }, (k) => values[k]);
  }

  // Classic histograms: cumulative `le` buckets up to +Inf, `_sum` and `_count`; one resets. They
  // start from the counts of 200 earlier steps, as a process that has been running: a counter
  // starting near zero where a range starts before the data is extrapolated differently by 2.42
  // and by 2.51+ (prometheus/prometheus#13725), which is not what these series are meant to test.
  const PRE_ROLL = 200;
  for (const instance of JOBS.api) {
    for (const method of ['GET', 'POST']) {
      const counts: number[][] = BUCKETS.map(() => []);
      const sums: number[] = [];
      const cumulative = BUCKETS.map(() => 0);
      let sum = 0;
      for (let k = -PRE_ROLL; k < SAMPLE_COUNT; k++) {
        if (instance === 'host-1:9100' && method === 'POST' && k === EVENTS.histogramReset) {
          cumulative.fill(0);
          sum = 0;
        }
        const n = Math.floor(rand() * (method === 'GET' ? 20 : 6));
        for (let o = 0; o < n; o++) {
          // Roughly log-normal durations around 60 ms, a few beyond the last finite bucket.
          const gaussian = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
          const duration = 0.06 * Math.exp(1.3 * gaussian) * (method === 'POST' ? 2 : 1);
          sum += duration;
          BUCKETS.forEach((le, b) => {
            if (le === '+Inf' || duration <= Number(le)) cumulative[b]!++;
          });
        }
        if (k < 0) continue;
        BUCKETS.forEach((_, b) => counts[b]!.push(cumulative[b]!));
        sums.push(sum);
      }
      BUCKETS.forEach((le, b) => add({ __name__: 'demo_request_duration_seconds_bucket', job: 'api', instance, method, le }, (k) => counts[b]![k]));
      add({ __name__: 'demo_request_duration_seconds_sum', job: 'api', instance, method }, (k) => sums[k]);
      add({ __name__: 'demo_request_duration_seconds_count', job: 'api', instance, method }, (k) => counts[BUCKETS.length - 1]![k]);
    }
  }

  // Series with gaps (no stale marker: only the lookback hides them): host-0 has a 15 min gap
  // and a 2.5 min one (shorter than the lookback), host-1 is there every other 10 minutes.
  add({ __name__: 'demo_intermittent', job: 'batch', instance: 'host-0:9100' }, (k) => ((k >= 100 && k < 160) || (k >= 300 && k < 310) ? undefined : round2(Math.sin(k / 10) * 10)));
  add({ __name__: 'demo_intermittent', job: 'batch', instance: 'host-1:9100' }, (k) => (Math.floor(k / 40) % 2 === 0 ? k % 9 : undefined));

  // Series that end with a stale marker (a target gone), one coming back later: a gauge and a counter.
  const alive = (task: string, k: number): 'up' | 'stale' | 'gone' => {
    if (task === 't1') return k < EVENTS.t1Stale ? 'up' : k === EVENTS.t1Stale ? 'stale' : 'gone';
    if (task === 't2') return (k >= EVENTS.t2Start && k < EVENTS.t2Stale) || k >= EVENTS.t2Back ? 'up' : k === EVENTS.t2Stale ? 'stale' : 'gone';
    return k < EVENTS.t3Stale ? 'up' : k === EVENTS.t3Stale ? 'stale' : 'gone';
  };
  for (const task of ['t1', 't2', 't3']) {
    const gauge = walk(rand, 10, 3, -20, 40);
    const counter = counterValues(rand, () => Math.floor(rand() * 5));
    const at = (values: number[]) => (k: number): Step => {
      const state = alive(task, k);
      return state === 'up' ? values[k] : state === 'stale' ? STALE : undefined;
    };
    add({ __name__: 'demo_ephemeral', job: 'batch', instance: 'host-2:9100', task }, at(gauge));
    add({ __name__: 'demo_jobs_processed_total', job: 'batch', instance: 'host-2:9100', task }, at(counter));
  }

  // Timestamps of the last successful batch run (whole seconds), for time functions and changes().
  for (const [instance, every] of [['host-0:9100', 20], ['host-1:9100', 40]] as const) {
    add({ __name__: 'demo_batch_last_success_timestamp_seconds', job: 'batch', instance }, (k) => Math.floor((timeline.base + Math.floor(k / every) * every * STEP_MS) / 1000) - 86_400 * (instance === 'host-1:9100' ? 40 : 0));
  }

  // Values that are sometimes NaN, +Inf or -Inf (plain NaN, not the stale marker).
  const weird = [1, NaN, Infinity, -Infinity, -2.5, 0, 3];
  add({ __name__: 'demo_weird_values', job: 'weird', instance: 'host-0:9100', kind: 'nan' }, (k) => (k % 7 === 3 ? NaN : round2(rand() * 10)));
  add({ __name__: 'demo_weird_values', job: 'weird', instance: 'host-0:9100', kind: 'inf' }, (k) => (k % 11 === 5 ? Infinity : k % 13 === 6 ? -Infinity : round2(rand() * 20 - 10)));
  add({ __name__: 'demo_weird_values', job: 'weird', instance: 'host-0:9100', kind: 'mixed' }, (k) => weird[k % weird.length]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Remote write 1.0: WriteRequest { repeated TimeSeries timeseries = 1 }, TimeSeries { repeated
// Label labels = 1; repeated Sample samples = 2 }, Label { name = 1; value = 2 }, Sample { double
// value = 1; int64 timestamp = 2 }. Encoded by hand so that each value's 8 bytes are copied from
// the Float64Array as they are (stale markers included).

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function field(tag: number, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag, ...varint(body.length)]), body]);
}

function labelMessage(name: string, value: string): Buffer {
  return Buffer.concat([field(0x0a, Buffer.from(name)), field(0x12, Buffer.from(value))]);
}

/** The uncompressed WriteRequest with the samples of every series whose timestamp is in [from, to). */
export function encodeWriteRequest(series: readonly GeneratedSeries[], from: number, to: number): Buffer {
  const parts: Buffer[] = [];
  for (const s of series) {
    const samples: Buffer[] = [];
    const bytes = new Uint8Array(s.values.buffer, s.values.byteOffset, s.values.byteLength);
    s.timestamps.forEach((t, i) => {
      if (t < from || t >= to) return;
      const sample = Buffer.concat([Buffer.from([0x09]), bytes.subarray(i * 8, i * 8 + 8), Buffer.from([0x10, ...varint(t)])]);
      samples.push(field(0x12, sample));
    });
    if (samples.length === 0) continue;
    // Labels sorted by name, as Prometheus keeps them.
    const names = Object.keys(s.labels).sort();
    const labels = names.map((name) => field(0x0a, labelMessage(name, s.labels[name]!)));
    parts.push(field(0x0a, Buffer.concat([...labels, ...samples])));
  }
  return Buffer.concat(parts);
}

/**
 * Remote-write all series to `writeUrl` in time order, `batchMs` of samples per request: a
 * Prometheus receiver rejects samples older than an hour before the newest it holds.
 */
export async function writeAll(writeUrl: string, series: readonly GeneratedSeries[], timeline: Timeline, batchMs = 5 * 60_000): Promise<number> {
  const end = timeline.sampleTime(SAMPLE_COUNT);
  let requests = 0;
  for (let from = timeline.base; from < end; from += batchMs) {
    const body = snappy.compressSync(encodeWriteRequest(series, from, from + batchMs));
    const res = await fetch(writeUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy', 'X-Prometheus-Remote-Write-Version': '0.1.0' },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`remote write to ${writeUrl} [${from}, ${from + batchMs}): ${res.status} ${text.slice(0, 300)}`);
    requests++;
  }
  return requests;
}
