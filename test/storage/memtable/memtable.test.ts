import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemTable } from '../../../src/storage/memtable/index.ts';

const T0 = 1_764_028_800_000;

/** Each series' points as [ms, value], read from its sorted chunks. */
function points(table: MemTable): Map<string, Array<[number, number]>> {
  const out = new Map<string, Array<[number, number]>>();
  for (const [key, series] of table.series) {
    const column = series.fields.get('value')!;
    out.set(
      key,
      column.sortedChunks().flatMap((c) => Array.from({ length: c.length }, (_, i): [number, number] => [c.ms[i]!, (c.values as Float64Array)[i]!])),
    );
  }
  return out;
}

describe('MemTable row logs', () => {
  it('seals many rows per series into chunks that share the sorted arrays, arrival order and last write kept', () => {
    const table = new MemTable();
    const seriesCount = 50;
    const series = Array.from({ length: seriesCount }, (_, i) => table.seriesFor(`m,host=h${i}`, BigInt(i), 'm', [{ key: 'host', value: `h${i}` }]));
    const refs = Int32Array.from({ length: seriesCount }, (_, i) => i);
    const want = new Map<string, Map<number, number>>(series.map((s) => [s.key, new Map()]));
    // One sample per series per write, as a Prometheus queue shard sends them: every row waits in the log.
    const write = (at: number, value: (i: number) => number): void => {
      const ms = new Float64Array(seriesCount).fill(at);
      const values = Float64Array.from({ length: seriesCount }, (_, i) => value(i));
      table.appendRows('value', refs, ms, values, seriesCount, (row) => series[refs[row]!]!);
      for (let i = 0; i < seriesCount; i++) want.get(series[i]!.key)!.set(at, values[i]!);
    };
    const check = (): void => {
      for (const [key, got] of points(table)) assert.deepEqual(got, [...want.get(key)!].sort(([a], [b]) => a - b), key);
    };
    for (let round = 0; round < 100; round++) write(T0 + round * 10_000, (i) => round * 1000 + i);
    const bytesBefore = table.bytes;
    // 100 rows per series, over ADOPTED_RUN_ROWS: each series keeps its part of one sorted array.
    const sorted = new Set([...table.series.values()].map((s) => (s.fields.get('value')!.chunks[0]!.values as Float64Array).buffer));
    assert.equal(sorted.size, 1, 'every series views the same sorted values');
    assert.ok(table.bytes < bytesBefore, 'the sorted arrays (16 bytes a row) take less than the log did (20)');
    const sortedValues = new Float64Array([...sorted][0]!);
    const before = [...sortedValues];
    check();

    // Rows after the seal go on after the adopted chunks and never write into them; a time written
    // again takes the later value.
    write(T0 + 100 * 10_000, () => -1);
    write(T0 + 10 * 10_000, (i) => -2 - i);
    check();
    assert.deepEqual([...sortedValues], before, 'the sorted arrays are left as they were');
  });

  it('copies rows into chunks when the series in the log have few rows each', () => {
    const table = new MemTable();
    const series = Array.from({ length: 200 }, (_, i) => table.seriesFor(`m,host=h${i}`, BigInt(i), 'm', [{ key: 'host', value: `h${i}` }]));
    const refs = Int32Array.from({ length: 200 }, (_, i) => i);
    for (let round = 0; round < 10; round++) {
      table.appendRows('value', refs, new Float64Array(200).fill(T0 + round * 1000), new Float64Array(200).fill(round), 200, (row) => series[refs[row]!]!);
    }
    const buffers = new Set([...table.series.values()].map((s) => (s.fields.get('value')!.chunks[0]!.values as Float64Array).buffer));
    assert.ok(buffers.size < 200, 'chunks cut from shared arenas');
    for (const got of points(table).values()) assert.deepEqual(got, Array.from({ length: 10 }, (_, r) => [T0 + r * 1000, r]));
  });
});
