import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MemFs } from '../../../src/storage/fs/index.ts';
import { SEGMENT_HEADER_BYTES, Wal, segmentName } from '../../../src/storage/wal/index.ts';
import { DIR, payload, range, reopenAndReplay } from './helpers.ts';

describe('WAL segments', () => {
  it('names segments by number and starts a new one on every open', async () => {
    const fs = new MemFs();
    const a = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    await a.append(payload(0));
    await a.close();
    const b = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    assert.deepEqual(await fs.readdir(DIR), ['0000000001.wal', '0000000002.wal']);
    assert.equal(b.stats().activeSegment, 2);
    assert.equal(segmentName(12345678901), '12345678901.wal');
    await b.close();
  });

  it('rotates by itself when a segment is full, and replays across segments in order', async () => {
    const fs = new MemFs();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' }, segmentBytes: 1000 });
    for (const i of range(0, 30)) await wal.append(payload(i, 100));
    await Promise.all(range(30, 60).map((i) => wal.append(payload(i, 100))));
    await wal.close();
    const seqs = await wal.segments();
    assert.ok(seqs.length >= 6, `${seqs.length} segments`);
    for (const seq of seqs) assert.ok((await fs.stat(join(DIR, segmentName(seq)))).size <= 1000);
    const { ids, segments, wal: reopened } = await reopenAndReplay(fs);
    assert.deepEqual(ids, range(0, 60));
    assert.deepEqual(segments, segments.slice().sort((x, y) => x - y));
    await reopened.close();
  });

  it('gives a record larger than a segment a segment of its own', async () => {
    const fs = new MemFs();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' }, segmentBytes: 200 });
    await wal.append(payload(0, 50));
    await wal.append(payload(1, 5000));
    await wal.append(payload(2, 50));
    await wal.close();
    const { ids, segments, wal: reopened } = await reopenAndReplay(fs);
    assert.deepEqual(ids, [0, 1, 2]);
    assert.deepEqual(segments, [1, 2, 3]);
    await reopened.close();
  });

  it('rotate() returns the closed segment, which holds every record appended before the call', async () => {
    const fs = new MemFs();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' }, maxBatchBytes: 300 });
    // Queued, not yet written, when rotate is called; and more than one batch's worth.
    const before = range(0, 10).map((i) => wal.append(payload(i, 100)));
    const rotated = wal.rotate();
    const after = range(10, 13).map((i) => wal.append(payload(i, 100)));
    assert.equal(await rotated, 1);
    await Promise.all([...before, ...after]);
    assert.equal(wal.stats().activeSegment, 2);
    await wal.close();
    const { ids, segments, wal: reopened } = await reopenAndReplay(fs);
    assert.deepEqual(ids, range(0, 13));
    assert.deepEqual(segments, [...range(0, 10).map(() => 1), 2, 2, 2]);
    await reopened.close();
  });

  it('every append of the closed segment has resolved when rotate() resolves', async () => {
    const fs = new MemFs();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    const resolved: number[] = [];
    const appends = range(0, 5).map((i) => wal.append(payload(i)).then(() => void resolved.push(i)));
    await wal.rotate();
    assert.deepEqual(resolved, range(0, 5));
    await Promise.all(appends);
    await wal.close();
  });

  it('removeSegmentsThrough(seq) removes the flushed segments durably, never the active one', async () => {
    const fs = new MemFs();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    await wal.append(payload(0));
    const first = await wal.rotate();
    await wal.append(payload(1));
    const second = await wal.rotate();
    await wal.append(payload(2));
    assert.deepEqual([first, second], [1, 2]);
    assert.deepEqual(await wal.removeSegmentsThrough(first), [1]);
    assert.deepEqual(await wal.removeSegmentsThrough(99), [2]);
    assert.deepEqual(await wal.segments(), [3]);

    const { ids, wal: reopened } = await reopenAndReplay(fs.crashClone());
    assert.deepEqual(ids, [2]);
    await reopened.close();
    await wal.close();
  });

  it('replay reads only the segments that existed at open', async () => {
    const fs = new MemFs();
    const first = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    await first.append(payload(0));
    await first.close();
    const { wal, ids } = await reopenAndReplay(fs);
    await wal.append(payload(1));
    await wal.rotate();
    const again = await wal.replay(() => {});
    assert.deepEqual(ids, [0]);
    assert.equal(again.records, 1);
    await wal.close();
  });

  it('a new segment holds only its header, synced', async () => {
    const fs = new MemFs();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    assert.equal((await fs.crashClone().stat(join(DIR, segmentName(1)))).size, SEGMENT_HEADER_BYTES);
    await wal.close();
  });
});
