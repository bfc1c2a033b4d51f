import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CorruptionError } from '../../../src/core/index.ts';
import { MemFs, readWholeFile } from '../../../src/storage/fs/index.ts';
import { RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES, Wal, segmentName, type WalCorruptionReason } from '../../../src/storage/wal/index.ts';
import { DIR, payload, range, reopenAndReplay } from './helpers.ts';

const SIZES = [40, 100, 7, 300, 64];
const SEG1 = join(DIR, segmentName(1));

/** Offset where record i of segment 1 starts. */
function recordStart(i: number): number {
  let off = SEGMENT_HEADER_BYTES;
  for (let k = 0; k < i; k++) off += RECORD_HEADER_BYTES + SIZES[k]!;
  return off;
}
const END = recordStart(SIZES.length);

/** A WAL whose segment 1 holds SIZES.length records, closed cleanly. */
async function walWithRecords(): Promise<MemFs> {
  const fs = new MemFs();
  const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
  for (const [i, size] of SIZES.entries()) await wal.append(payload(i, size));
  await wal.close();
  return fs;
}

async function edit(fs: MemFs, path: string, f: (file: Awaited<ReturnType<MemFs['open']>>) => Promise<void>): Promise<void> {
  const file = await fs.open(path, { write: true });
  await f(file);
  await file.sync();
  await file.close();
}

const u32 = (...words: number[]): Uint8Array => {
  const b = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => b.writeUInt32LE(w, i * 4));
  return b;
};

