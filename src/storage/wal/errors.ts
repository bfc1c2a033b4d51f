import { RustsError } from '../../core/index.ts';

/** An append, rotate or sync on a WAL that was closed. */
export class WalClosedError extends RustsError {
  constructor(readonly dir: string) {
    super('wal_closed', `WAL "${dir}" is closed`);
  }
}

/**
 * The WAL hit an error it cannot recover from (a failed sync, or a failed write it could not undo),
 * so nothing more is written: reopen it, which replays what is durable.
 */
export class WalBrokenError extends RustsError {
  constructor(readonly dir: string, cause: unknown) {
    super('wal_broken', `WAL "${dir}" is broken by an earlier error: ${describe(cause)}`, { cause });
  }
}

/** Writing or syncing a batch of records failed: none of its appends is acknowledged. */
export class WalWriteError extends RustsError {
  constructor(readonly file: string, cause: unknown) {
    super('wal_write_failed', `cannot write WAL segment "${file}": ${describe(cause)}`, { cause });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
