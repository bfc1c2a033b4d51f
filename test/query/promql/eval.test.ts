// The PromQL evaluator over an in-memory source: selectors, lookback and staleness, offset and @,
// subqueries, operators with vector matching, aggregations and functions that work on labels.
// Expected values follow Prometheus 3's documented semantics (left-open windows, 5 m lookback).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesValue, MEASUREMENT_NAME } from '../../../src/index/index.ts';
import { DEFAULT_EVAL_OPTIONS, instantQuery, parsePromql, rangeQuery, type SeriesSource, type Value } from '../../../src/query/promql/index.ts';
import type { Tag } from '../../../src/core/index.ts';

interface StoredSeries {
  readonly labels: Tag[];
  readonly ms: Float64Array;
  readonly values: Float64Array;
}

function staleMarker(): number {
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  u[0] = 2;
  u[1] = 0x7ff00000;
  return f[0]!;
}

/** A series `name{labels}` with the given (ms, value) samples; 'stale' is the staleness marker. */
function series(name: string, labels: Record<string, string>, points: ReadonlyArray<readonly [number, number | 'stale']>): StoredSeries {
  const tags = [{ key: MEASUREMENT_NAME, value: name }, ...Object.entries(labels).map(([key, value]) => ({ key, value }))].sort((a, b) => (a.key < b.key ? -1 : 1));
  const ms = new Float64Array(points.length);
  const values = new Float64Array(points.length);
  points.forEach(([t, v], i) => {
    ms[i] = t;
    values[i] = v === 'stale' ? staleMarker() : v;
  });
  return { labels: tags, ms, values };
}

function sourceOf(all: readonly StoredSeries[]): SeriesSource {
  return {
    async select(matchers, minMs, maxMs) {
      return all
        .filter((s) => matchers.every((m) => matchesValue(m, s.labels.find((l) => l.key === m.name)?.value ?? '')))
        .map((s) => {
          // Sliced, not mapped through an array: V8 would quiet the stale marker's NaN.
          let from = 0;
          while (from < s.ms.length && s.ms[from]! < minMs) from++;
          let to = from;
          while (to < s.ms.length && s.ms[to]! <= maxMs) to++;
          return { labels: s.labels, ms: s.ms.slice(from, to), values: s.values.slice(from, to) };
        })
        .filter((s) => s.ms.length > 0);
    },
  };
}

const options = { ...DEFAULT_EVAL_OPTIONS, signal: new AbortController().signal };
const M = 60_000;

/** Every 15 s from 0 to 30 min: a counter rising by 1 a second per instance (b resets at 10 min), and a gauge. */
const data: StoredSeries[] = [
  series('requests_total', { job: 'api', instance: 'a' }, Array.from({ length: 121 }, (_, i) => [i * 15_000, i * 15] as const)),
  series('requests_total', { job: 'api', instance: 'b' }, Array.from({ length: 121 }, (_, i) => [i * 15_000, i < 40 ? i * 30 : (i - 40) * 30] as const)),
  series('requests_total', { job: 'db', instance: 'c' }, Array.from({ length: 121 }, (_, i) => [i * 15_000, i * 3] as const)),
  series('temperature', { instance: 'a', room: 'x' }, [[0, 20], [60_000, 21], [120_000, 'stale'], [600_000, 25]]),
  series('temperature', { instance: 'b', room: 'y' }, [[0, 10]]),
  series('info', { instance: 'a', version: '1' }, Array.from({ length: 121 }, (_, i) => [i * 15_000, 1] as const)),
  series('info', { instance: 'b', version: '2' }, Array.from({ length: 121 }, (_, i) => [i * 15_000, 1] as const)),
  series('info_copy', { instance: 'a', version: '1' }, Array.from({ length: 121 }, (_, i) => [i * 15_000, 1] as const)),
];
const source = sourceOf(data);

async function instant(expr: string, timeMs: number): Promise<Value> {
  return (await instantQuery(source, parsePromql(expr), timeMs, options)).value;
}

/** An instant vector as `labels => value`, labels printed `{a="1",b="2"}`. */
function vectorOf(value: Value): Record<string, number> {
  assert.equal(value.type, 'vector');
  const out: Record<string, number> = {};
  for (const s of (value as Extract<Value, { type: 'vector' }>).series) {
    out[`{${s.labels.map((l) => `${l.key}="${l.value}"`).join(',')}}`] = s.values[0]!;
  }
  return out;
}

