/**
 * `POST /api/v1/write`: Prometheus remote write 1.0 and 2.0, chosen by Content-Type as the 2.0
 * spec says. The answer tells the sender whether to retry: 204 once the samples are in the WAL
 * (durable per the WAL mode), 400 for data that will never be accepted (nothing to retry; what was
 * valid in the request is written), 413/415 for bodies not to resend as they are, 429 and 5xx
 * (rate limited, starting up, storage failing) for a retry of the whole request, which is safe:
 * writing a sample twice stores it once.
 *
 * Out-of-order and duplicate samples: any sample within the retention policy is accepted, in any
 * order; a second sample for the same series and millisecond replaces the first (last write wins,
 * as for InfluxDB writes). Prometheus's own receiver refuses both; RusTs keeps what a sender
 * replays after a restart or sends from parallel shards instead of refusing it.
 */
import type { Context } from 'koa';
import { RustsError } from '../../core/index.ts';
import { DatabaseNotFoundError } from '../../cluster/index.ts';
import { METRIC_VALUE_FIELD } from '../../query/index.ts';
import type { RemoteWriteBody } from '../../protocol/workers/index.ts';
import { authorize } from '../auth/index.ts';
import { readRequestBody } from '../limits/index.ts';
import type { ServerState } from '../state.ts';
import type { PrometheusApiOptions } from './options.ts';

/** A Content-Type or Content-Encoding remote write does not speak: HTTP 415, as the 2.0 spec asks. */
export class UnsupportedMediaTypeError extends RustsError {
  constructor(message: string) {
    super('unsupported_media_type', message);
  }
}

const V1_MESSAGE = 'prometheus.WriteRequest';
const V2_MESSAGE = 'io.prometheus.write.v2.Request';

/** The remote write version a Content-Type asks for. No Content-Type is 1.0, which predates the header's use. */
function remoteWriteVersion(contentType: string): 1 | 2 {
  if (contentType.trim() === '') return 1;
  const [mediaType, ...params] = contentType.split(';').map((p) => p.trim());
  if (mediaType!.toLowerCase() !== 'application/x-protobuf') {
    throw new UnsupportedMediaTypeError(`unsupported Content-Type "${contentType}": remote write takes application/x-protobuf;proto=${V1_MESSAGE} or ;proto=${V2_MESSAGE}`);
  }
  let proto: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq > 0 && param.slice(0, eq).trim().toLowerCase() === 'proto') proto = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  if (proto === undefined || proto === V1_MESSAGE) return 1;
  if (proto === V2_MESSAGE) return 2;
  throw new UnsupportedMediaTypeError(`unsupported remote write message "${proto}": this server takes ${V1_MESSAGE} and ${V2_MESSAGE}`);
}

/** Where a write or read goes: `db` and `rp` from the URL, else the configured database. */
export interface Target {
  readonly database: string;
  readonly retentionPolicy: string | undefined;
}

export async function remoteWrite(ctx: Context, target: Target, state: ServerState, options: PrometheusApiOptions): Promise<void> {
  const version = remoteWriteVersion(ctx.get('Content-Type'));
  const encoding = ctx.get('Content-Encoding').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'snappy') throw new UnsupportedMediaTypeError(`unsupported Content-Encoding "${ctx.get('Content-Encoding')}": remote write bodies are snappy-compressed`);
  authorize(ctx, target.database, 'write');
  const router = state.router;
  const body = await readRequestBody(ctx, options.limits, { rawEncodings: ['snappy'] });
  const decoded = await options.parsePool.decodeRemoteWrite(body, version, options.limits.maxDecompressedBytes, options.prometheus);
  if (!router.hasDatabase(target.database)) {
    if (!options.autoCreateDatabases) throw new DatabaseNotFoundError(target.database);
    await router.createDatabase(target.database);
  }
  options.metadata.update(target.database, decoded.metadata);

  const namespace = { database: target.database, retentionPolicy: target.retentionPolicy };
  // Samples and the rest (histograms, exemplars) are written side by side; both are durable before the answer.
  const results = await Promise.all([
    decoded.rows.length > 0 ? router.writeRows(namespace, METRIC_VALUE_FIELD, decoded.rows, decoded.series) : undefined,
    decoded.batch.series.length > 0 ? router.write(namespace, decoded.batch) : undefined,
  ]);
  const storeErrors: RustsError[] = [];
  let dropped = 0;
  for (const result of results) {
    if (result === undefined) continue;
    storeErrors.push(...result.errors);
    dropped += result.dropped;
    state.counters.pointsWritten += result.written;
  }
  const written = writtenCounts(decoded, dropped);
  ctx.set('X-Prometheus-Remote-Write-Samples-Written', String(written.samples));
  ctx.set('X-Prometheus-Remote-Write-Histograms-Written', String(written.histograms));
  ctx.set('X-Prometheus-Remote-Write-Exemplars-Written', String(written.exemplars));
  if (decoded.rejected === 0 && storeErrors.length === 0 && dropped === 0) {
    ctx.status = 204;
    return;
  }
  state.counters.writeErrors++;
  const reasons = [...storeErrors.map((e) => e.message), ...decoded.reasons];
  const refused = decoded.rejected + dropped;
  ctx.status = 400;
  ctx.type = 'text/plain';
  ctx.body = `partial write: ${refused} of ${decoded.samples + decoded.histograms + decoded.exemplars + decoded.rejected} samples, histograms and exemplars not written: ${reasons.join('; ')}\n`;
}

/**
 * What was written of each kind. The store reports points it dropped (older than the retention
 * policy, or of a field whose type conflicts) without their kind: they are counted against
 * samples first, which is where they almost always are.
 */
function writtenCounts(decoded: RemoteWriteBody, dropped: number): { samples: number; histograms: number; exemplars: number } {
  let left = dropped;
  const take = (n: number): number => {
    const taken = Math.min(n, left);
    left -= taken;
    return n - taken;
  };
  return { samples: take(decoded.samples), histograms: take(decoded.histograms), exemplars: take(decoded.exemplars) };
}