function seeded(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

interface Case {
  readonly name: string;
  readonly damage: (fs: MemFs) => Promise<void>;
  readonly survive: number;
  readonly reason: WalCorruptionReason | readonly WalCorruptionReason[];
  readonly offset: number;
}

const cases: Case[] = [
  { name: 'torn_last_record', damage: (fs) => edit(fs, SEG1, (f) => f.truncate(END - 3)), survive: 4, reason: 'truncated_payload', offset: recordStart(4) },
  { name: 'torn_record_header', damage: (fs) => edit(fs, SEG1, (f) => f.truncate(recordStart(4) + 5)), survive: 4, reason: 'short_record_header', offset: recordStart(4) },
  { name: 'bad_crc', damage: (fs) => edit(fs, SEG1, (f) => f.write(Uint8Array.of(0xff), recordStart(2) + RECORD_HEADER_BYTES + 3)), survive: 2, reason: 'bad_crc', offset: recordStart(2) },
  { name: 'bad_length', damage: (fs) => edit(fs, SEG1, (f) => f.write(u32(SIZES[1]! - 1), recordStart(1))), survive: 1, reason: 'bad_crc', offset: recordStart(1) },
  { name: 'zeroed_tail', damage: (fs) => edit(fs, SEG1, (f) => f.append(new Uint8Array(4096))), survive: 5, reason: 'zeroed_tail', offset: END },
  { name: 'zeroed_short_tail', damage: (fs) => edit(fs, SEG1, (f) => f.append(new Uint8Array(3))), survive: 5, reason: 'zeroed_tail', offset: END },
  { name: 'zeroed_last_record', damage: (fs) => edit(fs, SEG1, (f) => f.write(new Uint8Array(END - recordStart(4)), recordStart(4))), survive: 4, reason: 'zeroed_tail', offset: recordStart(4) },
  { name: 'short_header', damage: (fs) => edit(fs, SEG1, (f) => f.append(Uint8Array.of(1, 2, 3, 4, 5))), survive: 5, reason: 'short_record_header', offset: END },
  { name: 'truncated_payload', damage: (fs) => edit(fs, SEG1, (f) => f.append(Buffer.concat([u32(1000, 0xdeadbeef), new Uint8Array(10)]))), survive: 5, reason: 'truncated_payload', offset: END },
  { name: 'garbage_appended', damage: (fs) => edit(fs, SEG1, (f) => f.append(seeded(64, 7))), survive: 5, reason: ['bad_crc', 'huge_length', 'truncated_payload'], offset: END },
  { name: 'huge_length', damage: (fs) => edit(fs, SEG1, (f) => f.append(Buffer.concat([u32(0xfffffff0, 1), new Uint8Array(100)]))), survive: 5, reason: 'huge_length', offset: END },
  { name: 'just_over_max_length', damage: (fs) => edit(fs, SEG1, (f) => f.append(Buffer.concat([u32(256 * 1024 * 1024 + 1, 1), new Uint8Array(8)]))), survive: 5, reason: 'huge_length', offset: END },
];

describe('WAL replay of a damaged segment', () => {
  for (const c of cases) {
    it(`${c.name}: keeps ${c.survive} records, truncates, reports, and appends cleanly after`, async () => {
      const fs = await walWithRecords();
      await c.damage(fs);
      const sizeBefore = (await fs.stat(SEG1)).size;

      const first = await reopenAndReplay(fs);
      assert.deepEqual(first.ids, range(0, c.survive), `${c.name}: records replayed`);
      assert.equal(first.report.corruptions.length, 1, `${c.name}: one corruption reported`);
      const found = first.report.corruptions[0]!;
      const reasons = typeof c.reason === 'string' ? [c.reason] : c.reason;
      assert.ok(reasons.includes(found.reason), `${c.name}: reason ${found.reason}, want ${reasons.join(' or ')}`);
      assert.deepEqual(
        { file: found.file, segmentSeq: found.segmentSeq, offset: found.offset, bytesDropped: found.bytesDropped, truncated: found.truncated },
        { file: SEG1, segmentSeq: 1, offset: c.offset, bytesDropped: sizeBefore - c.offset, truncated: true },
      );
      assert.equal((await fs.stat(SEG1)).size, c.offset, `${c.name}: segment cut at the last good record`);

      await first.wal.append(payload(100));
      await first.wal.close();
      // The repair is durable: a crash right after it changes nothing.
      const second = await reopenAndReplay(fs.crashClone());
      assert.deepEqual(second.ids, [...range(0, c.survive), 100]);
      assert.deepEqual(second.report.corruptions, []);
      await second.wal.close();
    });
  }

  it('a damaged segment does not hide the segments after it', async () => {
    const fs = new MemFs();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    for (const i of range(0, 3)) await wal.append(payload(i, SIZES[i]));
    assert.equal(await wal.rotate(), 1);
    for (const i of range(3, 6)) await wal.append(payload(i));
    await wal.close();
    await edit(fs, SEG1, (f) => f.write(Uint8Array.of(0x55), recordStart(1) + RECORD_HEADER_BYTES));

    const { ids, segments, report, wal: again } = await reopenAndReplay(fs);
    assert.deepEqual(ids, [0, 3, 4, 5]);
    assert.deepEqual(segments, [1, 2, 2, 2]);
    assert.deepEqual(
      report.corruptions.map((c) => [c.segmentSeq, c.reason, c.offset]),
      [[1, 'bad_crc', recordStart(1)]],
    );
    await again.close();
  });

  it('a torn tail in the segment before an empty one (crash between open and replay) is repaired', async () => {
    const fs = await walWithRecords();
    await edit(fs, SEG1, (f) => f.truncate(END - 1));
    const opened = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    const crashed = fs.crashClone();
    void opened;
    const { ids, report, wal } = await reopenAndReplay(crashed);
    assert.deepEqual(ids, range(0, 4));
    assert.deepEqual(report.corruptions.map((c) => c.segmentSeq), [1]);
    assert.equal(report.segments, 2);
    await wal.close();
  });

  for (const [name, damage] of [
    ['empty segment file (crash while creating it)', (fs: MemFs) => edit(fs, SEG1, (f) => f.truncate(0))],
    ['zeroed segment header', (fs: MemFs) => edit(fs, SEG1, (f) => f.write(new Uint8Array(SEGMENT_HEADER_BYTES), 0))],
    ['wrong magic', (fs: MemFs) => edit(fs, SEG1, (f) => f.write(Uint8Array.of(0x58), 0))],
    ['sequence number that does not match the name', (fs: MemFs) => edit(fs, SEG1, (f) => f.write(Uint8Array.of(9), 8))],
  ] as const) {
    it(`bad_segment_header (${name}): skips the segment, leaves it as it is, reports it`, async () => {
      const fs = await walWithRecords();
      await damage(fs);
      const before = await readWholeFile(fs, SEG1);
      const { ids, report, wal } = await reopenAndReplay(fs);
      assert.deepEqual(ids, []);
      assert.deepEqual(report.corruptions.map((c) => [c.reason, c.offset, c.bytesDropped, c.truncated]), [['bad_segment_header', 0, before.length, false]]);
      assert.deepEqual(await readWholeFile(fs, SEG1), before);
      await wal.append(payload(1));
      await wal.close();
    });
  }

  it('refuses a segment of a newer format version with a CorruptionError', async () => {
    const fs = await walWithRecords();
    await edit(fs, SEG1, (f) => f.write(Uint8Array.of(2, 0), 4));
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    await assert.rejects(wal.replay(() => {}), (err: unknown) => err instanceof CorruptionError && /version 2/.test(err.message));
    await wal.close();
  });

  it('replays a clean log with an empty report', async () => {
    const fs = await walWithRecords();
    const { ids, report, wal } = await reopenAndReplay(fs);
    assert.deepEqual(ids, range(0, 5));
    assert.deepEqual(report, { segments: 1, records: 5, bytes: SIZES.reduce((a, b) => a + b, 0), corruptions: [] });
    await wal.close();
  });

  it('rejects when the record handler throws', async () => {
    const fs = await walWithRecords();
    const wal = await Wal.open(fs, DIR, { durability: { mode: 'every-write' } });
    await assert.rejects(wal.replay(() => {
      throw new Error('handler failed');
    }), /handler failed/);
    await wal.close();
  });
});
