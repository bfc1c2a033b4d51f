import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FieldTypeConflictError, SampleRows, TimestampOutOfRangeError, floatValue, integerValue, parseSeriesKey, silentLogger, type RowSeries, type SeriesList } from '../../src/core/index.ts';
import { MEASUREMENT_NAME } from '../../src/index/index.ts';
import { MemFs } from '../../src/storage/fs/index.ts';
import { StorageEngine, type EngineOptions } from '../../src/storage/index.ts';
import { ROW_LOG_ROWS } from '../../src/storage/memtable/index.ts';
import { Wal, decodeSampleRows, sampleRowsRecord } from '../../src/storage/wal/index.ts';
import { encodeDeleteSeries } from '../../src/storage/engine/records.ts';

const T0 = 1_764_028_800_000; // 2025-11-25T00:00:00Z in ms
const STALE_NAN_BITS = 0x7ff0000000000002n;

function open(fs: MemFs, options: Partial<EngineOptions> = {}): Promise<StorageEngine> {
  return StorageEngine.open({ dataDir: '/data', ...options }, { logger: silentLogger, fs });
}

function seriesList(keys: readonly string[]): RowSeries[] {
  return keys.map((key) => ({ key, ...parseSeriesKey(key), keyBytes: Buffer.from(key) }));
}

function rowsOf(rows: ReadonlyArray<readonly [number, number, number]>): SampleRows {
  const out = new SampleRows(1);
  for (const [series, ms, value] of rows) out.push(series, ms, value);
  return out;
}

// Through typed arrays: V8 may set the quiet bit of a NaN kept in a plain array of numbers.
const bits = new BigUint64Array(1);
const asFloat = new Float64Array(bits.buffer);

/** A float's IEEE-754 bits in hex, so that NaN payloads (the stale marker) and -0 compare exactly. */
function hexBits(value: number): string {
  asFloat[0] = value;
  return bits[0]!.toString(16);
}

/** Every `value` point the engine holds for measurement `m`, as `{ key: [[ms, value bits], ...] }`. */
async function dump(engine: StorageEngine, m = 'm'): Promise<Record<string, Array<[number, string]>>> {
  const out: Record<string, Array<[number, string]>> = {};
  for await (const s of engine.select({ matchers: [{ name: MEASUREMENT_NAME, op: '=', value: m }] })) {
    const field = s.fields.find((f) => f.name === 'value');
    if (field === undefined) continue;
    const points: Array<[number, string]> = [];
    for (let i = 0; i < field.column.length; i++) points.push([field.column.ms[i]!, hexBits((field.column.values as Float64Array)[i]!)]);
    out[s.key] = points;
  }
  return out;
}

/** What the engine should hold: per series key, per ms, the last value written (as bits). */
class Model {
  readonly points = new Map<string, Map<number, string>>();

  write(key: string, ms: number, value: number): void {
    let series = this.points.get(key);
    if (series === undefined) this.points.set(key, (series = new Map()));
    series.set(ms, hexBits(value));
  }

  dump(): Record<string, Array<[number, string]>> {
    const out: Record<string, Array<[number, string]>> = {};
    for (const [key, series] of [...this.points].sort(([a], [b]) => (a < b ? -1 : 1))) out[key] = [...series].sort(([a], [b]) => a - b);
    return out;
  }
}

