import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { RustsError } from '../../core/index.ts';
import { parseTokenHash, tokenDigest, unmatchableHash, verifyPassword, type PasswordHash } from './hashes.ts';
import { UserStore } from './users.ts';

/** What a user or token may do in one database: `all` is `read` and `write`. */
export type Permission = 'read' | 'write' | 'all';

/** What a route needs in a database. */
export type Access = 'read' | 'write';

/** Database name (or `*` for every database) to permission. */
export type Permissions = ReadonlyMap<string, Permission>;

/** One `[[auth.users]]` entry. */
export interface AuthUser {
  readonly name: string;
  /** `scrypt:N:r:p:SALT:KEY`, as `rusts hash-password` prints it. */
  readonly passwordHash: string;
  /** An admin may do everything, in every database. */
  readonly admin: boolean;
  readonly permissions: Permissions;
}

/** One `[[auth.tokens]]` entry. */
export interface AuthToken {
  readonly name: string;
  /** `sha256:HEX`, as `rusts hash-password --token` prints it. */
  readonly tokenHash: string;
  readonly admin: boolean;
  readonly permissions: Permissions;
}

/** The `[auth]` section of the server config. */
export interface AuthConfig {
  /** Off: every request acts as an implicit admin (the single-node quick start). */
  readonly enabled: boolean;
  readonly users: readonly AuthUser[];
  readonly tokens: readonly AuthToken[];
}

/** Auth off, nobody configured: what a config file without `[auth]` means. */
export const DEFAULT_AUTH_CONFIG: AuthConfig = { enabled: false, users: [], tokens: [] };

/** Who sent a request, as `authenticate` found out: `ctx.state.principal`. */
export interface Principal {
  /** `anonymous`: auth is off (then `admin` is true), or the path is open. */
  readonly kind: 'user' | 'token' | 'anonymous';
  /** The user or token name; empty when anonymous. */
  readonly name: string;
  readonly admin: boolean;
  readonly permissions: Permissions;
}

/** The Koa state that `authenticate` fills: `new Router<AuthState>()` types `ctx.state.principal`. */
export interface AuthState {
  principal: Principal;
}

/** Says whether a request path needs no credentials (probes, the API description). */
export type PathPredicate = (path: string) => boolean;

/** The paths that stay open with auth on: monitoring probes must not need credentials. */
export const DEFAULT_OPEN_PATHS: readonly string[] = ['/health', '/ready', '/ping', '/openapi.yaml'];

/** A predicate that is true for exactly these paths (no prefixes, no trailing-slash variants). */
export function openPaths(paths: readonly string[]): PathPredicate {
  const set = new Set(paths);
  return (path) => set.has(path);
}

/** Counters that `authenticate` increments; pass one in to read them (tests, `/stats`). */
export interface AuthStats {
  /** scrypt computations: a password check that the cache did not answer. */
  passwordChecks: number;
  /** Password checks answered by the cache of recent successful checks. */
  cacheHits: number;
}

/** How `authenticate` treats paths, and what it reports. */
export interface AuthenticateOptions {
  /** Paths that need no credentials; default: `DEFAULT_OPEN_PATHS`. */
  readonly isOpen?: PathPredicate;
  readonly stats?: AuthStats;
  /** Clock in milliseconds, for tests of the cache's expiry; default `Date.now`. */
  readonly now?: () => number;
  /**
   * The users to authenticate, built from the same config: the config's own and those created by
   * statements. Default: `UserStore.inMemory(config)`.
   */
  readonly users?: UserStore;
}

/** The request has no credentials RusTs can read, or they are wrong: HTTP 401. */
export class UnauthorizedError extends RustsError {
  constructor(message: string) {
    super('unauthorized', message);
  }
}

/** The principal may not do this: HTTP 403. */
export class ForbiddenError extends RustsError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

// InfluxDB 1.x's exact wording, which its clients show to users.
const UNREADABLE = 'unable to parse authentication credentials';
const REFUSED = 'authorization failed';

/** With auth off, every request may do everything. */
const IMPLICIT_ADMIN: Principal = Object.freeze({ kind: 'anonymous', name: '', admin: true, permissions: new Map() });
/** On an open path with auth on: no permission at all. */
const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous', name: '', admin: false, permissions: new Map() });
/**
 * With auth on and no user or token at all (InfluxDB's bootstrap state): no permission, but it may
 * create the first admin with `CREATE USER ... WITH ALL PRIVILEGES` (see `isBootstrap`).
 */
