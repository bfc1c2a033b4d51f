import { ErrorFs, MemFs, type Fs } from '../../../src/storage/fs/index.ts';
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

/**
 * A WAL's file system whose syncs of `.wal` files, once `hold(true)`, wait until the test settles
 * them one by one: `held[i]()` lets sync i finish, `held[i](error)` fails it. The MemFs takes its
 * synced copy when a held sync is let go.
 */
export function heldSyncs(): { mem: MemFs; fs: ErrorFs; held: ((error?: Error) => void)[]; hold: (on: boolean) => void } {
  const mem = new MemFs();
  const held: ((error?: Error) => void)[] = [];
  let holding = false;
  const fs = new ErrorFs(mem, (op, path) => {
    if (!holding || op !== 'sync' || !path.endsWith('.wal')) return undefined;
    return new Promise<void>((resolve, reject) => held.push((error) => (error === undefined ? resolve() : reject(error))));
  });
  return { mem, fs, held, hold: (on) => (holding = on) };
}

/** Waits, a millisecond at a time for at most a second, until `condition` holds. */
export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await sleep(1);
  if (!condition()) throw new Error(`timed out waiting until ${what}`);
}
