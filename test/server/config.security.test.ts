// The [auth] and [limits] sections of the config file.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, DEFAULT_RETENTION_CONFIG, loadConfig } from '../../src/server/index.ts';
import { DEFAULT_AUTH_CONFIG, hashPassword, hashToken } from '../../src/api/auth/index.ts';
import { DEFAULT_LIMITS } from '../../src/api/limits/index.ts';

let dir: string;
let passwordHash: string;
const tokenHash = hashToken('a-token');
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rusts-config-security-'));
  passwordHash = await hashPassword('secret');
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

let fileCount = 0;
function load(text: string) {
  const path = join(dir, `c${fileCount++}.toml`);
  writeFileSync(path, text);
  return { path, config: () => loadConfig({ configFile: path }, {}, dir) };
}

describe('loadConfig(): [auth] and [limits]', () => {
  it('leaves auth off and uses the default limits when the file says nothing', () => {
    const { config } = load('');
    assert.deepEqual(config().auth, DEFAULT_AUTH_CONFIG);
    assert.deepEqual(config().limits, DEFAULT_LIMITS);
    assert.deepEqual(DEFAULT_LIMITS, {
      rateLimitRps: 0,
      rateLimitBurst: 0,
      maxBodyBytes: 25 * 2 ** 20,
      maxDecompressedBytes: 100 * 2 ** 20,
      queryTimeoutMs: 60_000,
      maxQueryPoints: 50_000_000,
    });
  });

  it('reads users, tokens and their permissions', () => {
    const { config } = load(`
[auth]
enabled = true
[[auth.users]]
name = "admin"
password_hash = "${passwordHash}"
admin = true
[[auth.users]]
name = "telegraf"
password_hash = "${passwordHash}"
permissions = { telegraf = "write", metrics = "read", "my db" = "all" }
[[auth.tokens]]
name = "grafana"
token_hash = "${tokenHash}"
permissions = { "*" = "read" }
`);
    assert.deepEqual(config().auth, {
      enabled: true,
      users: [
        { name: 'admin', passwordHash, admin: true, permissions: new Map() },
        { name: 'telegraf', passwordHash, admin: false, permissions: new Map([['telegraf', 'write'], ['metrics', 'read'], ['my db', 'all']]) },
      ],
      tokens: [{ name: 'grafana', tokenHash, admin: false, permissions: new Map([['*', 'read']]) }],
    });
  });

  it('accepts users with auth off', () => {
    const { config } = load(`[auth]\nenabled = false\n[[auth.users]]\nname = "a"\npassword_hash = "${passwordHash}"\n`);
    assert.equal(config().auth.enabled, false);
    assert.equal(config().auth.users.length, 1);
  });

  it('finds the defaults in examples/rusts.toml', () => {
    const config = loadConfig({ configFile: resolve('examples/rusts.toml') }, {}, dir);
    assert.deepEqual(config.auth, DEFAULT_AUTH_CONFIG);
    assert.deepEqual(config.limits, DEFAULT_LIMITS);
    assert.deepEqual(config.retention, DEFAULT_RETENTION_CONFIG);
    assert.equal(config.warmUp, true);
  });

  it('reads [query] and names a bad key', () => {
    assert.equal(load('').config().warmUp, true);
    assert.equal(load('[query]\nwarm_up = false\n').config().warmUp, false);
    assert.throws(() => load('[query]\nwarmup = false\n').config(), /unknown key "query.warmup"/);
    assert.throws(() => load('[query]\nwarm_up = "yes"\n').config(), /query.warm_up/);
  });

  it('reads [retention] and names a bad key', () => {
    assert.deepEqual(load('[retention]\nenabled = false\ncheck_interval = "5m"\n').config().retention, { enabled: false, checkIntervalMs: 300_000 });
    assert.throws(() => load('[retention]\ncheck_every = "5m"\n').config(), /unknown key "retention.check_every"/);
    assert.throws(() => load('[retention]\ncheck_interval = "soon"\n').config(), /retention.check_interval/);
  });

  it('reads every [limits] key and keeps the defaults of the others', () => {
    // Each case: the [limits] body, and what it changes from the defaults.
    const f = (text: string, want: object) => assert.deepEqual(load(`[limits]\n${text}\n`).config().limits, { ...DEFAULT_LIMITS, ...want }, `for ${text}`);
    f('rate_limit_rps = 100', { rateLimitRps: 100 });
    f('rate_limit_rps = 0.5', { rateLimitRps: 0.5 });
    f('rate_limit_rps = 10\nrate_limit_burst = 50', { rateLimitRps: 10, rateLimitBurst: 50 });
    f('rate_limit_rps = 0', {});
    f('max_body_size = "10MiB"', { maxBodyBytes: 10 * 2 ** 20 });
    f('max_body_size = 1000', { maxBodyBytes: 1000 });
    f('max_decompressed_size = "1GiB"', { maxDecompressedBytes: 2 ** 30 });
    f('query_timeout = "2m"', { queryTimeoutMs: 120_000 });
    f('max_query_points = 1_000_000', { maxQueryPoints: 1_000_000 });
  });
});

