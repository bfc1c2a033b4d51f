/**
 * A deterministic Prometheus-shaped dataset for the PromQL bench: request counters and a classic
 * histogram, as a fleet of HTTP services would expose them, and its remote write requests.
 *
 *   const data = promqlDataset({ counters: 1000, histogramSets: 100, spanMs: 24 * 3_600_000, firstMs });
 *   const { shards } = promqlRemoteWrite(data, { seriesPerRequest: 250, samplesPerSeries: 20 }, 4);
 *   await postShards(url, shards, { headers: REMOTE_WRITE_HEADERS, maxLead: 1_800_000 });
 *
 * - `http_requests_total{instance="i-<n>", job="api", service="svc-<n mod services>"}`: one counter
 *   per instance, integer increments around its own rate (0.5-20 requests/s), starting from a
 *   random count; one series in ten resets to 0 once, at a random time.
 * - `http_request_duration_seconds_bucket{instance, job, le, service}`: `histogramSets` label sets,
 *   each with the cumulative counts of 10 `le` buckets (0.005 ... 2.5, +Inf) of log-normal
 *   latencies whose median grows with the service; one label set in ten resets (all of its
 *   buckets at once, as a restarted process does).
 *
 * Every series has a sample at every `firstMs + k * intervalMs`; the same options always give
 * the same data. Values are integers, so every receiver stores them exactly.
 */
import snappy from 'snappy';
import { mulberry32 } from './devops.ts';
import type { ShardBody } from './http.ts';

export const COUNTER_METRIC = 'http_requests_total';
export const HISTOGRAM_METRIC = 'http_request_duration_seconds_bucket';
export const BUCKETS: readonly string[] = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'];

export interface PromLabel {
  readonly name: string;
  readonly value: string;
}

export interface PromSeries {
  /** Sorted by name; `__name__` first. */
  readonly labels: readonly PromLabel[];
  /** One per timestamp of the dataset. */
  readonly values: Float64Array;
}

export interface PromqlDataset {
  /** The counters, then the histogram's bucket series (label set by label set, `le` ascending). */
  readonly series: readonly PromSeries[];
  /** Milliseconds, shared by every series. */
  readonly timestamps: Float64Array;
  readonly counterSeries: number;
  readonly histogramSeries: number;
  readonly samples: number;
}

export interface PromqlDatasetOptions {
  /** Counter series (instances). Default 1,000. */
  readonly counters?: number;
  /** Values of the `service` label. Default 10. */
  readonly services?: number;
  /** Label sets of the histogram, each with BUCKETS.length series. Default 100. */
  readonly histogramSets?: number;
  /** Default 24 h. */
  readonly spanMs?: number;
  /** Default 15 s. */
  readonly intervalMs?: number;
  /** The first sample's timestamp. */
  readonly firstMs: number;
  /** Default 7. */
  readonly seed?: number;
}

