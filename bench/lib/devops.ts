/**
 * A deterministic TSBS-style devops "cpu" dataset for benchmarks: `hosts` hosts with 10 tags
 * each, 10 float fields per host, one row per host every `intervalMs`, values as clamped random
 * walks rounded to `decimals` places. The same options always give the same data.
 *
 *   const data = devopsDataset();              // 100 hosts x 12 h x 10 s: 1,000 series, 4.32 M samples
 *   for (const s of data.series) s.column;     // one Column per (host, field), in time order
 *   for (const batch of devopsBatches(data, 5000)) engine.write(batch);  // time-major, 5,000 lines each
 *
 * Shape of the data, modelled on TSBS and on research/probes.md's dataset: fields walk within
 * their own range with their own step (user 0-95, system 0-40, iowait 0-30, ...), usage_idle is
 * 100 minus the others, and the guest fields stay 0 on about 9 hosts in 10 (as on most real
 * hosts), so about 18% of series are constant.
 */
import { canonicalSeriesKey, Column, FieldType, sortTags, WriteBatch, type Tag } from '../../src/core/index.ts';

export const DEVOPS_MEASUREMENT = 'cpu';

export const DEVOPS_TAG_KEYS = [
  'hostname',
  'region',
  'datacenter',
  'rack',
  'os',
  'arch',
  'team',
  'service',
  'service_version',
  'service_environment',
] as const;

export const DEVOPS_FIELDS = [
  'usage_user',
  'usage_system',
  'usage_idle',
  'usage_nice',
  'usage_iowait',
  'usage_irq',
  'usage_softirq',
  'usage_steal',
  'usage_guest',
  'usage_guest_nice',
] as const;

export interface DevopsOptions {
  /** Default 100. */
  readonly hosts?: number;
  /** Default 12 h. */
  readonly spanMs?: number;
  /** Default 10 s. */
  readonly intervalMs?: number;
  /** Default 2026-11-24T00:00:00Z. */
  readonly startMs?: number;
  /** Default 42. */
  readonly seed?: number;
  /** Decimal places values are rounded to; `null` keeps full float64 precision. Default 2. */
  readonly decimals?: number | null;
}

export interface DevopsSeries {
  /** Index into `DevopsDataset.hosts`. */
  readonly host: number;
  readonly field: (typeof DEVOPS_FIELDS)[number];
  /** Float column, ms-precision timestamps (sub = 0), strictly increasing. */
  readonly column: Column;
}

export interface DevopsDataset {
  /** Tags of each host, sorted by key. */
  readonly hosts: readonly (readonly Tag[])[];
  /** One per (host, field), host-major: host 0's 10 fields, then host 1's. */
  readonly series: readonly DevopsSeries[];
  /** Rows per series. */
  readonly timestamps: number;
  readonly startMs: number;
  readonly intervalMs: number;
  /** series.length * timestamps. */
  readonly samples: number;
}

/** mulberry32: a tiny, fast 32-bit PRNG; good enough for benchmark data and fully deterministic. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const REGIONS: Record<string, readonly string[]> = {
  'us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1e'],
  'us-west-1': ['us-west-1a', 'us-west-1b'],
  'us-west-2': ['us-west-2a', 'us-west-2b', 'us-west-2c'],
  'eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  'eu-central-1': ['eu-central-1a', 'eu-central-1b'],
  'ap-southeast-1': ['ap-southeast-1a', 'ap-southeast-1b'],
  'ap-southeast-2': ['ap-southeast-2a', 'ap-southeast-2b'],
  'ap-northeast-1': ['ap-northeast-1a', 'ap-northeast-1c'],
  'sa-east-1': ['sa-east-1a', 'sa-east-1b', 'sa-east-1c'],
};

/** [max, step standard deviation] of each field but usage_idle, which is what the others leave. */
const WALKS: Partial<Record<(typeof DEVOPS_FIELDS)[number], readonly [number, number]>> = {
  usage_user: [95, 1.5],
  usage_system: [40, 0.6],
  usage_nice: [5, 0.05],
  usage_iowait: [30, 0.4],
  usage_irq: [2, 0.02],
  usage_softirq: [5, 0.05],
  usage_steal: [5, 0.03],
  usage_guest: [10, 0.05],
  usage_guest_nice: [2, 0.01],
};