describe('loadConfig() errors in [auth] and [limits]', () => {
  // Each case: the file's text, and fragments the one-line error must contain besides the file name.
  const f = (text: string, ...want: string[]) => {
    const { path, config } = load(text);
    assert.throws(config, (err: unknown) => {
      assert.ok(err instanceof ConfigError, `for ${JSON.stringify(text)} got ${String(err)}`);
      for (const part of [`"${path}"`, ...want]) {
        assert.ok(err.message.includes(part), `for ${JSON.stringify(text)}: ${JSON.stringify(err.message)} does not include ${JSON.stringify(part)}`);
      }
      return true;
    });
  };
  const user = (...lines: string[]) => `[auth]\n[[auth.users]]\n${lines.join('\n')}\n`;
  const token = (...lines: string[]) => `[auth]\n[[auth.tokens]]\n${lines.join('\n')}\n`;

  it('names an unknown key', () => {
    f('[auth]\nenable = true\n', 'unknown key "auth.enable"', 'enabled, users, tokens');
    f(user('name = "a"', 'password = "x"'), 'unknown key "auth.users[0].password"', 'password_hash');
    f(token('name = "a"', 'password_hash = "x"'), 'unknown key "auth.tokens[0].password_hash"', 'token_hash');
    f('[limits]\nmax_body = "1MiB"\n', 'unknown key "limits.max_body"', 'max_body_size');
  });

  it('names a bad [auth] value', () => {
    f('auth = true\n', 'auth:', 'expected a table');
    f('[auth]\nenabled = "yes"\n', 'auth.enabled:', 'expected true or false', '"yes"');
    f('[auth]\nusers = "admin"\n', 'auth.users:', 'expected an array of tables', '[[auth.users]]');
    f('[auth]\nusers = [1]\n', 'auth.users[0]:', 'expected a table', 'integer 1');
    f(user(`password_hash = "${passwordHash}"`), 'auth.users[0].name: missing');
    f(user('name = "a"'), 'auth.users[0].password_hash: missing', 'rusts hash-password');
    f(user('name = ""', `password_hash = "${passwordHash}"`), 'auth.users[0].name:', 'must not be empty');
    f(user('name = "a:b"', `password_hash = "${passwordHash}"`), 'auth.users[0].name:', 'must not contain ":"');
    f(user('name = "a\\u0000"', `password_hash = "${passwordHash}"`), 'auth.users[0].name:', 'control characters');
    f(user('name = 1', `password_hash = "${passwordHash}"`), 'auth.users[0].name:', 'expected a string');
    f(user('name = "a"', 'password_hash = "secret"'), 'auth.users[0].password_hash:', 'scrypt:N:r:p:SALT:KEY');
    f(user('name = "a"', `password_hash = "${passwordHash}"`, 'admin = "yes"'), 'auth.users[0].admin:', 'expected true or false');
    f(user('name = "a"', `password_hash = "${passwordHash}"`, 'permissions = "read"'), 'auth.users[0].permissions:', 'expected a table');
    f(user('name = "a"', `password_hash = "${passwordHash}"`, 'permissions = { db = "rw" }'), 'auth.users[0].permissions.db:', '"read", "write", "all"', '"rw"');
    f(user('name = "a"', `password_hash = "${passwordHash}"`, 'permissions = { "my db" = true }'), 'auth.users[0].permissions."my db":', 'expected a string');
    f(user('name = "a"', `password_hash = "${passwordHash}"`, 'permissions = { "" = "read" }'), 'auth.users[0].permissions."":', 'must not be empty');
    f(token('name = "a"'), 'auth.tokens[0].token_hash: missing', 'rusts hash-password --token');
    f(token('name = "a"', 'token_hash = "sha256:abc"'), 'auth.tokens[0].token_hash:', '64 lowercase hex digits');
    f(token('name = "a"', 'token_hash = "a-token"'), 'auth.tokens[0].token_hash:');
  });

  it('rejects two entries with one name', () => {
    f(`[auth]\n[[auth.users]]\nname = "a"\npassword_hash = "${passwordHash}"\n[[auth.users]]\nname = "a"\npassword_hash = "${passwordHash}"\n`, 'auth.users:', '"a" is used twice');
    f(`[auth]\n[[auth.tokens]]\nname = "t"\ntoken_hash = "${tokenHash}"\n[[auth.tokens]]\nname = "t"\ntoken_hash = "${tokenHash}"\n`, 'auth.tokens:', '"t" is used twice');
  });

  it('accepts auth turned on with nobody configured: the first admin is created by CREATE USER (InfluxDB\'s bootstrap)', () => {
    assert.deepEqual(load('[auth]\nenabled = true\n').config().auth, { enabled: true, users: [], tokens: [] });
  });

  it('names a bad [limits] value', () => {
    f('limits = 1\n', 'limits:', 'expected a table');
    f('[limits]\nrate_limit_rps = -1\n', 'limits.rate_limit_rps:', 'at least 0', 'integer -1');
    f('[limits]\nrate_limit_rps = "10/s"\n', 'limits.rate_limit_rps:', 'expected a number', '"10/s"');
    f('[limits]\nrate_limit_rps = nan\n', 'limits.rate_limit_rps:', 'expected a number');
    f('[limits]\nrate_limit_burst = 10\n', 'limits.rate_limit_burst:', 'only applies when rate_limit_rps is above 0');
    f('[limits]\nrate_limit_rps = 1\nrate_limit_burst = 1.5\n', 'limits.rate_limit_burst:', 'expected an integer', 'float 1.5');
    f('[limits]\nrate_limit_rps = 1\nrate_limit_burst = -1\n', 'limits.rate_limit_burst:', 'at least 0');
    f('[limits]\nmax_body_size = "25MB"\n', 'limits.max_body_size:', '"25MiB"');
    f('[limits]\nmax_body_size = 0\n', 'limits.max_body_size:', 'at least 1 byte');
    f('[limits]\nmax_decompressed_size = "lots"\n', 'limits.max_decompressed_size:', '"lots"');
    f('[limits]\nquery_timeout = 60\n', 'limits.query_timeout:', 'expected a string', 'integer 60');
    f('[limits]\nquery_timeout = "0s"\n', 'limits.query_timeout:', 'at least 1ms');
    f('[limits]\nmax_query_points = 0\n', 'limits.max_query_points:', 'at least 1');
    f('[limits]\nmax_query_points = "50M"\n', 'limits.max_query_points:', 'expected an integer');
  });
});