export function promqlDataset(options: PromqlDatasetOptions): PromqlDataset {
  const counters = options.counters ?? 1000;
  const services = options.services ?? 10;
  const sets = options.histogramSets ?? 100;
  const intervalMs = options.intervalMs ?? 15_000;
  const count = Math.floor((options.spanMs ?? 24 * 3_600_000) / intervalMs);
  const random = mulberry32(options.seed ?? 7);
  const timestamps = new Float64Array(count);
  for (let t = 0; t < count; t++) timestamps[t] = options.firstMs + t * intervalMs;
  const seconds = intervalMs / 1000;
  const series: PromSeries[] = [];

  for (let i = 0; i < counters; i++) {
    const labels = [
      { name: '__name__', value: COUNTER_METRIC },
      { name: 'instance', value: `i-${i}` },
      { name: 'job', value: 'api' },
      { name: 'service', value: `svc-${i % services}` },
    ];
    const values = new Float64Array(count);
    const rate = 0.5 + random() * 19.5;
    const resetAt = random() < 0.1 ? 1 + Math.floor(random() * (count - 1)) : -1;
    let v = Math.floor(random() * 1e6);
    for (let t = 0; t < count; t++) {
      if (t === resetAt) v = 0;
      v += Math.round(rate * seconds * (0.5 + random()));
      values[t] = v;
    }
    series.push({ labels, values });
  }

  const normal = (): number => {
    let u = 0;
    while (u === 0) u = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const bounds = BUCKETS.map(Number);
  for (let j = 0; j < sets; j++) {
    const service = j % services;
    const bucketSeries = BUCKETS.map((le) => ({
      labels: [
        { name: '__name__', value: HISTOGRAM_METRIC },
        { name: 'instance', value: `i-${j}` },
        { name: 'job', value: 'api' },
        { name: 'le', value: le },
        { name: 'service', value: `svc-${service}` },
      ],
      values: new Float64Array(count),
    }));
    // Observations per interval: uniform in [0, 2 * mean]; latency median 20 ms and up by service.
    const mean = 3 + (j % 7);
    const mu = Math.log(0.02 * (1 + service / 3));
    const resetAt = j % 10 === 3 ? 1 + Math.floor(random() * (count - 1)) : -1;
    const cumulative = new Float64Array(BUCKETS.length);
    const start = Math.floor(random() * 1e4);
    for (let b = 0; b < BUCKETS.length; b++) cumulative[b] = start * (b + 1);
    for (let t = 0; t < count; t++) {
      if (t === resetAt) cumulative.fill(0);
      const n = Math.floor(random() * (2 * mean + 1));
      for (let k = 0; k < n; k++) {
        const x = Math.exp(mu + 0.9 * normal());
        let b = 0;
        while (x > bounds[b]!) b++;
        for (; b < BUCKETS.length; b++) cumulative[b] += 1;
      }
      for (let b = 0; b < BUCKETS.length; b++) bucketSeries[b]!.values[t] = cumulative[b]!;
    }
    series.push(...bucketSeries);
  }
  const histogramSeries = sets * BUCKETS.length;
  return { series, timestamps, counterSeries: counters, histogramSeries, samples: series.length * count };
}

export interface PromRequestShape {
  /** TimeSeries entries per request. */
  readonly seriesPerRequest: number;
  /** Samples in each entry: consecutive timestamps of one series. */
  readonly samplesPerSeries: number;
}

export interface PromqlRemoteWrite {
  /** One list per shard, in the order the shard sends them; `order` is a body's first timestamp. */
  readonly shards: ShardBody[][];
  readonly requests: number;
  readonly snappyBytes: number;
  readonly rawBytes: number;
}

/**
 * The dataset as snappy-compressed `prometheus.WriteRequest`s of `shape`, its series split over
 * `shardCount` shards (series index mod shards). A shard's stream is time-major in blocks of
 * `samplesPerSeries` timestamps, so each series' samples are in time order within and across the
 * shard's requests, and all shards move through time together (what Prometheus' head needs).
 * The protobuf is written by hand: millions of sample objects for protobufjs would take longer
 * than the ingest they feed.
 */
export function promqlRemoteWrite(data: PromqlDataset, shape: PromRequestShape, shardCount: number): PromqlRemoteWrite {
  const labelBytes = data.series.map((s) => encodeLabels(s.labels));
  const ts = data.timestamps;
  const shards: ShardBody[][] = [];
  let snappyBytes = 0;
  let rawBytes = 0;
  let requests = 0;
  // Big enough for any request: label bytes + 20 bytes per sample + entry headers.
  const maxLabels = Math.max(...labelBytes.map((b) => b.length));
  const scratch = Buffer.allocUnsafe(shape.seriesPerRequest * (maxLabels + 16 + shape.samplesPerSeries * 22));
  for (let shard = 0; shard < shardCount; shard++) {
    const members: number[] = [];
    for (let s = shard; s < data.series.length; s += shardCount) members.push(s);
    const bodies: ShardBody[] = [];
    let at = 0;
    let entries = 0;
    let samples = 0;
    let order = 0;
    const flush = (): void => {
      const body = snappy.compressSync(scratch.subarray(0, at));
      bodies.push({ body, samples, order });
      snappyBytes += body.length;
      rawBytes += at;
      requests++;
      at = 0;
      entries = 0;
      samples = 0;
    };
    for (let t0 = 0; t0 < ts.length; t0 += shape.samplesPerSeries) {
      const t1 = Math.min(ts.length, t0 + shape.samplesPerSeries);
      for (const s of members) {
        if (entries === 0) order = ts[t0]!;
        const values = data.series[s]!.values;
        const labels = labelBytes[s]!;
        // TimeSeries: labels (field 1, already framed), samples (field 2: value double field 1, timestamp varint field 2).
        let size = labels.length;
        for (let t = t0; t < t1; t++) size += 2 + sampleSize(ts[t]!);
        at = writeTag(scratch, at, 1, size);
        labels.copy(scratch, at);
        at += labels.length;
        for (let t = t0; t < t1; t++) {
          scratch[at++] = 0x12;
          scratch[at++] = sampleSize(ts[t]!);
          scratch[at++] = 0x09;
          at = scratch.writeDoubleLE(values[t]!, at);
          scratch[at++] = 0x10;
          at = writeVarint(scratch, at, ts[t]!);
        }
        samples += t1 - t0;
        if (++entries === shape.seriesPerRequest) flush();
      }
    }
    if (entries > 0) flush();
    shards.push(bodies);
  }
  return { shards, requests, snappyBytes, rawBytes };
}

/** A TimeSeries' label fields (field 1, each a Label message of name = 1, value = 2). */
function encodeLabels(labels: readonly PromLabel[]): Buffer {
  const parts: Buffer[] = [];
  for (const { name, value } of labels) {
    const n = Buffer.from(name);
    const v = Buffer.from(value);
    const inner = Buffer.allocUnsafe(n.length + v.length + 20);
    let at = writeTag(inner, 0, 1, n.length);
    at += n.copy(inner, at);
    at = writeTag(inner, at, 2, v.length);
    at += v.copy(inner, at);
    const framed = Buffer.allocUnsafe(at + 10);
    let f = writeTag(framed, 0, 1, at);
    f += inner.copy(framed, f, 0, at);
    parts.push(framed.subarray(0, f));
  }
  return Buffer.concat(parts);
}

/** Bytes of a Sample message: tag + double, tag + varint timestamp. */
function sampleSize(ms: number): number {
  return 1 + 8 + 1 + varintSize(ms);
}

function varintSize(x: number): number {
  let n = 1;
  while (x >= 128) {
    x = Math.floor(x / 128);
    n++;
  }
  return n;
}

/** A length-delimited field's tag and length. */
function writeTag(buf: Buffer, at: number, field: number, length: number): number {
  buf[at++] = (field << 3) | 2;
  return writeVarint(buf, at, length);
}

/** A non-negative integer below 2^53 as a protobuf varint. */
function writeVarint(buf: Buffer, at: number, x: number): number {
  while (x >= 128) {
    buf[at++] = (x % 128) | 128;
    x = Math.floor(x / 128);
  }
  buf[at++] = x;
  return at;
}
