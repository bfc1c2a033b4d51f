import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptionError, seriesIdOf } from '../../src/core/index.ts';
import { BloomFilter } from '../../src/index/index.ts';

const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => seriesIdOf(`cpu,host=h${from + i}`));

describe('BloomFilter.forCount(n, rate)', () => {
  it('sizes the filter from the expected count and rate', () => {
    const f = (n: number, rate: number | undefined, bits: number, k: number) => {
      const b = BloomFilter.forCount(n, rate);
      assert.deepEqual([b.bitCount, b.hashCount], [bits, k], `for n=${n} rate=${rate}`);
    };
    f(1000, undefined, 9586, 7);
    f(1000, 0.001, 14378, 10);
    f(1000, 0.1, 4793, 3);
    f(0, undefined, 64, 30);
    f(1, 0.5, 64, 30);
    assert.throws(() => BloomFilter.forCount(10, 0), RangeError);
    assert.throws(() => BloomFilter.forCount(10, 1), RangeError);
  });
});

describe('BloomFilter', () => {
  for (const rate of [0.01, 0.001]) {
    it(`has no false negatives and a false-positive rate near ${rate}`, () => {
      const n = 20_000;
      const b = BloomFilter.forCount(n, rate);
      const added = ids(0, n);
      for (const id of added) b.add(id);
      for (const id of added) assert.ok(b.mayContain(id), `false negative for ${id}`);
      const probes = ids(n, 100_000);
      let fp = 0;
      for (const id of probes) if (b.mayContain(id)) fp++;
      const got = fp / probes.length;
      assert.ok(got < rate * 1.5 && got > rate / 3, `false-positive rate ${got}, want about ${rate}`);
    });
  }

  it('gives the same answers for an id and for its halves', () => {
    const b = BloomFilter.forCount(100);
    const added = ids(0, 100);
    for (const id of added.slice(0, 50)) b.add(id);
    for (const id of added.slice(50)) b.addHalves(Number(id & 0xffffffffn), Number(id >> 32n));
    for (const id of [...added, ...ids(100, 1000)]) {
      assert.equal(b.mayContainHalves(Number(id & 0xffffffffn), Number(id >> 32n)), b.mayContain(id));
    }
    for (const id of added) assert.ok(b.mayContain(id));
    assert.equal(b.count, 100);
  });

  it('handles ids whose halves are 0 or all ones', () => {
    const b = BloomFilter.forCount(10);
    for (const id of [0n, 0xffffffffn, 0xffffffff00000000n, 0xffffffffffffffffn]) {
      b.add(id);
      assert.ok(b.mayContain(id), `for ${id}`);
    }
  });
});

describe('BloomFilter.serialize() and deserialize(bytes)', () => {
  it('round-trips bits, size and count', () => {
    const b = BloomFilter.forCount(1000);
    for (const id of ids(0, 1000)) b.add(id);
    const bytes = b.serialize();
    assert.equal(bytes.length, b.byteLength);
    const back = BloomFilter.deserialize(bytes);
    assert.deepEqual([back.bitCount, back.hashCount, back.count], [b.bitCount, b.hashCount, b.count]);
    for (const id of ids(0, 3000)) assert.equal(back.mayContain(id), b.mayContain(id));
    assert.deepEqual(Buffer.from(back.serialize()), Buffer.from(bytes));
  });

  it('writes the documented header', () => {
    const bytes = Buffer.from(BloomFilter.forCount(1).serialize());
    assert.equal(bytes.subarray(0, 16).toString('hex'), '52424c4d' + '01' + '1e' + '0000' + '40000000' + '00000000');
    assert.equal(bytes.length, 16 + 8);
  });

  it('rejects damaged bytes with a CorruptionError', () => {
    const good = Buffer.from(BloomFilter.forCount(100).serialize());
    const f = (bytes: Uint8Array, want: RegExp) =>
      assert.throws(
        () => BloomFilter.deserialize(bytes, 'seg.rseg'),
        (err: unknown) => err instanceof CorruptionError && err.file === 'seg.rseg' && want.test(err.message),
        `want ${want}`,
      );
    const patch = (at: number, byte: number) => {
      const b = Buffer.from(good);
      b[at] = byte;
      return b;
    };
    f(good.subarray(0, 3), /magic needs 4 bytes/);
    f(patch(0, 0), /bad magic/);
    f(patch(4, 2), /unsupported bloom filter version 2/);
    f(patch(5, 0), /probe count 0/);
    f(patch(5, 31), /probe count 31/);
    f(patch(8, 0), /needs|unexpected/);
    f(good.subarray(0, good.length - 1), /bits needs/);
    f(Buffer.concat([good, Buffer.from([0])]), /1 unexpected bytes/);
    const tiny = Buffer.from(good);
    tiny.writeUInt32LE(8, 8);
    f(tiny, /bit count 8 is below 64/);
  });
});
