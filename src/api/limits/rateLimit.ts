import type { Middleware } from 'koa';
import { RustsError } from '../../core/index.ts';
import { DEFAULT_OPEN_PATHS, openPaths, type AuthState, type PathPredicate } from '../auth/index.ts';

/** Too many requests from one principal or address: HTTP 429, with `Retry-After`. */
export class RateLimitedError extends RustsError {
  constructor(
    /** Whole seconds until the next request would be accepted, for the `Retry-After` header. */
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super('rate_limited', message);
  }
}

/** The rate limit settings of `[limits]`. */
export interface RateLimitConfig {
  /** Requests per second each client may sustain; 0 turns rate limiting off. */
  readonly rateLimitRps: number;
  /** Requests a client may send at once after being idle; 0 means `rateLimitRps` rounded up. */
  readonly rateLimitBurst: number;
}

/** Which paths `rateLimit` leaves alone, and its clock and memory bound. */
export interface RateLimitOptions {
  /** Paths that are never limited; default: `DEFAULT_OPEN_PATHS` (probes must not be refused). */
  readonly isExempt?: PathPredicate;
  /** Clock in milliseconds, for tests; default `Date.now`. */
  readonly now?: () => number;
  /** Most clients tracked at once; default 10,000 (about 1 MB). */
  readonly maxClients?: number;
}

const DEFAULT_MAX_CLIENTS = 10_000;

/**
 * Koa middleware that limits each client to `rateLimitRps` requests per second with bursts of
 * `rateLimitBurst` (a token bucket), answering the excess with 429 and `Retry-After`.
 *
 * A client is the principal that `authenticate` set (user or token name), or the client address
 * (`ctx.ip`) for an anonymous principal. Mount it after `authenticate`. Refused requests cost the
 * client nothing, so a client that backs off as told gets through.
 *
 * Memory is bounded: a client idle long enough for its bucket to be full again is forgotten (it
 * would start full anyway), and past `maxClients` the least recently seen client is forgotten,
 * which at worst hands that client a fresh burst.
 * @throws RateLimitedError (429)
 */
export function rateLimit(config: RateLimitConfig, options: RateLimitOptions = {}): Middleware<Partial<AuthState>> {
  const rps = config.rateLimitRps;
  if (rps <= 0) return (_ctx, next) => next();
  const burst = config.rateLimitBurst > 0 ? config.rateLimitBurst : Math.max(1, Math.ceil(rps));
  const isExempt = options.isExempt ?? openPaths(DEFAULT_OPEN_PATHS);
  const now = options.now ?? Date.now;
  const buckets = new TokenBuckets(rps, burst, options.maxClients ?? DEFAULT_MAX_CLIENTS);
  return async (ctx, next) => {
    if (!isExempt(ctx.path)) {
      const principal = ctx.state.principal;
      const client = principal === undefined || principal.kind === 'anonymous' ? `ip ${ctx.ip}` : `${principal.kind} ${principal.name}`;
      const waitMs = buckets.take(client, now());
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        throw new RateLimitedError(seconds, `too many requests: the limit is ${rps} per second with bursts of ${burst}; retry in ${seconds}s`);
      }
    }
    await next();
  };
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last computed, in ms. */
  at: number;
}

class TokenBuckets {
  // Map order is least recently seen first: take() re-inserts the bucket it touches.
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  /** How long an untouched bucket takes to fill up from empty. */
  private readonly fillMs: number;

  constructor(
    rps: number,
    private readonly burst: number,
    private readonly maxClients: number,
  ) {
    this.perMs = rps / 1000;
    this.fillMs = burst / this.perMs;
  }

  /** Take one token for `client`: 0 if there was one, else how many ms until there is. */
  take(client: string, now: number): number {
    this.forgetIdle(now);
    const bucket = this.buckets.get(client);
    let tokens = this.burst;
    if (bucket !== undefined) {
      this.buckets.delete(client);
      // A clock that steps back must not drain the bucket.
      tokens = Math.min(this.burst, bucket.tokens + Math.max(0, now - bucket.at) * this.perMs);
    } else if (this.buckets.size >= this.maxClients) {
      this.buckets.delete(this.buckets.keys().next().value!);
    }
    const allowed = tokens >= 1;
    this.buckets.set(client, { tokens: allowed ? tokens - 1 : tokens, at: now });
    return allowed ? 0 : (1 - tokens) / this.perMs;
  }

  /** Forget the least recently seen clients whose buckets are full again (at most two per call, so no call pays for a sweep). */
  private forgetIdle(now: number): void {
    for (let i = 0; i < 2; i++) {
      const oldest = this.buckets.entries().next().value;
      if (oldest === undefined || now - oldest[1].at < this.fillMs) return;
      this.buckets.delete(oldest[0]);
    }
  }
}
