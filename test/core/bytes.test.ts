import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteReader, ByteWriter, CorruptionError, DecodeError, corruptionIn } from '../../src/core/index.ts';

describe('ByteWriter and ByteReader', () => {
  it('round-trip every kind of value while the writer grows', () => {
    // A tiny first capacity, so that writes of every kind land on a growth.
    const w = new ByteWriter(3);
    const strings = ['', 'a', 'ü€𝄞', 'x'.repeat(200), 'é'.repeat(3000)];
    for (let round = 0; round < 20; round++) {
      w.u8(250);
      w.u16(65_000);
      w.u32(0xdeadbeef);
      w.i32(-5);
      w.u64(2 ** 53 - 1);
      w.i64(-(2 ** 40) - 3);
      w.u64(0xfedcba9876543210n);
      w.f64(-0);
      w.uvarint(2 ** 53 - 1);
      w.varint(-123_456_789_012);
      for (const s of strings) {
        w.string(s);
        w.string16(s);
        w.varString(s);
      }
      w.rawArray(Float64Array.of(1.5, NaN));
      w.rawArray(new Int32Array(100).fill(-7), 100);
    }
    const bytes = w.finish();
    const r = new ByteReader(bytes);
    for (let round = 0; round < 20; round++) {
      assert.equal(r.u8('u8'), 250);
      assert.equal(r.u16('u16'), 65_000);
      assert.equal(r.u32('u32'), 0xdeadbeef);
      assert.equal(r.i32('i32'), -5);
      assert.equal(r.u64('u64'), 2 ** 53 - 1);
      assert.equal(r.i64('i64'), -(2 ** 40) - 3);
      assert.equal(r.u64big('u64big'), 0xfedcba9876543210n);
      assert.ok(Object.is(r.f64('f64'), -0));
      assert.equal(r.uvarint('uvarint'), 2 ** 53 - 1);
      assert.equal(r.varint('varint'), -123_456_789_012);
      for (const s of strings) {
        assert.equal(r.string('string'), s);
        assert.equal(r.string16('string16'), s);
        assert.equal(r.varString('varString'), s);
      }
      const f = new Float64Array(2);
      r.rawArray(f, 2, 'floats');
      assert.deepEqual([...f], [1.5, NaN]);
      const ints = new Int32Array(100);
      r.rawArray(ints, 100, 'ints');
      assert.ok(ints.every((x) => x === -7));
    }
    r.expectEnd('test data');
  });

  it('names what it was reading and where when the bytes run out or are malformed', () => {
    const r = new ByteReader(Uint8Array.of(1, 2, 3), 1);
    assert.throws(() => r.u32('the series count'), (err: unknown) => err instanceof DecodeError && /the series count needs 4 bytes, 2 left \(at offset 1\)/.test(err.message));
    const bad = new ByteReader(Uint8Array.of(2, 0xc3, 0x28), 0, 3, corruptionIn('seg.rseg', 100));
    assert.throws(
      () => bad.varString('field name'),
      (err: unknown) => err instanceof CorruptionError && err.file === 'seg.rseg' && err.offset === 101 && /field name is not valid UTF-8/.test(err.message),
    );
    assert.throws(() => new ByteReader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1)).uvarint('a count'), /a count is a varint longer than 8 bytes/);
  });
});