function close(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);
}

describe('PromQL evaluation', () => {
  it('takes the newest sample within the 5 m lookback, and none after a stale marker', async () => {
    assert.deepEqual(vectorOf(await instant('temperature', 90_000)), {
      '{__name__="temperature",instance="a",room="x"}': 21,
      '{__name__="temperature",instance="b",room="y"}': 10,
    });
    // a's marker at 2 min ends it; b's only sample is older than 5 m at 5 m + 1 ms.
    assert.deepEqual(vectorOf(await instant('temperature', 5 * M + 1)), {});
    // The lookback window is left-open: a sample exactly 5 m old is out.
    assert.deepEqual(vectorOf(await instant('temperature{room="y"}', 5 * M)), {});
    assert.deepEqual(vectorOf(await instant('temperature{room="y"}', 5 * M - 1)), { '{__name__="temperature",instance="b",room="y"}': 10 });
  });

  it('applies offset and @ to selectors', async () => {
    assert.deepEqual(vectorOf(await instant('temperature{room="x"} offset 9m', 10 * M)), { '{__name__="temperature",instance="a",room="x"}': 21 });
    assert.deepEqual(vectorOf(await instant('temperature{room="x"} @ 60', 20 * M)), { '{__name__="temperature",instance="a",room="x"}': 21 });
  });

  it('extrapolates rate and increase, across a counter reset', async () => {
    const rate = vectorOf(await instant('rate(requests_total[5m])', 20 * M));
    close(rate['{instance="a",job="api"}']!, 1);
    close(rate['{instance="b",job="api"}']!, 2);
    close(rate['{instance="c",job="db"}']!, 0.2);
    // b resets to 0 at 10 min: 1170 - 990 before, 240 after, over 225 s of samples extrapolated
    // by the 15 s to the window's start (less than 1.1 intervals): 420 * 240 / 225.
    close(vectorOf(await instant('increase(requests_total{instance="b"}[4m])', 12 * M))['{instance="b",job="api"}']!, 448);
  });

  it('aggregates by and without, with topk keeping the series', async () => {
    const sum = vectorOf(await instant('sum by (job) (rate(requests_total[5m]))', 20 * M));
    close(sum['{job="api"}']!, 3);
    close(sum['{job="db"}']!, 0.2);
    assert.deepEqual(Object.keys(vectorOf(await instant('count without (instance) (requests_total)', 20 * M))).sort(), ['{job="api"}', '{job="db"}']);
    assert.deepEqual(Object.keys(vectorOf(await instant('bottomk(1, requests_total)', 20 * M))), ['{__name__="requests_total",instance="c",job="db"}']);
    assert.deepEqual(vectorOf(await instant('count_values("v", info)', 20 * M)), { '{v="1"}': 2 });
    close(vectorOf(await instant('quantile(0.5, requests_total)', 20 * M))['{}']!, 1200);
  });

  it('matches vectors one-to-one and many-to-one, and copies group_left labels', async () => {
    const joined = vectorOf(await instant('requests_total * on (instance) group_left (version) info', 20 * M));
    assert.deepEqual(joined, { '{instance="a",job="api",version="1"}': 1200, '{instance="b",job="api",version="2"}': 1200 });
    // Comparisons filter and keep the metric name; bool gives 0/1 without it.
    assert.deepEqual(Object.keys(vectorOf(await instant('requests_total > 1000', 20 * M))).length, 2);
    assert.deepEqual(vectorOf(await instant('requests_total{instance="c"} > bool 1000', 20 * M)), { '{instance="c",job="db"}': 0 });
    await assert.rejects(instant('requests_total * on (job) info', 20 * M), /many-to-many matching not allowed|duplicate series/);
  });

  it('evaluates set operators per label set', async () => {
    assert.deepEqual(Object.keys(vectorOf(await instant('requests_total and on (instance) info', 20 * M))).length, 2);
    assert.deepEqual(Object.keys(vectorOf(await instant('requests_total unless on (instance) info', 20 * M))), ['{__name__="requests_total",instance="c",job="db"}']);
    assert.equal(Object.keys(vectorOf(await instant('requests_total or info', 20 * M))).length, 5);
    assert.equal(Object.keys(vectorOf(await instant('requests_total or info_copy', 20 * M))).length, 4);
  });

  it('gives -2 ^ 2 as -4 and right-associates ^', async () => {
    const scalar = async (e: string) => {
      const v = await instant(e, 0);
      assert.equal(v.type, 'scalar');
      return (v as Extract<Value, { type: 'scalar' }>).values[0];
    };
    assert.equal(await scalar('-2 ^ 2'), -4);
    assert.equal(await scalar('2 ^ 3 ^ 2'), 512);
    assert.equal(await scalar('1 + 2 * 3 % 4'), 3);
  });

  it('evaluates subqueries on aligned inner steps', async () => {
    // max of the per-minute rate over the last 10 minutes, one inner step per minute.
    close(vectorOf(await instant('max_over_time(rate(requests_total{instance="a"}[1m])[10m:1m])', 20 * M))['{instance="a",job="api"}']!, 1);
  });

  it('answers absent with the equality matchers as labels', async () => {
    assert.deepEqual(vectorOf(await instant('absent(nothing{job="x", a=~"y"})', 0)), { '{job="x"}': 1 });
    assert.deepEqual(vectorOf(await instant('absent(requests_total)', 0)), {});
    assert.deepEqual(vectorOf(await instant('absent_over_time(temperature{room="x"}[1m])', 5 * M)), { '{room="x"}': 1 });
  });

  it('rewrites labels with label_replace and label_join, keeping the name', async () => {
    assert.deepEqual(vectorOf(await instant('label_replace(info{instance="a"}, "v", "v$1", "version", "(.*)")', 0)), { '{__name__="info",instance="a",v="v1",version="1"}': 1 });
    assert.deepEqual(vectorOf(await instant('label_join(info{instance="a"}, "both", "-", "instance", "version")', 0)), { '{__name__="info",both="a-1",instance="a",version="1"}': 1 });
    await assert.rejects(instant('label_replace(requests_total{job="api"}, "instance", "x", "job", ".*")', 0), /same labelset/);
  });

  it('errors when a function leaves two series with the same labels at one step', async () => {
    await assert.rejects(instant('rate({__name__=~"info|info_copy"}[5m])', 20 * M), /vector cannot contain metrics with the same labelset/);
    // At different steps the two are one series.
    assert.deepEqual(vectorOf(await instant('abs(info_copy) or abs(info{instance="b"})', 0)), { '{instance="a",version="1"}': 1, '{instance="b",version="2"}': 1 });
  });

  it('evaluates a range query at every step, dropping absent steps', async () => {
    const { value, steps } = await rangeQuery(source, parsePromql('temperature{room="x"}'), 0, 10 * M, M, options);
    assert.equal(steps.count, 11);
    assert.equal(value.type, 'vector');
    const [only] = (value as Extract<Value, { type: 'vector' }>).series;
    // Present at 0 and 1 min, gone at 2 min (stale), back at 10 min.
    assert.deepEqual([...only!.present], [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual([only!.values[0], only!.values[1], only!.values[10]], [20, 21, 25]);
  });

  it('reads holt_winters, the name before Prometheus 3, as double_exponential_smoothing', () => {
    assert.deepEqual(parsePromql('holt_winters(x[5m], 0.5, 0.5)'), parsePromql('double_exponential_smoothing(x[5m], 0.5, 0.5)'));
    // Not inside a string, and error positions still count in the text as written.
    const call = parsePromql('label_replace(x, "a", "holt_winters(", "b", "")');
    assert.deepEqual(call.kind === 'call' ? call.args[2] : undefined, { kind: 'string', value: 'holt_winters(' });
    assert.throws(() => parsePromql('holt_winters(x[5m], 0.5) + '), /: 1:28: parse error: unexpected end of input/);
  });

  it('refuses what Prometheus refuses at parse time', () => {
    for (const [expr, message] of [
      ['rate(requests_total)', /expected type range vector in call to function "rate", got instant vector/],
      ['1 > 2', /comparisons between scalars must use BOOL modifier/],
      ['{job=~".*"}', /vector selector must contain at least one non-empty matcher/],
      ['sum(rate(x[5m])', /parse error/],
      ['nosuch(x)', /unknown function with name "nosuch"/],
      ['x and 1', /set operator "and" not allowed in binary scalar expression/],
    ] as const) {
      assert.throws(() => parsePromql(expr), message, expr);
    }
  });
});
