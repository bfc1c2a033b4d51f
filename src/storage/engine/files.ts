import type { Fs } from '../fs/index.ts';

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
