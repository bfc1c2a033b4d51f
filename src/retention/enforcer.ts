import type { ShardRouter } from '../cluster/index.ts';
import { nowTimestamp, type Logger } from '../core/index.ts';

export interface RetentionEnforcerOptions {
  readonly router: ShardRouter;
  readonly logger: Logger;
  readonly checkIntervalMs: number;
  /** The clock, in ns since the epoch; tests move it. */
  readonly now?: () => bigint;
}

/**
 * Drops the partitions retention policies no longer keep: once at start (data may have expired
 * while the server was down), then every `checkIntervalMs`. One pass runs at a time; `stop()` waits
 * for a pass in progress, so the router can close safely after it.
 */
export class RetentionEnforcer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: RetentionEnforcerOptions) {}

  start(): void {
    this.schedule(0);
  }

  /** One pass now (after any pass in progress); resolves with the partitions dropped. */
  async check(): Promise<number> {
    let dropped = 0;
    const pass = this.running.then(async () => {
      const now = this.options.now?.() ?? nowTimestamp();
      dropped = await this.options.router.applyRetention(now);
      if (dropped > 0) this.options.logger.info('retention dropped expired partitions', { partitions: dropped });
    });
    this.running = pass.catch((err: unknown) => this.options.logger.error('retention check failed', { error: err instanceof Error ? err.message : String(err) }));
    await pass;
    return dropped;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      // A failure is logged by check(); the next pass is still scheduled.
      void this.check()
        .catch(() => undefined)
        .finally(() => this.schedule(this.options.checkIntervalMs));
    }, delayMs);
    this.timer.unref();
  }
}
