import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorFs, MemFs } from '../../../src/storage/fs/index.ts';
import { Wal, type WalDurability } from '../../../src/storage/wal/index.ts';
import { DIR, heldSyncs, payload, range, reopenAndReplay, sleep, until } from './helpers.ts';

describe('WAL durability: append, crash, reopen, replay', () => {
  it('every-write: every acknowledged record survives a crash taken at any moment', async () => {
    const fs = new MemFs();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' }, segmentBytes: 4096 });
    const acked: number[] = [];
    const crashes: { fs: MemFs; acked: number[] }[] = [];
    // 8 writers appending concurrently; a crash is taken right after every 5th acknowledgement.
    await Promise.all(
      range(0, 8).map(async (w) => {
        for (let k = 0; k < 25; k++) {
          const id = w * 100 + k;
          await wal.append(payload(id, 50 + ((id * 7) % 200)));
          acked.push(id);
          if (acked.length % 5 === 0) crashes.push({ fs: fs.crashClone(), acked: acked.slice() });
        }
      }),
    );
    assert.ok(crashes.length >= 40);
    for (const crash of crashes) {
      const { ids, report, wal: reopened } = await reopenAndReplay(crash.fs);
      const got = new Set(ids);
      for (const id of crash.acked) assert.ok(got.has(id), `acknowledged record ${id} lost in a crash after ${crash.acked.length} acks`);
      assert.deepEqual(report.corruptions, []);
      await reopened.close();
    }
    await wal.close();
  });

  it('every-write: records come back in append-call order', async () => {
    const fs = new MemFs();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    await Promise.all(range(0, 50).map((i) => wal.append(payload(i))));
    const { ids, wal: reopened } = await reopenAndReplay(fs.crashClone());
    assert.deepEqual(ids, range(0, 50));
    await reopened.close();
    await wal.close();
  });

  it('takes records that write themselves when framed, beside plain ones; one that fails to write fails alone', async () => {
    const fs = new MemFs();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    const writer = (i: number) => {
      const bytes = payload(i, 40 + i);
      return { length: bytes.length, writeTo: (dst: Uint8Array, at: number) => dst.set(bytes, at) };
    };
    const broken = { length: 10, writeTo: () => { throw new Error('cannot write'); } };
    const results = await Promise.allSettled([wal.append(writer(0)), wal.append(payload(1)), wal.append(broken), wal.append(writer(3))]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    await wal.append(writer(4));
    const { ids, report, wal: reopened } = await reopenAndReplay(fs.crashClone());
    assert.deepEqual(report.corruptions, []);
    assert.deepEqual(ids, [0, 1, 3, 4]);
    await reopened.close();
    await wal.close();
  });

  it('periodic: a crash keeps the records up to the last timer sync', async () => {
    const mem = new MemFs();
    const fs = new ErrorFs(mem);
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'periodic', intervalMs: 10 } });
    for (const i of range(0, 5)) await wal.append(payload(i));
    const syncsBefore = fs.count('sync');
    assert.equal(wal.stats().syncs, 0, 'appends do not sync');
    await sleep(60);
    assert.ok(fs.count('sync') > syncsBefore, 'the timer synced');
    const syncsAfterTimer = wal.stats().syncs;
    // Appended and crashed with no timer turn in between: these are written, not yet synced.
    for (const i of range(5, 8)) await wal.append(payload(i));
    const crashed = mem.crashClone();
    await sleep(60);
    assert.equal(wal.stats().syncs, syncsAfterTimer + 1, 'the timer syncs only when there is something new');

    const { ids, wal: reopened } = await reopenAndReplay(crashed);
    assert.deepEqual(ids, range(0, 5));
    await reopened.close();
    const later = await reopenAndReplay(mem.crashClone());
    assert.deepEqual(later.ids, range(0, 8));
    await later.wal.close();
    await wal.close();
  });

  it('os-default: a crash loses the unsynced active segment, a rotated segment survives', async () => {
    const mem = new MemFs();
    const fs = new ErrorFs(mem);
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'os-default' } });
    const createSyncs = fs.count('sync');
    for (const i of range(0, 4)) await wal.append(payload(i));
    await wal.rotate();
    for (const i of range(4, 8)) await wal.append(payload(i));
    assert.equal(fs.count('sync') - createSyncs, 2, 'only rotate syncs: the old segment and the new header');
    const { ids, report, wal: reopened } = await reopenAndReplay(mem.crashClone());
    assert.deepEqual(ids, range(0, 4));
    assert.deepEqual(report.corruptions, []);
    await reopened.close();
    await wal.close();
  });

  it('none: writes nothing, not even the directory', async () => {
    const fs = new MemFs();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'none' } });
    for (const i of range(0, 4)) await wal.append(payload(i));
    assert.equal(wal.stats().records, 4);
    assert.equal(await fs.exists(DIR), false);
    assert.equal(await wal.rotate(), 0);
    await wal.close();
    const { ids, wal: reopened } = await reopenAndReplay(fs, { durability: { mode: 'none' } });
    assert.deepEqual(ids, []);
    await reopened.close();
  });

  it('none: still replays and removes what an earlier durable run left', async () => {
    const fs = new MemFs();
    const durable = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    for (const i of range(0, 3)) await durable.append(payload(i));
    await durable.close();
    const { ids, wal } = await reopenAndReplay(fs, { durability: { mode: 'none' } });
    assert.deepEqual(ids, range(0, 3));
    assert.equal(await wal.rotate(), 1);
    assert.deepEqual(await wal.removeSegmentsThrough(1), [1]);
    assert.deepEqual(await fs.readdir(DIR), []);
    await wal.close();
  });

  const killable: WalDurability[] = [{ mode: 'every-write' }, { mode: 'periodic', intervalMs: 1000 }, { mode: 'os-default' }];
  for (const durability of killable) {
    it(`${durability.mode}: a killed process (no close, no crash) loses no acknowledged record`, async () => {
      const fs = new MemFs();
      const wal = await Wal.open(fs, DIR, { durability, segmentBytes: 1024 });
      await Promise.all(range(0, 30).map((i) => wal.append(payload(i, 100))));
      // The process dies here: no close, no sync, but the page cache (the same MemFs) survives.
      const { ids, report, wal: reopened } = await reopenAndReplay(fs, { durability });
      assert.deepEqual(ids, range(0, 30));
      assert.deepEqual(report.corruptions, []);
      await reopened.close();
      await wal.close();
    });
  }

  it('close() syncs, in every mode that writes', async () => {
    for (const durability of killable) {
      const fs = new MemFs();
      const wal = await Wal.open(fs, DIR, { durability });
      const pending = range(0, 10).map((i) => wal.append(payload(i)));
      await wal.close();
      await Promise.all(pending);
      const { ids, wal: reopened } = await reopenAndReplay(fs.crashClone());
      assert.deepEqual(ids, range(0, 10), durability.mode);
      await reopened.close();
    }
  });
});

