import { posix } from 'node:path';
import { errnoError, type FileStat, type Fs, type FsFile, type OpenOptions } from './fs.ts';

class MemFileNode {
  readonly kind = 'file';
  data = new Uint8Array(0);
  length = 0;
  // What survives a crash: the bytes as of the last sync. `dirtyFrom` is the lowest offset that may
  // differ from them, so a sync copies only what changed since the one before.
  durable = new Uint8Array(0);
  durableLength = 0;
  dirtyFrom = 0;

  static of(bytes: Uint8Array): MemFileNode {
    const node = new MemFileNode();
    node.data = bytes.slice();
    node.length = bytes.length;
    node.durable = bytes.slice();
    node.durableLength = bytes.length;
    node.dirtyFrom = bytes.length;
    return node;
  }

  ensureCapacity(n: number): void {
    if (n <= this.data.length) return;
    const grown = new Uint8Array(Math.max(n, this.data.length * 2, 64));
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }

  write(src: Uint8Array, position: number): void {
    const end = position + src.length;
    this.ensureCapacity(end);
    // A write past the end leaves a hole that reads as zeros, as on a real file system.
    if (position > this.length) this.data.fill(0, this.length, position);
    this.data.set(src, position);
    if (end > this.length) this.length = end;
    this.dirtyFrom = Math.min(this.dirtyFrom, position);
  }

  truncate(size: number): void {
    if (size > this.length) {
      this.ensureCapacity(size);
      this.data.fill(0, this.length, size);
    }
    this.dirtyFrom = Math.min(this.dirtyFrom, size, this.length);
    this.length = size;
  }

  sync(): void {
    if (this.durable.length < this.length) {
      const grown = new Uint8Array(this.data.length);
      grown.set(this.durable.subarray(0, Math.min(this.durableLength, this.dirtyFrom)));
      this.durable = grown;
    }
    if (this.dirtyFrom < this.length) this.durable.set(this.data.subarray(this.dirtyFrom, this.length), this.dirtyFrom);
    this.durableLength = this.length;
    this.dirtyFrom = this.length;
  }
}

class MemDirNode {
  readonly kind = 'dir';
  readonly entries = new Map<string, MemNode>();
  // The entries as of the last syncDir: the only ones a crash keeps.
  durable = new Map<string, MemNode>();
}

type MemNode = MemFileNode | MemDirNode;

/**
 * An in-memory `Fs` that can simulate an OS crash. `crashClone()` returns a new MemFs holding
 * only what was made durable, by two rules:
 *
 * 1. A file's bytes survive up to its last `sync` (bytes written after it are lost, and a
 *    truncation after it is undone).
 * 2. A directory entry (a file or directory created, renamed in or out, or removed) changes only
 *    when its directory is synced with `syncDir`. Until then a crash restores the entries the
 *    directory had at its previous `syncDir` (a new file is gone, a removed file is back, a
 *    renamed file is under its old name). The root directory always exists.
 *
 * A file reachable after a crash has its synced bytes even if it was synced after its directory
 * (rule 1 applies to the file, whatever name it is reached by). Everything else behaves like a
 * POSIX file system, with Node-style error codes. Simulating a killed process (not a crashed OS)
 * needs no clone: keep using the same MemFs, since the page cache survives a process.
 */
export class MemFs implements Fs {
  private root = new MemDirNode();

  /** A new MemFs with what a crash right now would leave on disk (see the class comment). */
  crashClone(): MemFs {
    const clone = new MemFs();
    clone.root = cloneDurable(this.root);
    return clone;
  }

  async open(path: string, options: OpenOptions = {}): Promise<FsFile> {
    const { parent, name, abs } = this.parentOf(path, 'open');
    let node = parent.entries.get(name);
    if (node?.kind === 'dir') throw errnoError('EISDIR', 'open', abs);
    if (node !== undefined && options.exclusive) throw errnoError('EEXIST', 'open', abs);
    if (node === undefined) {
      if (!options.create && !options.exclusive) throw errnoError('ENOENT', 'open', abs);
      node = new MemFileNode();
      parent.entries.set(name, node);
    }
    if (options.truncate && options.write) node.truncate(0);
    return new MemFile(abs, node, options.write === true);
  }

  async mkdir(path: string): Promise<void> {
    const abs = normalize(path);
    let dir = this.root;
    for (const part of parts(abs)) {
      const next = dir.entries.get(part);
      if (next === undefined) {
        const created = new MemDirNode();
        dir.entries.set(part, created);
        dir = created;
      } else if (next.kind === 'dir') {
        dir = next;
      } else {
        throw errnoError('EEXIST', 'mkdir', abs);
      }
    }
  }

  async readdir(path: string): Promise<string[]> {
    return [...this.dirAt(path, 'scandir').entries.keys()].sort();
  }

