import type { LimitsConfig } from '../limits/index.ts';
import { DEFAULT_LABEL_LIMITS, type LabelLimits } from '../../protocol/prometheus/index.ts';
import type { ParsePool } from '../../protocol/workers/index.ts';
import type { MetadataStore } from './metadata.ts';

/** The `[prometheus]` section of the server config. */
export interface PrometheusConfig extends LabelLimits {
  /** Where `/api/v1/write` and `/api/v1/read` go when the URL names no `db`. */
  readonly database: string;
  /** Most samples one remote read may return (Prometheus's `--storage.remote.read-sample-limit`). */
  readonly readSampleLimit: number;
  /** Most bytes of one frame of a streamed remote read (Prometheus's `--storage.remote.read-max-bytes-in-frame`). */
  readonly readMaxBytesInFrame: number;
  /** How far back PromQL's instant selectors look for a sample (Prometheus's `--query.lookback-delta`). */
  readonly lookbackDeltaMs: number;
  /** Most samples one PromQL query may hold (Prometheus's `--query.max-samples`). */
  readonly queryMaxSamples: number;
  /** Most series the selectors of one PromQL query may select. */
  readonly queryMaxSeries: number;
}

export const DEFAULT_PROMETHEUS_CONFIG: PrometheusConfig = {
  database: 'prometheus',
  ...DEFAULT_LABEL_LIMITS,
  readSampleLimit: 50_000_000,
  readMaxBytesInFrame: 1024 * 1024,
  lookbackDeltaMs: 5 * 60_000,
  queryMaxSamples: 50_000_000,
  queryMaxSeries: 1_000_000,
};

/** What the Prometheus endpoints need from the app. */
export interface PrometheusApiOptions {
  readonly limits: LimitsConfig;
  readonly prometheus: PrometheusConfig;
  readonly metadata: MetadataStore;
  readonly autoCreateDatabases: boolean;
  /** Where large bodies are decoded. */
  readonly parsePool: ParsePool;
}
