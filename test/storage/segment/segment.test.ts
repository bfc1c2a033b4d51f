import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Column, FieldType, seriesIdOf, splitRange } from '../../../src/core/index.ts';
import { MemFs, readWholeFile } from '../../../src/storage/fs/index.ts';
import { BlockCache, SegmentReader, writeSegment, type SeriesToWrite } from '../../../src/storage/segment/index.ts';

function series(key: string, points: number, startMs = 1000): SeriesToWrite {
  const column = new Column(FieldType.Float);
  for (let i = 0; i < points; i++) column.pushFloat(startMs + i * 10, 0, i / 4);
  return { key, id: seriesIdOf(key), fields: [{ name: 'v', column }] };
}

async function writeOne(fs: MemFs, input: SeriesToWrite[], maxPointsPerBlock = 100): Promise<SegmentReader> {
  await fs.mkdir('/p');
  const written = await writeSegment(fs, '/p', '000000000001-000000000001.rseg', input, { maxPointsPerBlock, expectedSeries: input.length });
  return SegmentReader.open(fs, written.path, 1, 1, new BlockCache(1 << 20));
}

describe('segment files', () => {
  it('reads back every series and only the blocks a time range touches', async () => {
    const fs = new MemFs();
    const reader = await writeOne(fs, [series('cpu,host=a', 250), series('cpu,host=b', 3)]);
    assert.deepEqual(reader.series.map((s) => s.key), ['cpu,host=a', 'cpu,host=b']);
    assert.equal(reader.points, 253);
    const field = reader.field('cpu,host=a', 'v')!;
    assert.equal(field.blocks.length, 3, '250 points in blocks of 100');
    const all = await reader.readBlocks(field, undefined);
    assert.deepEqual(all.map((c) => c.length), [100, 100, 50]);
    // [1000 + 1500, 1000 + 1600] lies in the second block only.
    const some = await reader.readBlocks(field, splitRange({ min: 2_500_000_000n, max: 2_600_000_000n }));
    assert.deepEqual(some.map((c) => c.ms[0]), [2000]);
    assert.equal(reader.field('cpu,host=c', 'v'), undefined);
    assert.ok(reader.bloom.mayContain(seriesIdOf('cpu,host=a')));
    await reader.close();
  });

  it('writes a footer of many series in pieces that read back whole, and hands over the footer it wrote', async () => {
    const fs = new MemFs();
    await fs.mkdir('/p');
    const input = Array.from({ length: 10_000 }, (_, i) => series(`cpu,host=h${String(i).padStart(5, '0')}`, 1 + (i % 3)));
    const written = await writeSegment(fs, '/p', '000000000001-000000000001.rseg', input, { maxPointsPerBlock: 100, expectedSeries: input.length });
    const reopened = await SegmentReader.open(fs, written.path, 1, 1, new BlockCache(1 << 20));
    const handedOver = await SegmentReader.ofWritten(fs, written, 1, 1, new BlockCache(1 << 20));
    for (const reader of [reopened, handedOver]) {
      assert.equal(reader.series.length, 10_000);
      assert.equal(reader.points, written.points);
      assert.deepEqual(reader.series[9_999]!.key, 'cpu,host=h09999');
      const blocks = await reader.readBlocks(reader.field('cpu,host=h04097', 'v')!, undefined);
      assert.deepEqual([...blocks[0]!.ms], [1000, 1010, 1020]);
      assert.ok(reader.bloom.mayContain(seriesIdOf('cpu,host=h05000')));
    }
    assert.deepEqual(handedOver.series, reopened.series);
    await reopened.close();
    await handedOver.close();
  });

  it('leaves no file behind when writing fails, and never a half-written segment under the real name', async () => {
    const fs = new MemFs();
    await fs.mkdir('/p');
    async function* failing(): AsyncGenerator<SeriesToWrite> {
      yield series('a', 10);
      throw new Error('encoder failed');
    }
    await assert.rejects(writeSegment(fs, '/p', 'x.rseg', failing(), { maxPointsPerBlock: 100, expectedSeries: 1 }), /encoder failed/);
    assert.deepEqual(await fs.readdir('/p'), []);
  });

  const damages: Array<[string, (bytes: Uint8Array) => void, RegExp]> = [
    ['a flipped footer byte', (b) => (b[b.length - 40] ^= 0xff), /footer checksum mismatch|does not fit/],
    ['a bad trailer magic', (b) => (b[b.length - 1] ^= 0xff), /bad trailer magic/],
    ['a bad header magic', (b) => (b[0] ^= 0xff), /bad segment magic/],
  ];
  for (const [name, damage, message] of damages) {
    it(`reports ${name} as corruption naming the file`, async () => {
      const fs = new MemFs();
      const reader = await writeOne(fs, [series('cpu,host=a', 50)]);
      await reader.close();
      const bytes = await readWholeFile(fs, reader.path);
      damage(bytes);
      const file = await fs.open(reader.path, { write: true });
      await file.write(bytes, 0);
      await file.close();
      await assert.rejects(SegmentReader.open(fs, reader.path, 1, 1, new BlockCache(1 << 20)), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'corruption');
        assert.match(err.message, /\/p\/000000000001-000000000001\.rseg/);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  it('reports a damaged block by its checksum when it is read', async () => {
    const fs = new MemFs();
    const reader = await writeOne(fs, [series('cpu,host=a', 50)]);
    await reader.close();
    const bytes = await readWholeFile(fs, reader.path);
    bytes[20] ^= 0x01; // inside the first block
    const file = await fs.open(reader.path, { write: true });
    await file.write(bytes, 0);
    await file.close();
    const reopened = await SegmentReader.open(fs, reader.path, 1, 1, new BlockCache(1 << 20));
    await assert.rejects(reopened.readBlocks(reopened.field('cpu,host=a', 'v')!, undefined), { code: 'corruption', message: /block checksum mismatch/ });
    await reopened.close();
  });
});
