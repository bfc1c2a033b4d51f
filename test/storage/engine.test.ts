import { describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import {
  FieldType,
  FieldTypeConflictError,
  TimestampOutOfRangeError,
  WriteBatch,
  booleanValue,
  floatValue,
  integerValue,
  silentLogger,
  stringValue,
  unsignedValue,
  type FieldValue,
  type Point,
} from '../../src/core/index.ts';
import { MEASUREMENT_NAME, type Matcher } from '../../src/index/index.ts';
import { ErrorFs, MemFs, readWholeFile } from '../../src/storage/fs/index.ts';
import { StorageEngine, type EngineOptions, type SeriesData } from '../../src/storage/index.ts';

const DAY_MS = 86_400_000;
const T0 = 1_764_028_800_000n * 1_000_000n; // 2025-11-25T00:00:00Z in ns

function open(fs: MemFs, options: Partial<EngineOptions> = {}): Promise<StorageEngine> {
  return StorageEngine.open({ dataDir: '/data', ...options }, { logger: silentLogger, fs });
}

function point(host: string, ts: bigint, fields: Record<string, FieldValue>, measurement = 'cpu'): Point {
  return {
    measurement,
    tags: [{ key: 'host', value: host }],
    fields: Object.entries(fields).map(([key, value]) => ({ key, value })),
    timestamp: ts,
  };
}

async function readAll(engine: StorageEngine, matchers: Matcher[] = [{ name: MEASUREMENT_NAME, op: '=', value: 'cpu' }], range?: { min: bigint; max: bigint }): Promise<SeriesData[]> {
  const out: SeriesData[] = [];
  for await (const s of engine.select({ matchers, ...(range ? { range } : {}) })) out.push(s);
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** `{ seriesKey: { field: [[ts, value], ...] } }`, for whole-result comparisons. */
async function dump(engine: StorageEngine, range?: { min: bigint; max: bigint }): Promise<Record<string, Record<string, Array<[bigint, unknown]>>>> {
  const out: Record<string, Record<string, Array<[bigint, unknown]>>> = {};
  for (const s of await readAll(engine, undefined, range)) {
    const fields: Record<string, Array<[bigint, unknown]>> = {};
    for (const f of s.fields) {
      const points: Array<[bigint, unknown]> = [];
      for (let i = 0; i < f.column.length; i++) points.push([f.column.timestampAt(i), f.column.valueAt(i).value]);
      fields[f.name] = points;
    }
    out[s.key] = fields;
  }
  return out;
}

describe('StorageEngine', () => {
  it('reads back every field type exactly from the MemTable, after flush, and after reopen', async () => {
    const fs = new MemFs();
    let engine = await open(fs);
    await engine.writePoints([
      point('a', T0 + 1n, {
        f: floatValue(-0),
        i: integerValue(-(2n ** 63n)),
        u: unsignedValue(2n ** 64n - 1n),
        s: stringValue('héllo, "world"'),
        b: booleanValue(true),
      }),
      point('a', T0 + 1_000_000_007n, { f: floatValue(NaN), i: integerValue(2n ** 63n - 1n), u: unsignedValue(0n), s: stringValue(''), b: booleanValue(false) }),
    ]);
    const want = {
      'cpu,host=a': {
        f: [[T0 + 1n, -0], [T0 + 1_000_000_007n, NaN]],
        i: [[T0 + 1n, -(2n ** 63n)], [T0 + 1_000_000_007n, 2n ** 63n - 1n]],
        u: [[T0 + 1n, 2n ** 64n - 1n], [T0 + 1_000_000_007n, 0n]],
        s: [[T0 + 1n, 'héllo, "world"'], [T0 + 1_000_000_007n, '']],
        b: [[T0 + 1n, true], [T0 + 1_000_000_007n, false]],
      },
    };
    assert.deepEqual(await dump(engine), want, 'from the MemTable');
    await engine.flush();
    assert.equal((await engine.stats()).memtablePoints, 0);
    assert.deepEqual(await dump(engine), want, 'from a segment');
    await engine.close();
    engine = await open(fs);
    assert.deepEqual(await dump(engine), want, 'after reopen');
    await engine.close();
  });

  it('flushes columns of many chunks, several fields of one type per series, series of different lengths', async () => {
    // A flush copies each field's chunks into columns it reuses from series to series: every
    // field of a series needs its own, and a short series must not keep a longer one's tail.
    const fs = new MemFs();
    const engine = await open(fs);
    const lengths = { a: 2000, b: 300, c: 1200 };
    for (let round = 0; round < 20; round++) {
      const points: Point[] = [];
      for (const [host, n] of Object.entries(lengths)) {
        for (let i = (round * n) / 20; i < ((round + 1) * n) / 20; i++) {
          points.push(point(host, T0 + BigInt(i) * 1000n, { x: floatValue(i + n), y: floatValue(-i - n), k: integerValue(BigInt(i * n)) }));
        }
      }
      await engine.writePoints(points);
    }
    const before = await dump(engine);
    assert.equal(before['cpu,host=b']!.y!.length, 300);
    assert.deepEqual(before['cpu,host=c']!.y![1199], [T0 + 1_199_000n, -2399]);
    await engine.flush();
    assert.equal((await engine.stats()).memtablePoints, 0);
    assert.deepEqual(await dump(engine), before, 'from a segment');
    await engine.close();
  });

  it('lets other work run between slices of a large flush', async () => {
    // Every request in flight waits for a slice at each of its turns of the event loop: a flush
    // gives the loop a turn about every 16 Ki points it encodes (and every 64 series it prepares).
    const engine = await open(new MemFs());
    for (let round = 0; round < 10; round++) {
      const points: Point[] = [];
      for (let h = 0; h < 1000; h++) for (let i = round * 20; i < (round + 1) * 20; i++) points.push(point(`h${h}`, T0 + BigInt(i) * 1000n, { v: floatValue(i) }));
      await engine.writePoints(points);
    }
    let turns = 0;
    let flushing = true;
    const count = (): void => {
      turns++;
      if (flushing) setImmediate(count);
    };
    setImmediate(count);
    await engine.flush();
    flushing = false;
    assert.equal((await engine.stats()).memtablePoints, 0);
    // 200,000 points over 1,000 series: 12 slices of encoding and 15 of preparing at the least.
    assert.ok(turns >= 27, `the event loop turned ${turns} times during the flush`);
    await engine.close();
  });

  it('keeps the last write of a duplicate timestamp, across MemTable, flushes and compaction', async () => {
    const fs = new MemFs();
    const engine = await open(fs, { compactionMinSegments: 100 });
    await engine.writePoints([point('a', T0, { v: floatValue(1) }), point('a', T0 + 10n, { v: floatValue(2) })]);
    await engine.flush();
    await engine.writePoints([point('a', T0, { v: floatValue(3) })]);
    assert.deepEqual((await dump(engine))['cpu,host=a'], { v: [[T0, 3], [T0 + 10n, 2]] }, 'MemTable over segment');
    await engine.flush();
    await engine.writePoints([point('a', T0 + 10n, { v: floatValue(4) }), point('a', T0 + 10n, { v: floatValue(5) })]);
    await engine.flush();
    assert.deepEqual((await dump(engine))['cpu,host=a'], { v: [[T0, 3], [T0 + 10n, 5]] }, 'newer segment over older');
    assert.equal((await engine.stats()).perPartition[0]!.segments, 3);
    await engine.compact();
    assert.equal((await engine.stats()).perPartition[0]!.segments, 1);
    assert.deepEqual((await dump(engine))['cpu,host=a'], { v: [[T0, 3], [T0 + 10n, 5]] }, 'after compaction');
    await engine.close();
  });

  it('rejects a field type conflict by name, drops the whole point as InfluxDB does, and keeps the rest of the batch', async () => {
    const engine = await open(new MemFs());
    await engine.writePoints([point('a', T0, { v: floatValue(1) })]);
    const batch = new WriteBatch();
    batch.addPoint(point('b', T0, { v: integerValue(7n), w: floatValue(2) }));
    batch.addPoint(point('b', T0 + 1n, { w: floatValue(3) }));
    batch.addPoint(point('c', T0, { w: floatValue(4) }));
    const result = await engine.write(batch);
    assert.equal(result.written, 2);
    assert.equal(result.dropped, 1, 'one point: its two fields count once');
    assert.ok(result.errors[0] instanceof FieldTypeConflictError);
    assert.match(result.errors[0]!.message, /field "v" on measurement "cpu" is type integer, already exists as type float/);
    assert.deepEqual(await dump(engine), { 'cpu,host=a': { v: [[T0, 1]] }, 'cpu,host=b': { w: [[T0 + 1n, 3]] }, 'cpu,host=c': { w: [[T0, 4]] } });
    assert.equal(engine.fieldType('cpu', 'v'), FieldType.Float);
    await engine.close();
  });

  it('rejects two types for one field inside one batch', async () => {
    const engine = await open(new MemFs());
    const batch = new WriteBatch();
    batch.addPoint(point('a', T0, { v: floatValue(1) }));
    batch.addPoint(point('b', T0, { v: stringValue('x') }));
    const result = await engine.write(batch);
    assert.equal(result.written, 1);
    assert.ok(result.errors[0] instanceof FieldTypeConflictError);
    await engine.close();
  });

  it('rejects a timestamp outside the representable range with a typed error', async () => {
    const engine = await open(new MemFs());
    const batch = new WriteBatch();
    batch.seriesFor('cpu', [{ key: 'host', value: 'a' }]).column('v', FieldType.Float).pushFloat(9.3e15, 0, 1);
    batch.addPoint(point('b', T0, { v: floatValue(2) }));
    const result = await engine.write(batch);
    assert.ok(result.errors[0] instanceof TimestampOutOfRangeError);
    assert.match(result.errors[0]!.message, /cpu,host=a/);
    assert.deepEqual(Object.keys(await dump(engine)), ['cpu,host=b']);
    await engine.close();
  });

  it('rejects points without a measurement or a field name, naming the point', async () => {
    const engine = await open(new MemFs());
    const batch = new WriteBatch();
    batch.addPoint(point('a', T0, { v: floatValue(1) }, ''));
    batch.addPoint(point('b', T0, { '': floatValue(1) }));
    assert.throws(() => batch.seriesFor('cpu', [{ key: 'host', value: 'c' }]).column('v', 9 as FieldType), { code: 'invalid_field_type' });
    batch.addPoint(point('d', T0, { v: floatValue(4) }));
    const result = await engine.write(batch);
    assert.deepEqual(
      result.errors.map((e) => [e.code, e.message]),
      [
        ['invalid_point', 'invalid point ,host=a: measurement name is empty'],
        ['invalid_point', 'invalid point cpu,host=b: field name is empty'],
      ],
    );
    assert.equal(result.written, 1);
    assert.deepEqual(await dump(engine), { 'cpu,host=d': { v: [[T0, 4]] } });
    await engine.close();
  });

  it('selects by tag matchers and clips to the time range, inclusive at both ends', async () => {
    const engine = await open(new MemFs());
    const points: Point[] = [];
    for (const host of ['a', 'b', 'c']) for (let i = 0n; i < 10n; i++) points.push(point(host, T0 + i * 1000n, { v: floatValue(Number(i)) }));
    await engine.writePoints(points);
    await engine.flush();
    const matched = await readAll(engine, [{ name: 'host', op: '=~', value: 'a|c' }], { min: T0 + 2000n, max: T0 + 4000n });
    assert.deepEqual(matched.map((s) => s.key), ['cpu,host=a', 'cpu,host=c']);
    const column = matched[0]!.fields[0]!.column;
    assert.deepEqual([...column.values as Float64Array].slice(0, column.length), [2, 3, 4]);
    await engine.close();
  });

  it('splits data into day partitions and prunes them on read', async () => {
    const fs = new MemFs();
    const engine = await open(fs);
    const day = BigInt(DAY_MS) * 1_000_000n;
    await engine.writePoints([point('a', T0 - 1n, { v: floatValue(1) }), point('a', T0, { v: floatValue(2) }), point('a', T0 + day, { v: floatValue(3) })]);
    await engine.flush();
    assert.equal((await engine.stats()).partitions, 3);
    assert.deepEqual((await dump(engine, { min: T0, max: T0 + 5n }))['cpu,host=a'], { v: [[T0, 2]] });
    assert.equal(await engine.dropPartitionsBefore(T0 + 1n), 1, 'only the partition that ends before the cutoff goes');
    assert.deepEqual((await dump(engine))['cpu,host=a'], { v: [[T0, 2], [T0 + day, 3]] });
    await engine.close();
    const reopened = await open(fs);
    assert.equal((await reopened.stats()).partitions, 2);
    await reopened.close();
  });

  it('drops MemTable points before the dropped partitions too', async () => {
    const engine = await open(new MemFs());
    await engine.writePoints([point('a', T0, { v: floatValue(0) })]);
    await engine.flush();
    await engine.writePoints([point('a', T0 - 2n, { v: floatValue(1) }), point('b', T0 - 1n, { v: floatValue(2) }), point('a', T0 + 1n, { v: floatValue(3) })]);
    await engine.writePoints([point('a', T0 - 3n, { v: floatValue(4) })]);
    assert.equal(await engine.dropPartitionsBefore(T0 + BigInt(DAY_MS) * 1_000_000n), 1);
    assert.deepEqual(await dump(engine), {});
    await engine.writePoints([point('a', T0 - 5n, { v: floatValue(5) })]);
    await engine.flush();
    // Still in the MemTable at the drop: one point goes, one stays.
    await engine.writePoints([point('a', T0 - 6n, { v: floatValue(7) }), point('a', T0 + 2n * BigInt(DAY_MS) * 1_000_000n, { v: floatValue(6) })]);
    assert.equal(await engine.dropPartitionsBefore(T0), 1, 'the older day written after the first drop');
    assert.equal((await engine.stats()).memtablePoints, 1);
    assert.deepEqual(await dump(engine), { 'cpu,host=a': { v: [[T0 + 2n * BigInt(DAY_MS) * 1_000_000n, 6]] } });
    await engine.close();
  });

  it('finishes a partition drop on restart when the crash came before its files were removed', async () => {
    const mem = new MemFs();
    const fs = new ErrorFs(mem);
    const engine = await StorageEngine.open({ dataDir: '/data' }, { logger: silentLogger, fs });
    const day = BigInt(DAY_MS) * 1_000_000n;
    await engine.writePoints([point('a', T0 - 1n, { v: floatValue(1) }), point('a', T0, { v: floatValue(2) })]);
    await engine.flush();
    fs.inject({ ops: ['removeAll'] });
    await assert.rejects(engine.dropPartitionsBefore(T0), { code: 'EIO' });
    const afterCrash = mem.crashClone();
    assert.equal((await afterCrash.readdir('/data/partitions')).length, 2, 'the crash left the dropped partition on disk');
    const recovered = await open(afterCrash);
    assert.deepEqual((await dump(recovered))['cpu,host=a'], { v: [[T0, 2]] });
    assert.deepEqual(await afterCrash.readdir('/data/partitions'), [`${Number(T0 / 1_000_000n)}_${Number((T0 + day) / 1_000_000n)}`]);
    await recovered.close();
  });

  it('deletes series durably, and a series written again after its delete is visible', async () => {
    const fs = new MemFs();
    let engine = await open(fs);
    await engine.writePoints([point('a', T0, { v: floatValue(1) }), point('b', T0, { v: floatValue(2) })]);
    await engine.flush();
    await engine.writePoints([point('a', T0 + 1n, { v: floatValue(3) })]);
    assert.equal(await engine.deleteSeries([{ name: 'host', op: '=', value: 'a' }]), 1);
    assert.deepEqual(Object.keys(await dump(engine)), ['cpu,host=b']);
    // Crash right after the delete: the WAL still holds the earlier write of host=a.
    let crashed = await open(fs.crashClone());
    assert.deepEqual(Object.keys(await dump(crashed)), ['cpu,host=b'], 'delete survives a crash');
    await crashed.close();
    await engine.writePoints([point('a', T0 + 5n, { v: floatValue(9) })]);
    await engine.close();
    engine = await open(fs);
    assert.deepEqual((await dump(engine))['cpu,host=a'], { v: [[T0 + 5n, 9]] });
    assert.equal((await engine.stats()).tombstones, 1);
    await engine.compact();
    assert.deepEqual((await dump(engine))['cpu,host=a'], { v: [[T0 + 5n, 9]] }, 'after compaction');
    assert.equal((await engine.stats()).tombstones, 0, 'compaction removed the deleted points, so the tombstone goes');
    await engine.close();
  });

  it('keeps every acknowledged write through an OS crash in every-write mode', async () => {
    const fs = new MemFs();
    const engine = await open(fs, { walDurability: { mode: 'every-write' }, memtableMaxPoints: 50 });
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) writes.push(engine.writePoints([point(`h${i % 7}`, T0 + BigInt(i), { v: floatValue(i) })]));
    await Promise.all(writes);
    const snapshot = fs.crashClone();
    const recovered = await open(snapshot);
    let total = 0;
    for (const s of await readAll(recovered)) total += s.fields[0]!.column.length;
    assert.equal(total, 200);
    await recovered.close();
    await engine.close();
  });

  it('keeps writes that arrive while a flush rotates the WAL through a crash', async () => {
    const fs = new MemFs();
    const engine = await open(fs, { compactionMinSegments: 1000 });
    let written = 0;
    for (let round = 0; round < 20; round++) {
      const acknowledged: Promise<unknown>[] = [];
      const write = (): void => {
        const i = written++;
        acknowledged.push(engine.writePoints([point(`h${i % 3}`, T0 + BigInt(i), { v: floatValue(i) })]));
      };
      for (let i = 0; i < 5; i++) write();
      acknowledged.push(engine.flush());
      // Writes that arrive while the flush swaps the MemTable and rotates the WAL, at varying points.
      for (let i = 0; i < 5; i++) {
        for (let k = 0; k < round; k++) await Promise.resolve();
        write();
      }
      await Promise.all(acknowledged);
      const recovered = await open(fs.crashClone());
      let total = 0;
      for (const s of await readAll(recovered)) total += s.fields[0]!.column.length;
      assert.equal(total, written, `round ${round}: every acknowledged point survives`);
      await recovered.close();
    }
    await engine.close();
  });

  it('rebuilds the series index from segment footers when its snapshot is corrupt', async () => {
    const fs = new MemFs();
    const engine = await open(fs);
    await engine.writePoints([point('a', T0, { v: floatValue(1) }), point('b', T0, { v: floatValue(2) })]);
    await engine.close();
    const file = await fs.open('/data/index/series.idx', { write: true });
    await file.write(new Uint8Array([1, 2, 3, 4]), 10);
    await file.close();
    const reopened = await open(fs);
    assert.deepEqual(Object.keys(await dump(reopened)), ['cpu,host=a', 'cpu,host=b']);
    await reopened.close();
  });

  it('cleans up after a compaction that crashed before removing its inputs', async () => {
    const fs = new MemFs();
    const engine = await open(fs, { compactionMinSegments: 100 });
    await engine.writePoints([point('a', T0, { v: floatValue(1) })]);
    await engine.flush();
    await engine.writePoints([point('a', T0, { v: floatValue(2) })]);
    await engine.flush();
    const dir = `/data/partitions/${(await engine.stats()).perPartition[0]!.startMs}_${(await engine.stats()).perPartition[0]!.endMs}`;
    const inputs = await fs.readdir(dir);
    const saved = await Promise.all(inputs.map(async (name) => [name, await readWholeFile(fs, `${dir}/${name}`)] as const));
    await engine.compact();
    await engine.close();
    // Put the inputs back, as if the process died between the rename and the unlinks.
    for (const [name, bytes] of saved) {
      const f = await fs.open(`${dir}/${name}`, { write: true, create: true });
      await f.write(bytes, 0);
      await f.close();
    }
    assert.equal((await fs.readdir(dir)).length, 3);
    const reopened = await open(fs);
    assert.equal((await fs.readdir(dir)).length, 1);
    assert.deepEqual((await dump(reopened))['cpu,host=a'], { v: [[T0, 2]] });
    await reopened.close();
  });

  it('flushes by point count in the background without losing concurrent writes', async () => {
    const fs = new MemFs();
    const engine = await open(fs, { memtableMaxPoints: 10, compactionMinSegments: 3 });
    for (let round = 0; round < 60; round++) {
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 10; i++) {
        const n = round * 10 + i;
        writes.push(engine.writePoints([point(`h${n % 5}`, T0 + BigInt(n) * 1000n, { v: floatValue(n) })]));
      }
      await Promise.all(writes);
    }
    let total = 0;
    for (const s of await readAll(engine)) total += s.fields[0]!.column.length;
    assert.equal(total, 600);
    const stats = await engine.stats();
    assert.ok(stats.flushes > 3, `flushes: ${stats.flushes}`);
    assert.ok(stats.compactions > 0 && stats.perPartition[0]!.segments < stats.flushes, `size-tiered compaction keeps the segment count down: ${JSON.stringify(stats.perPartition)} after ${stats.flushes} flushes, ${stats.compactions} compactions`);
    await engine.close();
    const reopened = await open(fs);
    total = 0;
    for (const s of await readAll(reopened)) total += s.fields[0]!.column.length;
    assert.equal(total, 600);
    await reopened.close();
  });

  it('keeps points readable when a flush fails with an I/O error, and retries it on the next flush', async () => {
    const mem = new MemFs();
    const fs = new ErrorFs(mem);
    const engine = await StorageEngine.open({ dataDir: '/data' }, { logger: silentLogger, fs });
    await engine.writePoints([point('a', T0, { v: floatValue(1) })]);
    const stop = fs.inject({ ops: ['write'], path: (p) => p.endsWith('.rseg.tmp') });
    await assert.rejects(engine.flush(), { code: 'EIO' });
    await engine.writePoints([point('a', T0 + 1n, { v: floatValue(2) })]);
    assert.deepEqual((await dump(engine))['cpu,host=a'], { v: [[T0, 1], [T0 + 1n, 2]] }, 'still readable from memory');
    // A crash now must not lose the points whose flush failed: their WAL segment is still there.
    const crashed = await open(mem.crashClone());
    assert.deepEqual((await dump(crashed))['cpu,host=a'], { v: [[T0, 1], [T0 + 1n, 2]] });
    await crashed.close();
    stop();
    await engine.flush();
    assert.equal((await engine.stats()).memtablePoints, 0);
    await engine.close();
    const reopened = await open(mem);
    assert.deepEqual((await dump(reopened))['cpu,host=a'], { v: [[T0, 1], [T0 + 1n, 2]] });
    assert.equal((await reopened.stats()).walReplay!.records, 0, 'nothing left in the WAL after the retried flush');
    await reopened.close();
  });

  for (const [trigger, options] of [
    ['age', { memtableMaxAgeMs: 50 }],
    ['size', { memtableMaxBytes: 1000 }],
  ] as const) {
    it(`flushes the MemTable when it reaches its ${trigger} limit`, async () => {
      const engine = await open(new MemFs(), options);
      const points: Point[] = [];
      for (let i = 0; i < 100; i++) points.push(point('a', T0 + BigInt(i), { v: floatValue(i) }));
      await engine.writePoints(points);
      const deadline = Date.now() + 5000;
      while ((await engine.stats()).flushes === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const stats = await engine.stats();
      assert.equal(stats.flushes, 1);
      assert.equal(stats.memtablePoints, 0);
      assert.equal(stats.perPartition[0]!.points, 100);
      await engine.close();
    });
  }

  it('locks the data directory against a second engine, and takes over a lock left by a dead process', async () => {
    const fs = new MemFs();
    const engine = await open(fs);
    await assert.rejects(open(fs), { code: 'data_dir_locked', message: /in use by process \d+/ });
    await engine.close();
    const reopened = await open(fs);
    await reopened.close();
    // A process that has exited: its PID is free (or reused by an unrelated process, the rare case a lock file cannot tell).
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const lock = await fs.open('/data/LOCK', { write: true, create: true, truncate: true });
    await lock.write(Buffer.from(dead), 0);
    await lock.close();
    const afterCrash = await open(fs);
    await afterCrash.close();
  });

  it('refuses writes after close with a typed error', async () => {
    const engine = await open(new MemFs());
    await engine.close();
    await assert.rejects(engine.writePoints([point('a', T0, { v: floatValue(1) })]), { code: 'engine_closed' });
  });
});
