import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemFs, readWholeFile } from '../../../src/storage/fs/index.ts';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A MemFs with a durable /d directory. */
async function fresh(): Promise<MemFs> {
  const fs = new MemFs();
  await fs.mkdir('/d');
  await fs.syncDir('/');
  return fs;
}

async function writeFile(fs: MemFs, path: string, content: string, opts: { sync?: boolean } = {}): Promise<void> {
  const f = await fs.open(path, { write: true, create: true });
  await f.append(bytes(content));
  if (opts.sync) await f.sync();
  await f.close();
}

async function content(fs: MemFs, path: string): Promise<string | undefined> {
  return (await fs.exists(path)) ? text(await readWholeFile(fs, path)) : undefined;
}

describe('MemFs.crashClone()', () => {
  it('keeps file bytes up to the last sync only', async () => {
    const fs = await fresh();
    const f = await fs.open('/d/f', { write: true, create: true });
    await fs.syncDir('/d');
    await f.append(bytes('durable'));
    await f.sync();
    await f.append(bytes('+lost'));
    assert.equal(await content(fs.crashClone(), '/d/f'), 'durable');
    assert.equal(await content(fs, '/d/f'), 'durable+lost', 'the original is untouched');
  });

  it('undoes an unsynced overwrite and an unsynced truncation', async () => {
    const fs = await fresh();
    const f = await fs.open('/d/f', { write: true, create: true });
    await fs.syncDir('/d');
    await f.append(bytes('abcdef'));
    await f.sync();
    await f.write(bytes('XY'), 1);
    await f.truncate(4);
    assert.equal(await content(fs.crashClone(), '/d/f'), 'abcdef');
    await f.sync();
    assert.equal(await content(fs.crashClone(), '/d/f'), 'aXYd');
  });

  it('loses a created file until its directory is synced, even if the file was synced', async () => {
    const fs = await fresh();
    await writeFile(fs, '/d/new', 'data', { sync: true });
    assert.equal(await content(fs.crashClone(), '/d/new'), undefined);
    await fs.syncDir('/d');
    assert.equal(await content(fs.crashClone(), '/d/new'), 'data');
  });

  it('keeps an entry whose file was synced after its directory', async () => {
    const fs = await fresh();
    const f = await fs.open('/d/f', { write: true, create: true });
    await fs.syncDir('/d');
    await f.append(bytes('late'));
    assert.equal(await content(fs.crashClone(), '/d/f'), '');
    await f.sync();
    assert.equal(await content(fs.crashClone(), '/d/f'), 'late');
  });

  it('brings back an unlinked file until its directory is synced', async () => {
    const fs = await fresh();
    await writeFile(fs, '/d/f', 'x', { sync: true });
    await fs.syncDir('/d');
    await fs.unlink('/d/f');
    assert.equal(await content(fs.crashClone(), '/d/f'), 'x');
    await fs.syncDir('/d');
    assert.equal(await content(fs.crashClone(), '/d/f'), undefined);
  });

  it('keeps the old name of a renamed file until both directories are synced', async () => {
    const fs = await fresh();
    await fs.mkdir('/e');
    await fs.syncDir('/');
    await writeFile(fs, '/d/tmp', 'v1', { sync: true });
    await fs.syncDir('/d');
    await fs.rename('/d/tmp', '/e/final');
    let clone = fs.crashClone();
    assert.deepEqual([await content(clone, '/d/tmp'), await content(clone, '/e/final')], ['v1', undefined]);
    await fs.syncDir('/e');
    await fs.syncDir('/d');
    clone = fs.crashClone();
    assert.deepEqual([await content(clone, '/d/tmp'), await content(clone, '/e/final')], [undefined, 'v1']);
  });

  it('loses a new directory, and all below it, until its parent is synced', async () => {
    const fs = new MemFs();
    await fs.mkdir('/a/b');
    await fs.syncDir('/a');
    await writeFile(fs, '/a/b/f', 'x', { sync: true });
    await fs.syncDir('/a/b');
    assert.deepEqual(await fs.crashClone().readdir('/'), []);
    await fs.syncDir('/');
    assert.equal(await content(fs.crashClone(), '/a/b/f'), 'x');
  });

  it('gives a clone that is independent and can itself crash', async () => {
    const fs = await fresh();
    await writeFile(fs, '/d/f', 'one', { sync: true });
    await fs.syncDir('/d');
    const clone = fs.crashClone();
    const f = await clone.open('/d/f', { write: true });
    await f.append(bytes('+two'));
    assert.equal(await content(fs, '/d/f'), 'one');
    assert.equal(await content(clone.crashClone(), '/d/f'), 'one', 'bytes the clone did not sync are lost');
    await f.sync();
    assert.equal(await content(clone.crashClone(), '/d/f'), 'one+two');
  });
});

describe('MemFs errors', () => {
  it('uses node-style codes', async () => {
    const fs = await fresh();
    const f = await fs.open('/d/f', { write: true, create: true });
    await f.close();
    await assert.rejects(f.append(bytes('x')), { code: 'EBADF' });
    await assert.rejects(fs.open('/nope/f', { write: true, create: true }), { code: 'ENOENT' });
    await assert.rejects(fs.open('/d', { write: true }), { code: 'EISDIR' });
    await assert.rejects(fs.unlink('/d'), { code: 'EISDIR' });
    await assert.rejects(fs.mkdir('/d/f/g'), { code: 'EEXIST' });
    await assert.rejects(fs.readdir('/d/f'), { code: 'ENOTDIR' });
    await assert.rejects(fs.rename('/d', '/d/sub'), { code: 'EINVAL' });
  });
});
