import { errnoError, type FileStat, type Fs, type FsFile, type FsOp, type OpenOptions } from './fs.ts';

/** One kind of failure that `ErrorFs` injects. */
export interface Injection {
  /** The operations that fail. */
  readonly ops: readonly FsOp[];
  /** Only calls on matching paths fail (both paths are tried for `rename`); default: every path. */
  readonly path?: (path: string) => boolean;
  /** This many matching calls succeed before the first failure; default 0. */
  readonly after?: number;
  /** Fail this many calls, then stop; default: for ever. */
  readonly times?: number;
  /** The error to throw; default an `EIO` error naming the operation and path. */
  readonly error?: (op: FsOp, path: string) => Error;
  /** For `write` and `append`: write the first half of the bytes before failing, as a torn write does. */
  readonly torn?: boolean;
}

/** Called before every operation, failing or not: counts calls in tests, or adds latency. */
export type BeforeOp = (op: FsOp, path: string) => void | Promise<void>;

interface ActiveInjection {
  readonly injection: Injection;
  seen: number;
  failed: number;
}

/**
 * An `Fs` that forwards to another and fails chosen operations with an injected error, to test
 * that storage reports I/O errors and never acknowledges a write it failed to make. Rules are
 * checked in the order they were added; the first that fires wins.
 */
export class ErrorFs implements Fs {
  private readonly rules: ActiveInjection[] = [];
  private readonly counts = new Map<FsOp, number>();

  constructor(
    private readonly inner: Fs,
    private readonly beforeOp?: BeforeOp,
  ) {}

  /** Adds a failure rule; returns a function that removes it. */
  inject(injection: Injection): () => void {
    const rule: ActiveInjection = { injection, seen: 0, failed: 0 };
    this.rules.push(rule);
    return () => {
      const i = this.rules.indexOf(rule);
      if (i >= 0) this.rules.splice(i, 1);
    };
  }

  /** Removes every failure rule. */
  clear(): void {
    this.rules.length = 0;
  }

  /** How many times `op` was called (failed calls included). */
  count(op: FsOp): number {
    return this.counts.get(op) ?? 0;
  }

  /** Runs the hook and throws the injected error if a rule fires; returns the rule for torn writes. */
  private async before(op: FsOp, path: string, path2?: string): Promise<Injection | undefined> {
    this.counts.set(op, this.count(op) + 1);
    if (this.beforeOp !== undefined) await this.beforeOp(op, path);
    for (const rule of this.rules) {
      const { injection } = rule;
      if (!injection.ops.includes(op)) continue;
      const match = injection.path === undefined || injection.path(path) || (path2 !== undefined && injection.path(path2));
      if (!match) continue;
      rule.seen++;
      if (rule.seen <= (injection.after ?? 0)) continue;
      if (rule.failed >= (injection.times ?? Infinity)) continue;
      rule.failed++;
      if (injection.torn && (op === 'write' || op === 'append')) return injection;
      throw failure(injection, op, path);
    }
    return undefined;
  }

  async open(path: string, options?: OpenOptions): Promise<FsFile> {
    await this.before('open', path);
    return new ErrorFile((op, p) => this.before(op, p), await this.inner.open(path, options));
  }

  async mkdir(path: string): Promise<void> {
    await this.before('mkdir', path);
    return this.inner.mkdir(path);
  }

  async readdir(path: string): Promise<string[]> {
    await this.before('readdir', path);
    return this.inner.readdir(path);
  }

  async rename(from: string, to: string): Promise<void> {
    await this.before('rename', from, to);
    return this.inner.rename(from, to);
  }

  async unlink(path: string): Promise<void> {
    await this.before('unlink', path);
    return this.inner.unlink(path);
  }

  async removeAll(path: string): Promise<void> {
    await this.before('removeAll', path);
    return this.inner.removeAll(path);
  }

  async exists(path: string): Promise<boolean> {
    await this.before('exists', path);
    return this.inner.exists(path);
  }

  async stat(path: string): Promise<FileStat> {
    await this.before('stat', path);
    return this.inner.stat(path);
  }

  async syncDir(path: string): Promise<void> {
    await this.before('syncDir', path);
    return this.inner.syncDir(path);
  }
}

function failure(injection: Injection, op: FsOp, path: string): Error {
  return injection.error !== undefined ? injection.error(op, path) : errnoError('EIO', op, path);
}

type Check = (op: FsOp, path: string) => Promise<Injection | undefined>;

class ErrorFile implements FsFile {
  constructor(
    private readonly before: Check,
    private readonly inner: FsFile,
  ) {}

  get path(): string {
    return this.inner.path;
  }

  async read(dst: Uint8Array, position: number): Promise<number> {
    await this.before('read', this.path);
    return this.inner.read(dst, position);
  }

  async write(src: Uint8Array, position: number): Promise<void> {
    const torn = await this.before('write', this.path);
    if (torn !== undefined) {
      await this.inner.write(src.subarray(0, src.length >>> 1), position);
      throw failure(torn, 'write', this.path);
    }
    return this.inner.write(src, position);
  }

  async append(src: Uint8Array): Promise<void> {
    const torn = await this.before('append', this.path);
    if (torn !== undefined) {
      await this.inner.append(src.subarray(0, src.length >>> 1));
      throw failure(torn, 'append', this.path);
    }
    return this.inner.append(src);
  }

  async size(): Promise<number> {
    await this.before('size', this.path);
    return this.inner.size();
  }

  async truncate(size: number): Promise<void> {
    await this.before('truncate', this.path);
    return this.inner.truncate(size);
  }

  async sync(): Promise<void> {
    await this.before('sync', this.path);
    return this.inner.sync();
  }

  async close(): Promise<void> {
    await this.before('close', this.path);
    return this.inner.close();
  }
}
