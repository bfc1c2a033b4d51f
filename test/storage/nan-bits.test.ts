// Prometheus's stale marker is one NaN among many (bits 0x7ff0000000000002); PromQL tells it from
// other NaNs by its bits. Every path a float takes through the engine must keep them: the WAL and
// its replay, the MemTable, flushed segments and compaction.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Column, FieldType, silentLogger, WriteBatch } from '../../src/core/index.ts';
import { MEASUREMENT_NAME } from '../../src/index/index.ts';
import { MemFs } from '../../src/storage/fs/index.ts';
import { StorageEngine } from '../../src/storage/index.ts';

// [hi, lo] halves of the bit patterns written, one per point: the stale marker, the default NaN,
// a NaN with a payload and the sign bit, and ordinary values around them.
const PATTERNS: Array<[number, number]> = [
  [0x3ff00000, 0],
  [0x7ff00000, 2],
  [0x7ff80000, 1],
  [0xfff00000, 0xdeadbeef],
  [0x7ff00000, 2],
  [0x40091eb8, 0x51eb851f],
  [0x7ff00000, 2],
];

function batchOfPatterns(): WriteBatch {
  const batch = new WriteBatch();
  const column = batch.seriesFor('up', [{ key: 'job', value: 'node' }]).column('value', FieldType.Float, PATTERNS.length);
  const bits = new Uint32Array(2);
  const value = new Float64Array(bits.buffer);
  PATTERNS.forEach(([hi, lo], i) => {
    bits[0] = lo;
    bits[1] = hi;
    column.pushFloat(1_700_000_000_000 + i * 15_000, 0, value[0]!);
  });
  return batch;
}

async function bitsRead(engine: StorageEngine): Promise<Array<[number, number]>> {
  const out: Array<[number, number]> = [];
  for await (const s of engine.select({ matchers: [{ name: MEASUREMENT_NAME, op: '=', value: 'up' }], fields: ['value'] })) {
    const column: Column = s.fields[0]!.column;
    const values = column.values as Float64Array;
    const halves = new Uint32Array(values.buffer, values.byteOffset, column.length * 2);
    for (let i = 0; i < column.length; i++) out.push([halves[2 * i + 1]!, halves[2 * i]!]);
  }
  return out;
}

const open = (fs: MemFs) => StorageEngine.open({ dataDir: '/data', compactionMinSegments: 1000 }, { logger: silentLogger, fs });

describe('NaN payloads', () => {
  it('survive the MemTable, the WAL replay, a flush and a compaction', async () => {
    const fs = new MemFs();
    let engine = await open(fs);
    await engine.write(batchOfPatterns());
    assert.deepEqual(await bitsRead(engine), PATTERNS, 'memtable');
    await engine.close();

    engine = await open(fs);
    assert.deepEqual(await bitsRead(engine), PATTERNS, 'after WAL replay');
    await engine.flush();
    assert.deepEqual(await bitsRead(engine), PATTERNS, 'segment');
    // A second segment of the same series, then both merged.
    await engine.write(batchOfPatterns());
    await engine.flush();
    await engine.compact();
    assert.deepEqual(await bitsRead(engine), PATTERNS, 'compacted');
    await engine.close();
  });
});
