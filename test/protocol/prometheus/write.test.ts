import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SeriesIds, SeriesTable } from '../../../src/core/index.ts';
import { DEFAULT_LABEL_LIMITS, decodeWriteRequest, prometheusProto, SeriesCache } from '../../../src/protocol/prometheus/index.ts';

const T0 = 1_764_028_800_000;

/** A WriteRequest of one sample for each host, in the order given; hosts with a long name have longer label bytes. */
function request(hosts: readonly number[], at: number): Buffer {
  const WriteRequest = prometheusProto().WriteRequest;
  const timeseries = hosts.map((h) => ({
    labels: [
      { name: '__name__', value: 'up' },
      { name: 'host', value: h % 3 === 0 ? `host-with-a-longer-name-${h}` : `h${h}` },
    ],
    samples: [{ value: h + at / 1000, timestamp: at }],
  }));
  return Buffer.from(WriteRequest.encode(WriteRequest.create({ timeseries })).finish());
}

/** Decodes a body with `cache` into (series key, time, value) triples. */
function decoded(body: Buffer, cache: SeriesCache, table: SeriesTable): unknown[] {
  const { rows, newSeries, rejected } = decodeWriteRequest(body, { limits: DEFAULT_LABEL_LIMITS, cache });
  assert.equal(rejected, 0);
  table.learn(newSeries);
  return Array.from({ length: rows.length }, (_, i) => [table.list[rows.series[i]!]!.key, rows.ms[i], rows.values[i]]);
}

describe('remote write 1.0 decoding with a series cache', () => {
  it('finds each series right when the order repeats, changes, and the cache starts over in the middle of a request', () => {
    const hosts = Array.from({ length: 12 }, (_, h) => h);
    const orders = [
      hosts,
      hosts,
      [...hosts].reverse(),
      hosts,
      // One series dropped, one new, two swapped: predictions fail here and there.
      [0, 1, 3, 2, 4, 5, 6, 7, 8, 9, 10, 99],
      hosts,
    ];
    // A cache that holds fewer series than a request has starts over several times per request.
    for (const capacity of [5, 12, 200_000]) {
      const ids = new SeriesIds(100_000);
      const cache = new SeriesCache(ids, capacity);
      const table = new SeriesTable();
      orders.forEach((order, round) => {
        const body = request(order, T0 + round * 15_000);
        const want = decoded(body, new SeriesCache(new SeriesIds(100_000)), new SeriesTable());
        assert.deepEqual(decoded(body, cache, table), want, `capacity ${capacity}, round ${round}`);
      });
    }
  });

  it('gives a histogram or exemplar of a series met before the same tags as the first time, escapes and all', () => {
    const WriteRequest = prometheusProto().WriteRequest;
    const labels = [
      { name: '__name__', value: 'http_request_duration_seconds' },
      { name: 'path', value: '/a b,c=d\\e' },
      { name: 'zone', value: 'eu west' },
    ];
    const body = (at: number) =>
      Buffer.from(
        WriteRequest.encode(
          WriteRequest.create({
            timeseries: [
              {
                labels,
                histograms: [{ countInt: 3, sum: 1.5, schema: 0, zeroThreshold: 1e-128, zeroCountInt: 0, timestamp: at }],
                exemplars: [{ labels: [{ name: 'trace_id', value: 'abc' }], value: 0.5, timestamp: at }],
              },
            ],
          }),
        ).finish(),
      );
    const cache = new SeriesCache(new SeriesIds(100));
    const tagsOf = (at: number) => {
      const { batch, histograms, exemplars } = decodeWriteRequest(body(at), { limits: DEFAULT_LABEL_LIMITS, cache });
      assert.equal(histograms, 1);
      assert.equal(exemplars, 1);
      assert.equal(batch.series.length, 1);
      return { measurement: batch.series[0]!.measurement, tags: batch.series[0]!.tags };
    };
    const want = { measurement: 'http_request_duration_seconds', tags: [{ key: 'path', value: '/a b,c=d\\e' }, { key: 'zone', value: 'eu west' }] };
    assert.deepEqual(tagsOf(T0), want, 'first met');
    assert.deepEqual(tagsOf(T0 + 15_000), want, 'from the cache');
  });
});
