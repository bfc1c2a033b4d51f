import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import snappy from 'snappy';
import { RustsError, SeriesIds, SeriesTable, WriteBatch, packBatch, silentLogger, unpackBatch, type Logger, type SampleRows, type SeriesList } from '../../../src/core/index.ts';
import { DEFAULT_LABEL_LIMITS, decodeRemoteWrite, prometheusProto, SeriesCache } from '../../../src/protocol/prometheus/index.ts';
import { parseLineProtocol } from '../../../src/protocol/lineprotocol/index.ts';
import { ParsePool } from '../../../src/protocol/workers/index.ts';

const OPTIONS = { precision: 'ns', defaultTime: 1_764_028_800_000_000_000n } as const;

// Every field type, escapes in keys, several series and fields, a bad line.
function body(lines: number): Buffer {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const t = 1_764_028_800_000_000_000n + BigInt(i) * 1_000_123n;
    out.push(`cpu\\ load,host=h${i % 7},dc=eu\\,west usage=${i / 8},n=${i}i,u=${i}u,ok=${i % 2 === 0},msg="line \\"${i}\\"" ${t}`);
    if (i % 1000 === 999) out.push('cpu,host=bad usage=');
  }
  return Buffer.from(out.join('\n'));
}

/** A batch as plain data, for comparing two batches. */
/** Rows as (series key, time, value) triples. */
function samplesOf(rows: SampleRows, series: SeriesList): unknown[] {
  return Array.from({ length: rows.length }, (_, i) => [series[rows.series[i]!]!.key, rows.ms[i], rows.values[i]]);
}

function contents(batch: WriteBatch): unknown {
  return batch.series.map((s) => ({
    key: s.key,
    measurement: s.measurement,
    tags: s.tags,
    fields: s.fields.map(({ name, column }) => ({
      name,
      type: column.type,
      points: Array.from({ length: column.length }, (_, i) => [column.ms[i], column.sub[i], column.values[i]]),
    })),
  }));
}

describe('packBatch / unpackBatch', () => {
  it('round-trips every field type, escaped keys and many series', () => {
    const batch = new WriteBatch();
    parseLineProtocol(body(300), OPTIONS, batch);
    const { packed } = packBatch(batch, new SeriesIds(1000));
    assert.equal(packed.newKeys.length, batch.series.length);
    assert.deepEqual(contents(unpackBatch(packed, new SeriesTable())), contents(batch));
  });

  it('round-trips an empty batch', () => {
    assert.deepEqual(contents(unpackBatch(packBatch(new WriteBatch(), new SeriesIds(10)).packed, new SeriesTable())), []);
  });

  it('sends each key once, until the ids start over in a new generation', () => {
    const ids = new SeriesIds(10);
    const table = new SeriesTable();
    const batchOf = (hosts: number[]) => {
      const batch = new WriteBatch();
      parseLineProtocol(Buffer.from(hosts.map((h) => `cpu,host=h${h} v=${h} 1`).join('\n')), OPTIONS, batch);
      return batch;
    };
    const send = (hosts: number[]) => {
      const batch = batchOf(hosts);
      const { packed } = packBatch(batch, ids);
      assert.deepEqual(contents(unpackBatch(packed, table)), contents(batch));
      return packed;
    };
    assert.equal(send([1, 2, 3]).newKeys.length, 3);
    const again = send([3, 2, 4]);
    assert.deepEqual(again.newKeys, ['cpu,host=h4']);
    assert.deepEqual([...again.seriesIds], [2, 1, 3]);
    // A batch may take the ids past the 10 they hold; the batch after it starts a new
    // generation, and its keys are sent again.
    const full = send([1, 5, 6, 7, 8, 9, 10, 11]);
    assert.equal(full.generation, again.generation);
    assert.equal(full.newKeys.length, 7);
    const over = send([1, 2]);
    assert.equal(over.generation, again.generation + 1);
    assert.deepEqual(over.newKeys, ['cpu,host=h1', 'cpu,host=h2']);
    // A table that missed a batch is out of step, and says so.
    assert.throws(() => unpackBatch(packBatch(batchOf([12]), ids).packed, new SeriesTable()), /series ids out of step/);
  });
});

