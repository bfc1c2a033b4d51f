import { MemFs, type Fs } from '../../../src/storage/fs/index.ts';
import { Wal, type ReplayReport, type WalOptions } from '../../../src/storage/wal/index.ts';

export const DIR = '/db/wal';

/** Payload `i` of a test: its index in the first 4 bytes, then `size - 4` bytes derived from it. */
export function payload(i: number, size = 64): Uint8Array {
  const p = new Uint8Array(size);
  new DataView(p.buffer).setUint32(0, i, true);
  for (let k = 4; k < size; k++) p[k] = (i * 31 + k) & 0xff;
  return p;
}

export function indexOf(p: Uint8Array): number {
  return new DataView(p.buffer, p.byteOffset, p.length).getUint32(0, true);
}

export interface Replayed {
  readonly ids: number[];
  readonly segments: number[];
  readonly report: ReplayReport;
}

/** Opens a WAL on `fs`, replays it, checks every payload is intact, and returns what it held. */
export async function reopenAndReplay(fs: Fs, options: WalOptions = { durability: { mode: 'every-write' } }): Promise<{ wal: Wal } & Replayed> {
  const wal = await Wal.open(fs, DIR, options);
  const ids: number[] = [];
  const segments: number[] = [];
  const report = await wal.replay((p, seq) => {
    const id = indexOf(p);
    const want = payload(id, p.length);
    if (Buffer.compare(p, want) !== 0) throw new Error(`record ${id} came back changed`);
    ids.push(id);
    segments.push(seq);
  });
  return { wal, ids, segments, report };
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** A MemFs whose root is durable, as a freshly mounted disk is. */
export async function freshFs(): Promise<MemFs> {
  return new MemFs();
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
