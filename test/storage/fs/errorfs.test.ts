import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorFs, MemFs, errnoError, readWholeFile, type FsOp } from '../../../src/storage/fs/index.ts';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

async function setup(): Promise<{ mem: MemFs; fs: ErrorFs }> {
  const mem = new MemFs();
  await mem.mkdir('/d');
  return { mem, fs: new ErrorFs(mem) };
}

describe('ErrorFs', () => {
  it('fails the chosen operation with EIO by default', async () => {
    const { fs } = await setup();
    fs.inject({ ops: ['sync'] });
    const f = await fs.open('/d/f', { write: true, create: true });
    await f.append(bytes('x'));
    await assert.rejects(f.sync(), { code: 'EIO' });
  });

  it('fails only on matching paths, after N calls, for M times', async () => {
    const { fs } = await setup();
    fs.inject({ ops: ['append'], path: (p) => p.endsWith('.wal'), after: 2, times: 1, error: (op, p) => errnoError('ENOSPC', op, p) });
    const other = await fs.open('/d/other', { write: true, create: true });
    for (let i = 0; i < 5; i++) await other.append(bytes('o'));
    const f = await fs.open('/d/1.wal', { write: true, create: true });
    await f.append(bytes('a'));
    await f.append(bytes('b'));
    await assert.rejects(f.append(bytes('c')), { code: 'ENOSPC' });
    await f.append(bytes('d'));
    assert.equal(new TextDecoder().decode(await readWholeFile(fs, '/d/1.wal')), 'abd');
  });

  it('a torn write leaves half the bytes behind', async () => {
    const { fs, mem } = await setup();
    fs.inject({ ops: ['write'], torn: true });
    const f = await fs.open('/d/f', { write: true, create: true });
    await assert.rejects(f.write(bytes('abcdef'), 0), { code: 'EIO' });
    assert.equal(new TextDecoder().decode(await readWholeFile(mem, '/d/f')), 'abc');
  });

  it('fails directory operations and rename by either path', async () => {
    const { fs } = await setup();
    const off = fs.inject({ ops: ['rename', 'syncDir', 'mkdir', 'unlink', 'readdir', 'open'], path: (p) => p.includes('bad') });
    await assert.rejects(fs.syncDir('/bad'), { code: 'EIO' });
    await assert.rejects(fs.mkdir('/d/bad'), { code: 'EIO' });
    await assert.rejects(fs.open('/d/bad', { write: true, create: true }), { code: 'EIO' });
    await (await fs.open('/d/good', { write: true, create: true })).close();
    await assert.rejects(fs.rename('/d/good', '/d/bad'), { code: 'EIO' });
    off();
    await fs.rename('/d/good', '/d/bad');
    assert.deepEqual(await fs.readdir('/d'), ['bad']);
  });

  it('counts calls and runs the hook before each', async () => {
    const seen: FsOp[] = [];
    const fs = new ErrorFs(new MemFs(), (op) => {
      seen.push(op);
    });
    const f = await fs.open('/f', { write: true, create: true });
    await f.append(bytes('x'));
    await f.sync();
    await f.sync();
    await f.close();
    assert.equal(fs.count('sync'), 2);
    assert.equal(fs.count('rename'), 0);
    assert.deepEqual(seen, ['open', 'append', 'sync', 'sync', 'close']);
  });

  it('clear() removes every rule', async () => {
    const { fs } = await setup();
    fs.inject({ ops: ['readdir'] });
    await assert.rejects(fs.readdir('/d'));
    fs.clear();
    assert.deepEqual(await fs.readdir('/d'), []);
  });
});
