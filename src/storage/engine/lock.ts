import { RustsError } from '../../core/index.ts';
import { readFileIfExists, writeFileAtomic, type Fs } from '../fs/index.ts';

const LOCK_FILE = 'LOCK';

/** Another live engine (this process or another) has the data directory open. */
export class DataDirLockedError extends RustsError {
  constructor(readonly dataDir: string, readonly pid: number) {
    super('data_dir_locked', `data directory "${dataDir}" is in use by process ${pid}; two servers on one data directory would corrupt it`);
  }
}

// Directories held by engines of this process, per file system (a MemFs crash clone is another one).
const heldHere = new WeakMap<Fs, Set<string>>();

/**
 * Takes the data directory's lock: a `LOCK` file holding the owner's PID. A lock left by a process
 * that no longer runs (killed, crashed) is taken over, so recovery after a crash needs no manual step.
 */
export async function acquireDataDirLock(fs: Fs, dataDir: string): Promise<void> {
  const held = heldHere.get(fs) ?? new Set<string>();
  heldHere.set(fs, held);
  if (held.has(dataDir)) throw new DataDirLockedError(dataDir, process.pid);
  const lock = await readFileIfExists(fs, `${dataDir}/${LOCK_FILE}`);
  if (lock !== undefined) {
    const owner = Number(Buffer.from(lock).toString('utf8'));
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) throw new DataDirLockedError(dataDir, owner);
  }
  await writeFileAtomic(fs, dataDir, LOCK_FILE, Buffer.from(String(process.pid)));
  held.add(dataDir);
}

export async function releaseDataDirLock(fs: Fs, dataDir: string): Promise<void> {
  heldHere.get(fs)?.delete(dataDir);
  await fs.unlink(`${dataDir}/${LOCK_FILE}`).catch(() => {});
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else, which still makes it a live owner.
    return (err as { code?: string }).code === 'EPERM';
  }
}
