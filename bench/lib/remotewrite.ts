/**
 * Remote write requests of the devops dataset, for the remote write benches: each (host, field)
 * is a series `cpu_<field>{arch=..., ..., team=...}` (10 labels and `__name__`, sorted by name),
 * and requests are `prometheus.WriteRequest`s, snappy block-compressed, as Prometheus sends them.
 *
 *   const { shards } = remoteWriteRequests(devopsDataset(), { seriesPerRequest: 2000, samplesPerSeries: 1 }, 4);
 *   await postShards(url, shards, { headers: REMOTE_WRITE_HEADERS });
 */
import snappy from 'snappy';
import { prometheusProto } from '../../src/protocol/prometheus/index.ts';
import { DEVOPS_MEASUREMENT, type DevopsDataset } from './devops.ts';
import type { ShardBody } from './http.ts';

/** What Prometheus 2.x sends with every remote write request. */
export const REMOTE_WRITE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Encoding': 'snappy',
  'Content-Type': 'application/x-protobuf',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
};

export interface RequestShape {
  /** TimeSeries entries per request. */
  readonly seriesPerRequest: number;
  /** Samples in each entry: consecutive timestamps of one series. */
  readonly samplesPerSeries: number;
}

export interface RemoteWriteRequests {
  /** One list per shard, in the order the shard sends them; `order` is a body's first timestamp. */
  readonly shards: ShardBody[][];
  readonly snappyBytes: number;
  readonly rawBytes: number;
}

interface Label {
  readonly name: string;
  readonly value: string;
}

/** Each series' labels, sorted by name (`__name__` sorts before the lower-case tag keys). */
function seriesLabels(data: DevopsDataset, metricPrefix: string): Label[][] {
  return data.series.map((s) => [
    { name: '__name__', value: `${metricPrefix}_${s.field}` },
    ...data.hosts[s.host]!.map((t) => ({ name: t.key, value: t.value })),
  ]);
}

/**
 * The dataset as requests of `shape`, its series split over `shardCount` shards (series index mod
 * shards, as Prometheus's queue shards split them). A shard's stream is time-major in blocks of
 * `samplesPerSeries` timestamps (every series of the shard for block 0, then block 1, ...), cut
 * into requests of `seriesPerRequest` entries, so each series' samples are in time order within
 * and across the shard's requests. Metric names are `<metricPrefix>_<field>`.
 */
export function remoteWriteRequests(data: DevopsDataset, shape: RequestShape, shardCount: number, metricPrefix = DEVOPS_MEASUREMENT): RemoteWriteRequests {
  const labels = seriesLabels(data, metricPrefix);
  const { WriteRequest } = prometheusProto();
  const shards: ShardBody[][] = [];
  let snappyBytes = 0;
  let rawBytes = 0;
  for (let shard = 0; shard < shardCount; shard++) {
    const members: number[] = [];
    for (let s = shard; s < data.series.length; s += shardCount) members.push(s);
    const bodies: ShardBody[] = [];
    let timeseries: { labels: readonly Label[]; samples: { value: number; timestamp: number }[] }[] = [];
    let samples = 0;
    const flush = (): void => {
      const raw = WriteRequest.encode({ timeseries }).finish();
      const body = snappy.compressSync(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
      bodies.push({ body, samples, order: timeseries[0]!.samples[0]!.timestamp });
      snappyBytes += body.length;
      rawBytes += raw.byteLength;
      timeseries = [];
      samples = 0;
    };
    for (let t0 = 0; t0 < data.timestamps; t0 += shape.samplesPerSeries) {
      const t1 = Math.min(data.timestamps, t0 + shape.samplesPerSeries);
      for (const s of members) {
        const column = data.series[s]!.column;
        const values = column.values as Float64Array;
        const points: { value: number; timestamp: number }[] = [];
        for (let t = t0; t < t1; t++) points.push({ value: values[t]!, timestamp: column.ms[t]! });
        timeseries.push({ labels: labels[s]!, samples: points });
        samples += points.length;
        if (timeseries.length === shape.seriesPerRequest) flush();
      }
    }
    if (timeseries.length > 0) flush();
    shards.push(bodies);
  }
  return { shards, snappyBytes, rawBytes };
}
