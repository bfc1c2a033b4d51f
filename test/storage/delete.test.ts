import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { floatValue, silentLogger, type Point, type TimeRange } from '../../src/core/index.ts';
import { MEASUREMENT_NAME, type Matcher } from '../../src/index/index.ts';
import { ErrorFs, MemFs, readWholeFile } from '../../src/storage/fs/index.ts';
import { StorageEngine, type EngineOptions } from '../../src/storage/index.ts';
import { decodeDeleteRange, decodeDeleteSeries, encodeDeleteRange, encodeDeleteSeries } from '../../src/storage/engine/records.ts';

const T0 = 1_764_028_800_000n * 1_000_000n; // 2025-11-25T00:00:00Z in ns
const HOUR = 3_600_000_000_000n;
const HOUR_MS = 3_600_000;
const CPU: Matcher[] = [{ name: MEASUREMENT_NAME, op: '=', value: 'cpu' }];

function open(fs: MemFs | ErrorFs, options: Partial<EngineOptions> = {}): Promise<StorageEngine> {
  // Hour partitions, so that a few hours of data span several of them.
  return StorageEngine.open({ dataDir: '/data', partitionDurationMs: HOUR_MS, compactionMinSegments: 1000, ...options }, { logger: silentLogger, fs });
}

function point(host: string, ts: bigint, value: number): Point {
  return { measurement: 'cpu', tags: [{ key: 'host', value: host }], fields: [{ key: 'v', value: floatValue(value) }], timestamp: ts };
}

function host(h: string): Matcher[] {
  return [{ name: 'host', op: '=', value: h }];
}

