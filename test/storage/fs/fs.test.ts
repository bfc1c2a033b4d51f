import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pbkdf2 } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MemFs, NodeFs, isErrnoCode, mkdirDurable, readWholeFile, type Fs } from '../../../src/storage/fs/index.ts';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isErrnoCode(err, code), `want ${code}, got ${String(err)}`);
    return true;
  });
}

/** The behaviour every Fs must share, checked against the real file system and the in-memory one alike. */
function contract(name: string, setup: () => Promise<{ fs: Fs; root: string; cleanup: () => Promise<void> }>): void {
  describe(`${name} (Fs contract)`, () => {
    let fs: Fs;
    let root: string;
    let cleanup: () => Promise<void>;
    before(async () => ({ fs, root, cleanup } = await setup()));
    after(() => cleanup());

    it('writes, appends, reads at a position, reports size', async () => {
      const f = await fs.open(join(root, 'a'), { write: true, create: true });
      await f.append(bytes('hello'));
      await f.append(bytes(' world'));
      await f.write(bytes('H'), 0);
      assert.equal(await f.size(), 11);
      const dst = new Uint8Array(5);
      assert.equal(await f.read(dst, 6), 5);
      assert.equal(text(dst), 'world');
      assert.equal(await f.read(new Uint8Array(10), 8), 3, 'a read at the end is short');
      assert.equal(await f.read(new Uint8Array(10), 20), 0, 'a read past the end reads nothing');
      await f.sync();
      await f.close();
      assert.equal(text(await readWholeFile(fs, join(root, 'a'))), 'Hello world');
    });

    it('writes past the end leave a hole of zeros', async () => {
      const f = await fs.open(join(root, 'hole'), { write: true, create: true });
      await f.write(bytes('x'), 4);
      assert.deepEqual([...(await readWholeFile(fs, join(root, 'hole')))], [0, 0, 0, 0, 120]);
      await f.close();
    });

    it('truncates, and appends go to the new end', async () => {
      const f = await fs.open(join(root, 't'), { write: true, create: true });
      await f.append(bytes('abcdef'));
      await f.truncate(2);
      await f.append(bytes('Z'));
      assert.equal(await f.size(), 3);
      await f.close();
      assert.equal(text(await readWholeFile(fs, join(root, 't'))), 'abZ');
    });

    it('opens with truncate, exclusive, and read-only', async () => {
      const path = join(root, 'x');
      const f = await fs.open(path, { write: true, exclusive: true });
      await f.append(bytes('123'));
      await f.close();
      await rejectsWith(fs.open(path, { write: true, exclusive: true }), 'EEXIST');
      await rejectsWith(fs.open(join(root, 'missing')), 'ENOENT');
      const r = await fs.open(path);
      await assert.rejects(r.append(bytes('no')));
      await r.close();
      const t = await fs.open(path, { write: true, truncate: true });
      assert.equal(await t.size(), 0);
      await t.close();
    });

    it('mkdir -p, readdir sorted, stat, exists', async () => {
      await fs.mkdir(join(root, 'd/e/f'));
      await fs.mkdir(join(root, 'd/e/f'));
      for (const n of ['b', 'a', 'c']) await (await fs.open(join(root, 'd', n), { write: true, create: true })).close();
      assert.deepEqual(await fs.readdir(join(root, 'd')), ['a', 'b', 'c', 'e']);
      assert.equal((await fs.stat(join(root, 'd/e'))).isDirectory, true);
      assert.deepEqual(await fs.stat(join(root, 'd/a')), { size: 0, isDirectory: false });
      assert.equal(await fs.exists(join(root, 'd/e/f')), true);
      assert.equal(await fs.exists(join(root, 'd/zz')), false);
      await rejectsWith(fs.readdir(join(root, 'nope')), 'ENOENT');
      await rejectsWith(fs.stat(join(root, 'nope')), 'ENOENT');
      await fs.syncDir(join(root, 'd'));
    });

    it('renames over a file, unlinks, removes a tree', async () => {
      await fs.mkdir(join(root, 'r'));
      const a = await fs.open(join(root, 'r/a'), { write: true, create: true });
      await a.append(bytes('A'));
      await a.close();
      const b = await fs.open(join(root, 'r/b'), { write: true, create: true });
      await b.append(bytes('B'));
      await b.close();
      await fs.rename(join(root, 'r/a'), join(root, 'r/b'));
      assert.deepEqual(await fs.readdir(join(root, 'r')), ['b']);
      assert.equal(text(await readWholeFile(fs, join(root, 'r/b'))), 'A');
      await rejectsWith(fs.rename(join(root, 'r/a'), join(root, 'r/c')), 'ENOENT');
      await fs.unlink(join(root, 'r/b'));
      await rejectsWith(fs.unlink(join(root, 'r/b')), 'ENOENT');
      await fs.mkdir(join(root, 'r/s/t'));
      await (await fs.open(join(root, 'r/s/t/f'), { write: true, create: true })).close();
      await fs.removeAll(join(root, 'r/s'));
      await fs.removeAll(join(root, 'r/s'));
      assert.deepEqual(await fs.readdir(join(root, 'r')), []);
    });

    it('mkdirDurable creates missing parents', async () => {
      await mkdirDurable(fs, join(root, 'm/n/o'));
      await mkdirDurable(fs, join(root, 'm/n/o'));
      assert.equal((await fs.stat(join(root, 'm/n/o'))).isDirectory, true);
    });
  });
}

contract('NodeFs', async () => {
  const root = await mkdtemp(join(tmpdir(), 'rusts-fs-'));
  return { fs: new NodeFs(), root, cleanup: () => rm(root, { recursive: true, force: true }) };
});

contract('MemFs', async () => {
  const fs = new MemFs();
  await fs.mkdir('/data');
  return { fs, root: '/data', cleanup: async () => {} };
});

describe('NodeFs writes', () => {
  it('puts a small write in the file within the call, and a large one across the thread pool, both whole', async () => {
    const root = await mkdtemp(join(tmpdir(), 'rusts-fs-'));
    try {
      const fs = new NodeFs();
      const path = join(root, 'w');
      const f = await fs.open(path, { write: true, create: true });
      const small = new Uint8Array(64 * 1024).fill(7);
      // With every thread of the pool busy, a write that went through it could not have happened yet.
      const busy = Array.from({ length: Number(process.env.UV_THREADPOOL_SIZE ?? 4) }, () => promisify(pbkdf2)('x', 'y', 200_000, 32, 'sha256'));
      const pending = f.write(small, 0);
      // A WAL batch is this size: written within the call, it spares each batch a round trip through the thread pool.
      assert.equal(readFileSync(path).length, small.length, 'the small write is in the file before its promise settles');
      await Promise.all([pending, ...busy]);
      const large = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
      await f.write(large, small.length);
      await f.close();
      const all = readFileSync(path);
      assert.equal(all.length, small.length + large.length);
      assert.ok(all.subarray(0, small.length).every((b) => b === 7));
      assert.deepEqual(all.subarray(small.length), Buffer.from(large));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
