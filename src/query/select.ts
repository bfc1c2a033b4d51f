/**
 * The selection: series from the shard router, one at a time, with the query's limits enforced
 * as they stream. Between slices of work (every ~50k points or 1,000 series loaded) the scan
 * yields to the event loop, so a heavy query never stalls ingest or other requests, and checks
 * the query's AbortSignal there. Points loaded are counted against `maxPoints`.
 *
 * PromQL's selectors and remote read read through it too, by way of `selectMetrics` (metrics.ts).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DatabaseNotFoundError, RetentionPolicyNotFoundError, type Namespace, type ScanReport, type ShardRouter } from '../cluster/index.ts';
import { RustsError } from '../core/index.ts';
import type { SelectRequest, SeriesData } from '../storage/index.ts';
import { QueryLimitError, QueryTimeoutError } from './errors.ts';
import type { QueryContext, SeriesSelection } from './plan.ts';

const POINTS_PER_SLICE = 50_000;
const SERIES_PER_SLICE = 1_000;

/** Throws the reason the query was stopped, if it was. */
export function checkSignal(ctx: QueryContext): void {
  if (!ctx.signal.aborted) return;
  const reason: unknown = ctx.signal.reason;
  throw reason instanceof RustsError ? reason : new QueryTimeoutError();
}

/** Points loaded by one query so far, across all its scans. */
export class ScanBudget {
  loaded = 0;
  private slicePoints = 0;
  private sliceSeries = 0;

  constructor(private readonly ctx: QueryContext) {}

  /** Counts a series' points; throws QueryLimitError past maxPoints. */
  charge(points: number): void {
    this.loaded += points;
    this.slicePoints += points;
    this.sliceSeries++;
    if (this.loaded > this.ctx.maxPoints) throw new QueryLimitError(this.ctx.maxPoints);
  }

  /** Counts work that loads nothing (finishing groups, building rows) towards the next pause. */
  work(units: number): void {
    this.slicePoints += units;
    this.sliceSeries++;
  }

  /** Yields to the event loop when a slice of work is done, then checks the signal. */
  async pause(): Promise<void> {
    if (this.slicePoints < POINTS_PER_SLICE && this.sliceSeries < SERIES_PER_SLICE) return;
    this.slicePoints = 0;
    this.sliceSeries = 0;
    await nextTurn();
    checkSignal(this.ctx);
  }
}

/** Where a query or selection reads: its database and retention policy. */
export function namespaceOf(q: { readonly database: string; readonly retentionPolicy?: string | undefined }): Namespace {
  return { database: q.database, retentionPolicy: q.retentionPolicy };
}

/** Fails unless the database and the retention policy (its default one when unnamed) exist. */
export function checkNamespace(router: ShardRouter, namespace: Namespace): void {
  if (!router.hasDatabase(namespace.database)) throw new DatabaseNotFoundError(namespace.database);
  const { policies, defaultPolicy } = router.retentionPolicies(namespace.database);
  const policy = namespace.retentionPolicy === undefined || namespace.retentionPolicy === '' ? defaultPolicy : namespace.retentionPolicy;
  if (!policies.some((p) => p.name === policy)) throw new RetentionPolicyNotFoundError(policy);
}

/** Streams the series of one router select under the query's budget. */
export async function* scan(router: ShardRouter, namespace: Namespace, request: SelectRequest, budget: ScanBudget, ctx: QueryContext, report?: ScanReport): AsyncGenerator<SeriesData> {
  checkSignal(ctx);
  for await (const series of router.select(namespace, request, report)) {
    let points = 0;
    for (const f of series.fields) points += f.column.length;
    budget.charge(points);
    yield series;
    await budget.pause();
  }
}

/**
 * The series matching a selection (matchers are a conjunction; fields all when omitted), one at a
 * time, each field's points sorted and within the range. Honours `ctx.signal` and `ctx.maxPoints`.
 */
export async function* selectSeries(router: ShardRouter, selection: SeriesSelection, ctx: QueryContext, report?: ScanReport): AsyncGenerator<SeriesData> {
  checkNamespace(router, namespaceOf(selection));
  const request: SelectRequest = { matchers: selection.matchers, range: selection.range, ...(selection.fields !== undefined ? { fields: selection.fields } : {}) };
  yield* scan(router, namespaceOf(selection), request, new ScanBudget(ctx), ctx, report);
}
