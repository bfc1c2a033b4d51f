/**
 * `/api/v1/metadata`: the type, help and unit remote write senders reported for each metric
 * (MetadataStore), as `{"<metric>": [{"type", "help", "unit"}]}`. Grafana's Prometheus datasource
 * reads it for its query editor's hints.
 */
import type { Context } from 'koa';
import { PromqlBadDataError } from '../../query/index.ts';
import { authorize } from '../auth/index.ts';
import { requestParams } from '../params.ts';
import type { ServerState } from '../state.ts';
import { respondData } from './envelope.ts';
import type { PrometheusApiOptions } from './options.ts';
import type { Target } from './write.ts';

interface MetadataEntry {
  readonly type: string;
  readonly help: string;
  readonly unit: string;
}

export async function metricMetadata(ctx: Context, target: Target, _state: ServerState, options: PrometheusApiOptions): Promise<void> {
  const params = await requestParams(ctx, options.limits);
  // Prometheus: a negative limit is no limit, 0 an empty answer.
  const limit = countParam(params, 'limit');
  countParam(params, 'limit_per_metric');
  const metric = params.get('metric') ?? '';
  authorize(ctx, target.database, 'read');
  const known = options.metadata.metrics(target.database);
  const names = metric === '' ? [...known.keys()].sort() : known.has(metric) ? [metric] : [];
  const data: Record<string, MetadataEntry[]> = {};
  let count = 0;
  for (const name of names) {
    if (limit >= 0 && count >= limit) break;
    const entry = known.get(name)!;
    // One entry per metric, so `limit_per_metric` (Prometheus: 0 or less is no limit) never cuts:
    // the store keeps the latest report, where Prometheus lists each distinct one its targets report.
    data[name] = [{ type: entry.type, help: entry.help, unit: entry.unit }];
    count++;
  }
  respondData(ctx, data);
}

/** `limit` and `limit_per_metric`: an integer, -1 when absent. */
function countParam(params: URLSearchParams, name: string): number {
  const text = params.get(name);
  if (text === null || text === '') return -1;
  if (!/^[+-]?\d+$/.test(text)) throw new PromqlBadDataError(`${name} must be a number`);
  return Number(text);
}