const BOOTSTRAP: Principal = Object.freeze({ kind: 'anonymous', name: '', admin: false, permissions: new Map() });

// Telegraf and Prometheus send Basic credentials with every request, and one scrypt check costs
// about 50 ms of CPU: without a cache, a thread of the libuv pool would do nothing but hash
// passwords for a few busy writers. A successful check is remembered for a minute, keyed by an
// HMAC of user and password under a key that lives only in this process, so that the cache holds
// nothing a fast offline guess could test. Failures are never cached: each costs a full check.
const CACHE_TTL_MS = 60_000;
const CACHE_MAX_ENTRIES = 1024;

type Credentials = { readonly kind: 'password'; readonly name: string; readonly password: string } | { readonly kind: 'token'; readonly token: string };

interface TokenAccount {
  readonly principal: Principal;
  readonly digest: Buffer;
}

/**
 * Koa middleware that sets `ctx.state.principal` from the request's credentials.
 *
 * Credentials are read from InfluxDB 1.x's `u` and `p` query parameters, or else the
 * `Authorization` header: `Basic base64(user:password)`, `Token TOKEN`, `Bearer TOKEN`, or
 * `Token user:password` (what InfluxDB 2 clients send to a 1.x server). With `config.enabled`
 * false the principal is an implicit admin and no credentials are read. With auth on but no user
 * or token at all, every request gets the bootstrap principal (see `isBootstrap`), whatever its
 * credentials: there is nobody they could name.
 *
 * Mount it after the error middleware and before the routes; routes then call `authorize`.
 * @throws UnauthorizedError (401) when credentials are missing, unreadable or wrong; an unknown user and a wrong password get the same answer
 */
export function authenticate(config: AuthConfig, options: AuthenticateOptions = {}): Middleware<AuthState> {
  if (!config.enabled) {
    return async (ctx, next) => {
      ctx.state.principal = IMPLICIT_ADMIN;
      await next();
    };
  }
  const isOpen = options.isOpen ?? openPaths(DEFAULT_OPEN_PATHS);
  const users = options.users ?? UserStore.inMemory(config);
  const check = credentialChecker(config, users, options.stats ?? { passwordChecks: 0, cacheHits: 0 }, options.now ?? Date.now);
  return async (ctx, next) => {
    if (isOpen(ctx.path)) {
      ctx.state.principal = ANONYMOUS;
    } else if (users.isEmpty()) {
      // InfluxDB ignores credentials in this state too (its `influx` CLI sends them anyway).
      ctx.state.principal = BOOTSTRAP;
    } else {
      const credentials = readCredentials(ctx.query, ctx.get('Authorization'));
      if (credentials === null) throw new UnauthorizedError(UNREADABLE);
      ctx.state.principal = await check(credentials);
    }
    await next();
  };
}

/**
 * Require `access` to `database` of the request's principal; routes call it once they know the database.
 * @throws ForbiddenError (403) naming the principal, the database and the missing permission
 */
export function authorize(ctx: { readonly state: unknown }, database: string, access: Access): void {
  if (isAuthorized(ctx, database, access)) return;
  const principal = principalOf(ctx);
  // InfluxDB 1.x's wording for writes; reads are said the same way.
  const verb = access === 'write' ? 'write to' : 'read from';
  throw new ForbiddenError(`${describePrincipal(principal)} is not authorized to ${verb} database "${database}"`);
}

/** `authorize` as a test: whether the request may `access` the database. */
export function isAuthorized(ctx: { readonly state: unknown }, database: string, access: Access): boolean {
  const principal = principalOf(ctx);
  return principal.admin || grants(principal.permissions.get(database), access) || grants(principal.permissions.get('*'), access);
}

/**
 * Require an admin principal, for what spans databases (creating and dropping them, users, stats).
 * @param action what the route does, for the message: `drop database "metrics"`
 * @throws ForbiddenError (403)
 */
export function requireAdmin(ctx: { readonly state: unknown }, action = 'use this endpoint'): void {
  const principal = principalOf(ctx);
  if (!principal.admin) throw new ForbiddenError(`${describePrincipal(principal)} is not authorized to ${action}: requires admin privilege`);
}

/**
 * Whether `principal` is the one `authenticate` gives every request while auth is on and no user
 * or token exists: then the only statement allowed is `CREATE USER ... WITH ALL PRIVILEGES`.
 */
