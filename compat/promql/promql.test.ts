// The PromQL differential suite: the same generated data (data.ts) remote-written to a real
// Prometheus 2.42 (the reference) and to the system under test, then every expression of
// queries.ts run against both as instant queries at three times and as two range queries, and
// the answers compared value for value (compare.ts). Mismatches fail the suite unless
// known-differences.ts lists them with a 2.42 -> 3.x reason; the report is printed either way.
//
// PROMQL_COMPAT_TARGET picks the system under test: `rusts` (default) or `prometheus`, a second
// Prometheus 2.42 with the remote write receiver, against which everything must match: that run
// checks the suite itself (data, requests, comparison).
//
// Without /usr/bin/prometheus the suite skips, except with CI=true, where it fails: CI always
// installs the peers.
//
//   PROMQL_COMPAT_TARGET=prometheus node --import tsx --test compat/promql/promql.test.ts
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROMETHEUS, diffSeries, formatDiff, isEmptyDiff, isStale, remoteRead, sleep, startStore, stop, type Matcher, type Store, type StoreKind } from '../prometheus/harness.ts';
import { prometheusProto } from '../../src/protocol/prometheus/proto.ts';
import { get } from './client.ts';
import { compareReplies, floatsMatch, isOrdered, parseValue, type Reply } from './compare.ts';
import { EVENTS, SAMPLE_COUNT, STALE_HI, STALE_LO, Timeline, encodeWriteRequest, generate, writeAll, type GeneratedSeries } from './data.ts';
import { explains, knownDifference } from './known-differences.ts';
import { apiCases, compared, newerOnly, queryKinds } from './queries.ts';
import { compareAll, compareApiCases, formatReport, unexpected } from './report.ts';

const missingReason = existsSync(PROMETHEUS) ? undefined : `prometheus not installed (${PROMETHEUS}): apt-get install prometheus`;
const inCI = process.env['CI'] === 'true';
const skip = missingReason !== undefined && !inCI ? missingReason : false;

const TARGET: StoreKind = (() => {
  const kind = (process.env['PROMQL_COMPAT_TARGET'] ?? 'rusts').trim();
  if (kind !== 'rusts' && kind !== 'prometheus') throw new Error(`PROMQL_COMPAT_TARGET: unknown target ${JSON.stringify(kind)} (rusts or prometheus)`);
  return kind;
})();
const TARGET_NAME = TARGET === 'rusts' ? 'RusTs' : 'a second Prometheus 2.42';

const DEMO: readonly Matcher[] = [{ type: 'RE', name: '__name__', value: 'demo_.+' }];

