/**
 * Test helpers for the query executor: a LocalRouter on an in-memory file system loaded with line
 * protocol, small builders for LogicalQuery parts, and a normaliser that turns result series into
 * the shape influxd's `/query?epoch=s` JSON has, so golden answers can be pasted from influxd.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { LocalRouter } from '../../src/cluster/index.ts';
import { MAX_TIMESTAMP, MIN_TIMESTAMP, silentLogger, WriteBatch } from '../../src/core/index.ts';
import type { Matcher } from '../../src/index/index.ts';
import { parseLineProtocol } from '../../src/protocol/lineprotocol/index.ts';
import { executeQuery, type CompareOp, type Condition, type Expr, type Fill, type FunctionName, type LogicalQuery, type QueryContext, type ResultSeries } from '../../src/query/index.ts';
import { MemFs } from '../../src/storage/index.ts';

/**
 * The dataset every golden test uses, written to influxd 1.6 with `precision=s` and to RusTs alike.
 * cpu: hosts a (region east), b (region west), c (no region); ties at times 0 and 10 across series.
 */
export const DATA = `
cpu,host=a,region=east v=1,i=10i,s="x",b=true 0
cpu,host=a,region=east v=3,i=20i,s="y",b=false 10
cpu,host=a,region=east v=2,i=30i 20
cpu,host=a,region=east v=7,i=-5i,s="x" 40
cpu,host=b,region=west v=4,i=1i 0
cpu,host=b,region=west v=4,i=2i 15
cpu,host=b,region=west v=10,i=2i 25
cpu,host=b,region=west v=1 50
cpu,host=c v=5,i=9i 10
mem,host=a free=100i 5
mem,host=b free=200i 35
late,host=a v=1 1000
late,host=a v=2 1015
late,host=b v=3 1030
`;

export async function openRouter(lines = DATA, precision: 's' | 'ns' = 's', shards = 2): Promise<LocalRouter> {
  const router = await LocalRouter.open({ dataDir: '/data', shards }, { logger: silentLogger, fs: new MemFs() });
  await router.createDatabase('db');
  const batch = new WriteBatch();
  const parsed = parseLineProtocol(Buffer.from(lines), { precision, defaultTime: 0n }, batch);
  assert.deepEqual(parsed.errors, []);
  const written = await router.write({ database: 'db' }, batch);
  assert.deepEqual(written.errors, []);
  return router;
}

// ---- expression builders ----

export type Arg = Expr | string | number;
const arg = (a: Arg): Expr => (typeof a === 'string' ? (a === '*' ? { kind: 'wildcard' } : { kind: 'field', name: a }) : typeof a === 'number' ? { kind: 'number', value: a } : a);

/** A function call; string arguments are fields (`'*'` the wildcard), numbers are numbers. */
export const fn = (name: string, ...args: Arg[]): Expr => ({ kind: 'call', name: name as FunctionName, args: args.map(arg) });
export const op = (o: '+' | '-' | '*' | '/' | '%', l: Arg, r: Arg): Expr => ({ kind: 'binary', op: o, left: arg(l), right: arg(r) });

const UNITS: Record<string, bigint> = { ns: 1n, u: 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n, d: 86_400_000_000_000n };
export function nanos(d: string): bigint {
  const m = /^(-?\d+)(ns|u|ms|s|m|h|d)$/.exec(d);
  if (m === null) throw new Error(`bad duration ${d}`);
  return BigInt(m[1]!) * UNITS[m[2]!]!;
}
export const dur = (d: string): Expr => ({ kind: 'duration', nanos: nanos(d) });

// ---- condition builders ----

export const tag = (name: string, o: Matcher['op'], value: string): Condition => ({ kind: 'tag', matcher: { name, op: o, value } });
export const field = (name: string, o: CompareOp, value: number | string | boolean): Condition => ({ kind: 'field', field: name, op: o, value });
export const fieldRe = (name: string, pattern: string, negate = false): Condition => ({ kind: 'fieldRegex', field: name, pattern, negate });
export const and = (l: Condition, r: Condition): Condition => ({ kind: 'and', left: l, right: r });
export const or = (l: Condition, r: Condition): Condition => ({ kind: 'or', left: l, right: r });

// ---- queries ----

export interface Q {
  readonly select: ReadonlyArray<Arg | readonly [Arg, string]>;
  /** A measurement name, or `/re/` for a regex. */
  readonly from?: string;
  readonly where?: Condition;
  /** Seconds, inclusive; null = unbounded. */
  readonly time?: readonly [number | null, number | null];
  readonly groupBy?: { readonly time?: string; readonly offset?: string; readonly tags?: readonly string[] | '*' };
  readonly fill?: 'null' | 'none' | 'previous' | 'linear' | number;
  readonly order?: 'asc' | 'desc';
  readonly limit?: number;
  readonly offset?: number;
  readonly slimit?: number;
  readonly soffset?: number;
}

