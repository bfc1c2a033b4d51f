/**
 * `POST /api/v1/read`: Prometheus remote read, answered with whole samples (`SAMPLES`) or a stream
 * of XOR chunks (`STREAMED_XOR_CHUNKS`), whichever the client prefers. Series come sorted by
 * label set, as Prometheus's client expects of a stream.
 */
import { Readable } from 'node:stream';
import type { Context } from 'koa';
import { MAX_TIMESTAMP, MIN_TIMESTAMP, type TimeRange } from '../../core/index.ts';
import { compareLabels, QueryLimitError, selectMetrics, type MetricSeries, type QueryContext } from '../../query/index.ts';
import {
  chunkedReadFrames,
  compressSnappy,
  decodeReadRequest,
  encodeReadResponse,
  responseTypeFor,
  STREAMED_CONTENT_TYPE,
  uncompressSnappy,
  BadReadRequestError,
  type RemoteReadQuery,
} from '../../protocol/prometheus/index.ts';
import { authorize } from '../auth/index.ts';
import { readRequestBody } from '../limits/index.ts';
import type { ServerState } from '../state.ts';
import type { PrometheusApiOptions } from './options.ts';
import { UnsupportedMediaTypeError, type Target } from './write.ts';

export async function remoteRead(ctx: Context, target: Target, state: ServerState, options: PrometheusApiOptions): Promise<void> {
  const encoding = ctx.get('Content-Encoding').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'snappy') throw new UnsupportedMediaTypeError(`unsupported Content-Encoding "${ctx.get('Content-Encoding')}": remote read requests are snappy-compressed`);
  authorize(ctx, target.database, 'read');
  const body = await readRequestBody(ctx, options.limits, { rawEncodings: ['snappy'] });
  const request = decodeReadRequest(uncompressSnappy(body, options.limits.maxDecompressedBytes));
  const router = state.router;
  const limit = options.prometheus.readSampleLimit;
  const context: QueryContext = { signal: AbortSignal.timeout(options.limits.queryTimeoutMs), maxPoints: limit };
  const results: MetricSeries[][] = [];
  // A store nothing was written to yet answers with no series, as an empty Prometheus does.
  if (router.hasDatabase(target.database)) {
    try {
      for (const query of request.queries) {
        const series: MetricSeries[] = [];
        // A query without matchers selects nothing, as in Prometheus's TSDB (an intersection of no postings).
        if (query.matchers.length === 0) {
          results.push(series);
          continue;
        }
        const selection = { database: target.database, retentionPolicy: target.retentionPolicy, matchers: query.matchers, range: rangeOf(query), histograms: true };
        for await (const s of selectMetrics(router, selection, context)) series.push(s);
        series.sort((a, b) => compareLabels(a.labels, b.labels));
        results.push(series);
      }
    } catch (err) {
      if (err instanceof QueryLimitError) throw new BadReadRequestError(`exceeded sample limit (${limit})`);
      throw err;
    }
  } else {
    for (let i = 0; i < request.queries.length; i++) results.push([]);
  }

  const hasHistograms = results.some((series) => series.some((s) => s.histograms !== undefined));
  const responseType = responseTypeFor(request, hasHistograms);
  // Streamed chunks here are XOR (float) chunks only: say so rather than leave histograms out.
  if (responseType === 'streamed' && hasHistograms) throw new BadReadRequestError('the series hold native histograms, which this server sends only in SAMPLES responses: accept SAMPLES as well');
  if (responseType === 'samples') {
    ctx.set('Content-Type', 'application/x-protobuf');
    ctx.set('Content-Encoding', 'snappy');
    ctx.body = compressSnappy(encodeReadResponse(results));
    return;
  }
  ctx.set('Content-Type', STREAMED_CONTENT_TYPE);
  const maxFrame = options.prometheus.readMaxBytesInFrame;
  ctx.body = Readable.from(
    (function* () {
      for (let i = 0; i < results.length; i++) yield* chunkedReadFrames(results[i]!, i, maxFrame);
    })(),
  );
}

/** The query's inclusive millisecond bounds as a TimeRange: every point within the end millisecond counts. */
function rangeOf(query: RemoteReadQuery): TimeRange {
  const clamp = (ns: bigint) => (ns < MIN_TIMESTAMP ? MIN_TIMESTAMP : ns > MAX_TIMESTAMP ? MAX_TIMESTAMP : ns);
  return { min: clamp(BigInt(query.startMs) * 1_000_000n), max: clamp(BigInt(query.endMs) * 1_000_000n + 999_999n) };
}
