// Request limits: rate limiting, body size and decompression limits, and the query limits' settings.
import type { BodyLimits } from './body.ts';
import type { RateLimitConfig } from './rateLimit.ts';

export { readRequestBody, PayloadTooLargeError, UnsupportedEncodingError, BadRequestBodyError, type BodyLimits, type ReadBodyOptions } from './body.ts';
export { rateLimit, RateLimitedError, type RateLimitConfig, type RateLimitOptions } from './rateLimit.ts';

/** The `[limits]` section of the server config. */
export interface LimitsConfig extends RateLimitConfig, BodyLimits {
  /** A query running longer than this is cancelled. */
  readonly queryTimeoutMs: number;
  /** Most points (samples) one query may hold in memory at once. */
  readonly maxQueryPoints: number;
}

/** What a config file without `[limits]` means. */
export const DEFAULT_LIMITS: LimitsConfig = {
  rateLimitRps: 0,
  rateLimitBurst: 0,
  // InfluxDB 1.x's max-body-size is 25 MB; Telegraf's default batch of 1,000 lines is far below it.
  maxBodyBytes: 25 * 2 ** 20,
  // Four times max_body_size: a compressed body may carry more than a plain one, but a gzip bomb
  // inflates to at most this much.
  maxDecompressedBytes: 100 * 2 ** 20,
  queryTimeoutMs: 60_000,
  // Prometheus's --query.max-samples default: at 16 bytes a sample (timestamp and value), 800 MB.
  maxQueryPoints: 50_000_000,
};
