import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGzip, gzipSync } from 'node:zlib';
import Koa from 'koa';
import request from 'supertest';
import { errorMiddleware } from '../../src/api/errors.ts';
import { authenticate, hashToken, type AuthConfig } from '../../src/api/auth/index.ts';
import { rateLimit, readRequestBody, type BodyLimits, type RateLimitConfig } from '../../src/api/limits/index.ts';
import { silentLogger } from '../../src/core/index.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

/** A handler that reads the body under `limits` and answers its size and SHA-256. */
function bodyApp(limits: BodyLimits, rawEncodings?: readonly string[]) {
  const app = new Koa();
  app.use(errorMiddleware(silentLogger));
  app.use(async (ctx) => {
    const body = await readRequestBody(ctx, limits, { rawEncodings });
    ctx.body = { bytes: body.length, sha256: sha256(body) };
  });
  return app.callback();
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `total` bytes of zeros through a streaming gzip: the compressed bytes, without ever holding the input. */
async function gzipZeros(total: number): Promise<Buffer> {
  const gzip = createGzip({ level: 1 });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(MiB);
  for (let written = 0; written < total; written += zeros.length) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await ended;
  return Buffer.concat(chunks);
}

describe('readRequestBody(ctx, limits)', () => {
  const limits: BodyLimits = { maxBodyBytes: 64 * KiB, maxDecompressedBytes: 256 * KiB };
  const handler = bodyApp(limits);
  const payload = Buffer.from('cpu,host=a usage=1 1\n'.repeat(1000));

  // Each case: a request, and the status and body it must get.
  const f = async (name: string, send: (req: request.Test) => request.Test, status: number, want: object) => {
    const res = await send(request(handler).post('/write'));
    assert.equal(res.status, status, `for ${name}: ${JSON.stringify(res.body)}`);
    assert.deepEqual(res.body, want, `for ${name}`);
  };
  const ok = { bytes: payload.length, sha256: sha256(payload) };

  it('reads a plain body, with or without Content-Length', async () => {
    await f('Content-Length', (req) => req.send(payload), 200, ok);
    await f('identity', (req) => req.set('Content-Encoding', 'identity').send(payload), 200, ok);
    await f('chunked', (req) => chunked(req, payload, 1000), 200, ok);
    await f('empty', (req) => req.send(Buffer.alloc(0)), 200, { bytes: 0, sha256: sha256(Buffer.alloc(0)) });
  });

  it('decompresses gzip, however it is spelled and sent', async () => {
    const gzipped = gzipSync(payload);
    await f('gzip', (req) => req.set('Content-Encoding', 'gzip').send(gzipped), 200, ok);
    await f('GZIP', (req) => req.set('Content-Encoding', 'GZIP').send(gzipped), 200, ok);
    await f('x-gzip', (req) => req.set('Content-Encoding', 'x-gzip').send(gzipped), 200, ok);
    await f('gzip, chunked', (req) => chunked(req.set('Content-Encoding', 'gzip'), gzipped, 7), 200, ok);
    await f('two gzip members', (req) => req.set('Content-Encoding', 'gzip').send(Buffer.concat([gzipSync(payload.subarray(0, 5)), gzipSync(payload.subarray(5))])), 200, ok);
  });

  it('refuses a body over max_body_size with 413', async () => {
    const big = Buffer.alloc(64 * KiB + 1, 'x');
    await f('by Content-Length', (req) => req.send(big), 413, { error: 'request body too large: Content-Length 65537 is over the limit of 65536 bytes (limits.max_body_size)' });
    await f('by streaming', (req) => chunked(req, big, 4 * KiB), 413, { error: 'request body too large: over the limit of 65536 bytes (limits.max_body_size)' });
    const incompressible = gzipSync(randomBytes(64 * KiB + 1));
    await f('gzip by streaming', (req) => chunked(req.set('Content-Encoding', 'gzip'), incompressible, 4 * KiB), 413, { error: 'request body too large: over the limit of 65536 bytes (limits.max_body_size)' });
    await f('exactly the limit', (req) => req.send(big.subarray(1)), 200, { bytes: 64 * KiB, sha256: sha256(big.subarray(1)) });
  });

  it('refuses a large Content-Length before the body arrives', async () => {
    // The client declares 1 GiB and sends nothing: only an answer that does not wait for the body comes back.
    const server = createServer(handler).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const req = httpRequest({ port: (server.address() as AddressInfo).port, method: 'POST', path: '/write', headers: { 'Content-Length': String(2 ** 30) } });
      req.flushHeaders();
      const [res] = (await once(req, 'response')) as [IncomingMessage];
      let text = '';
      for await (const chunk of res) text += String(chunk);
      assert.equal(res.statusCode, 413);
      assert.deepEqual(JSON.parse(text), { error: 'request body too large: Content-Length 1073741824 is over the limit of 65536 bytes (limits.max_body_size)' });
      req.destroy();
    } finally {
      server.close();
    }
  });

  it('closes the connection after refusing a body, rather than reading the rest', async () => {
    const res = await request(handler).post('/write').send(Buffer.alloc(64 * KiB + 1)).expect(413);
    assert.equal(res.headers['connection'], 'close');
  });

  it('refuses gzip that inflates past max_decompressed_size with 413', async () => {
    const inflatesTo = (bytes: number) => gzipSync(Buffer.alloc(bytes));
    await f('one byte over', (req) => req.set('Content-Encoding', 'gzip').send(inflatesTo(256 * KiB + 1)), 413, { error: 'request body too large: over 262144 bytes once decompressed (limits.max_decompressed_size)' });
    await f('exactly the limit', (req) => req.set('Content-Encoding', 'gzip').send(inflatesTo(256 * KiB)), 200, { bytes: 256 * KiB, sha256: sha256(Buffer.alloc(256 * KiB)) });
  });

  it('refuses corrupt gzip with 400', async () => {
    const gzipped = gzipSync(payload);
    const flipped = Buffer.from(gzipped);
    flipped[flipped.length - 6]! ^= 0xff; // the CRC32 of the trailer
    await f('not gzip', (req) => req.set('Content-Encoding', 'gzip').send(payload), 400, { error: 'cannot decompress the gzip request body: incorrect header check' });
    await f('bad checksum', (req) => req.set('Content-Encoding', 'gzip').send(flipped), 400, { error: 'cannot decompress the gzip request body: incorrect data check' });
    await f('truncated', (req) => req.set('Content-Encoding', 'gzip').send(gzipped.subarray(0, gzipped.length - 4)), 400, { error: 'cannot decompress the gzip request body: unexpected end of file' });
    await f('empty', (req) => req.set('Content-Encoding', 'gzip').send(Buffer.alloc(0)), 400, { error: 'cannot decompress the gzip request body: unexpected end of file' });
  });

  it('refuses an unknown Content-Encoding with 415', async () => {
    await f('br', (req) => req.set('Content-Encoding', 'br').send(payload), 415, { error: 'unsupported Content-Encoding "br": use one of "gzip", "identity"' });
    await f('deflate', (req) => req.set('Content-Encoding', 'deflate').send(payload), 415, { error: 'unsupported Content-Encoding "deflate": use one of "gzip", "identity"' });
    await f('two codings', (req) => req.set('Content-Encoding', 'gzip, gzip').send(payload), 415, { error: 'unsupported Content-Encoding "gzip, gzip": use one of "gzip", "identity"' });
  });

  it('returns a raw encoding the caller decodes itself as sent', async () => {
    const snappy = bodyApp(limits, ['snappy']);
    const res = await request(snappy).post('/').set('Content-Encoding', 'snappy').send(payload).expect(200);
    assert.deepEqual(res.body, ok);
    const refused = await request(snappy).post('/').set('Content-Encoding', 'zstd').send(payload).expect(415);
    assert.deepEqual(refused.body, { error: 'unsupported Content-Encoding "zstd": use one of "gzip", "identity", "snappy"' });
  });

  describe('with the default limits (25 MiB sent, 100 MiB inflated)', () => {
    let bomb: Buffer;
    before(async () => {
      bomb = await gzipZeros(1024 * MiB);
    });

    it('refuses 1 GiB of zeros gzipped to a few MB after inflating at most the limit', async () => {
      assert.ok(bomb.length < 25 * MiB, `the bomb is ${bomb.length} bytes`);
      const started = process.hrtime.bigint();
      const res = await request(bodyApp({ maxBodyBytes: 25 * MiB, maxDecompressedBytes: 100 * MiB }))
        .post('/write')
        .set('Content-Encoding', 'gzip')
        .send(bomb);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.equal(res.status, 413, JSON.stringify(res.body));
      assert.deepEqual(res.body, { error: 'request body too large: over 104857600 bytes once decompressed (limits.max_decompressed_size)' });
      // Not a speed assertion: inflating all of it would take seconds, and this says where it went wrong.
      assert.ok(ms < 5000, `took ${ms} ms`);
    });
  });
});

