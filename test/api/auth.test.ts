import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import Koa from 'koa';
import { Router } from '@koa/router';
import request from 'supertest';
import { errorMiddleware } from '../../src/api/errors.ts';
import {
  authenticate,
  authorize,
  hashPassword,
  hashToken,
  newToken,
  openPaths,
  parsePasswordHash,
  parseTokenHash,
  requireAdmin,
  type Access,
  type AuthConfig,
  type AuthenticateOptions,
  type AuthState,
  type AuthStats,
} from '../../src/api/auth/index.ts';
import { silentLogger } from '../../src/core/index.ts';

/** A tiny API: `/db/:database/:access` authorizes, `/admin` requires an admin, `/health` is open; each answers the principal. */
function app(config: AuthConfig, options: AuthenticateOptions = {}) {
  const koa = new Koa();
  const router = new Router<AuthState>();
  const answer = (ctx: Koa.ParameterizedContext<AuthState>) => {
    const { kind, name, admin } = ctx.state.principal;
    ctx.body = { kind, name, admin };
  };
  router.get('/db/:database/:access', (ctx) => {
    authorize(ctx, ctx.params['database']!, ctx.params['access'] as Access);
    answer(ctx);
  });
  router.get('/admin', (ctx) => {
    requireAdmin(ctx);
    answer(ctx);
  });
  router.get('/drop', (ctx) => {
    requireAdmin(ctx, 'drop database "metrics"');
    answer(ctx);
  });
  router.get('/health', answer);
  koa.use(errorMiddleware(silentLogger));
  koa.use(authenticate(config, options));
  koa.use(router.routes());
  return request(koa.callback());
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const grafanaToken = newToken();
let config: AuthConfig;

before(async () => {
  config = {
    enabled: true,
    users: [
      { name: 'admin', passwordHash: await hashPassword('hunter2'), admin: true, permissions: new Map() },
      { name: 'telegraf', passwordHash: await hashPassword('tele:graf ü'), admin: false, permissions: new Map([['telegraf', 'write'], ['metrics', 'read'], ['both', 'all']]) },
    ],
    tokens: [
      { name: 'grafana', tokenHash: grafanaToken.tokenHash, admin: false, permissions: new Map([['*', 'read']]) },
      { name: 'ops', tokenHash: hashToken('ops-token'), admin: true, permissions: new Map() },
    ],
  };
});

describe('authenticate(config)', () => {
  // Each case: the path, the Authorization header (or none), then the status and body of the answer.
  const f = async (path: string, authorization: string | undefined, status: number, want: object) => {
    const req = app(config).get(path);
    if (authorization !== undefined) req.set('Authorization', authorization);
    const res = await req;
    assert.equal(res.status, status, `for ${path} with ${authorization}: ${JSON.stringify(res.body)}`);
    assert.deepEqual(res.body, want, `for ${path} with ${authorization}`);
    if (status === 401) assert.equal(res.headers['www-authenticate'], 'Basic realm="rusts"', `for ${path} with ${authorization}`);
  };
  const telegraf = { kind: 'user', name: 'telegraf', admin: false };
  const grafana = { kind: 'token', name: 'grafana', admin: false };

  it('accepts every credential form', async () => {
    await f('/db/telegraf/write', basic('telegraf', 'tele:graf ü'), 200, telegraf);
    await f('/db/telegraf/write', `basic ${Buffer.from('telegraf:tele:graf ü').toString('base64')}`, 200, telegraf);
    await f('/db/telegraf/write?u=telegraf&p=tele%3Agraf%20%C3%BC', undefined, 200, telegraf);
    // Headers travel as bytes; a Go client (Telegraf) sends the password's UTF-8.
    await f('/db/telegraf/write', Buffer.from('Token telegraf:tele:graf ü').toString('latin1'), 200, telegraf);
    await f('/db/x/read', `Token ${grafanaToken.token}`, 200, grafana);
    await f('/db/x/read', `Bearer ${grafanaToken.token}`, 200, grafana);
    await f('/db/x/read', `  bearer   ${grafanaToken.token} `, 200, grafana);
    await f('/admin', 'Token ops-token', 200, { kind: 'token', name: 'ops', admin: true });
  });

  it('prefers the u and p query parameters to the header, as InfluxDB does', async () => {
    await f('/db/telegraf/write?u=telegraf&p=tele%3Agraf%20%C3%BC', basic('admin', 'wrong'), 200, telegraf);
  });

  it('answers wrong credentials with 401 "authorization failed", the same for an unknown user', async () => {
    const failed = { error: 'authorization failed' };
    await f('/db/telegraf/write', basic('telegraf', 'wrong'), 401, failed);
    await f('/db/telegraf/write', basic('nobody', 'tele:graf ü'), 401, failed);
    await f('/db/telegraf/write', basic('telegraf', ''), 401, failed);
    await f('/db/telegraf/write?u=telegraf&p=wrong', undefined, 401, failed);
    await f('/db/x/read', 'Token not-a-token', 401, failed);
    await f('/db/x/read', `Bearer ${grafanaToken.token}x`, 401, failed);
    await f('/db/x/read', `Token ${grafanaToken.tokenHash.slice(7)}`, 401, failed);
  });

  it('answers missing or unreadable credentials with 401 "unable to parse authentication credentials"', async () => {
    const unreadable = { error: 'unable to parse authentication credentials' };
    await f('/db/telegraf/write', undefined, 401, unreadable);
    await f('/db/telegraf/write', '', 401, unreadable);
    await f('/db/telegraf/write', 'Basic', 401, unreadable);
    await f('/db/telegraf/write', 'Basic !!!', 401, unreadable);
    await f('/db/telegraf/write', `Basic ${Buffer.from('telegraf').toString('base64')}`, 401, unreadable);
    await f('/db/telegraf/write', `Basic ${Buffer.from(':pass').toString('base64')}`, 401, unreadable);
    await f('/db/telegraf/write', 'Digest username="telegraf"', 401, unreadable);
    await f('/db/telegraf/write', 'Token a b', 401, unreadable);
    await f('/db/telegraf/write?u=telegraf', undefined, 401, unreadable);
    await f('/db/telegraf/write?p=secret', undefined, 401, unreadable);
    await f('/db/telegraf/write?u=telegraf&u=admin&p=x', undefined, 401, unreadable);
  });

  it('answers 403 naming the database and the missing permission', async () => {
    await f('/db/telegraf/read', basic('telegraf', 'tele:graf ü'), 403, { error: '"telegraf" user is not authorized to read from database "telegraf"' });
    await f('/db/metrics/read', basic('telegraf', 'tele:graf ü'), 200, telegraf);
    await f('/db/metrics/write', basic('telegraf', 'tele:graf ü'), 403, { error: '"telegraf" user is not authorized to write to database "metrics"' });
    await f('/db/both/read', basic('telegraf', 'tele:graf ü'), 200, telegraf);
    await f('/db/both/write', basic('telegraf', 'tele:graf ü'), 200, telegraf);
    await f('/db/other/write', basic('telegraf', 'tele:graf ü'), 403, { error: '"telegraf" user is not authorized to write to database "other"' });
    await f('/db/x/write', `Token ${grafanaToken.token}`, 403, { error: '"grafana" token is not authorized to write to database "x"' });
  });

  it('lets an admin do everything, and only an admin use admin routes', async () => {
    const admin = { kind: 'user', name: 'admin', admin: true };
    await f('/db/anything/write', basic('admin', 'hunter2'), 200, admin);
    await f('/db/anything/read', basic('admin', 'hunter2'), 200, admin);
    await f('/admin', basic('admin', 'hunter2'), 200, admin);
    await f('/admin', basic('telegraf', 'tele:graf ü'), 403, { error: '"telegraf" user is not authorized to use this endpoint: requires admin privilege' });
    await f('/drop', `Token ${grafanaToken.token}`, 403, { error: '"grafana" token is not authorized to drop database "metrics": requires admin privilege' });
  });

  it('leaves the open paths open, to an anonymous principal with no permission', async () => {
    await f('/health', undefined, 200, { kind: 'anonymous', name: '', admin: false });
    await f('/health', basic('telegraf', 'wrong'), 200, { kind: 'anonymous', name: '', admin: false });
    await f('/health/', undefined, 401, { error: 'unable to parse authentication credentials' });
  });

  it('takes the open paths as an option', async () => {
    const api = app(config, { isOpen: openPaths(['/db/public/read']) });
    await api.get('/db/public/read').expect(403, { error: 'anonymous user is not authorized to read from database "public"' });
    await api.get('/health').expect(401);
  });

  it('makes every request an implicit admin when auth is off', async () => {
    const api = app({ ...config, enabled: false });
    await api.get('/admin').expect(200, { kind: 'anonymous', name: '', admin: true });
    await api.get('/db/x/write').set('Authorization', basic('telegraf', 'wrong')).expect(200, { kind: 'anonymous', name: '', admin: true });
  });
});

describe('authenticate(config, { stats, now }): the cache of password checks', () => {
  it('runs scrypt once per user and password a minute, and for every failure', async () => {
    let clock = 0;
    const stats: AuthStats = { passwordChecks: 0, cacheHits: 0 };
    const api = app(config, { stats, now: () => clock });
    // Each case: the clock, the credentials, then the status and the counters after the request.
    const f = async (at: number, user: string, password: string, status: number, passwordChecks: number, cacheHits: number) => {
      clock = at;
      await api.get('/db/metrics/read').set('Authorization', basic(user, password)).expect(status);
      assert.deepEqual(stats, { passwordChecks, cacheHits }, `at ${at} ms for ${user}:${password}`);
    };
    await f(0, 'telegraf', 'tele:graf ü', 200, 1, 0);
    await f(1000, 'telegraf', 'tele:graf ü', 200, 1, 1);
    await f(2000, 'telegraf', 'wrong', 401, 2, 1); // failures are never cached
    await f(3000, 'telegraf', 'wrong', 401, 3, 1);
    await f(4000, 'nobody', 'x', 401, 4, 1); // an unknown user costs a full check too
    await f(5000, 'admin', 'hunter2', 200, 5, 1); // another user has an entry of its own
    await f(59_999, 'telegraf', 'tele:graf ü', 200, 5, 2);
    await f(60_000, 'telegraf', 'tele:graf ü', 200, 6, 2); // expired
    await f(60_001, 'telegraf', 'tele:graf ü', 200, 6, 3);
  });
});

describe('authorize(ctx, database, access)', () => {
  it('fails closed when authenticate() is not mounted', async () => {
    const koa = new Koa();
    koa.use(errorMiddleware(silentLogger));
    koa.use((ctx) => authorize(ctx, 'db', 'read'));
    await request(koa.callback()).get('/').expect(500, { error: 'internal error' });
  });
});

describe('password and token hashes', () => {
  it('hashes a password with a fresh salt each time, in the stated format', async () => {
    const a = await hashPassword('secret');
    const b = await hashPassword('secret');
    assert.match(a, /^scrypt:16384:8:1:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b);
    assert.equal(parsePasswordHash(a).key.length, 32);
  });

  it('rejects malformed password hashes', () => {
    const salt = Buffer.alloc(16).toString('base64url');
    const key = Buffer.alloc(32).toString('base64url');
    const f = (text: string, message: string) => assert.throws(() => parsePasswordHash(text), { name: 'RangeError', message }, `for ${text}`);
    f('', 'expected "scrypt:N:r:p:SALT:KEY" as printed by "rusts hash-password"');
    f(`bcrypt:16384:8:1:${salt}:${key}`, 'expected "scrypt:N:r:p:SALT:KEY" as printed by "rusts hash-password"');
    f(`scrypt:16384:8:1:${salt}`, 'expected "scrypt:N:r:p:SALT:KEY" as printed by "rusts hash-password"');
    f(`scrypt:1000:8:1:${salt}:${key}`, 'scrypt N must be a power of 2, got "1000"');
    f(`scrypt:0x4000:8:1:${salt}:${key}`, 'scrypt N must be a power of 2, got "0x4000"');
    f(`scrypt:16384:0:1:${salt}:${key}`, 'scrypt r must be an integer from 1 to 64, got "0"');
    f(`scrypt:16384:8:99:${salt}:${key}`, 'scrypt p must be an integer from 1 to 16, got "99"');
    f(`scrypt:1048576:8:1:${salt}:${key}`, 'scrypt N=1048576, r=8 needs more than 256 MiB per check');
    f(`scrypt:16384:8:1:${salt}=:${key}`, 'the salt is not unpadded base64url');
    f(`scrypt:16384:8:1:AAAA:${key}`, 'the salt must be at least 8 bytes, got 3');
    f(`scrypt:16384:8:1:${salt}:AAAA`, 'the key must be 16 to 64 bytes, got 3');
  });

  it('makes long random tokens whose hash is sha256', () => {
    const { token, tokenHash } = newToken();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(tokenHash, hashToken(token));
    assert.equal(hashToken('abc'), 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.notEqual(newToken().token, token);
  });

  it('rejects malformed token hashes', () => {
    const f = (text: string) => assert.throws(() => parseTokenHash(text), { name: 'RangeError', message: 'expected "sha256:" and 64 lowercase hex digits, as printed by "rusts hash-password --token"' }, `for ${text}`);
    f('');
    f('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    f('sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD');
    f('sha256:ba7816bf');
    f('md5:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