// The pieces that need no server: the write encoder and the comparison.
describe('PromQL compat: encoder and comparison', () => {
  it('encodes remote write requests that protobufjs decodes, stale markers bit for bit', () => {
    const timeline = new Timeline(Date.UTC(2024, 0, 1));
    const series = generate(timeline);
    const ephemeral = series.find((s) => s.labels['__name__'] === 'demo_ephemeral' && s.labels['task'] === 't1')!;
    const staleAt = timeline.sampleTime(EVENTS.t1Stale);
    const raw = encodeWriteRequest([ephemeral], staleAt - 30_000, staleAt + 1);
    const decoded = prometheusProto().WriteRequest.toObject(prometheusProto().WriteRequest.decode(raw), { longs: Number }) as { timeseries: { labels: { name: string; value: string }[]; samples: { value: number; timestamp: number }[] }[] };
    assert.equal(decoded.timeseries.length, 1);
    const ts = decoded.timeseries[0]!;
    assert.deepEqual(ts.labels.map((l) => l.name), ['__name__', 'instance', 'job', 'task']);
    assert.deepEqual(ts.samples.map((s) => s.timestamp), [staleAt - 30_000, staleAt - 15_000, staleAt]);
    assert.equal(ts.samples[0]!.value, ephemeral.values[EVENTS.t1Stale - 2]);
    // The stale marker's eight bytes, little-endian, right after the last sample's value tag.
    const staleBytes = Buffer.alloc(8);
    staleBytes.writeUInt32LE(STALE_LO, 0);
    staleBytes.writeUInt32LE(STALE_HI, 4);
    assert.ok(raw.includes(Buffer.concat([Buffer.from([0x09]), staleBytes])), 'the stale marker lost its bits');
    // Every series has one value per step it is present at, and the generator is deterministic.
    assert.ok(series.length > 150, `${series.length} series`);
    assert.deepEqual(generate(timeline).map((s) => [...s.values].map(String).join()), series.map((s) => [...s.values].map(String).join()));
  });

  it('compares values, labels, order and errors as documented', () => {
    const reply = (body: unknown, http = 200): Reply => ({ http, body: body as Reply['body'], text: JSON.stringify(body) });
    const vector = (...items: [Record<string, string>, string][]) => reply({ status: 'success', data: { resultType: 'vector', result: items.map(([metric, v]) => ({ metric, value: [100, v] })) } });
    const same = (a: Reply, b: Reply, ordered = false) => compareReplies(a, b, { ordered }).diffs;
    assert.equal(parseValue('+Inf'), Infinity);
    assert.equal(floatsMatch(NaN, NaN), 'exact');
    assert.equal(floatsMatch(Infinity, -Infinity), undefined);
    assert.equal(floatsMatch(1, 1 + 1e-9), 'close');
    assert.equal(floatsMatch(1, 1.00001), undefined);
    assert.deepEqual(same(vector([{ a: '1' }, 'NaN'], [{ a: '2' }, '1']), vector([{ a: '2' }, '1'], [{ a: '1' }, 'NaN'])), []);
    assert.equal(same(vector([{ a: '1' }, '1']), vector([{ a: '1' }, '1'], [{ a: '2' }, '1'])).length, 1);
    assert.equal(same(vector([{ a: '1' }, '+Inf']), vector([{ a: '1' }, '-Inf'])).length, 1);
    assert.equal(same(vector([{ a: '1' }, '1e+21']), vector([{ a: '1' }, '1000000000000000000000'])).length, 1, 'same float, different string');
    assert.equal(same(vector([{ a: '1' }, '2'], [{ a: '2' }, '1']), vector([{ a: '2' }, '1'], [{ a: '1' }, '2']), true).length, 1, 'order');
    const error = (errorType: string, error: string, http: number) => reply({ status: 'error', errorType, error }, http);
    assert.deepEqual(same(error('bad_data', '1:5: parse error: x', 400), error('bad_data', 'parse error: X', 400)), []);
    assert.equal(same(error('bad_data', 'x', 400), error('execution', 'x', 422)).length, 1);
    assert.ok(isOrdered('sort_desc(x)') && isOrdered('(topk(3, x))') && !isOrdered('sort(x) + 1') && !isOrdered('topk by (a) (1, x)'));
    // A known difference excuses only the difference it describes, not another one in the same expression.
    const atan2 = knownDifference('demo_temperature_celsius atan2 1.2345', 'instant@end')!;
    assert.ok(explains(atan2, ['missing 10 of 10 series: [["__name__","demo_temperature_celsius"]']));
    assert.ok(!explains(atan2, ['status: want 200 success , got 400 error bad_data: parse error']));
  });
});

