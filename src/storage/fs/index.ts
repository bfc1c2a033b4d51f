export {
  errnoError,
  isErrnoCode,
  type ErrnoError,
  type FileStat,
  type Fs,
  type FsFile,
  type FsOp,
  type OpenOptions,
} from './fs.ts';
export { NodeFs } from './node.ts';
export { MemFs } from './mem.ts';
export { ErrorFs, type BeforeOp, type Injection } from './error.ts';
export { mkdirDurable, readFileIfExists, readWholeFile, writeFileAtomic } from './util.ts';