export function devopsDataset(options: DevopsOptions = {}): DevopsDataset {
  const hostCount = options.hosts ?? 100;
  const spanMs = options.spanMs ?? 12 * 3_600_000;
  const intervalMs = options.intervalMs ?? 10_000;
  const startMs = options.startMs ?? Date.UTC(2026, 10, 24);
  const decimals = options.decimals === undefined ? 2 : options.decimals;
  const random = mulberry32(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const normal = (): number => {
    let u = 0;
    while (u === 0) u = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const scale = decimals === null ? 1 : 10 ** decimals;
  const round = decimals === null ? (x: number) => x : (x: number) => Math.round(x * scale) / scale;

  const hosts: Tag[][] = [];
  const regionNames = Object.keys(REGIONS);
  for (let h = 0; h < hostCount; h++) {
    const region = pick(regionNames);
    const values: Record<(typeof DEVOPS_TAG_KEYS)[number], string> = {
      hostname: `host_${h}`,
      region,
      datacenter: pick(REGIONS[region]!),
      rack: String(Math.floor(random() * 100)),
      os: pick(['Ubuntu16.10', 'Ubuntu16.04LTS', 'Ubuntu15.10']),
      arch: pick(['x64', 'x86']),
      team: pick(['SF', 'NYC', 'LON', 'CHI']),
      service: String(Math.floor(random() * 20)),
      service_version: String(Math.floor(random() * 2)),
      service_environment: pick(['production', 'staging', 'test']),
    };
    hosts.push(sortTags(DEVOPS_TAG_KEYS.map((key) => ({ key, value: values[key] }))));
  }

  const timestamps = Math.floor(spanMs / intervalMs);
  const series: DevopsSeries[] = [];
  // Walk state per host and field; NaN marks a field that stays 0 on this host.
  const state = new Float64Array(hostCount * DEVOPS_FIELDS.length);
  for (let h = 0; h < hostCount; h++) {
    const hasGuest = random() < 0.1;
    DEVOPS_FIELDS.forEach((field, f) => {
      series.push({ host: h, field, column: new Column(FieldType.Float, timestamps) });
      const walk = WALKS[field];
      if (walk === undefined) return;
      const guest = field === 'usage_guest' || field === 'usage_guest_nice';
      state[h * DEVOPS_FIELDS.length + f] = guest && !hasGuest ? NaN : random() * walk[0] * (field === 'usage_user' ? 0.6 : 0.3);
    });
  }

  const idle = DEVOPS_FIELDS.indexOf('usage_idle');
  const nf = DEVOPS_FIELDS.length;
  // Time-major, like the write stream, so that the data does not depend on how it is consumed.
  for (let t = 0; t < timestamps; t++) {
    const ms = startMs + t * intervalMs;
    for (let h = 0; h < hostCount; h++) {
      let sum = 0;
      for (let f = 0; f < nf; f++) {
        if (f === idle) continue;
        const at = h * nf + f;
        let v = state[at]!;
        if (Number.isNaN(v)) {
          series[at]!.column.pushFloat(ms, 0, 0);
          continue;
        }
        const [max, step] = WALKS[DEVOPS_FIELDS[f]!]!;
        v += normal() * step;
        // Reflect at the bounds, so the walk neither sticks to them nor leaves [0, max].
        if (v < 0) v = -v;
        if (v > max) v = 2 * max - v;
        state[at] = v;
        const rounded = round(v);
        series[at]!.column.pushFloat(ms, 0, rounded);
        sum += rounded;
      }
      series[h * nf + idle]!.column.pushFloat(ms, 0, Math.max(0, round(100 - sum)));
    }
  }
  return { hosts, series, timestamps, startMs, intervalMs, samples: series.length * timestamps };
}

/**
 * The dataset as WriteBatches of `linesPerBatch` lines (one line = one host at one time with its
 * 10 fields), time-major: every host at t0, then every host at t1, ...
 */
export function* devopsBatches(data: DevopsDataset, linesPerBatch: number): Generator<WriteBatch> {
  const keys = data.hosts.map((tags) => canonicalSeriesKey(DEVOPS_MEASUREMENT, tags));
  const nf = DEVOPS_FIELDS.length;
  let batch = new WriteBatch();
  let lines = 0;
  for (let t = 0; t < data.timestamps; t++) {
    for (let h = 0; h < data.hosts.length; h++) {
      const entry = batch.seriesByKey(keys[h]!, DEVOPS_MEASUREMENT, data.hosts[h]!);
      for (let f = 0; f < nf; f++) {
        const src = data.series[h * nf + f]!.column;
        entry.column(DEVOPS_FIELDS[f]!, FieldType.Float).pushFloat(src.ms[t]!, 0, (src.values as Float64Array)[t]!);
      }
      if (++lines === linesPerBatch) {
        yield batch;
        batch = new WriteBatch();
        lines = 0;
      }
    }
  }
  if (lines > 0) yield batch;
}

/** A line-protocol request body and the number of samples (line count x 10 fields) it carries. */
export interface DevopsLineBody {
  readonly body: Buffer;
  readonly samples: number;
}

/**
 * The dataset as line-protocol bodies of `linesPerBody` lines, time-major, with nanosecond
 * timestamps and the tags in TSBS's order (hostname first, not sorted), as a collector sends it:
 * `cpu,hostname=host_0,region=...,service_environment=test usage_user=12.34,...,usage_guest_nice=0 1795658400000000000`.
 */
export function devopsLineProtocol(data: DevopsDataset, linesPerBody: number): DevopsLineBody[] {
  const heads = data.hosts.map((tags) => {
    const byKey = new Map(tags.map((t) => [t.key, t.value]));
    return DEVOPS_MEASUREMENT + DEVOPS_TAG_KEYS.map((k) => `,${k}=${byKey.get(k)}`).join('') + ' ';
  });
  const nf = DEVOPS_FIELDS.length;
  const bodies: DevopsLineBody[] = [];
  let text = '';
  let lines = 0;
  for (let t = 0; t < data.timestamps; t++) {
    const ns = `${data.series[0]!.column.ms[t]!}000000`;
    for (let h = 0; h < data.hosts.length; h++) {
      text += heads[h]!;
      for (let f = 0; f < nf; f++) {
        text += `${f === 0 ? '' : ','}${DEVOPS_FIELDS[f]}=${(data.series[h * nf + f]!.column.values as Float64Array)[t]}`;
      }
      text += ` ${ns}\n`;
      if (++lines === linesPerBody) {
        bodies.push({ body: Buffer.from(text), samples: lines * nf });
        text = '';
        lines = 0;
      }
    }
  }
  if (lines > 0) bodies.push({ body: Buffer.from(text), samples: lines * nf });
  return bodies;
}
