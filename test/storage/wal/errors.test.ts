import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorFs, MemFs, errnoError } from '../../../src/storage/fs/index.ts';
import { Wal, WalBrokenError, WalClosedError, WalWriteError } from '../../../src/storage/wal/index.ts';
import { DIR, heldSyncs, payload, range, reopenAndReplay, until } from './helpers.ts';

const isWal = (p: string): boolean => p.endsWith('.wal');
const enospc = (op: string, p: string): Error => errnoError('ENOSPC', op, p);

async function setup(): Promise<{ mem: MemFs; fs: ErrorFs; wal: Wal }> {
  const mem = new MemFs();
  const fs = new ErrorFs(mem);
  const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
  return { mem, fs, wal };
}

function causeCode(err: unknown): string | undefined {
  return ((err as Error).cause as { code?: string } | undefined)?.code;
}

describe('WAL under I/O errors', () => {
  for (const torn of [false, true]) {
    it(`a failed${torn ? ' torn' : ''} write rejects its appends, and the WAL goes on`, async () => {
      const { mem, fs, wal } = await setup();
      await wal.append(payload(0));
      fs.inject({ ops: ['write'], path: isWal, times: 1, torn, error: enospc });
      await assert.rejects(wal.append(payload(1)), (err: unknown) => err instanceof WalWriteError && causeCode(err) === 'ENOSPC');
      await wal.append(payload(2));
      assert.equal(wal.broken, undefined);
      const { ids, report, wal: reopened } = await reopenAndReplay(mem.crashClone());
      assert.deepEqual(ids, [0, 2], 'the failed record is gone, not half there');
      assert.deepEqual(report.corruptions, []);
      await reopened.close();
      await wal.close();
    });
  }

  it('a failed write that cannot be undone breaks the WAL', async () => {
    const { fs, wal } = await setup();
    fs.inject({ ops: ['write'], path: isWal, torn: true });
    fs.inject({ ops: ['truncate'], path: isWal });
    await assert.rejects(wal.append(payload(1)), WalWriteError);
    await assert.rejects(wal.append(payload(2)), WalBrokenError);
    await assert.rejects(wal.close(), WalBrokenError);
  });

  it('a failed sync rejects its appends and breaks the WAL; reopening recovers what was durable', async () => {
    const { mem, fs, wal } = await setup();
    await wal.append(payload(0));
    fs.inject({ ops: ['sync'], path: isWal, times: 1 });
    const batch = [wal.append(payload(1)), wal.append(payload(2))];
    for (const p of batch) await assert.rejects(p, (err: unknown) => err instanceof WalWriteError && causeCode(err) === 'EIO');
    assert.ok(wal.broken instanceof Error);
    await assert.rejects(wal.append(payload(3)), WalBrokenError);
    await assert.rejects(wal.rotate(), WalBrokenError);
    await assert.rejects(wal.sync(), WalBrokenError);
    await assert.rejects(wal.close(), WalBrokenError);

    const crashed = mem.crashClone();
    const { ids, wal: reopened } = await reopenAndReplay(crashed);
    assert.deepEqual(ids, [0]);
    await reopened.append(payload(4));
    await reopened.close();
    const again = await reopenAndReplay(crashed.crashClone());
    assert.deepEqual(again.ids, [0, 4]);
    await again.wal.close();
  });

  it('refuses a batch whose own sync succeeded when the sync of the batch before it failed', async () => {
    const { fs, held, hold } = heldSyncs();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    hold(true);
    const first = wal.append(payload(0));
    first.catch(() => {});
    await until(() => held.length === 1, 'the first batch syncs');
    const second = wal.append(payload(1));
    second.catch(() => {});
    await until(() => held.length === 2, 'the second batch syncs');
    held[1]!();
    held[0]!(errnoError('EIO', 'fdatasync', 'x.wal'));
    await assert.rejects(first, (err: unknown) => err instanceof WalWriteError && causeCode(err) === 'EIO');
    // On Linux a failed fdatasync may have dropped the first batch's pages: the second one would
    // follow a hole in the log.
    await assert.rejects(second, WalBrokenError);
    assert.ok(wal.broken instanceof Error);
    await assert.rejects(wal.close(), WalBrokenError);
  });

  it('a failed periodic sync breaks the WAL instead of escaping from the timer', async () => {
    const mem = new MemFs();
    const fs = new ErrorFs(mem);
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'periodic', intervalMs: 5 } });
    fs.inject({ ops: ['sync'], path: isWal });
    await wal.append(payload(0));
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.ok(wal.broken instanceof Error);
    await assert.rejects(wal.append(payload(1)), WalBrokenError);
    await assert.rejects(wal.close(), WalBrokenError);
  });

  it('failing to create the next segment breaks the WAL and rejects the append', async () => {
    const mem = new MemFs();
    const fs = new ErrorFs(mem);
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' }, segmentBytes: 200 });
    await wal.append(payload(0, 100));
    fs.inject({ ops: ['open'], path: isWal, error: enospc });
    await assert.rejects(wal.append(payload(1, 100)), (err: unknown) => err instanceof WalWriteError && causeCode(err) === 'ENOSPC');
    await assert.rejects(wal.append(payload(2, 100)), WalBrokenError);
    await wal.close().catch(() => {});
    fs.clear();
    const { ids, wal: reopened } = await reopenAndReplay(mem.crashClone());
    assert.deepEqual(ids, [0]);
    await reopened.close();
  });

  it('open rejects when the segment cannot be made durable', async () => {
    const fs = new ErrorFs(new MemFs());
    fs.inject({ ops: ['syncDir'], path: (p) => p === DIR });
    await assert.rejects(Wal.open(fs, DIR, { durability: { mode: 'every-write' } }), { code: 'EIO' });
  });

  it('never acknowledges a lost record while writes fail now and then', async () => {
    const { mem, fs, wal } = await setup();
    let writes = 0;
    // Every 3rd batch write fails, with half of it written (a torn write).
    fs.inject({ ops: ['write'], path: (p) => isWal(p) && ++writes % 3 === 0, torn: true, error: enospc });
    const acked: number[] = [];
    let failures = 0;
    const append = (id: number): Promise<void> =>
      wal.append(payload(id, 40 + id)).then(
        () => void acked.push(id),
        (err: unknown) => {
          assert.ok(err instanceof WalWriteError);
          failures++;
        },
      );
    for (const id of range(0, 30)) await append(id);
    // And in concurrent waves, so that failed batches hold several records.
    for (const wave of range(1, 6)) await Promise.all(range(0, 1 + wave).map((k) => append(wave * 100 + k)));
    fs.clear();
    assert.ok(failures >= 10, `${failures} failures`);
    assert.equal(wal.broken, undefined);
    const { ids, report, wal: reopened } = await reopenAndReplay(mem.crashClone());
    assert.deepEqual(ids, acked);
    assert.deepEqual(report.corruptions, []);
    await reopened.close();
    await wal.close();
  });

  it('rejects appends after close, and bad record sizes', async () => {
    const { wal } = await setup();
    await assert.rejects(wal.append(new Uint8Array(0)), RangeError);
    await wal.close();
    await wal.close();
    await assert.rejects(wal.append(payload(1)), WalClosedError);
    await assert.rejects(wal.rotate(), WalClosedError);
  });
});