describe(`PromQL: Prometheus 2.42 vs ${TARGET_NAME}`, { skip }, () => {
  let dir = '';
  const stores: Store[] = [];
  let reference: Store | undefined;
  let target: Store | undefined;
  let timeline: Timeline | undefined;
  let series: GeneratedSeries[] = [];

  before(async () => {
    if (missingReason !== undefined) throw new Error(`${missingReason} (CI=true: the suite must not skip)`);
    dir = mkdtempSync(join(tmpdir(), 'rusts-compat-promql-'));
    const started = await Promise.allSettled([startStore('prometheus', join(dir, 'reference')), startStore(TARGET, join(dir, 'target'))]);
    for (const s of started) if (s.status === 'fulfilled') stores.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    [reference, target] = stores as [Store, Store];
    timeline = Timeline.endingBefore(Date.now());
    series = generate(timeline);
    const t0 = Date.now();
    await Promise.all([writeAll(reference.writeUrl, series, timeline), writeAll(target.writeUrl, series, timeline)]);
    const samples = series.reduce((n, s) => n + s.timestamps.length, 0);
    console.log(`wrote ${series.length} series, ${samples} samples (${new Date(timeline.sampleTime(0)).toISOString()} .. ${new Date(timeline.sampleTime(SAMPLE_COUNT - 1)).toISOString()}) to both in ${Date.now() - t0} ms`);
    await waitUntilQueryable(reference.url, target.url, timeline);
  });

  after(async () => {
    for (const s of stores.reverse()) await stop(s.proc);
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('holds the same samples in both stores, stale markers included (remote read)', async () => {
    const from = timeline!.base;
    const to = timeline!.sampleTime(SAMPLE_COUNT);
    const [want, got] = await Promise.all([remoteRead(reference!.readUrl, DEMO, from, to), remoteRead(target!.readUrl, DEMO, from, to)]);
    assert.equal(want.length, series.length, 'the reference holds every generated series');
    const staleSeries = want.filter((s) => s.samples.some(isStale)).length;
    assert.equal(staleSeries, 6, 'demo_ephemeral and demo_jobs_processed_total end in stale markers (tasks t1, t2, t3)');
    const diff = diffSeries(want, got);
    assert.ok(isEmptyDiff(diff), `${TARGET_NAME} holds different samples:\n${formatDiff(diff)}`);
  });

  it('answers every expression as instant and range queries like Prometheus 2.42', async () => {
    const cases = compared(timeline!);
    const kinds = queryKinds(timeline!);
    assert.ok(cases.length >= 400, `only ${cases.length} expressions`);
    assert.equal(new Set(cases.map((c) => c.expr)).size, cases.length, 'an expression is listed twice');
    const t0 = Date.now();
    const outcomes = [...(await compareAll(reference!.url, target!.url, cases, kinds)), ...(await compareApiCases(reference!.url, target!.url, apiCases(timeline!)))];
    console.log(formatReport(`Prometheus 2.42 vs ${TARGET_NAME} (${Date.now() - t0} ms)`, cases.length, kinds.length, outcomes));
    // A self-check of the data and the times: most answers carry data, so the matches mean something.
    const withData = outcomes.filter((o) => o.hasData).length;
    assert.ok(withData > outcomes.length * 0.75, `only ${withData} of ${outcomes.length} reference answers have data`);
    // And a self-check of the comparison on real answers: two instants' values must differ.
    const [m103, m102] = await Promise.all([103, 102].map((m) => get(reference!.url, '/api/v1/query', { query: `demo_memory_bytes @ ${timeline!.seconds(m)}`, time: timeline!.seconds(104) })));
    assert.ok(compareReplies(m103!, m102!, { ordered: false }).diffs.length > 0, 'the comparison finds no difference between two different instants');
    const bad = unexpected(outcomes);
    assert.equal(bad.length, 0, `${bad.length} comparisons differ from Prometheus 2.42 (report above); first: [${bad[0]?.kind}] ${bad[0]?.what}: ${bad[0]?.comparison.diffs.join('; ')}`);
  });

  it('answers the expressions Prometheus 2.42 lacks with success', { skip: TARGET === 'prometheus' ? 'the target is Prometheus 2.42, which lacks these functions and syntax' : false }, async () => {
    const kinds = queryKinds(timeline!);
    const failures: string[] = [];
    for (const c of newerOnly()) {
      for (const kind of kinds) {
        const reply = await get(target!.url, kind.path, { query: c.expr, ...kind.params });
        if (reply.body?.status !== 'success') failures.push(`[${kind.id}] ${c.expr} (${c.group}): ${reply.http} ${reply.text.slice(0, 160)}`);
      }
    }
    assert.equal(failures.length, 0, `${failures.length} answers are not a success:\n${failures.slice(0, 30).join('\n')}`);
  });
});

/**
 * Wait (at most 15 s) until the target counts the same demo series as the reference at the last
 * instant queried: a store may make written samples queryable a little later. Returns early when
 * the target has no query API at all (404), so that the comparisons report that plainly.
 */
async function waitUntilQueryable(reference: string, target: string, timeline: Timeline): Promise<void> {
  const params = { query: 'count by (__name__) ({__name__=~"demo_.+"})', time: timeline.seconds(104) };
  const want = await get(reference, '/api/v1/query', params);
  assert.equal(want.body?.status, 'success', `the reference cannot count its series: ${want.text}`);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const got = await get(target, '/api/v1/query', params);
    if (got.http === 404 || compareReplies(want, got, { ordered: false }).diffs.length === 0 || Date.now() > deadline) return;
    await sleep(250);
  }
}