describe('WAL group commit', () => {
  it('covers concurrent appends with far fewer syncs, and all survive a crash', async () => {
    const mem = new MemFs();
    // A sync that takes 2 ms, as a disk does: appends pile up behind it.
    const fs = new ErrorFs(mem, (op) => (op === 'sync' ? sleep(2) : undefined));
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    const syncsAtOpen = fs.count('sync');
    const writers = 8;
    const perWriter = 25;
    await Promise.all(
      range(0, writers).map(async (w) => {
        for (let k = 0; k < perWriter; k++) await wal.append(payload(w * 1000 + k, 500));
      }),
    );
    const appends = writers * perWriter;
    const syncs = fs.count('sync') - syncsAtOpen;
    assert.equal(wal.stats().syncs, syncs);
    assert.ok(syncs <= appends / 4, `${syncs} syncs for ${appends} appends`);

    const { ids, wal: reopened } = await reopenAndReplay(mem.crashClone());
    assert.equal(ids.length, appends);
    for (const w of range(0, writers)) {
      assert.deepEqual(ids.filter((id) => Math.floor(id / 1000) === w), range(0, perWriter).map((k) => w * 1000 + k), `writer ${w} in order`);
    }
    await reopened.close();
    await wal.close();
  });

  it('every-write: writes the next batch while a sync runs, two syncs at most, and acknowledges in order, each batch after its own sync', async () => {
    const { mem, fs, held, hold } = heldSyncs();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    hold(true);
    const acknowledged: number[] = [];
    const append = (i: number): Promise<void> => wal.append(payload(i)).then(() => void acknowledged.push(i));
    const writesBefore = fs.count('write');
    const first = append(0);
    await until(() => held.length === 1, 'the first batch syncs');
    const second = [append(1), append(2)];
    await until(() => held.length === 2, 'the second batch syncs');
    assert.equal(fs.count('write') - writesBefore, 2, 'the second batch was written while the first one synced');
    const third = append(3);
    await sleep(5);
    assert.equal(held.length, 2, 'no third sync while two run');
    assert.equal(fs.count('write') - writesBefore, 2, 'the third batch waits for the first sync');

    held[1]!();
    await sleep(5);
    assert.deepEqual(acknowledged, [], 'the second batch is not acknowledged before the first one is');
    held[0]!();
    await Promise.all([first, ...second]);
    assert.deepEqual(acknowledged, [0, 1, 2]);
    await until(() => held.length === 3, 'the third batch syncs');
    held[2]!();
    await third;
    assert.deepEqual(acknowledged, [0, 1, 2, 3]);
    hold(false);
    await wal.close();
    const { ids, wal: reopened } = await reopenAndReplay(mem.crashClone());
    assert.deepEqual(ids, [0, 1, 2, 3]);
    await reopened.close();
  });

  it('every-write: rotate and close wait for the syncs in flight before closing the segment', async () => {
    const { fs, held, hold } = heldSyncs();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    hold(true);
    const appends = [wal.append(payload(0))];
    await until(() => held.length === 1, 'the first batch syncs');
    appends.push(wal.append(payload(1)));
    await until(() => held.length === 2, 'the second batch syncs');
    const closesBefore = fs.count('close');
    const rotation = wal.rotate();
    await sleep(5);
    assert.equal(fs.count('close'), closesBefore, 'the segment stays open while its syncs run');
    hold(false);
    for (const release of held) release();
    assert.equal(await rotation, 1);
    await Promise.all(appends);
    assert.equal(fs.count('close'), closesBefore + 1);

    hold(true);
    appends.push(wal.append(payload(2)));
    await until(() => held.length === 3, 'the batch after the rotation syncs');
    const closing = wal.close();
    await sleep(5);
    assert.equal(fs.count('close'), closesBefore + 1, 'close waits for the sync in flight');
    held[2]!();
    await closing;
    await Promise.all(appends);
    assert.equal(fs.count('close'), closesBefore + 2);
  });

  it('every-write: a full segment is closed only once the sync of its last batch is done', async () => {
    const { fs, held, hold } = heldSyncs();
    // Room for one 500-byte record per segment.
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' }, segmentBytes: 600 });
    hold(true);
    const first = wal.append(payload(0, 500));
    await until(() => held.length === 1, 'the first batch syncs');
    const closesBefore = fs.count('close');
    const second = wal.append(payload(1, 500));
    await sleep(5);
    assert.equal(fs.count('close'), closesBefore, 'the full segment stays open while its sync runs');
    hold(false);
    held[0]!();
    await Promise.all([first, second]);
    assert.equal(fs.count('close'), closesBefore + 1);
    assert.equal(wal.stats().activeSegment, 2);
    await wal.close();
  });

  it('bounds a batch by maxBatchBytes, one sync per batch', async () => {
    const fs = new MemFs();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' }, maxBatchBytes: 16 * 1024 });
    await Promise.all(range(0, 200).map((i) => wal.append(payload(i, 1000))));
    const { batches, syncs, records } = wal.stats();
    assert.equal(records, 200);
    assert.equal(syncs, batches);
    // 16 KiB holds 16 framed 1000-byte records (1008 bytes each).
    assert.equal(batches, Math.ceil(200 / 16));
    await wal.close();
  });

  it('puts a record larger than maxBatchBytes in a batch of its own', async () => {
    const fs = new MemFs();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' }, maxBatchBytes: 100 });
    await Promise.all([wal.append(payload(0, 500)), wal.append(payload(1, 10)), wal.append(payload(2, 10))]);
    assert.equal(wal.stats().batches, 2);
    await wal.close();
    const { ids, wal: reopened } = await reopenAndReplay(fs);
    assert.deepEqual(ids, [0, 1, 2]);
    await reopened.close();
  });
});
