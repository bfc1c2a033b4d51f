import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seriesIdOf } from '../../src/core/index.ts';
import { SeriesIndex } from '../../src/index/index.ts';
import { indexOf } from './helpers.ts';
// Internal: the LRU that bounds the compiled-regex cache has no public surface.
import { Lru } from '../../src/index/lru.ts';

// One series, annotated against docs/format/index.md. A change here is a format change.
const GOLDEN = [
  '5254534944580001', // magic "RTSIDX\0\1"
  '01000000', // version 1
  '00000000', // flags
  '01000000', // refCount 1
  '01000000', // liveCount 1
  '12000000', // live bitmap: 18 bytes of roaring portable format
  '3a30000001000000000000001000000000 00',
  '0fb0b302', // id low halves: xxh64("cpu,host=a") = 0x521f9ffb02b3b00f
  'fb9f1f52', // id high halves
  '0a000000', // key lengths (UTF-16 units): 10
  '0a000000', // key blob: 10 bytes
  '6370752c686f73743d61', // "cpu,host=a"
  '01000000', // measurements: 1 value
  '03000000637075', // "cpu"
  '00', '00000000', // single ref 0
  '01000000', // tag keys: 1
  '04000000686f7374', // "host"
  '12000000', '3a300000010000000000000010000000 0000', // refs having "host"
  '01000000', // values: 1
  '0100000061', // "a"
  '00', '00000000', // single ref 0
  '788e7b5b', // crc32c
].join('').replace(/ /g, '');

describe('series index format', () => {
  it('matches the golden bytes for one series', () => {
    assert.equal(seriesIdOf('cpu,host=a'), 0x521f9ffb02b3b00fn);
    const got = Buffer.from(indexOf([{ measurement: 'cpu', tags: { host: 'a' } }]).serialize()).toString('hex');
    assert.equal(got, GOLDEN);
    assert.deepEqual(SeriesIndex.deserialize(Buffer.from(GOLDEN, 'hex')).seriesOf(0)?.key, 'cpu,host=a');
  });
});

describe('Lru', () => {
  it('keeps at most its capacity, evicting the least recently used', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    assert.equal(lru.get('a'), 1);
    lru.set('c', 3);
    assert.deepEqual([lru.get('a'), lru.get('b'), lru.get('c'), lru.size], [1, undefined, 3, 2]);
  });
});