describe('ParsePool', () => {
  const errors: string[] = [];
  const logger: Logger = { ...silentLogger, error: (msg: string) => void errors.push(msg) };
  const pool = new ParsePool(2, logger);
  after(() => pool.close());

  it('parses large bodies on workers into the same batch and errors as in place', async () => {
    const big = body(5000);
    assert.ok(big.length > 64 * 1024, 'large enough to go to a worker');
    for (let i = 0; i < 500 && pool.readyWorkers < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(pool.readyWorkers, 2, 'both workers loaded');
    const inPlace = new WriteBatch();
    const want = parseLineProtocol(big, OPTIONS, inPlace);
    const results = await Promise.all([0, 1, 2, 3].map(() => pool.parse(Buffer.from(big), OPTIONS)));
    for (const { batch, result } of results) {
      assert.deepEqual(result, want);
      assert.deepEqual(contents(batch), contents(inPlace));
    }
    assert.equal(want.errors.length, 5);
    assert.deepEqual(errors, []);
  });

  it('parses small bodies in place, and every body when it has no workers', async () => {
    const small = body(10);
    const inline = new ParsePool(0, silentLogger);
    for (const p of [pool, inline]) {
      const { batch, result } = await p.parse(small, OPTIONS);
      assert.equal(result.points, 10);
      assert.equal(batch.series.length, 7);
    }
    await inline.close();
  });

  it('stops restarting a worker that keeps failing and parses in place instead', async () => {
    const logged: string[] = [];
    const broken = new ParsePool(1, { ...silentLogger, error: (msg: string) => void logged.push(msg) }, new URL('data:text/javascript,throw new Error("cannot start")'));
    for (let i = 0; i < 50 && logged.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(logged, ['decode worker failed; starting another', 'decode worker failed; starting another', 'decode worker failed again; decoding without it']);
    assert.equal(broken.size, 0);
    const { result } = await broken.parse(body(5000), OPTIONS);
    assert.equal(result.points, 5000);
    await broken.close();
  });
});

describe('ParsePool: remote write', () => {
  const pool = new ParsePool(1, silentLogger);
  after(() => pool.close());
  const limits = DEFAULT_LABEL_LIMITS;

  function request(series: number): Buffer {
    const { WriteRequest } = prometheusProto();
    const timeseries = Array.from({ length: series }, (_, s) => ({
      labels: [
        { name: '__name__', value: s % 3 === 0 ? 'up' : 'http_requests_total' },
        { name: 'instance', value: `host-${s}:9100` },
        ...(s % 50 === 49 ? [{ name: 'instance', value: 'twice' }] : []),
      ],
      samples: Array.from({ length: 1 + (s % 4) }, (_, i) => ({ value: s + i / 4, timestamp: 1_764_028_800_000 + i * 15_000 })),
    }));
    return snappy.compressSync(Buffer.from(WriteRequest.encode({ timeseries }).finish()));
  }

  it('decodes large bodies on a worker into what decoding in place gives', async () => {
    for (let i = 0; i < 500 && pool.readyWorkers < 1; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(pool.readyWorkers, 1, 'the worker loaded');
    const body = request(3000);
    assert.ok(body.length >= 16 * 1024, 'large enough to go to a worker');
    const ids = new SeriesIds(100_000);
    const { batch: wantBatch, rows: wantRows, newSeries, ...want } = decodeRemoteWrite(body, 1, 1 << 26, { limits, cache: new SeriesCache(ids) });
    const table = new SeriesTable();
    table.learn(newSeries);
    assert.ok(want.rejected > 0, 'the body has series with a repeated label');
    assert.ok(wantRows.length > 3000, 'the body has samples');
    // The second round finds every series known: its rows name them by the numbers the first taught.
    for (let round = 0; round < 2; round++) {
      const { batch, rows, series, ...got } = await pool.decodeRemoteWrite(Buffer.from(body), 1, 1 << 26, limits);
      assert.deepEqual(got, want);
      assert.deepEqual(samplesOf(rows, series), samplesOf(wantRows, table.list));
      assert.deepEqual(contents(batch), contents(wantBatch));
    }
  });

  it('throws a body the worker refuses as the error it was, with its code', async () => {
    const garbage = Buffer.alloc(20_000, 0x41);
    await assert.rejects(pool.decodeRemoteWrite(garbage, 1, 1 << 26, limits), (err: unknown) => err instanceof RustsError && err.code === 'bad_snappy');
    const tooBig = snappy.compressSync(Buffer.alloc(100_000));
    await assert.rejects(pool.decodeRemoteWrite(tooBig, 1, 50_000, limits), (err: unknown) => err instanceof RustsError && err.code === 'payload_too_large');
  });

  it('numbers series right after a body that failed half-way through its decode', async () => {
    const body = request(3000);
    const raw = snappy.uncompressSync(body, { asBuffer: true }) as Buffer;
    // Cut inside a late series: the series before it were numbered when the decode failed.
    const truncated = snappy.compressSync(raw.subarray(0, Math.floor(raw.length * 0.9)));
    await assert.rejects(pool.decodeRemoteWrite(truncated, 1, 1 << 26, limits), (err: unknown) => err instanceof RustsError && err.code === 'bad_protobuf');
    const ids = new SeriesIds(100_000);
    const { rows: wantRows, newSeries } = decodeRemoteWrite(body, 1, 1 << 26, { limits, cache: new SeriesCache(ids) });
    const table = new SeriesTable();
    table.learn(newSeries);
    const { rows, series } = await pool.decodeRemoteWrite(Buffer.from(body), 1, 1 << 26, limits);
    assert.deepEqual(samplesOf(rows, series), samplesOf(wantRows, table.list));
  });
});
