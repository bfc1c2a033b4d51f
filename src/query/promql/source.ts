import { MAX_TIMESTAMP, MIN_TIMESTAMP } from '../../core/index.ts';
import type { Matcher } from '../../index/index.ts';
import type { ShardRouter } from '../../cluster/index.ts';
import { selectMetrics } from '../metrics.ts';
import type { QueryContext } from '../plan.ts';
import type { SeriesSource } from './evaluate.ts';
import type { SampleSeries } from './values.ts';

/** PromQL's selectors read through the shared selection (`selectMetrics`), as remote read does. */
export function metricsSource(router: ShardRouter, database: string, retentionPolicy: string | undefined, ctx: QueryContext): SeriesSource {
  return {
    async select(matchers: readonly Matcher[], minMs: number, maxMs: number): Promise<SampleSeries[]> {
      if (!router.hasDatabase(database) || maxMs < minMs) return [];
      const out: SampleSeries[] = [];
      const range = { min: clamp(BigInt(Math.ceil(minMs)) * 1_000_000n), max: clamp(BigInt(Math.floor(maxMs)) * 1_000_000n + 999_999n) };
      for await (const s of selectMetrics(router, { database, retentionPolicy, matchers, range }, ctx)) {
        const floats = s.floats;
        if (floats === undefined || floats.length === 0) continue;
        out.push({ labels: s.labels, ms: floats.ms.subarray(0, floats.length), values: (floats.values as Float64Array).subarray(0, floats.length) });
      }
      return out;
    },
  };
}

function clamp(ns: bigint): bigint {
  return ns < MIN_TIMESTAMP ? MIN_TIMESTAMP : ns > MAX_TIMESTAMP ? MAX_TIMESTAMP : ns;
}
