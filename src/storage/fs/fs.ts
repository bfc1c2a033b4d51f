/**
 * The file system as storage sees it. Storage code reaches the disk only through an `Fs`, so tests
 * can swap in `MemFs` (which can simulate a crash) or `ErrorFs` (which injects I/O errors).
 *
 * Paths are plain strings; implementations do not interpret them beyond what their platform does.
 * Failures are errors carrying a Node-style `code` (`ENOENT`, `EEXIST`, `ENOSPC`, `EIO`, ...), as
 * node:fs throws them, so callers test `code`, never the message. See `isErrnoCode`.
 */
export interface Fs {
  /** Opens a file; read-only unless `options.write`. */
  open(path: string, options?: OpenOptions): Promise<FsFile>;
  /** Creates a directory and any missing parents (`mkdir -p`); an existing directory is fine. */
  mkdir(path: string): Promise<void>;
  /** Names of the entries of a directory, sorted by code unit. */
  readdir(path: string): Promise<string[]>;
  /** Renames a file or directory, replacing a file at `to`. Durable only after `syncDir` of both parents. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file. Durable only after `syncDir` of its parent. */
  unlink(path: string): Promise<void>;
  /** Removes a file or a directory tree (`rm -rf`); a missing path is not an error. */
  removeAll(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  stat(path: string): Promise<FileStat>;
  /**
   * Makes the directory's entries durable: files created, renamed into or removed from it since
   * the last `syncDir` survive an OS crash only after this resolves. It does not sync file data.
   */
  syncDir(path: string): Promise<void>;
}

export interface OpenOptions {
  /** Open for writing as well as reading. */
  readonly write?: boolean;
  /** Create the file if it is missing (needs `write`). */
  readonly create?: boolean;
  /** Fail with `EEXIST` if the file exists; implies `create`. */
  readonly exclusive?: boolean;
  /** Cut the file to length 0 on open (needs `write`). */
  readonly truncate?: boolean;
}

export interface FileStat {
  readonly size: number;
  readonly isDirectory: boolean;
}

/**
 * An open file. Not safe for concurrent writers: a file has at most one writer, which issues one
 * operation at a time (reads may overlap each other). Data written is durable only after `sync`.
 */
export interface FsFile {
  readonly path: string;
  /** Reads up to `dst.length` bytes at `position` into `dst`; returns how many, fewer only at the end of the file. */
  read(dst: Uint8Array, position: number): Promise<number>;
  /** Writes all of `src` at `position`, extending the file if needed. */
  write(src: Uint8Array, position: number): Promise<void>;
  /** Writes all of `src` at the end of the file. */
  append(src: Uint8Array): Promise<void>;
  size(): Promise<number>;
  truncate(size: number): Promise<void>;
  /** fdatasync: resolves once the file's bytes (and its size) are on stable storage. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Every operation an `Fs` or `FsFile` offers, by name (as `ErrorFs` selects them). */
export type FsOp =
  | 'open'
  | 'mkdir'
  | 'readdir'
  | 'rename'
  | 'unlink'
  | 'removeAll'
  | 'exists'
  | 'stat'
  | 'syncDir'
  | 'read'
  | 'write'
  | 'append'
  | 'size'
  | 'truncate'
  | 'sync'
  | 'close';

/** An error as node:fs reports a failed system call. */
export interface ErrnoError extends Error {
  readonly code: string;
  readonly syscall?: string;
  readonly path?: string;
}

const MESSAGES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EEXIST: 'file already exists',
  EISDIR: 'illegal operation on a directory',
  ENOTDIR: 'not a directory',
  ENOTEMPTY: 'directory not empty',
  EBADF: 'bad file descriptor',
  EINVAL: 'invalid argument',
  EIO: 'i/o error',
  ENOSPC: 'no space left on device',
};

/** An error shaped like the ones node:fs throws, for in-memory and error-injecting file systems. */
export function errnoError(code: string, syscall: string, path: string): ErrnoError {
  const err = new Error(`${code}: ${MESSAGES[code] ?? 'error'}, ${syscall} '${path}'`) as Error & {
    code: string;
    syscall: string;
    path: string;
  };
  err.code = code;
  err.syscall = syscall;
  err.path = path;
  return err;
}

/** True when `err` is a file-system error with the given code (`ENOENT`, ...). */
export function isErrnoCode(err: unknown, code: string): boolean {
  return err instanceof Error && (err as Partial<ErrnoError>).code === code;
}
