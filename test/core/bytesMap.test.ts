import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BytesMap } from '../../src/core/index.ts';
import { hashBytes } from '../../src/core/bytesMap.ts';

/** Keys one after another in one buffer, as a decoder meets them in a body. */
function body(keys: readonly string[]): { buf: Buffer; view: DataView; at: number[] } {
  const buf = Buffer.from(keys.join(''), 'latin1');
  const at: number[] = [0];
  for (const k of keys) at.push(at[at.length - 1]! + k.length);
  return { buf, view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength), at };
}

describe('BytesMap', () => {
  it('finds every key by its bytes, past the growth of its tables and of its key buffer', () => {
    // 5,000 keys of up to 300 bytes: more entries and more key bytes than the tables start with.
    const keys = Array.from({ length: 5000 }, (_, i) => `{job="api",instance="10.0.${i >> 8}.${i & 255}:9100"}`.padEnd(40 + (i % 260), '.'));
    const { buf, view, at } = body(keys);
    const map = new BytesMap<number>(100_000);
    keys.forEach((_, i) => assert.equal(map.set(buf, view, at[i]!, at[i + 1]!, i * 10), i, 'entries are numbered in order'));
    assert.equal(map.size, keys.length);
    const again = body([...keys].reverse());
    keys.forEach((_, j) => {
      const i = keys.length - 1 - j;
      assert.equal(again.buf.subarray(again.at[j]!, again.at[j + 1]!).toString('latin1'), keys[i]);
      assert.equal(map.get(again.buf, again.view, again.at[j]!, again.at[j + 1]!), i * 10);
      assert.equal(map.keyLengthOf(i), keys[i]!.length);
      assert.ok(map.keyIsAt(i, again.buf, again.at[j]!, again.buf.length));
    });
    const other = body(['{job="api",instance="10.0.0.0:9101"}']);
    assert.equal(map.get(other.buf, other.view, 0, other.buf.length), undefined);
    // A key is not at a place where the bytes run out before it ends, nor where other bytes are.
    assert.equal(map.keyIsAt(0, buf, 0, keys[0]!.length - 1), false);
    assert.equal(map.keyIsAt(0, buf, at[1]!, buf.length), false);
    assert.equal(map.keyIsAt(keys.length, buf, 0, buf.length), false, 'no such entry');
  });

  it('starts over, entry numbers included, when full', () => {
    const keys = ['a=1', 'b=22', 'c=333', 'd=4444'];
    const { buf, view, at } = body(keys);
    const map = new BytesMap<string>(3);
    for (let i = 0; i < 3; i++) map.set(buf, view, at[i]!, at[i + 1]!, keys[i]!);
    assert.equal(map.set(buf, view, at[3]!, at[4]!, keys[3]!), 0, 'the first entry of a new start');
    assert.equal(map.size, 1);
    assert.equal(map.get(buf, view, at[0]!, at[1]!), undefined, 'forgotten');
    assert.equal(map.get(buf, view, at[3]!, at[4]!), 'd=4444');
    assert.equal(map.valueOf(0), 'd=4444');
    assert.equal(map.valueOf(1), undefined);
    assert.equal(map.keyIsAt(1, buf, at[1]!, buf.length), false, 'an entry of before the start over is gone');
  });

  it('tells apart keys of the same hash', () => {
    // Birthday search for two 12-byte keys with one hash (about 80,000 tries for a 32-bit hash).
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; pair === undefined && i < 2_000_000; i++) {
      const key = `k${String(i).padStart(11, '0')}`;
      const b = Buffer.from(key, 'latin1');
      const h = hashBytes(new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length);
      const before = seen.get(h);
      if (before !== undefined) pair = [before, key];
      else seen.set(h, key);
    }
    assert.ok(pair !== undefined, 'found two keys of one hash');
    const { buf, view, at } = body(pair);
    const map = new BytesMap<string>(10);
    map.set(buf, view, at[0]!, at[1]!, pair[0]);
    assert.equal(map.get(buf, view, at[1]!, at[2]!), undefined, 'same hash, other bytes: not found');
    map.set(buf, view, at[1]!, at[2]!, pair[1]);
    assert.equal(map.get(buf, view, at[0]!, at[1]!), pair[0]);
    assert.equal(map.get(buf, view, at[1]!, at[2]!), pair[1]);
  });
});