export function query(q: Q): LogicalQuery {
  const from = q.from ?? 'cpu';
  const fill: Fill | undefined = q.fill === undefined ? undefined : typeof q.fill === 'number' ? { kind: 'value', value: q.fill } : { kind: q.fill };
  const [lo, hi] = q.time ?? [null, null];
  return {
    database: 'db',
    from: from.startsWith('/') ? { kind: 'regex', pattern: from.slice(1, -1) } : { kind: 'name', name: from },
    ...(q.where !== undefined ? { condition: q.where } : {}),
    range: { min: lo === null ? MIN_TIMESTAMP : BigInt(lo) * 1_000_000_000n, max: hi === null ? MAX_TIMESTAMP : BigInt(hi) * 1_000_000_000n },
    projections: q.select.map((p) => (Array.isArray(p) ? { expr: arg(p[0] as Arg), alias: p[1] as string } : { expr: arg(p as Arg) })),
    groupBy: {
      tags: q.groupBy?.tags ?? [],
      ...(q.groupBy?.time !== undefined ? { time: { interval: nanos(q.groupBy.time), offset: q.groupBy.offset === undefined ? 0n : nanos(q.groupBy.offset) } } : {}),
    },
    ...(fill !== undefined ? { fill } : {}),
    ...(q.order !== undefined ? { order: q.order } : {}),
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
    ...(q.offset !== undefined ? { offset: q.offset } : {}),
    ...(q.slimit !== undefined ? { slimit: q.slimit } : {}),
    ...(q.soffset !== undefined ? { soffset: q.soffset } : {}),
  };
}

export function context(maxPoints = 1_000_000, signal = new AbortController().signal): QueryContext {
  return { signal, maxPoints };
}

export async function run(router: LocalRouter, q: Q | LogicalQuery, ctx = context()): Promise<ResultSeries[]> {
  const out: ResultSeries[] = [];
  for await (const s of executeQuery(router, 'select' in q ? query(q) : q, ctx)) out.push(s);
  return out;
}

/** Result series as influxd's JSON with epoch=s: time in seconds, integers as numbers, no empty `tags`. */
export function asInflux(series: readonly ResultSeries[]): unknown[] {
  return series.map((s) => ({
    name: s.name,
    ...(Object.keys(s.tags).length > 0 ? { tags: s.tags } : {}),
    columns: s.columns,
    values: s.values.map(([t, ...cells]) => [Number(t) / 1e9, ...cells.map((c) => (typeof c === 'bigint' ? Number(c) : c))]),
  }));
}

/** JSON for failure messages, bigints included. */
export const show = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

/** Deep equality where numbers may differ by 1e-12 relative (float sums in another order). */
export function near(got: unknown, want: unknown): boolean {
  if (typeof got === 'number' && typeof want === 'number') return got === want || Math.abs(got - want) <= 1e-12 * Math.max(Math.abs(got), Math.abs(want));
  if (Array.isArray(got) && Array.isArray(want)) return got.length === want.length && got.every((g, i) => near(g, want[i]));
  if (got !== null && want !== null && typeof got === 'object' && typeof want === 'object') {
    const gk = Object.keys(got);
    const wk = Object.keys(want);
    return gk.length === wk.length && gk.every((k) => near((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k]));
  }
  return got === want;
}

/** Asserts that `q` answers what influxd answered: `want` is the `series` array of influxd's JSON (or `[]` for none). */
export async function expectInflux(router: LocalRouter, q: Q, want: string): Promise<void> {
  const got = asInflux(await run(router, q));
  const expected = JSON.parse(want) as unknown[];
  assert.ok(near(got, expected), `for ${show(q)}\n got ${JSON.stringify(got)}\nwant ${JSON.stringify(expected)}`);
}

/**
 * Opens the shared test router before a file's tests and closes it after them (call at the top
 * level of a test file). `check(q, want)` compares a query's answer with influxd's, as `expectInflux`.
 */
export function goldenRouter(): { readonly router: () => LocalRouter; readonly check: (q: Q, want: string) => Promise<void> } {
  let router: LocalRouter | undefined;
  before(async () => {
    router = await openRouter();
  });
  after(async () => {
    await router?.close();
  });
  return { router: () => router!, check: (q, want) => expectInflux(router!, q, want) };
}
