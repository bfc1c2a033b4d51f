import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Column, FieldType } from '../../../src/core/index.ts';
import { ChunkedColumn, ChunkStore } from '../../../src/storage/memtable/index.ts';

function column(points: Array<[number, number]>): Column {
  const c = new Column(FieldType.Float, points.length);
  for (const [ms, v] of points) c.pushFloat(ms, 0, v);
  return c;
}

function read(chunks: readonly Column[]): Array<[number, number]> {
  return chunks.flatMap((c) => Array.from({ length: c.length }, (_, i): [number, number] => [c.ms[i]!, (c.values as Float64Array)[i]!]));
}

describe('ChunkedColumn', () => {
  it('keeps in-order appends as they are, in chunks that double up to a limit', () => {
    const chunked = new ChunkedColumn(FieldType.Float, 4, new ChunkStore());
    let allocated = 0;
    for (let i = 0; i < 3000; i++) allocated += chunked.append(column([[i, i]]));
    assert.deepEqual(chunked.chunks.map((c) => c.capacity).slice(0, 6), [4, 8, 16, 32, 64, 128]);
    assert.ok(chunked.chunks.every((c) => c.capacity <= 1024));
    assert.equal(allocated, chunked.chunks.reduce((n, c) => n + c.capacity, 0));
    assert.equal(chunked.sortedChunks(), chunked.chunks, 'nothing to sort');
  });

  it('keeps sub-millisecond parts, zero or not, through appends, sorting and appends after it', () => {
    const chunked = new ChunkedColumn(FieldType.Float, 4, new ChunkStore());
    const point = (ms: number, sub: number) => {
      const c = new Column(FieldType.Float, 1);
      c.pushFloat(ms, sub, ms);
      return c;
    };
    const written: Array<[number, number]> = [];
    for (let i = 0; i < 40; i++) {
      const sub = i % 3 === 0 ? 0 : i * 1000;
      chunked.append(point(i * 10, sub));
      written.push([i * 10, sub]);
    }
    chunked.append(point(5, 7)); // out of order: the next read sorts
    written.push([5, 7]);
    chunked.sortedChunks();
    for (let i = 40; i < 45; i++) {
      chunked.append(point(i * 10, 0));
      written.push([i * 10, 0]);
    }
    const read = chunked.sortedChunks().flatMap((c) => Array.from({ length: c.length }, (_, i): [number, number] => [c.ms[i]!, c.sub[i]!]));
    assert.deepEqual(read, written.sort((a, b) => a[0] - b[0]));
  });

  it('cuts the chunks of many columns out of a few shared buffers', () => {
    const store = new ChunkStore();
    const columns = Array.from({ length: 1000 }, (_, s) => new ChunkedColumn(FieldType.Float, 16 + (s % 200), store));
    for (let i = 0; i < 100; i++) for (const c of columns) c.append(column([[i, i]]));
    const buffers = new Set(columns.flatMap((c) => c.chunks.map((chunk) => chunk.ms.buffer)));
    assert.ok(buffers.size <= 2, `${buffers.size} buffers`);
    // Each chunk keeps its own points.
    for (const c of columns) assert.deepEqual(read(c.chunks), Array.from({ length: 100 }, (_, i): [number, number] => [i, i]));
  });

  it('sorts out-of-order appends once, last write winning, and goes on appending after them', () => {
    const chunked = new ChunkedColumn(FieldType.Float, 2, new ChunkStore());
    chunked.append(column([[10, 1], [20, 1]]));
    chunked.append(column([[0, 2], [10, 2]]));
    chunked.append(column([[30, 3]]));
    assert.deepEqual(read(chunked.sortedChunks()), [[0, 2], [10, 2], [20, 1], [30, 3]]);
    assert.equal(chunked.chunks.length, 1, 'the sorted column replaced the chunks');
    assert.equal(chunked.length, 4);
    chunked.append(column([[40, 4]]));
    assert.deepEqual(read(chunked.sortedChunks()), [[0, 2], [10, 2], [20, 1], [30, 3], [40, 4]]);
    chunked.append(column([[5, 5]]));
    assert.deepEqual(read(chunked.sortedChunks()), [[0, 2], [5, 5], [10, 2], [20, 1], [30, 3], [40, 4]]);
  });

  it('appends float rows as columns do: in order or not, beside columns with sub-milliseconds, last write winning', () => {
    const chunked = new ChunkedColumn(FieldType.Float, 3, new ChunkStore());
    const ms = Float64Array.from([10, 20, 30, 40, 50, 60, 70]);
    const values = Float64Array.from([1, 2, 3, 4, 5, 6, 7]);
    assert.equal(chunked.appendFloats(ms, values, 0, 5), 3 + 6, 'a chunk of 3, then one of 6');
    assert.equal(chunked.sortedChunks(), chunked.chunks, 'in order: nothing to sort');
    // A point 0.5 ms after 50: rows at 60 still come after it, a row at 50 does not.
    const half = new Column(FieldType.Float, 1);
    half.pushFloat(50, 500_000, -1);
    chunked.append(half);
    chunked.appendFloats(ms, values, 5, 6);
    assert.equal(chunked.sortedChunks(), chunked.chunks, 'still in order');
    chunked.appendFloats(Float64Array.of(50, 20), Float64Array.of(8, 9), 0, 2);
    const sorted = chunked.sortedChunks().flatMap((c) => Array.from({ length: c.length }, (_, i) => [c.ms[i]!, c.sub[i]!, (c.values as Float64Array)[i]!]));
    assert.deepEqual(sorted, [[10, 0, 1], [20, 0, 9], [30, 0, 3], [40, 0, 4], [50, 0, 8], [50, 500_000, -1], [60, 0, 6]]);
    assert.throws(() => new ChunkedColumn(FieldType.Integer, 4, new ChunkStore()).appendFloats(ms, values, 0, 1), /BUG/);
  });

  it('adopts float rows as runs of the arrays they are in, which later appends, sub-milliseconds or not, never write into', () => {
    const chunked = new ChunkedColumn(FieldType.Float, 4, new ChunkStore());
    chunked.appendFloats(Float64Array.of(5), Float64Array.of(0.5), 0, 1);
    const ms = Float64Array.from([99, 10, 20, 30, 99]);
    const values = Float64Array.from([-9, 1, 2, 3, -9]);
    chunked.adoptFloats(ms, values, 1, 4);
    chunked.adoptFloats(Float64Array.of(35), Float64Array.of(3.5), 0, 1);
    assert.equal(chunked.runCount, 2, 'kept as runs');
    assert.equal(chunked.chunks.length, 1, 'no chunk allocated for them');
    assert.equal(chunked.length, 5);
    assert.deepEqual(read(chunked.sortedChunks()), [[5, 0.5], [10, 1], [20, 2], [30, 3], [35, 3.5]]);
    assert.deepEqual(chunked.timeSpan(), { first: 5, last: 35 });
    assert.equal(chunked.hasPointBefore(5), false);
    assert.equal(chunked.runCount, 2, 'a read in order copies the runs, it does not keep them twice');
    // Into a reused column whose sub-milliseconds are not zero: the runs' points have none.
    const reused = new Column(FieldType.Float, 8);
    for (let i = 0; i < 8; i++) reused.pushFloat(i, 123, i);
    const whole = chunked.toColumn(reused);
    assert.deepEqual(Array.from(whole.sub.subarray(0, whole.length)), [0, 0, 0, 0, 0]);

    // Appends after runs go after them (the runs are copied into chunks first).
    const later = new Column(FieldType.Float, 2);
    later.pushFloat(40, 7, 4);
    later.pushFloat(50, 0, 5);
    chunked.append(later);
    assert.equal(chunked.runCount, 0);
    chunked.appendFloats(Float64Array.of(60), Float64Array.of(6), 0, 1);
    chunked.adoptFloats(Float64Array.of(70, 80), Float64Array.of(7, 8), 0, 2);
    assert.deepEqual([...ms], [99, 10, 20, 30, 99], 'the adopted times are left as they were');
    assert.deepEqual([...values], [-9, 1, 2, 3, -9], 'the adopted values are left as they were');
    const withSubs = chunked.sortedChunks().flatMap((c) => Array.from({ length: c.length }, (_, i) => [c.ms[i]!, c.sub[i]!, (c.values as Float64Array)[i]!]));
    assert.deepEqual(withSubs, [[5, 0, 0.5], [10, 0, 1], [20, 0, 2], [30, 0, 3], [35, 0, 3.5], [40, 7, 4], [50, 0, 5], [60, 0, 6], [70, 0, 7], [80, 0, 8]]);
    // Adopted out of order: sorted once, the later write of a time winning.
    chunked.adoptFloats(Float64Array.of(20, 25), Float64Array.of(-2, 2.5), 0, 2);
    assert.deepEqual(chunked.timeSpan(), { first: 5, last: 80 });
    assert.deepEqual(read(chunked.sortedChunks()), [[5, 0.5], [10, 1], [20, -2], [25, 2.5], [30, 3], [35, 3.5], [40, 4], [50, 5], [60, 6], [70, 7], [80, 8]]);
    assert.equal(chunked.runCount, 0, 'the sorted column replaced chunks and runs');
    assert.equal(chunked.hasPointBefore(5), false);
    assert.equal(chunked.hasPointBefore(6), true);
    assert.throws(() => new ChunkedColumn(FieldType.Integer, 4, new ChunkStore()).adoptFloats(ms, values, 0, 1), /BUG/);
  });
});