function sortedDump(d: Record<string, Array<[number, string]>>): Record<string, Array<[number, string]>> {
  return Object.fromEntries(Object.entries(d).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A deterministic random source (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('StorageEngine.writeRows', () => {
  it('reads back what a model of last-write-wins holds, through row logs, runs, flushes, crashes and reopens', async () => {
    const rand = random(7);
    const keys = Array.from({ length: 40 }, (_, i) => `m,host=h${i}`);
    // Two lists numbering the same series differently, as two decode workers would.
    const lists = [seriesList(keys), seriesList([...keys].reverse())];
    const model = new Model();
    const fs = new MemFs();
    let engine = await open(fs, { memtableMaxPoints: 5_000 });
    const stale = new Float64Array(new BigUint64Array([STALE_NAN_BITS]).buffer)[0]!;
    for (let step = 0; step < 60; step++) {
      const list = rand() < 0.5 ? 0 : 1;
      const rows = new SampleRows(1);
      const count = 1 + Math.floor(rand() * 400);
      for (let i = 0; i < count; ) {
        const id = Math.floor(rand() * keys.length);
        // Single rows, short runs of one series, and long runs (as a 100-sample request has, which
        // the MemTable keeps as views of the arrays written), times in and out of order, repeated.
        const shape = rand();
        const run = shape < 0.1 ? 64 + Math.floor(rand() * 150) : shape < 0.3 ? 1 + Math.floor(rand() * 40) : 1;
        let ms = T0 + Math.floor(rand() * 2_000) * 1000;
        for (let k = 0; k < run && i < count; k++, i++) {
          const value = rand() < 0.05 ? stale : Math.round(rand() * 1e4) / 100;
          rows.push(id, ms, value);
          model.write(lists[list]![id]!.key, ms, value);
          ms += 1000 * (1 + Math.floor(rand() * 3));
        }
      }
      const result = await engine.writeRows('value', rows, lists[list]!);
      assert.deepEqual(result, { written: count, errors: [], dropped: 0 });
      const action = rand();
      if (action < 0.1) await engine.flush();
      else if (action < 0.2) {
        // A crash: only what was acknowledged (and so durable) comes back.
        const recovered = await open(fs.crashClone(), { memtableMaxPoints: 5_000 });
        assert.deepEqual(sortedDump(await dump(recovered)), model.dump(), `step ${step}: after a crash`);
        await recovered.close();
      } else if (action < 0.25) {
        await engine.close();
        engine = await open(fs, { memtableMaxPoints: 5_000 });
      }
      if (step % 10 === 9) assert.deepEqual(sortedDump(await dump(engine)), model.dump(), `step ${step}`);
    }
    await engine.close();
    engine = await open(fs);
    assert.deepEqual(sortedDump(await dump(engine)), model.dump(), 'after a clean reopen');
    await engine.close();
  });

  it('keeps arrival order between rows and column writes of one field, past a full row log', async () => {
    const fs = new MemFs();
    const engine = await open(fs);
    const list = seriesList(['m,host=a', 'm,host=b']);
    // More single rows than the log holds, alternating series, then a column write over the same times.
    const rows = new SampleRows(1);
    for (let i = 0; i < ROW_LOG_ROWS + 10; i++) rows.push(i % 2, T0 + Math.floor(i / 2), i);
    await engine.writeRows('value', rows, list);
    await engine.writePoints([{ measurement: 'm', tags: [{ key: 'host', value: 'a' }], fields: [{ key: 'value', value: floatValue(-1) }], timestamp: BigInt(T0) * 1_000_000n }]);
    await engine.writeRows('value', rowsOf([[1, T0, -2]]), list);
    const got = await dump(engine);
    assert.equal(got['m,host=a']!.length, (ROW_LOG_ROWS + 10) / 2);
    assert.deepEqual(got['m,host=a']![0], [T0, 'bff0000000000000'], 'the column write came last');
    assert.deepEqual(got['m,host=b']![0], [T0, 'c000000000000000'], 'the last row came last');
    await engine.close();
  });

  it('refuses rows of a field of another type and times out of range, and writes the rest', async () => {
    const engine = await open(new MemFs());
    // A field's type is the measurement's: `value` of measurement n is an integer.
    await engine.writePoints([{ measurement: 'n', tags: [{ key: 'host', value: 'int' }], fields: [{ key: 'value', value: integerValue(1n) }], timestamp: BigInt(T0) * 1_000_000n }]);
    const list = seriesList(['m,host=a', 'n,host=float']);
    const result = await engine.writeRows('value', rowsOf([[0, T0, 1], [1, T0, 2], [0, 1e17, 3], [0, T0 + 1, 4]]), list);
    assert.equal(result.written, 2);
    assert.equal(result.dropped, 2);
    assert.ok(result.errors.some((e) => e instanceof FieldTypeConflictError));
    assert.ok(result.errors.some((e) => e instanceof TimestampOutOfRangeError));
    const got = await dump(engine);
    assert.deepEqual(got['m,host=a']!.map(([ms]) => ms), [T0, T0 + 1]);
    await engine.close();
  });

  it('writes a series again after its delete, and the delete holds through a crash', async () => {
    const fs = new MemFs();
    const engine = await open(fs);
    const list: SeriesList = seriesList(['m,host=a', 'm,host=b']);
    await engine.writeRows('value', rowsOf([[0, T0, 1], [1, T0, 2]]), list);
    assert.equal(await engine.deleteSeries([{ name: 'host', op: '=', value: 'a' }]), 1);
    // The refs cached for the list are stale now: host=a comes back under a new one.
    await engine.writeRows('value', rowsOf([[0, T0 + 5, 9], [1, T0 + 5, 3]]), list);
    const want = { 'm,host=a': [[T0 + 5, '4022000000000000']], 'm,host=b': [[T0, '4000000000000000'], [T0 + 5, '4008000000000000']] };
    assert.deepEqual(sortedDump(await dump(engine)), want);
    const recovered = await open(fs.crashClone());
    assert.deepEqual(sortedDump(await dump(recovered)), want, 'after a crash');
    await recovered.close();
    await engine.close();
  });
});

describe('SampleRows WAL replay', () => {
  it('writes a series again when rows of it follow its replayed delete under the same number', async () => {
    // What a write that resolved its series before a delete, and reached the WAL after it, leaves.
    const fs = new MemFs();
    await (await open(fs)).close();
    const wal = await Wal.open(fs, '/data/wal', { durability: { mode: 'every-write' } });
    const row = (ms: number, value: number, defined: boolean) =>
      sampleRowsRecord({ field: 'value', defNumbers: defined ? [7] : [], defKeys: defined ? [Buffer.from('m,host=a')] : [], numbers: Int32Array.of(7), ms: Float64Array.of(ms), values: Float64Array.of(value), count: 1 });
    await wal.append(row(T0, 1, true));
    await wal.append(encodeDeleteSeries(['m,host=a']));
    await wal.append(row(T0 + 1, 2, false));
    await wal.close();
    const engine = await open(fs);
    assert.deepEqual(await dump(engine), { 'm,host=a': [[T0 + 1, '4000000000000000']] });
    await engine.close();
  });
});

describe('SampleRows WAL record', () => {
  it('round-trips definitions and rows, NaN payloads included', () => {
    const stale = new Float64Array(new BigUint64Array([STALE_NAN_BITS]).buffer)[0]!;
    const record = {
      field: 'value',
      defNumbers: [7, 300_000],
      defKeys: [Buffer.from('m,host=a'), Buffer.from('m,host=ü')],
      numbers: Int32Array.from([7, 300_000, 7]),
      ms: Float64Array.from([T0, T0, T0 + 1]),
      values: Float64Array.from([1.5, stale, -0]),
      count: 3,
    };
    const writer = sampleRowsRecord(record);
    const bytes = new Uint8Array(writer.length + 3);
    writer.writeTo(bytes, 3);
    const decoded = decodeSampleRows(bytes.subarray(3));
    assert.deepEqual({ ...decoded, values: [...new BigUint64Array(decoded.values.buffer)] }, {
      ...record,
      defKeys: ['m,host=a', 'm,host=ü'],
      values: [...new BigUint64Array(record.values.buffer)],
    });
  });

  it('refuses truncated records and trailing bytes with a DecodeError', () => {
    const writer = sampleRowsRecord({ field: 'value', defNumbers: [1], defKeys: [Buffer.from('m')], numbers: Int32Array.of(1), ms: Float64Array.of(T0), values: Float64Array.of(1), count: 1 });
    const bytes = new Uint8Array(writer.length);
    writer.writeTo(bytes, 0);
    for (const cut of [1, 5, 12, bytes.length - 1]) assert.throws(() => decodeSampleRows(bytes.subarray(0, cut)), { code: 'decode' });
    assert.throws(() => decodeSampleRows(Uint8Array.from([...bytes, 0])), { code: 'decode' });
  });
});
