import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { WriteBatch, silentLogger, type Logger } from '../../../src/core/index.ts';
import { ParsePool, SeriesKeyCache, packBatch, parseLineProtocol, unpackBatch } from '../../../src/protocol/lineprotocol/index.ts';

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
    const { packed } = packBatch(batch);
    assert.deepEqual(contents(unpackBatch(packed, new SeriesKeyCache(3))), contents(batch));
  });
  it('round-trips an empty batch', () => {
    assert.deepEqual(contents(unpackBatch(packBatch(new WriteBatch()).packed, new SeriesKeyCache(10))), []);
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
    assert.deepEqual(logged, ['line protocol worker failed; starting another', 'line protocol worker failed; starting another', 'line protocol worker failed again; parsing without it']);
    assert.equal(broken.size, 0);
    const { result } = await broken.parse(body(5000), OPTIONS);
    assert.equal(result.points, 5000);
    await broken.close();
  });
});