  async rename(from: string, to: string): Promise<void> {
    const src = this.parentOf(from, 'rename');
    const dst = this.parentOf(to, 'rename');
    const node = src.parent.entries.get(src.name);
    if (node === undefined) throw errnoError('ENOENT', 'rename', src.abs);
    if (src.abs === dst.abs) return;
    const existing = dst.parent.entries.get(dst.name);
    if (node.kind === 'dir') {
      if (dst.abs.startsWith(src.abs + '/')) throw errnoError('EINVAL', 'rename', src.abs);
      if (existing?.kind === 'file') throw errnoError('ENOTDIR', 'rename', dst.abs);
      if (existing?.kind === 'dir' && existing.entries.size > 0) throw errnoError('ENOTEMPTY', 'rename', dst.abs);
    } else if (existing?.kind === 'dir') {
      throw errnoError('EISDIR', 'rename', dst.abs);
    }
    src.parent.entries.delete(src.name);
    dst.parent.entries.set(dst.name, node);
  }

  async unlink(path: string): Promise<void> {
    const { parent, name, abs } = this.parentOf(path, 'unlink');
    const node = parent.entries.get(name);
    if (node === undefined) throw errnoError('ENOENT', 'unlink', abs);
    if (node.kind === 'dir') throw errnoError('EISDIR', 'unlink', abs);
    parent.entries.delete(name);
  }

  async removeAll(path: string): Promise<void> {
    const abs = normalize(path);
    if (abs === '/') {
      this.root.entries.clear();
      return;
    }
    const parent = this.lookup(posix.dirname(abs));
    if (parent?.kind === 'dir') parent.entries.delete(posix.basename(abs));
  }

  async exists(path: string): Promise<boolean> {
    return this.lookup(normalize(path)) !== undefined;
  }

  async stat(path: string): Promise<FileStat> {
    const abs = normalize(path);
    const node = this.lookup(abs);
    if (node === undefined) throw errnoError('ENOENT', 'stat', abs);
    return node.kind === 'dir' ? { size: 0, isDirectory: true } : { size: node.length, isDirectory: false };
  }

  async syncDir(path: string): Promise<void> {
    const dir = this.dirAt(path, 'fsync');
    dir.durable = new Map(dir.entries);
  }

  private lookup(abs: string): MemNode | undefined {
    let node: MemNode = this.root;
    for (const part of parts(abs)) {
      if (node.kind !== 'dir') return undefined;
      const next: MemNode | undefined = node.entries.get(part);
      if (next === undefined) return undefined;
      node = next;
    }
    return node;
  }

  private dirAt(path: string, syscall: string): MemDirNode {
    const abs = normalize(path);
    const node = this.lookup(abs);
    if (node === undefined) throw errnoError('ENOENT', syscall, abs);
    if (node.kind !== 'dir') throw errnoError('ENOTDIR', syscall, abs);
    return node;
  }

  private parentOf(path: string, syscall: string): { parent: MemDirNode; name: string; abs: string } {
    const abs = normalize(path);
    if (abs === '/') throw errnoError('EISDIR', syscall, abs);
    const parent = this.lookup(posix.dirname(abs));
    if (parent === undefined) throw errnoError('ENOENT', syscall, abs);
    if (parent.kind !== 'dir') throw errnoError('ENOTDIR', syscall, abs);
    return { parent, name: posix.basename(abs), abs };
  }
}

function normalize(path: string): string {
  return posix.resolve('/', path);
}

function parts(abs: string): string[] {
  return abs === '/' ? [] : abs.slice(1).split('/');
}

function cloneDurable(dir: MemDirNode): MemDirNode {
  const out = new MemDirNode();
  for (const [name, node] of dir.durable) {
    const copy = node.kind === 'dir' ? cloneDurable(node) : MemFileNode.of(node.durable.subarray(0, node.durableLength));
    out.entries.set(name, copy);
  }
  out.durable = new Map(out.entries);
  return out;
}

class MemFile implements FsFile {
  private closed = false;

  constructor(
    readonly path: string,
    private readonly node: MemFileNode,
    private readonly writable: boolean,
  ) {}

  async read(dst: Uint8Array, position: number): Promise<number> {
    this.check('read', false);
    const n = Math.max(0, Math.min(dst.length, this.node.length - position));
    if (n > 0) dst.set(this.node.data.subarray(position, position + n));
    return n;
  }

  async write(src: Uint8Array, position: number): Promise<void> {
    this.check('write', true);
    this.node.write(src, position);
  }

  async append(src: Uint8Array): Promise<void> {
    this.check('write', true);
    this.node.write(src, this.node.length);
  }

  async size(): Promise<number> {
    this.check('fstat', false);
    return this.node.length;
  }

  async truncate(size: number): Promise<void> {
    this.check('ftruncate', true);
    this.node.truncate(size);
  }

  async sync(): Promise<void> {
    this.check('fdatasync', false);
    this.node.sync();
  }

  async close(): Promise<void> {
    this.check('close', false);
    this.closed = true;
  }

  private check(syscall: string, write: boolean): void {
    if (this.closed || (write && !this.writable)) throw errnoError('EBADF', syscall, this.path);
  }
}
