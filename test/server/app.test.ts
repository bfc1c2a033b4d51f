// createApp lives in src/api; its tests sit here while the API is only what the server needs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import request from 'supertest';
import { createApp, ServerState, VERSION } from '../../src/api/index.ts';
import { LocalRouter } from '../../src/cluster/index.ts';
// Reaches past src/api/index.ts: until the API has routes that fail, only a test app can throw.
import { errorMiddleware } from '../../src/api/errors.ts';
import { CorruptionError, EngineClosedError, FieldType, FieldTypeConflictError, silentLogger } from '../../src/core/index.ts';

describe('createApp({ state, logger })', () => {
  let dir: string;
  let router: LocalRouter;
  let handler: ReturnType<ReturnType<typeof createApp>['callback']>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rusts-app-'));
    router = await LocalRouter.open({ dataDir: dir, shards: 1 }, { logger: silentLogger });
    const state = new ServerState();
    state.ready(router);
    handler = createApp({ state, logger: silentLogger }).callback();
  });
  after(async () => {
    await router.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers GET /health in InfluxDB 1.8 shape', async () => {
    const res = await request(handler).get('/health').expect(200).expect('Content-Type', /application\/json/);
    assert.deepEqual(res.body, { name: 'rusts', message: 'ready for queries and writes', status: 'pass', checks: [], version: VERSION });
  });

  it('answers HEAD /health', async () => {
    await request(handler).head('/health').expect(200);
  });

  it('answers an unknown path with a JSON 404', async () => {
    const res = await request(handler).get('/nope').expect(404).expect('Content-Type', /application\/json/);
    assert.deepEqual(res.body, { error: 'not found' });
  });

  it('answers a wrong method with a JSON 405', async () => {
    const res = await request(handler).post('/health').expect(405).expect('Content-Type', /application\/json/);
    assert.equal(typeof res.body.error, 'string');
    assert.match(res.headers['allow'] ?? '', /GET/);
  });
});

describe('errorMiddleware(logger)', () => {
  const f = async (thrower: () => never, status: number, error: string) => {
    const app = new Koa();
    app.use(errorMiddleware(silentLogger));
    app.use(() => thrower());
    const res = await request(app.callback()).get('/x').expect(status).expect('Content-Type', /application\/json/);
    assert.deepEqual(res.body, { error }, `for ${thrower.toString()}`);
  };

  it('maps typed errors, http errors and bugs to JSON', async () => {
    const conflict = new FieldTypeConflictError('cpu', 'v', FieldType.String, FieldType.Float);
    await f(() => { throw conflict; }, 400, conflict.message);
    await f(() => { throw new EngineClosedError(); }, 503, 'storage engine is closed');
    await f(() => { throw new CorruptionError('/data/x.rseg', 12, 'bad crc'); }, 500, 'internal error');
    await f(() => { throw new TypeError('boom'); }, 500, 'internal error');
    await f(() => { throw Object.assign(new Error('bad param'), { status: 400, expose: true }); }, 400, 'bad param');
    await f(() => { throw Object.assign(new Error('secret'), { status: 500, expose: false }); }, 500, 'internal error');
  });
});