/** `{ seriesKey: [[ts, value], ...] }` of field v, series with no points left out. */
async function dump(engine: StorageEngine, range?: TimeRange): Promise<Record<string, Array<[bigint, number]>>> {
  const out: Record<string, Array<[bigint, number]>> = {};
  for await (const s of engine.select({ matchers: CPU, fields: ['v'], ...(range ? { range } : {}) })) {
    const c = s.fields[0]!.column;
    const points: Array<[bigint, number]> = [];
    for (let i = 0; i < c.length; i++) points.push([c.timestampAt(i), c.valueAt(i).value as number]);
    out[s.key] = points;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The series the index lists (what SHOW SERIES sees). */
function listed(engine: StorageEngine): string[] {
  return [...engine.seriesIndex.select(CPU)].map((ref) => engine.seriesIndex.keyOf(ref)!).sort();
}

/** Points at `times` whose values are their offsets from T0 in ms. */
function series(times: bigint[]): Array<[bigint, number]> {
  return times.map((t) => [t, Number((t - T0) / 1_000_000n)]);
}

describe('deleteSeries with a time range', () => {
  it('removes the points within the range, inclusive, from the MemTable and segments across partitions', async () => {
    const fs = new MemFs();
    const engine = await open(fs);
    const times = [0n, 1n, 2n, 3n, 4n, 5n].map((h) => T0 + h * HOUR);
    const ms = (t: bigint): number => Number((t - T0) / 1_000_000n);
    await engine.writePoints(times.slice(0, 3).flatMap((t) => [point('a', t, ms(t)), point('b', t, ms(t))]));
    await engine.flush();
    await engine.writePoints(times.slice(3).flatMap((t) => [point('a', t, ms(t)), point('b', t, ms(t))]));
    // From the middle of the segment data into the MemTable data, both ends exactly on points.
    assert.equal(await engine.deleteSeries(host('a'), { min: times[1]!, max: times[4]! }), 1);
    const want = { 'cpu,host=a': series([times[0]!, times[5]!]), 'cpu,host=b': series(times) };
    assert.deepEqual(await dump(engine), want);
    assert.deepEqual(await dump(engine, { min: times[1]!, max: times[4]! }), { 'cpu,host=b': series(times.slice(1, 5)) }, 'a ranged select sees it too');
    assert.deepEqual(listed(engine), ['cpu,host=a', 'cpu,host=b'], 'a series with points left stays listed');
    await engine.flush();
    assert.deepEqual(await dump(engine), want, 'after flush');
    await engine.close();
    const reopened = await open(fs);
    assert.deepEqual(await dump(reopened), want, 'after restart');
    await reopened.close();
  });

  it('keeps points written after the delete inside the range, through flush, restart and compaction', async () => {
    const fs = new MemFs();
    let engine = await open(fs);
    await engine.writePoints([point('a', T0, 1), point('a', T0 + 10n, 2), point('a', T0 + 20n, 3)]);
    await engine.flush();
    await engine.deleteSeries(CPU, { min: T0, max: T0 + 15n });
    await engine.writePoints([point('a', T0 + 10n, 20), point('a', T0 + 5n, 50)]);
    const want = { 'cpu,host=a': [[T0 + 5n, 50], [T0 + 10n, 20], [T0 + 20n, 3]] as Array<[bigint, number]> };
    assert.deepEqual(await dump(engine), want);
    await engine.close();
    engine = await open(fs);
    assert.deepEqual(await dump(engine), want, 'after restart');
    await engine.compact();
    assert.deepEqual(await dump(engine), want, 'after compaction');
    assert.equal((await engine.stats()).tombstones, 0);
    await engine.close();
  });

  it('survives a crash right after it resolves, with the deleted points still in the WAL and the index snapshot', async () => {
    const fs = new MemFs();
    const engine = await open(fs);
    await engine.writePoints([point('a', T0, 1), point('b', T0, 2)]);
    await engine.flush();
    await engine.writePoints([point('a', T0 + 1n, 3), point('b', T0 + 5n, 4), point('c', T0 + 1n, 5)]);
    // host=a and host=c lose every point, host=b keeps one.
    assert.equal(await engine.deleteSeries(CPU, { min: T0, max: T0 + 2n }), 3);
    const want = { 'cpu,host=b': [[T0 + 5n, 4]] as Array<[bigint, number]> };
    assert.deepEqual(await dump(engine), want);
    assert.deepEqual(listed(engine), ['cpu,host=b'], 'series without points leave the index');
    const crashed = await open(fs.crashClone());
    assert.deepEqual(await dump(crashed), want, 'after the crash');
    assert.deepEqual(listed(crashed), ['cpu,host=b'], 'and the index agrees after the crash');
    await crashed.close();
    await engine.close();
  });

  it('is replayed from the WAL when the crash came before its tombstone file was written', async () => {
    const mem = new MemFs();
    const fs = new ErrorFs(mem);
    const engine = await open(fs);
    await engine.writePoints([point('a', T0, 1), point('a', T0 + 10n, 2)]);
    await engine.flush();
    await engine.writePoints([point('a', T0 + 11n, 3)]);
    fs.inject({ ops: ['rename'], path: (p) => p.includes('tombstones.json') });
    await assert.rejects(engine.deleteSeries(host('a'), { min: T0 + 5n, max: T0 + 11n }), { code: 'EIO' });
    const afterCrash = mem.crashClone();
    const crashed = await open(afterCrash);
    assert.deepEqual(await dump(crashed), { 'cpu,host=a': [[T0, 1]] });
    await crashed.writePoints([point('a', T0 + 10n, 9)]);
    const again = await open(afterCrash.crashClone());
    assert.deepEqual(await dump(again), { 'cpu,host=a': [[T0, 1], [T0 + 10n, 9]] }, 'the replayed delete hides only older points');
    await again.close();
    await crashed.close();
  });

  it('removes a series from the index only when no point is left in any segment or MemTable', async () => {
    const fs = new MemFs();
    let engine = await open(fs);
    // Both segments' blocks of host=a straddle the range, so the check reads them.
    await engine.writePoints([point('a', T0, 1), point('a', T0 + 100n, 2)]);
    await engine.flush();
    await engine.writePoints([point('a', T0 + 50n, 3), point('b', T0 + 50n, 4)]);
    await engine.flush();
    await engine.deleteSeries(CPU, { min: T0 + 10n, max: T0 + 90n });
    assert.deepEqual(listed(engine), ['cpu,host=a'], 'host=b lost its only point, host=a keeps two');
    await engine.deleteSeries(host('a'), { min: T0 + 100n, max: T0 + 200n });
    assert.deepEqual(listed(engine), ['cpu,host=a']);
    await engine.deleteSeries(host('a'), { min: T0 - 5n, max: T0 });
    assert.deepEqual(listed(engine), [], 'every point is now under some tombstone');
    assert.deepEqual(await dump(engine), {});
    await engine.close();
    // The segment footers still name host=a and host=b: a restart must not list them again.
    engine = await open(fs);
    assert.deepEqual(listed(engine), []);
    await engine.writePoints([point('b', T0 + 60n, 7)]);
    assert.deepEqual(await dump(engine), { 'cpu,host=b': [[T0 + 60n, 7]] }, 'a series written again is back');
    assert.deepEqual(listed(engine), ['cpu,host=b']);
    await engine.compact();
    assert.equal((await engine.stats()).tombstones, 0);
    await engine.close();
    engine = await open(fs);
    assert.deepEqual(listed(engine), ['cpu,host=b']);
    assert.deepEqual(await dump(engine), { 'cpu,host=b': [[T0 + 60n, 7]] });
    await engine.close();
  });

  it('compaction drops the deleted points and then the tombstones, lone segments included', async () => {
    const fs = new MemFs();
    let engine = await open(fs);
    const points: Point[] = [];
    for (let i = 0n; i < 300n; i++) points.push(point('a', T0 + i * 60_000_000_000n, Number(i)), point('b', T0 + i * 60_000_000_000n, Number(i)));
    await engine.writePoints(points); // five hour partitions
    await engine.flush();
    await engine.writePoints([point('a', T0 + 1n, -1)]);
    await engine.flush(); // the first partition now has two segments, the others one each
    const range = { min: T0, max: T0 + 150n * 60_000_000_000n };
    await engine.deleteSeries(host('a'), range);
    const before = await engine.stats();
    assert.ok(before.tombstones > 0);
    await engine.compact();
    const after = await engine.stats();
    assert.equal(after.tombstones, 0, 'no segment holds deleted points any more');
    assert.equal(after.points, before.points - 152, 'the deleted points left the disk');
    const a = (await dump(engine))['cpu,host=a']!;
    assert.equal(a.length, 149);
    assert.equal(a[0]![0], T0 + 151n * 60_000_000_000n);
    await engine.close();
    engine = await open(fs);
    assert.equal((await dump(engine))['cpu,host=a']!.length, 149);
    assert.equal((await dump(engine))['cpu,host=b']!.length, 300);
    await engine.close();
  });

  it('leaves the data as before or as after the delete at a crash before any file operation, and as after once it resolved', async () => {
    const mem = new MemFs();
    const snapshots: MemFs[] = [];
    let recording = false;
    // A crash before an operation keeps what was durable then: snapshot the durable state before each one.
    const fs = new ErrorFs(mem, () => {
      if (recording) snapshots.push(mem.crashClone());
    });
    const engine = await open(fs);
    const at = (h: number, n = 0n): bigint => T0 + BigInt(h) * HOUR + n;
    await engine.writePoints([point('a', at(0), 1), point('a', at(1), 2), point('b', at(1, 5n), 3), point('c', at(0), 4)]);
    await engine.flush();
    await engine.writePoints([point('a', at(0, 7n), 5), point('b', at(1, 6n), 6)]);
    await engine.flush(); // hour 0 and hour 1 each have two segments
    await engine.writePoints([point('a', at(2), 7), point('b', at(1, 8n), 8), point('c', at(0, 1n), 9)]);
    await engine.flush();
    await engine.writePoints([point('b', at(1, 1n), 10), point('a', at(0, 9n), 11)]); // in the MemTable only
    const before = await dump(engine);
    // Every point of host=b goes (from two partitions' segments and the MemTable), host=a keeps hour 2, host=c is not matched.
    const range = { min: at(0, 5n), max: at(1, 9n) };
    recording = true;
    assert.equal(await engine.deleteSeries([{ name: 'host', op: '=~', value: 'a|b' }], range), 2);
    const duringDelete = snapshots.length;
    const after = await dump(engine);
    assert.deepEqual(Object.keys(after), ['cpu,host=a', 'cpu,host=c']);
    await engine.compact();
    await engine.writePoints([point('b', at(1, 6n), 12)]);
    recording = false;
    assert.equal((await engine.stats()).tombstones, 0);
    assert.ok(duringDelete > 3 && snapshots.length > duringDelete, `${duringDelete} and ${snapshots.length} crash points`);
    const withNewWrite = { ...after, 'cpu,host=b': [[at(1, 6n), 12]] as Array<[bigint, number]> };
    for (const [i, snapshot] of snapshots.entries()) {
      const recovered = await open(snapshot);
      const got = await dump(recovered);
      if (i < duringDelete) assert.ok(isDeepStrictEqual(got, before) || isDeepStrictEqual(got, after), `crash before operation ${i} of the delete: ${JSON.stringify(Object.keys(got))}`);
      else if (i < snapshots.length - 1) assert.deepEqual(got, after, `crash before operation ${i} (compaction)`);
      else assert.ok(isDeepStrictEqual(got, after) || isDeepStrictEqual(got, withNewWrite), `crash before operation ${i} (the last write)`);
      assert.deepEqual(listed(recovered), Object.keys(got), `crash before operation ${i}: the index lists the series with points`);
      await recovered.close();
    }
    await engine.close();
  });

  it('handles out-of-order MemTable data and a range inside one millisecond', async () => {
    const engine = await open(new MemFs());
    await engine.writePoints([point('a', T0 + 5n, 5), point('a', T0 + 1n, 1), point('a', T0 + 3n, 3), point('a', T0 - 1_000_000n, 0)]);
    await engine.writePoints([point('a', T0 + 2n, 2), point('a', T0 + 3n, 33)]);
    await engine.deleteSeries(host('a'), { min: T0 + 2n, max: T0 + 3n });
    assert.deepEqual(await dump(engine), { 'cpu,host=a': [[T0 - 1_000_000n, 0], [T0 + 1n, 1], [T0 + 5n, 5]] });
    await engine.flush();
    await engine.writePoints([point('a', T0 + 4n, 4), point('a', T0 + 2n, 22)]);
    await engine.deleteSeries(host('a'), { min: T0 + 4n, max: T0 + 4n });
    assert.deepEqual(await dump(engine), { 'cpu,host=a': [[T0 - 1_000_000n, 0], [T0 + 1n, 1], [T0 + 2n, 22], [T0 + 5n, 5]] });
    await engine.close();
  });

  it('treats an empty range as nothing and an all-time range as a whole-series delete', async () => {
    const fs = new MemFs();
    const engine = await open(fs);
    await engine.writePoints([point('a', T0, 1)]);
    assert.equal(await engine.deleteSeries(host('a'), { min: T0 + 1n, max: T0 }), 0);
    assert.equal(await engine.deleteSeries(host('nope'), { min: T0, max: T0 }), 0);
    assert.deepEqual(await dump(engine), { 'cpu,host=a': [[T0, 1]] });
    assert.equal(await engine.deleteSeries(host('a'), { min: -(2n ** 64n), max: 2n ** 64n }), 1);
    assert.deepEqual(listed(engine), []);
    await engine.close();
  });

  it('keeps one tombstone per series for repeated deletes of a growing range', async () => {
    const engine = await open(new MemFs());
    await engine.writePoints([point('a', T0, 1), point('a', T0 + 10n, 2), point('a', T0 + 20n, 3)]);
    await engine.flush();
    await engine.deleteSeries(host('a'), { min: T0 - HOUR, max: T0 });
    await engine.deleteSeries(host('a'), { min: T0 - HOUR, max: T0 + 10n });
    assert.equal((await engine.stats()).tombstones, 1, 'the later delete covers the earlier one');
    // Between two points of one block: the block's bounds alone cannot tell that nothing is deleted.
    await engine.deleteSeries(host('a'), { min: T0 + 15n, max: T0 + 15n });
    assert.equal((await engine.stats()).tombstones, 2);
    assert.deepEqual(await dump(engine), { 'cpu,host=a': [[T0 + 20n, 3]] });
    await engine.compact();
    assert.equal((await engine.stats()).tombstones, 0);
    assert.deepEqual(await dump(engine), { 'cpu,host=a': [[T0 + 20n, 3]] });
    await engine.close();
  });

  it('reads a version 1 tombstone file written before ranged deletes', async () => {
    const fs = new MemFs();
    let engine = await open(fs);
    await engine.writePoints([point('a', T0, 1), point('b', T0, 2)]);
    await engine.flush();
    await engine.deleteSeries(host('a'));
    await engine.close();
    const file = new TextDecoder().decode(await readWholeFile(fs, '/data/index/tombstones.json'));
    assert.match(file, /^\{"version":1,"series":\[\["cpu,host=a",\d+\]\]\}$/, 'whole-series deletes keep writing version 1');
    engine = await open(fs);
    assert.deepEqual(Object.keys(await dump(engine)), ['cpu,host=b']);
    await engine.writePoints([point('b', T0 + 1n, 3)]);
    await engine.flush();
    await engine.deleteSeries(host('b'), { min: T0, max: T0 });
    const v2 = JSON.parse(new TextDecoder().decode(await readWholeFile(fs, '/data/index/tombstones.json'))) as { version: number; series: unknown[]; ranges: Array<[string, number, string, string]> };
    assert.equal(v2.version, 2);
    assert.equal(v2.series.length, 1, 'the whole-series tombstone is still needed');
    assert.deepEqual(v2.ranges.map(([key, , min, max]) => [key, min, max]), [['cpu,host=b', String(T0), String(T0)]], 'bounds as exact decimal strings');
    await engine.close();
    engine = await open(fs);
    assert.deepEqual(await dump(engine), { 'cpu,host=b': [[T0 + 1n, 3]] });
    await engine.close();
  });

  it('encodes its WAL record exactly and keeps the delete-series record as it was', () => {
    const keys = ['cpu,host=a', 'mém,x=y'];
    const range = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
    assert.deepEqual(decodeDeleteRange(encodeDeleteRange(keys, range)), { keys, range });
    assert.deepEqual(decodeDeleteSeries(encodeDeleteSeries(keys)), keys);
    // The type 2 layout written by earlier versions, byte for byte.
    assert.deepEqual([...encodeDeleteSeries(['ab'])], [2, 1, 0, 0, 0, 2, 0, 0, 0, 97, 98]);
    assert.throws(() => decodeDeleteRange(encodeDeleteRange(keys, range).subarray(0, 20)), { code: 'decode' });
  });
});


// ---- model-based: random writes, deletes, flushes, compactions, restarts and crashes ----

type Op =
  | { kind: 'write'; host: string; times: number[]; value: number }
  | { kind: 'delete'; host: string | undefined; range: [number, number] | undefined }
  | { kind: 'flush' }
  | { kind: 'compact' }
  | { kind: 'restart' }
  | { kind: 'crash' };

const HOSTS = ['a', 'b', 'c'];
// Times in minutes over three hour partitions; a few sub-millisecond offsets too.
const time = fc.integer({ min: 0, max: 180 });
const toTs = (m: number): bigint => T0 + BigInt(m) * 60_000_000_000n + BigInt(m % 3);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('write' as const), host: fc.constantFrom(...HOSTS), times: fc.array(time, { minLength: 1, maxLength: 8 }), value: fc.integer({ min: 0, max: 1e6 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      host: fc.option(fc.constantFrom(...HOSTS), { nil: undefined }),
      range: fc.option(fc.tuple(time, time).map(([x, y]): [number, number] => (x <= y ? [x, y] : [y, x])), { nil: undefined, freq: 8 }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
);

describe('deleteSeries against an in-memory model', () => {
  it('reads and lists exactly what the model holds after every step', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
        let fs = new MemFs();
        let engine = await open(fs, { compactionMinSegments: 3 });
        const model = new Map<string, Map<bigint, number>>();
        try {
          for (const [step, op] of ops.entries()) {
            switch (op.kind) {
              case 'write': {
                const key = `cpu,host=${op.host}`;
                const points = model.get(key) ?? new Map<bigint, number>();
                model.set(key, points);
                await engine.writePoints(op.times.map((m, i) => point(op.host, toTs(m), op.value + i)));
                op.times.forEach((m, i) => points.set(toTs(m), op.value + i));
                break;
              }
              case 'delete': {
                const range = op.range && { min: toTs(op.range[0]), max: toTs(op.range[1]) };
                await engine.deleteSeries(op.host === undefined ? CPU : host(op.host), range);
                for (const [key, points] of model) {
                  if (op.host !== undefined && key !== `cpu,host=${op.host}`) continue;
                  for (const t of points.keys()) if (range === undefined || (t >= range.min && t <= range.max)) points.delete(t);
                }
                break;
              }
              case 'flush':
                await engine.flush();
                break;
              case 'compact':
                await engine.compact();
                break;
              case 'restart':
                await engine.close();
                engine = await open(fs, { compactionMinSegments: 3 });
                break;
              case 'crash': {
                const old = engine;
                fs = fs.crashClone();
                engine = await open(fs, { compactionMinSegments: 3 });
                await old.close();
                break;
              }
            }
            const want: Record<string, Array<[bigint, number]>> = {};
            for (const [key, points] of [...model].sort(([a], [b]) => (a < b ? -1 : 1))) {
              if (points.size > 0) want[key] = [...points].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
            }
            assert.deepEqual(await dump(engine), want, `after step ${step} (${op.kind})`);
            assert.deepEqual(listed(engine), Object.keys(want), `index after step ${step} (${op.kind})`);
          }
          await engine.compact();
          const stats = await engine.stats();
          assert.equal(stats.tombstones, 0, 'a full compaction leaves no tombstone behind');
        } finally {
          await engine.close();
        }
      }),
      { numRuns: Number(process.env.DELETE_FUZZ_RUNS ?? 60) },
    );
  });
});