export function isBootstrap(principal: Principal): boolean {
  return principal === BOOTSTRAP;
}

/** The principal `authenticate` set on this request. */
export function principalOf(ctx: { readonly state: unknown }): Principal {
  const principal = (ctx.state as Partial<AuthState> | undefined)?.principal;
  // Failing closed: a route mounted without authenticate() must not run as anyone.
  if (principal === undefined) throw new Error('BUG: no ctx.state.principal: authenticate() is not mounted before this route');
  return principal;
}

function grants(permission: Permission | undefined, access: Access): boolean {
  return permission === 'all' || permission === access;
}

function describePrincipal(principal: Principal): string {
  return principal.kind === 'anonymous' ? 'anonymous user' : `"${principal.name}" ${principal.kind}`;
}

/** Credentials from the query (`u`, `p`) or the Authorization header; null when there are none or they cannot be read. */
function readCredentials(query: Record<string, string | string[] | undefined>, header: string): Credentials | null {
  const { u, p } = query;
  if (u !== undefined || p !== undefined) {
    if (typeof u !== 'string' || typeof p !== 'string' || u === '') return null;
    return { kind: 'password', name: u, password: p };
  }
  const match = /^\s*(\S+)\s+(.*?)\s*$/.exec(header);
  if (match === null) return null;
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!;
  if (scheme === 'basic') {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return null;
    return userAndPassword(Buffer.from(value, 'base64').toString('utf8'));
  }
  // Our tokens are base64url and never hold ':'; InfluxDB 2 clients talking to a 1.x API send
  // `Token user:password`. Node hands header bytes over as latin1: the password's UTF-8 is undone.
  if (scheme === 'token' && value.includes(':')) return userAndPassword(Buffer.from(value, 'latin1').toString('utf8'));
  if ((scheme === 'token' || scheme === 'bearer') && /^\S+$/.test(value)) return { kind: 'token', token: value };
  return null;
}

function userAndPassword(text: string): Credentials | null {
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  return { kind: 'password', name: text.slice(0, colon), password: text.slice(colon + 1) };
}

function credentialChecker(config: AuthConfig, users: UserStore, stats: AuthStats, now: () => number): (credentials: Credentials) => Promise<Principal> {
  const tokens: TokenAccount[] = config.tokens.map((token) => ({ principal: principal('token', token), digest: parseTokenHash(token.tokenHash) }));
  const unknownUser = unmatchableHash();
  const cacheSecret = randomBytes(32);
  // HMAC of user and password -> when the entry expires, and the hash it was checked against.
  const cache = new Map<string, { readonly expires: number; readonly hash: PasswordHash }>();

  const checkPassword = async (name: string, password: string): Promise<Principal> => {
    const account = users.account(name);
    const key = createHmac('sha256', cacheSecret).update(name).update('\0').update(password).digest('base64');
    const cached = cache.get(key);
    if (cached !== undefined) {
      // SET PASSWORD gives the account a new hash object and DROP USER removes it: either way the
      // entry no longer vouches for these credentials.
      if (account !== undefined && cached.hash === account.hash && cached.expires > now()) {
        stats.cacheHits++;
        return account.principal;
      }
      cache.delete(key);
    }
    stats.passwordChecks++;
    const ok = await verifyPassword(password, account?.hash ?? unknownUser);
    if (account === undefined || !ok) throw new UnauthorizedError(REFUSED);
    // The check took a while: the user may have been dropped, or its password changed, meanwhile.
    const current = users.account(name);
    if (current === undefined || current.hash !== account.hash) throw new UnauthorizedError(REFUSED);
    if (cache.size >= CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(key, { expires: now() + CACHE_TTL_MS, hash: account.hash });
    // The current principal: a GRANT during the check counts.
    return current.principal;
  };

  const checkToken = (token: string): Principal => {
    const digest = tokenDigest(token);
    let found: Principal | undefined;
    // Every token is compared, in constant time, so the time taken says nothing about which one matched.
    for (const account of tokens) {
      if (timingSafeEqual(digest, account.digest)) found = account.principal;
    }
    if (found === undefined) throw new UnauthorizedError(REFUSED);
    return found;
  };

  return async (credentials) => (credentials.kind === 'token' ? checkToken(credentials.token) : checkPassword(credentials.name, credentials.password));
}

function principal(kind: 'token', entry: AuthToken): Principal {
  return Object.freeze({ kind, name: entry.name, admin: entry.admin, permissions: entry.permissions });
}
