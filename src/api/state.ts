import { RustsError } from '../core/index.ts';
import type { ShardRouter } from '../cluster/index.ts';

/** Storage is still opening (WAL replay): the request may be retried shortly. */
export class NotReadyError extends RustsError {
  constructor() {
    super('not_ready', 'the server is starting: replaying the write-ahead log');
  }
}

/** Counters `/stats` reports; they only grow while the process runs. */
export interface HttpCounters {
  writeRequests: number;
  pointsWritten: number;
  writeErrors: number;
  queryRequests: number;
  queryErrors: number;
}

/**
 * What the HTTP API serves from. The server listens before storage has opened, so that `/ready`
 * can answer 503 during a long WAL replay instead of connections being refused.
 */
export class ServerState {
  private current: ShardRouter | undefined;
  private readyAt: Date | undefined;
  readonly startedAt = new Date();
  readonly counters: HttpCounters = { writeRequests: 0, pointsWritten: 0, writeErrors: 0, queryRequests: 0, queryErrors: 0 };

  /** Marks storage as open: from now on requests reach `router`. */
  ready(router: ShardRouter): void {
    this.current = router;
    this.readyAt = new Date();
  }

  get readySince(): Date | undefined {
    return this.readyAt;
  }

  /** Runs one request's work, counting it as a write or a query, and counting its error if it throws. */
  async counted(kind: 'write' | 'query', work: () => Promise<void>): Promise<void> {
    const c = this.counters;
    if (kind === 'write') c.writeRequests++;
    else c.queryRequests++;
    try {
      await work();
    } catch (err) {
      if (kind === 'write') c.writeErrors++;
      else c.queryErrors++;
      throw err;
    }
  }

  /** @throws NotReadyError while storage is opening */
  get router(): ShardRouter {
    if (this.current === undefined) throw new NotReadyError();
    return this.current;
  }
}
