import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import Koa from 'koa';
import request from 'supertest';
import { authenticate, hashToken } from '../../src/api/auth/index.ts';
import { parseCommandLine, runHashPassword, UsageError, type Command } from '../../src/server/index.ts';
import { BIN } from './_rusts.ts';

describe('parseCommandLine(["hash-password", ...])', () => {
  const f = (argv: string[], want: Command) => assert.deepEqual(parseCommandLine(argv), want, `for ${JSON.stringify(argv)}`);
  const bad = (argv: string[], message: string) =>
    assert.throws(() => parseCommandLine(argv), (err: unknown) => err instanceof UsageError && err.message === message, `for ${JSON.stringify(argv)}`);

  it('reads the command and --token', () => {
    f(['hash-password'], { kind: 'hash-password', token: false });
    f(['hash-password', '--token'], { kind: 'hash-password', token: true });
    f(['hash-password', '--help'], { kind: 'help' });
  });

  it('takes no password from the command line', () => {
    bad(['hash-password', 'secret'], 'unexpected argument "secret" for "rusts hash-password" (the password is read from stdin, so that it stays out of the shell history)');
    bad(['hash-password', '--tokens'], 'unknown flag "--tokens" for "rusts hash-password"');
    bad(['hash-password', '--token', '--token'], 'flag --token given more than once');
  });
});

/** Run the command on `input` (a pipe, not a terminal); its stdout and stderr. */
async function run(token: boolean, input: string): Promise<{ stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  await runHashPassword(token, { stdin: Readable.from([Buffer.from(input)]), stdout, stderr });
  return { stdout: String(stdout.read() ?? ''), stderr: String(stderr.read() ?? '') };
}

/** Whether `hash` lets `user` in with `password`, through the real middleware. */
async function logsIn(hash: string, password: string): Promise<boolean> {
  const app = new Koa();
  app.use(authenticate({ enabled: true, users: [{ name: 'u', passwordHash: hash, admin: true, permissions: new Map() }], tokens: [] }));
  app.use((ctx) => {
    ctx.body = 'in';
  });
  app.on('error', () => {});
  const res = await request(app.callback()).get('/x').auth('u', password);
  return res.status === 200;
}

describe('runHashPassword(token, io)', () => {
  it('prints a hash that lets the password in, reading the first line of a pipe', async () => {
    // Each case: what is piped in, and the password the hash must accept.
    const f = async (input: string, password: string) => {
      const { stdout } = await run(false, input);
      assert.match(stdout, /^scrypt:16384:8:1:\S+\n$/, `for ${JSON.stringify(input)}`);
      assert.ok(await logsIn(stdout.trim(), password), `for ${JSON.stringify(input)}`);
      assert.ok(!(await logsIn(stdout.trim(), `${password}x`)), `for ${JSON.stringify(input)}`);
    };
    await f('secret\n', 'secret');
    await f('secret\r\n', 'secret');
    await f('secret', 'secret');
    await f(' spaced out: ü \n', ' spaced out: ü ');
  });

  it('refuses an empty or multi-line password', async () => {
    const f = async (input: string, message: string) => assert.rejects(run(false, input), { name: 'UsageError', message }, `for ${JSON.stringify(input)}`);
    await f('', 'the password is empty');
    await f('\n', 'the password is empty');
    await f('a\nb\n', 'the password must be one line');
  });

  it('prints a new token and its hash with --token', async () => {
    const { stdout, stderr } = await run(true, '');
    const match = /^token: ([A-Za-z0-9_-]{43})\ntoken_hash: (sha256:[0-9a-f]{64})\n$/.exec(stdout);
    assert.ok(match !== null, stdout);
    assert.equal(hashToken(match[1]!), match[2]);
    assert.match(stderr, /keeps no copy of the token/);
    assert.notEqual((await run(true, '')).stdout, stdout);
  });
});

describe('rusts hash-password', () => {
  it('reads stdin, prints the hash and exits 0; an empty password exits 2', () => {
    const env = { ...process.env, NODE_TEST_CONTEXT: undefined };
    const ok = spawnSync(process.execPath, [BIN, 'hash-password'], { input: 'secret\n', encoding: 'utf8', env });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^scrypt:16384:8:1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+\n$/);
    const empty = spawnSync(process.execPath, [BIN, 'hash-password'], { input: '', encoding: 'utf8', env });
    assert.equal(empty.status, 2);
    assert.equal(empty.stderr, 'rusts: the password is empty\n');
  });
});
