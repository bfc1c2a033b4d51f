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
  it('seals rows into runs of one sorted array, arrival order and last write kept, with no chunk per series', () => {
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
    for (let round = 0; round < 3; round++) write(T0 + round * 10_000, (i) => round * 1000 + i);
    const bytesBefore = table.bytes;
    for (const s of table.series.values()) {
      const column = s.fields.get('value')!;
      assert.equal(column.runCount, 1, s.key);
      assert.equal(column.chunks.length, 0, `${s.key}: no chunk of its own`);
    }
    assert.ok(table.bytes < bytesBefore, 'the sorted arrays (16 bytes a row) take less than the log did (20)');
    check();

    // Rows after the seal go on after the runs; a time written again takes the later value.
    write(T0 + 100 * 10_000, () => -1);
    write(T0 + 1 * 10_000, (i) => -2 - i);
    check();
    for (const s of table.series.values()) assert.equal(s.fields.get('value')!.runCount, 0, 'out of order: sorted once, into a column that replaced the runs');
  });
});