/** Send `body` without Content-Length, in chunks of `size` bytes (Transfer-Encoding: chunked). */
function chunked(req: request.Test, body: Buffer, size: number): request.Test {
  for (let at = 0; at < body.length; at += size) req.write(body.subarray(at, at + size));
  return req;
}

describe('rateLimit(config, { now })', () => {
  // A clock the test moves by hand.
  let clock = 0;
  const app = (config: RateLimitConfig, auth?: AuthConfig) => {
    const koa = new Koa();
    koa.use(errorMiddleware(silentLogger));
    if (auth !== undefined) koa.use(authenticate(auth));
    koa.use(rateLimit(config, { now: () => clock, maxClients: 3 }));
    koa.use((ctx) => {
      ctx.body = { ok: true };
    });
    return request(koa.callback());
  };

  it('answers 429 with Retry-After once a client has used its burst, and again after the refill', async () => {
    clock = 0;
    const api = app({ rateLimitRps: 2, rateLimitBurst: 3 });
    // Each case: the clock, then the status and Retry-After of the next request.
    const f = async (at: number, status: number, retryAfter?: string) => {
      clock = at;
      const res = await api.get('/x');
      assert.equal(res.status, status, `at ${at} ms: ${JSON.stringify(res.body)}`);
      assert.equal(res.headers['retry-after'], retryAfter, `Retry-After at ${at} ms`);
    };
    await f(0, 200);
    await f(0, 200);
    await f(0, 200);
    await f(0, 429, '1');
    await f(400, 429, '1'); // 0.8 tokens: 100 ms to go, rounded up to a second
    await f(500, 200); // one token back after 500 ms at 2 per second
    await f(500, 429, '1');
    await f(10_000, 200); // refilled, but only to the burst
    await f(10_000, 200);
    await f(10_000, 200);
    await f(10_000, 429, '1');
  });

  it('says why in the body', async () => {
    clock = 0;
    const api = app({ rateLimitRps: 0.1, rateLimitBurst: 1 });
    await api.get('/x').expect(200);
    const res = await api.get('/x').expect(429);
    assert.equal(res.headers['retry-after'], '10');
    assert.deepEqual(res.body, { error: 'too many requests: the limit is 0.1 per second with bursts of 1; retry in 10s' });
  });

  it('uses a burst of rate_limit_rps rounded up when none is given', async () => {
    clock = 0;
    const api = app({ rateLimitRps: 1.5, rateLimitBurst: 0 });
    await api.get('/x').expect(200);
    await api.get('/x').expect(200);
    await api.get('/x').expect(429);
  });

  it('does nothing with rate_limit_rps = 0', async () => {
    const api = app({ rateLimitRps: 0, rateLimitBurst: 0 });
    for (let i = 0; i < 20; i++) await api.get('/x').expect(200);
  });

  it('leaves the open paths alone', async () => {
    clock = 0;
    const api = app({ rateLimitRps: 1, rateLimitBurst: 1 });
    for (let i = 0; i < 5; i++) await api.get('/health').expect(200);
    await api.get('/x').expect(200);
    await api.get('/x').expect(429);
  });

  it('gives each principal its own bucket', async () => {
    clock = 0;
    const auth: AuthConfig = {
      enabled: true,
      users: [],
      tokens: ['a', 'b'].map((name) => ({ name, tokenHash: hashToken(`token-${name}`), admin: false, permissions: new Map() })),
    };
    const api = app({ rateLimitRps: 1, rateLimitBurst: 1 }, auth);
    await api.get('/x').set('Authorization', 'Token token-a').expect(200);
    await api.get('/x').set('Authorization', 'Token token-a').expect(429);
    await api.get('/x').set('Authorization', 'Token token-b').expect(200);
    // An anonymous client (here: auth off) is its address.
    const anonymous = app({ rateLimitRps: 1, rateLimitBurst: 1 });
    await anonymous.get('/x').expect(200);
    await anonymous.get('/x').expect(429);
  });

  it('forgets the least recently seen client past maxClients', async () => {
    clock = 0;
    const auth: AuthConfig = {
      enabled: true,
      users: [],
      tokens: ['a', 'b', 'c', 'd'].map((name) => ({ name, tokenHash: hashToken(`token-${name}`), admin: false, permissions: new Map() })),
    };
    const api = app({ rateLimitRps: 1, rateLimitBurst: 1 }, auth);
    const as = (name: string) => api.get('/x').set('Authorization', `Token token-${name}`);
    await as('a').expect(200);
    await as('b').expect(200);
    await as('c').expect(200);
    await as('a').expect(429); // a is now the most recently seen
    await as('d').expect(200); // a fourth client: b, the least recently seen, is forgotten
    await as('c').expect(429);
    await as('a').expect(429);
    await as('b').expect(200); // forgotten, so it starts with a full bucket
  });
});
