// Users managed by InfluxQL statements: the store (persistence, InfluxDB's rules), authentication
// against it (the cache of password checks), and the statements over /query.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import Koa from 'koa';
import { Router } from '@koa/router';
import request from 'supertest';
import { errorMiddleware } from '../../src/api/errors.ts';
import { authenticate, hashPassword, hashToken, UserStore, USERS_FILE, type AuthConfig, type AuthState, type AuthStats } from '../../src/api/auth/index.ts';
import { silentLogger } from '../../src/core/index.ts';
import { MemFs } from '../../src/storage/index.ts';
import { openApp } from './_app.ts';

const AUTH_OFF: AuthConfig = { enabled: false, users: [], tokens: [] };
const AUTH_ON: AuthConfig = { enabled: true, users: [], tokens: [] };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let configAdminHash = '';
before(async () => {
  configAdminHash = await hashPassword('root');
});

/** A config with one admin in [[auth.users]]. */
const withConfigAdmin = (enabled: boolean): AuthConfig => ({ enabled, users: [{ name: 'root', passwordHash: configAdminHash, admin: true, permissions: new Map([['metrics', 'read']]) }], tokens: [] });

/** The store's error for a change, or 'ok'. */
async function outcome(change: Promise<void>): Promise<string> {
  try {
    await change;
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
}

const grantsOf = (store: UserStore, name: string) => [...(store.account(name)?.privileges ?? [])];
const exists = () => true;

describe('UserStore', () => {
  it('creates users as InfluxDB does: the same user again is no error, a different one is', async () => {
    const store = UserStore.inMemory(AUTH_OFF);
    assert.equal(await outcome(store.create('a', 'p', false)), 'ok');
    assert.equal(await outcome(store.create('a', 'p', false)), 'ok');
    assert.equal(await outcome(store.create('a', 'q', false)), 'user already exists');
    assert.equal(await outcome(store.create('a', 'p', true)), 'user already exists');
    assert.equal(await outcome(store.create('', 'p', false)), 'username required');
    assert.equal(await outcome(store.create('x', '', false)), 'ok');
    assert.equal(await outcome(store.create('Ü space:colon', 'p', true)), 'ok');
    assert.deepEqual(store.list(), [
      { name: 'a', admin: false },
      { name: 'x', admin: false },
      { name: 'Ü space:colon', admin: true },
    ]);
  });

  it('keeps the creation order, and a re-created user goes last', async () => {
    const store = UserStore.inMemory(AUTH_OFF);
    for (const name of ['c', 'a', 'b']) await store.create(name, 'p', false);
    await store.drop('c');
    await store.create('c', 'p', false);
    assert.deepEqual(store.list().map((u) => u.name), ['a', 'b', 'c']);
  });

  it('answers "user not found" for every change of a user that does not exist', async () => {
    const store = UserStore.inMemory(AUTH_OFF);
    assert.equal(await outcome(store.drop('nobody')), 'user not found');
    assert.equal(await outcome(store.setPassword('nobody', 'p')), 'user not found');
    assert.equal(await outcome(store.setAdmin('nobody', true)), 'user not found');
    // The user is checked before the database, as in influxd.
    assert.equal(await outcome(store.changePrivilege('nobody', 'nodb', 'read', true, () => false)), 'user not found');
    await store.create('a', 'p', false);
    assert.equal(await outcome(store.changePrivilege('a', 'nodb', 'read', true, () => false)), 'database not found: nodb');
    assert.equal(await outcome(store.changePrivilege('a', 'nodb', 'read', false, () => false)), 'database not found: nodb');
  });

  it('replaces a privilege on GRANT and takes bits away on REVOKE, leaving "none"', async () => {
    const store = UserStore.inMemory(AUTH_OFF);
    await store.create('a', 'p', false);
    const f = async (db: string, privilege: 'read' | 'write' | 'all', grant: boolean, want: Array<[string, string]>) => {
      await store.changePrivilege('a', db, privilege, grant, exists);
      assert.deepEqual(grantsOf(store, 'a'), want, `${grant ? 'GRANT' : 'REVOKE'} ${privilege} ON ${db}`);
    };
    await f('db1', 'all', true, [['db1', 'all']]);
    await f('db1', 'read', true, [['db1', 'read']]);
    await f('db1', 'all', true, [['db1', 'all']]);
    await f('db1', 'write', false, [['db1', 'read']]);
    await f('db1', 'write', false, [['db1', 'read']]);
    await f('db1', 'read', false, [['db1', 'none']]);
    await f('db2', 'read', false, [['db1', 'none'], ['db2', 'none']]);
    await f('db2', 'write', true, [['db1', 'none'], ['db2', 'write']]);
    await f('db2', 'all', false, [['db1', 'none'], ['db2', 'none']]);
    // "none" grants nothing.
    assert.deepEqual([...store.account('a')!.principal.permissions], []);
    await f('db1', 'write', true, [['db1', 'write'], ['db2', 'none']]);
    assert.deepEqual([...store.account('a')!.principal.permissions], [['db1', 'write']]);
  });

  it('sets and clears the admin flag', async () => {
    const store = UserStore.inMemory(AUTH_OFF);
    await store.create('a', 'p', false);
    await store.setAdmin('a', true);
    assert.equal(store.account('a')!.principal.admin, true);
    assert.equal(store.adminExists(), true);
    await store.setAdmin('a', false);
    assert.equal(store.adminExists(), false);
  });

  it('forgets the privileges on a dropped database', async () => {
    const store = UserStore.inMemory(AUTH_OFF);
    await store.create('a', 'p', false);
    await store.create('b', 'p', false);
    await store.changePrivilege('a', 'db1', 'read', true, exists);
    await store.changePrivilege('a', 'db2', 'write', true, exists);
    await store.changePrivilege('b', 'db1', 'all', true, exists);
    await store.forgetDatabase('db1');
    assert.deepEqual(grantsOf(store, 'a'), [['db2', 'write']]);
    assert.deepEqual(grantsOf(store, 'b'), []);
  });

  it('lists config users first and refuses to change them', async () => {
    const store = UserStore.inMemory(withConfigAdmin(false));
    await store.create('a', 'p', false);
    assert.deepEqual(store.list(), [
      { name: 'root', admin: true },
      { name: 'a', admin: false },
    ]);
    const readOnly = 'user "root" is defined in the config file ([[auth.users]]): change it there';
    assert.equal(await outcome(store.drop('root')), readOnly);
    assert.equal(await outcome(store.setPassword('root', 'x')), readOnly);
    assert.equal(await outcome(store.setAdmin('root', false)), readOnly);
    assert.equal(await outcome(store.changePrivilege('root', 'db', 'read', true, exists)), readOnly);
    // Creating it as it is configured is the idempotent case; otherwise it exists.
    assert.equal(await outcome(store.create('root', 'root', true)), 'ok');
    assert.equal(await outcome(store.create('root', 'other', true)), 'user already exists');
    assert.deepEqual(grantsOf(store, 'root'), [['metrics', 'read']]);
  });

  it('keeps the last admin while auth is on, not while it is off', async () => {
    const on = UserStore.inMemory(AUTH_ON);
    await on.create('adm', 'p', true);
    await on.create('adm2', 'p', true);
    assert.equal(await outcome(on.setAdmin('adm2', false)), 'ok');
    const last = 'cannot remove the last admin user "adm" while authentication is enabled: create another admin first';
    assert.equal(await outcome(on.setAdmin('adm', false)), last);
    assert.equal(await outcome(on.drop('adm')), last);
    assert.equal(await outcome(on.drop('adm2')), 'ok');
    // An admin token (or config admin) is an admin too.
    const withToken = UserStore.inMemory({ enabled: true, users: [], tokens: [{ name: 'ops', tokenHash: hashToken('t'), admin: true, permissions: new Map() }] });
    await withToken.create('adm', 'p', true);
    assert.equal(await outcome(withToken.drop('adm')), 'ok');
    const off = UserStore.inMemory(AUTH_OFF);
    await off.create('adm', 'p', true);
    assert.equal(await outcome(off.drop('adm')), 'ok');
  });

  it('runs changes one at a time: of two concurrent creates with different passwords one wins', async () => {
    const store = UserStore.inMemory(AUTH_OFF);
    const results = await Promise.all([outcome(store.create('a', 'p1', false)), outcome(store.create('a', 'p2', false))]);
    assert.deepEqual(results.sort(), ['ok', 'user already exists']);
    assert.equal(store.list().length, 1);
  });

  it('persists every change to users.json and loads it again, hashes only', async () => {
    const fs = new MemFs();
    const store = await UserStore.open(AUTH_OFF, '/data', fs);
    await store.create('a', 'secret-password', false);
    await store.create('adm', 'p', true);
    await store.changePrivilege('a', 'db1', 'read', true, exists);
    await store.changePrivilege('a', 'db2', 'all', false, exists);
    await store.setPassword('adm', 'new');
    await store.drop('adm');
    await store.create('adm', 'p', true);
    const file = Buffer.from(await readAll(fs, `/data/${USERS_FILE}`)).toString('utf8');
    assert.ok(!file.includes('secret-password'), 'no password in the file');
    assert.match(file, /"password_hash": "scrypt:16384:8:1:/);

    const again = await UserStore.open(AUTH_OFF, '/data', fs);
    assert.deepEqual(again.list(), store.list());
    assert.deepEqual(grantsOf(again, 'a'), [['db1', 'read'], ['db2', 'none']]);
    // The loaded hash checks the password: creating the same user again is the idempotent case.
    assert.equal(await outcome(again.create('a', 'secret-password', false)), 'ok');
    assert.equal(await outcome(again.create('a', 'wrong', false)), 'user already exists');
  });

  it('starts empty without a users file, and a config user shadows a stored one of its name', async () => {
    const fs = new MemFs();
    const store = await UserStore.open(AUTH_OFF, '/data', fs);
    assert.deepEqual(store.list(), []);
    await store.create('root', 'stored', false);
    const shadowed = await UserStore.open(withConfigAdmin(false), '/data', fs);
    assert.deepEqual(shadowed.list(), [{ name: 'root', admin: true }]);
    assert.equal(shadowed.account('root')!.fromConfig, true);
  });

  it('refuses a malformed users file, saying what is wrong', async () => {
    const f = async (text: string, message: string) => {
      const fs = new MemFs();
      await fs.mkdir('/data');
      const file = await fs.open(`/data/${USERS_FILE}`, { write: true, create: true });
      await file.write(Buffer.from(text), 0);
      await file.close();
      await assert.rejects(UserStore.open(AUTH_OFF, '/data', fs), { message }, text);
    };
    const hash = configAdminHash;
    const doc = (users: unknown) => JSON.stringify({ format: 'rusts-users', version: 1, users });
    await f('{', `not valid JSON (${jsonError('{')})`);
    await f('[]', 'expected a JSON object with "format": "rusts-users"');
    await f(JSON.stringify({ format: 'rusts-users', version: 2, users: [] }), 'unsupported version 2: this server reads version 1');
    await f(doc({}), '"users": expected an array');
    await f(doc([1]), 'users[0]: expected an object');
    await f(doc([{ name: '', password_hash: hash, admin: false, privileges: {} }]), 'users[0].name: expected a non-empty string');
    await f(doc([{ name: 'a', password_hash: 'x', admin: false, privileges: {} }]), 'users[0].password_hash: expected "scrypt:N:r:p:SALT:KEY" as printed by "rusts hash-password"');
    await f(doc([{ name: 'a', password_hash: hash, admin: 'yes', privileges: {} }]), 'users[0].admin: expected true or false');
    await f(doc([{ name: 'a', password_hash: hash, admin: false, privileges: { db: 'rw' } }]), 'users[0].privileges."db": expected "read", "write", "all" or "none"');
    await f(
      doc([
        { name: 'a', password_hash: hash, admin: false, privileges: {} },
        { name: 'a', password_hash: hash, admin: false, privileges: {} },
      ]),
      'users[1].name: "a" is used twice',
    );
  });
});

describe('authenticate() with users from statements', () => {
  function app(config: AuthConfig, users: UserStore, stats: AuthStats) {
    const koa = new Koa();
    const router = new Router<AuthState>();
    router.get('/who', (ctx) => {
      const { kind, name, admin } = ctx.state.principal;
      ctx.body = { kind, name, admin, permissions: Object.fromEntries(ctx.state.principal.permissions) };
    });
    koa.use(errorMiddleware(silentLogger));
    koa.use(authenticate(config, { users, stats }));
    koa.use(router.routes());
    return request(koa.callback());
  }

  it('logs in a created user, sees its grants at once, and forgets the cached check on SET PASSWORD and DROP USER', async () => {
    const users = UserStore.inMemory(AUTH_ON);
    const stats: AuthStats = { passwordChecks: 0, cacheHits: 0 };
    const api = app(AUTH_ON, users, stats);
    await users.create('adm', 'p', true);
    await users.create('u', 'old', false);
    const f = async (user: string, password: string, status: number, passwordChecks: number, cacheHits: number, body?: object) => {
      const res = await api.get('/who').set('Authorization', basic(user, password));
      assert.equal(res.status, status, `${user}:${password}: ${JSON.stringify(res.body)}`);
      if (body !== undefined) assert.deepEqual(res.body, body);
      assert.deepEqual(stats, { passwordChecks, cacheHits }, `${user}:${password}`);
    };
    await f('u', 'old', 200, 1, 0, { kind: 'user', name: 'u', admin: false, permissions: {} });
    await users.changePrivilege('u', 'db', 'read', true, exists);
    // A grant changes no password: the cached check stands, and the new permission shows.
    await f('u', 'old', 200, 1, 1, { kind: 'user', name: 'u', admin: false, permissions: { db: 'read' } });
    await users.setPassword('u', 'new');
    await f('u', 'old', 401, 2, 1, { error: 'authorization failed' });
    await f('u', 'new', 200, 3, 1);
    await f('u', 'new', 200, 3, 2);
    await users.drop('u');
    await f('u', 'new', 401, 4, 2, { error: 'authorization failed' });
    // A user of the same name created again does not inherit the dropped one's cached check.
    await users.create('u', 'new', false);
    await f('u', 'new', 200, 5, 2);
  });

  it('gives every request the bootstrap principal while no user or token exists, whatever its credentials', async () => {
    const users = UserStore.inMemory(AUTH_ON);
    const api = app(AUTH_ON, users, { passwordChecks: 0, cacheHits: 0 });
    const anonymous = { kind: 'anonymous', name: '', admin: false, permissions: {} };
    await api.get('/who').expect(200, anonymous);
    await api.get('/who').set('Authorization', basic('adm', 'p')).expect(200, anonymous);
    await users.create('adm', 'p', true);
    await api.get('/who').expect(401, { error: 'unable to parse authentication credentials' });
    await api.get('/who').set('Authorization', basic('adm', 'p')).expect(200, { kind: 'user', name: 'adm', admin: true, permissions: {} });
  });
});

describe('user statements over /query', () => {
  /** POST /query with `q`, and credentials when given; answers status and body. */
  const query = async (handler: Parameters<typeof request>[0], q: string, credentials?: [string, string], db?: string) => {
    const req = request(handler).post(`/query?${new URLSearchParams({ q, ...(db === undefined ? {} : { db }) })}`);
    if (credentials !== undefined) req.set('Authorization', basic(...credentials));
    const res = await req;
    return { status: res.status, body: res.body as unknown };
  };
  const ok = { results: [{ statement_id: 0 }] };
  const error = (text: string) => ({ results: [{ statement_id: 0, error: text }] });
  const series = (columns: string[], values?: unknown[][]) => ({ results: [{ statement_id: 0, series: [values === undefined ? { columns } : { columns, values }] }] });

  it('manages users with auth off, in influxd 1.6.7 answers', async () => {
    const { handler } = await openApp();
    const f = async (q: string, want: object) => assert.deepEqual(await query(handler, q), { status: 200, body: want }, q);
    await f('SHOW USERS', series(['user', 'admin']));
    await f('CREATE DATABASE db1', ok);
    await f(`CREATE USER "a" WITH PASSWORD 'p'`, ok);
    await f(`CREATE USER "a" WITH PASSWORD 'p'`, ok);
    await f(`CREATE USER "a" WITH PASSWORD 'q'`, error('user already exists'));
    await f(`CREATE USER "" WITH PASSWORD 'p'`, error('username required'));
    await f(`CREATE USER adm WITH PASSWORD 'p' WITH ALL PRIVILEGES`, ok);
    await f('SHOW USERS', series(['user', 'admin'], [['a', false], ['adm', true]]));
    await f('SHOW GRANTS FOR "a"', series(['database', 'privilege']));
    await f('SHOW GRANTS FOR "nobody"', error('user not found'));
    await f('GRANT READ ON "nodb" TO "a"', error('database not found: nodb'));
    await f('GRANT READ ON "nodb" TO "nobody"', error('user not found'));
    await f('GRANT WRITE ON db1 TO a', ok);
    await f('SHOW GRANTS FOR a', series(['database', 'privilege'], [['db1', 'WRITE']]));
    await f('GRANT ALL ON db1 TO a', ok);
    await f('SHOW GRANTS FOR a', series(['database', 'privilege'], [['db1', 'ALL PRIVILEGES']]));
    await f('REVOKE READ ON db1 FROM a', ok);
    await f('REVOKE WRITE ON db1 FROM a', ok);
    await f('SHOW GRANTS FOR a', series(['database', 'privilege'], [['db1', 'NO PRIVILEGES']]));
    await f('GRANT ALL PRIVILEGES TO a', ok);
    await f('REVOKE ALL PRIVILEGES FROM adm', ok);
    await f('SHOW USERS', series(['user', 'admin'], [['a', true], ['adm', false]]));
    await f(`SET PASSWORD FOR "a" = 'new'`, ok);
    await f(`SET PASSWORD FOR "nobody" = 'new'`, error('user not found'));
    await f('GRANT READ ON db1 TO adm', ok);
    await f('DROP DATABASE db1', ok);
    await f('CREATE DATABASE db1', ok);
    await f('SHOW GRANTS FOR adm', series(['database', 'privilege']));
    await f('DROP USER "a"', ok);
    await f('DROP USER "a"', error('user not found'));
    await f('SHOW USERS', series(['user', 'admin'], [['adm', false]]));
  });

  it('keeps what statements did across a restart, and the users log in once auth is on', async () => {
    const fs = new MemFs();
    const off = await openApp({ auth: AUTH_OFF, users: await UserStore.open(AUTH_OFF, '/data', fs) });
    assert.deepEqual(await query(off.handler, `CREATE USER adm WITH PASSWORD 'p' WITH ALL PRIVILEGES`), { status: 200, body: ok });
    const on = await openApp({ auth: AUTH_ON, users: await UserStore.open(AUTH_ON, '/data', fs) });
    assert.equal((await query(on.handler, 'SHOW USERS')).status, 401);
    assert.deepEqual(await query(on.handler, 'SHOW USERS', ['adm', 'p']), { status: 200, body: series(['user', 'admin'], [['adm', true]]) });
  });

  it('applies the bootstrap rule with auth on and nobody there: only CREATE USER ... WITH ALL PRIVILEGES', async () => {
    const { handler } = await openApp({ auth: AUTH_ON });
    const refused = { status: 403, body: { error: 'error authorizing query: create admin user first or disable authentication' } };
    assert.deepEqual(await query(handler, 'SHOW USERS'), refused);
    assert.deepEqual(await query(handler, 'CREATE DATABASE db1'), refused);
    assert.deepEqual(await query(handler, `CREATE USER u WITH PASSWORD 'p'`), refused);
    assert.deepEqual(await query(handler, `CREATE USER adm WITH PASSWORD 'p' WITH ALL PRIVILEGES; SHOW USERS`), refused);
    assert.equal((await request(handler).post('/write?db=db1').send('m v=1')).status, 403);
    assert.deepEqual(await query(handler, `CREATE USER adm WITH PASSWORD 'p' WITH ALL PRIVILEGES`), { status: 200, body: ok });
    // The rule is over: credentials are needed from now on.
    assert.deepEqual(await query(handler, `CREATE USER adm2 WITH PASSWORD 'p' WITH ALL PRIVILEGES`), { status: 401, body: { error: 'unable to parse authentication credentials' } });
    assert.deepEqual(await query(handler, 'SHOW USERS', ['adm', 'p']), { status: 200, body: series(['user', 'admin'], [['adm', true]]) });
  });

  it('lets only admins run them, in influxd\'s words, and applies grants, new passwords and drops to the next request', async () => {
    const { handler } = await openApp({ auth: AUTH_ON });
    const adm: [string, string] = ['adm', 'p'];
    const f = async (q: string, credentials: [string, string] | undefined, status: number, body: object, db?: string) =>
      assert.deepEqual(await query(handler, q, credentials, db), { status, body }, `${q} as ${credentials?.[0]}`);
    await f(`CREATE USER adm WITH PASSWORD 'p' WITH ALL PRIVILEGES`, undefined, 200, ok);
    await f('CREATE DATABASE db1', adm, 200, ok);
    await f(`CREATE USER u WITH PASSWORD 'p'`, adm, 200, ok);
    await f('GRANT READ ON db1 TO u', adm, 200, ok);
    const u: [string, string] = ['u', 'p'];
    const denied = (text: string) => ({ error: `error authorizing query: u not authorized to execute statement '${text}', requires admin privilege` });
    await f('SHOW USERS', u, 403, denied('SHOW USERS'));
    await f('SHOW GRANTS FOR "u"', u, 403, denied('SHOW GRANTS FOR u'));
    await f(`CREATE USER "v" WITH PASSWORD 'p'`, u, 403, denied('CREATE USER v WITH PASSWORD [REDACTED]'));
    await f(`CREATE USER "select" WITH PASSWORD 'p' WITH ALL PRIVILEGES`, u, 403, denied('CREATE USER "select" WITH PASSWORD [REDACTED] WITH ALL PRIVILEGES'));
    await f(`SET PASSWORD FOR "u" = 'q'`, u, 403, denied('SET PASSWORD FOR u = [REDACTED]'));
    await f('DROP USER "adm"', u, 403, denied('DROP USER adm'));
    await f('GRANT ALL PRIVILEGES TO "u"', u, 403, denied('GRANT ALL PRIVILEGES TO u'));
    await f('REVOKE READ ON "db1" FROM "u"', u, 403, denied('REVOKE READ ON db1 FROM u'));
    await f('GRANT ALL ON "my db" TO "u"', u, 403, denied('GRANT ALL PRIVILEGES ON "my db" TO u'));

    const write = (credentials: [string, string]) => request(handler).post('/write?db=db1').set('Authorization', basic(...credentials)).send('m v=1');
    assert.equal((await write(u)).status, 403);
    await f('SHOW MEASUREMENTS', u, 200, ok, 'db1');
    await f('GRANT WRITE ON db1 TO u', adm, 200, ok);
    assert.equal((await write(u)).status, 204);
    await f('SHOW MEASUREMENTS', u, 403, { error: "error authorizing query: u not authorized to execute statement 'SHOW MEASUREMENTS', requires READ on db1" }, 'db1');

    await f(`SET PASSWORD FOR u = 'q'`, adm, 200, ok);
    await f('SHOW DATABASES', u, 401, { error: 'authorization failed' });
    const q: [string, string] = ['u', 'q'];
    assert.equal((await write(q)).status, 204);
    await f('DROP USER u', adm, 200, ok);
    assert.equal((await write(q)).status, 401);
    await f('REVOKE ALL PRIVILEGES FROM adm', adm, 200, error('cannot remove the last admin user "adm" while authentication is enabled: create another admin first'));
  });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

async function readAll(fs: MemFs, path: string): Promise<Uint8Array> {
  const file = await fs.open(path);
  try {
    const bytes = new Uint8Array(await file.size());
    await file.read(bytes, 0);
    return bytes;
  } finally {
    await file.close();
  }
}
