import { dirname } from 'node:path';
import { isErrnoCode, type Fs } from './fs.ts';

/**
 * Creates `dir` and any missing parents, and syncs the parent of each one created, so that the
 * directory itself survives a crash (a plain `mkdir` is not durable until its parent is synced).
 */
export async function mkdirDurable(fs: Fs, dir: string): Promise<void> {
  const created: string[] = [];
  for (let p = dir; !(await fs.exists(p)); ) {
    created.push(p);
    const parent = dirname(p);
    if (parent === p) break;
    p = parent;
  }
  if (created.length === 0) return;
  await fs.mkdir(dir);
  // Outermost first, so each parent is durable before the entry below it is.
  for (let i = created.length - 1; i >= 0; i--) await fs.syncDir(dirname(created[i]!));
}

/** The whole content of a file. */
export async function readWholeFile(fs: Fs, path: string): Promise<Uint8Array> {
  const file = await fs.open(path);
  try {
    const bytes = new Uint8Array(await file.size());
    const n = await file.read(bytes, 0);
    return n === bytes.length ? bytes : bytes.subarray(0, n);
  } finally {
    await file.close();
  }
}

/** The whole content of a file, or undefined when there is no such file. */
export async function readFileIfExists(fs: Fs, path: string): Promise<Uint8Array | undefined> {
  try {
    return await readWholeFile(fs, path);
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/** Replaces `dir/name` with `bytes` so that a crash leaves either the old file or the new one. */
export async function writeFileAtomic(fs: Fs, dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${dir}/${name}.tmp`;
  const file = await fs.open(tmp, { write: true, create: true, truncate: true });
  try {
    await file.write(bytes, 0);
    await file.sync();
  } finally {
    await file.close();
  }
  await fs.rename(tmp, `${dir}/${name}`);
  await fs.syncDir(dir);
}
