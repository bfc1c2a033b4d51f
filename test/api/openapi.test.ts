// openapi.yaml is the contract of the native HTTP API: these tests keep it a valid document, keep
// its examples true to its schemas, and check that a real server answers the way it says.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileErrors, dereference, validate } from '@readme/openapi-parser';
import { VERSION } from '../../src/api/index.ts';
import { silentLogger } from '../../src/core/index.ts';
import { hashPassword } from '../../src/api/auth/index.ts';
import { loadConfig, startServer, type RunningServer, type ServerConfig } from '../../src/server/index.ts';
import {
  SPEC_PATH,
  at,
  examplesOf,
  isObject,
  loadSpec,
  mediaTypesOf,
  operation,
  operations,
  parametersOf,
  pointerOf,
  responseSchemaPointer,
  schemaValidator,
  type Json,
  type JsonObject,
} from './_openapi.ts';

let doc: JsonObject;
let check: ReturnType<typeof schemaValidator>;
before(async () => {
  doc = await loadSpec();
  check = schemaValidator(doc);
});

describe('openapi.yaml', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await validate(SPEC_PATH);
    assert.ok(result.valid, result.valid ? '' : compileErrors(result));
    assert.deepEqual(result.warnings, []);
    assert.equal(doc['openapi'], '3.1.0');
  });

  it('resolves every $ref', async () => {
    // dereference() throws on a $ref to nothing; circular ones (conditions hold conditions) become cycles.
    const api = (await dereference(SPEC_PATH)) as unknown as JsonObject;
    const query = at(api, pointerOf('paths', '/query', 'post', 'requestBody', 'content', 'application/json', 'schema')) as JsonObject;
    assert.deepEqual(at(query, '/properties/database'), { type: 'string', minLength: 1 });
  });

  it('states the version of package.json', () => {
    assert.equal(at(doc, '/info/version'), VERSION);
  });

  it('leaves exactly the probes and itself open when auth is on', () => {
    const open = operations(doc)
      .filter((o) => Array.isArray(o.op['security']) && o.op['security'].length === 0)
      .map((o) => o.path);
    assert.deepEqual(open.sort(), ['/health', '/openapi.yaml', '/ping', '/ready']);
    for (const o of operations(doc)) assert.ok(o.op['security'] === undefined || open.includes(o.path), `${o.id} overrides security`);
  });

  it('gives an example for every parameter, request body and response body', () => {
    for (const o of operations(doc)) {
      for (const param of parametersOf(doc, o)) {
        assert.ok('example' in param.node || isObject(param.node['examples']), `${o.method} ${o.path} parameter ${String(param.node['name'])} has no example`);
      }
      for (const media of mediaTypesOf(doc, o)) {
        const examples = (at(doc, media.pointer) as JsonObject)['examples'];
        assert.ok(isObject(examples) && Object.keys(examples).length > 0, `${media.where} has no examples`);
      }
      assert.ok(o.op['requestBody'] === undefined || mediaTypesOf(doc, o).some((m) => m.status === null), `${o.id}: request body without content`);
    }
  });

  it('has examples that satisfy their schemas', () => {
    const examples = operations(doc).flatMap((o) => examplesOf(doc, o));
    assert.ok(examples.length >= 40, `only ${examples.length} examples found`);
    for (const example of examples) {
      const problem = check(example.value, example.schemaPointer);
      assert.equal(problem, null, `${example.where}: ${problem}`);
    }
  });

  it('has a query schema that rejects what the server rejects', () => {
    const query = '/components/schemas/Query';
    const base = { database: 'db', measurement: 'cpu' };
    const f = (body: JsonObject, want: boolean) => {
      const problem = check(body, query);
      assert.equal(problem === null, want, `for ${JSON.stringify(body)}: got ${problem ?? 'valid'}, want ${want ? 'valid' : 'invalid'}`);
    };
    f(base, true);
    f({ ...base, select: ['*', 'v', { fn: 'count', field: '*' }] }, true);
    f({ ...base, select: [{ fn: 'non_negative_derivative', of: { fn: 'max', field: 'v' }, args: ['1s'], as: 'rate' }] }, true);
    f({ ...base, where: { or: [{ and: [{ tag: 'host', op: '!~', value: '^a' }] }, { field: 'v', op: '<=', value: true }] } }, true);
    f({ ...base, start: '2026-11-25T00:00:00.123456789+01:00', end: 'now+5m', groupBy: { time: '1h30m', offset: '-15m', tags: '*' } }, true);
    f({ ...base, start: 1795564800000, fill: 0.5, order: 'desc', limit: 10, offset: 1, slimit: 2, soffset: 0, epoch: 'us', explain: false }, true);
    f({ database: 'db' }, false); // neither measurement nor measurementRegex
    f({ ...base, measurementRegex: '^c' }, false); // both
    f({ measurement: 'cpu' }, false); // no database
    f({ ...base, database: '' }, false);
    f({ ...base, bogus: 1 }, false);
    f({ ...base, select: [] }, false);
    f({ ...base, select: [{ fn: 'avg', field: 'v' }] }, false);
    f({ ...base, select: [{ fn: 'mean' }] }, false); // no field
    f({ ...base, select: [{ fn: 'mean', field: 'v', of: { fn: 'max', field: 'v' } }] }, false); // both
    f({ ...base, select: [{ fn: 'percentile', field: 'v', args: [true] }] }, false);
    f({ ...base, where: { and: [] } }, false);
    f({ ...base, where: { tag: 'host', op: '>', value: 'a' } }, false);
    f({ ...base, where: { tag: 'host', op: '=', value: 1 } }, false);
    f({ ...base, where: { field: 'v', op: '=', value: null } }, false);
    f({ ...base, where: { and: [{ tag: 'host', op: '=', value: 'a' }], or: [] } }, false);
    f({ ...base, start: 'yesterday' }, false);
    f({ ...base, start: '2026-11-25 00:00:00' }, false);
    f({ ...base, end: 1.5 }, false);
    f({ ...base, groupBy: { time: '1 minute' } }, false);
    f({ ...base, groupBy: { time: '-1m' } }, false);
    f({ ...base, groupBy: { tags: 'host' } }, false);
    f({ ...base, fill: 'zero' }, false);
    f({ ...base, order: 'ASC' }, false);
    f({ ...base, limit: -1 }, false);
    f({ ...base, limit: 1.5 }, false);
    f({ ...base, epoch: 'h' }, false);
  });
});

interface ApiRequest {
  readonly path?: string;
  readonly query?: string;
  readonly body?: string | Json;
  readonly headers?: Record<string, string>;
}

/**
 * A function that sends a request to an operation of the server at `url()` and checks that the
 * answer has status `want`, that openapi.yaml documents that status for the operation, and that the
 * body satisfies the documented schema. It returns the body and the response.
 */
function caller(url: () => string) {
  return async (id: string, request: ApiRequest, want: number): Promise<{ body: Json | undefined; res: Response }> => {
    const o = operation(doc, id);
    const body = request.body === undefined || typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    const headers = { ...(typeof request.body === 'object' ? { 'Content-Type': 'application/json' } : {}), ...request.headers };
    const res = await fetch(`${url()}${request.path ?? o.path}${request.query ?? ''}`, { method: o.method, body, headers });
    const text = await res.text();
    const where = `${o.method} ${request.path ?? o.path}${request.query ?? ''} ${body?.slice(0, 200) ?? ''}`;
    assert.equal(res.status, want, `${where}: got ${res.status} ${text}`);
    const responses = at(doc, `${o.pointer}/responses`) as JsonObject;
    assert.ok(String(res.status) in responses, `${where}: status ${res.status} is not documented`);
    if (text === '') {
      assert.equal(mediaTypesOf(doc, o).some((m) => m.status === String(res.status)), false, `${where}: empty body, but openapi.yaml documents one`);
      return { body: undefined, res };
    }
    const mediaType = (res.headers.get('Content-Type') ?? '').split(';')[0]!.trim();
    const schema = responseSchemaPointer(doc, o, res.status, mediaType);
    assert.ok(schema !== undefined, `${where}: ${res.status} ${mediaType} is not documented`);
    const value: Json = mediaType === 'application/json' ? (JSON.parse(text) as Json) : text;
    const problem = check(value, schema);
    assert.equal(problem, null, `${where}: the ${res.status} body ${text.slice(0, 500)} does not match openapi.yaml: ${problem}`);
    return { body: value, res };
  };
}

async function startTestServer(dir: string, name: string, change: (config: ServerConfig) => ServerConfig = (c) => c): Promise<RunningServer> {
  const config = loadConfig({ bind: '127.0.0.1:0', dataDir: join(dir, name) }, {}, dir);
  return startServer(change(config), { logger: silentLogger });
}

describe('a server, as openapi.yaml describes it', () => {
  let dir: string;
  let server: RunningServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rusts-openapi-'));
    server = await startTestServer(dir, 'data');
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = caller(() => server.url);

  /** The values of the request examples of an operation's JSON or text body. */
  const requestExamples = (id: string): [string, Json][] => {
    const o = operation(doc, id);
    const media = mediaTypesOf(doc, o).find((m) => m.status === null)!;
    return Object.entries(at(doc, `${media.pointer}/examples`) as JsonObject).map(([name, example]) => [name, (example as JsonObject)['value']!]);
  };

  it('serves the file itself at GET /openapi.yaml', async () => {
    const res = await fetch(`${server.url}/openapi.yaml`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('Content-Type') ?? '', /^application\/yaml/);
    assert.equal(await res.text(), readFileSync(SPEC_PATH, 'utf8'));
  });

  it('accepts every request example', async () => {
    for (const [, body] of requestExamples('createDatabase')) await call('createDatabase', { body }, 201);
    for (const [, body] of requestExamples('writeLineProtocol')) {
      await call('writeLineProtocol', { query: '?db=telegraf', body: body as string, headers: { 'Content-Type': 'text/plain' } }, 204);
    }
    for (const [name, body] of requestExamples('query')) {
      const { body: result } = await call('query', { body }, 200);
      assert.ok(isObject(result), `query example ${name}`);
      if ((body as JsonObject)['explain'] === true) {
        // The example selects host a, which the write examples created.
        assert.ok(Number((result['pruning'] as JsonObject)['seriesMatched']) >= 1, `query example ${name}: ${JSON.stringify(result)}`);
      } else {
        assert.ok(Array.isArray(result['series']), `query example ${name}: ${JSON.stringify(result)}`);
      }
    }
  });

  it('answers writes as documented', async () => {
    const good = 'cpu,host=a usage_user=1,usage_idle=2 1795564800000000000';
    await call('writeLineProtocol', { query: '?db=w&precision=n', body: good }, 204);
    await call('writeLineProtocol', { query: '?db=w&precision=s', body: 'cpu,host=a usage_user=1 1795564800' }, 204);
    await call('writeLineProtocol', { query: '?db=w', body: good }, 204);
    await call('writeLineProtocol', { body: good }, 400);
    await call('writeLineProtocol', { query: '?db=w&precision=x', body: good }, 400);
    await call('writeLineProtocol', { query: '?db=w', body: good, headers: { 'Content-Encoding': 'br' } }, 415);

    const { body: partial } = await call('writeLineProtocol', { query: '?db=w', body: `${good}\ncpu,host=a usage_user=\ncpu,host=b usage_user=3 1795564800000000000\n` }, 400);
    assert.ok(isObject(partial));
    assert.equal(partial['written'], 3, JSON.stringify(partial));
    assert.deepEqual((partial['rejected'] as JsonObject[]).map((r) => r['line']), [2], JSON.stringify(partial));

    const { body: conflict } = await call('writeLineProtocol', { query: '?db=w', body: 'cpu,host=a usage_user="text" 1795564900000000000' }, 400);
    assert.ok(isObject(conflict));
    assert.match(String(conflict['error']), /usage_user/);
  });

  it('answers queries as documented', async () => {
    await call('writeLineProtocol', { query: '?db=q&precision=s', body: 'm,host=a v=1i 1795564800\nm,host=a v=3i 1795564810\n' }, 204);
    const { body: result } = await call('query', { body: { database: 'q', measurement: 'm', select: [{ fn: 'sum', field: 'v' }], epoch: 's' } }, 200);
    assert.ok(isObject(result) && Array.isArray(result['series']), JSON.stringify(result));
    const [series] = result['series'] as JsonObject[];
    assert.deepEqual(series?.['columns'], ['time', 'sum'], JSON.stringify(result));
    assert.deepEqual((series?.['values'] as Json[][]).map((row) => row[1]), [4], JSON.stringify(result));
    await call('query', { body: { database: 'nope', measurement: 'm' } }, 404);
    await call('query', { body: { database: 'q', measurement: 'm', select: [{ fn: 'avg', field: 'v' }] } }, 400);
    await call('query', { body: { database: 'q', measurement: 'm', start: 'yesterday' } }, 400);
    await call('query', { body: '{"database": ' }, 400);
  });

  it('answers database management as documented', async () => {
    await call('createDatabase', { body: { name: 'd' } }, 201);
    await call('createDatabase', { body: { name: 'd' } }, 200);
    await call('createDatabase', { body: {} }, 400);
    const { body: list } = await call('listDatabases', {}, 200);
    assert.ok(isObject(list) && Array.isArray(list['databases']) && list['databases'].includes('d'), JSON.stringify(list));
    await call('dropDatabase', { path: '/databases/d' }, 204);
    await call('dropDatabase', { path: '/databases/d' }, 404);
  });

  it('answers the status endpoints as documented', async () => {
    await call('getHealth', {}, 200);
    await call('getReady', {}, 200);
    await call('getStats', {}, 200);
    await call('getOpenApi', {}, 200);
  });

  it('answers an unknown path with 404 and a wrong method with 405, as its description says', async () => {
    const notFound = await fetch(`${server.url}/nope`);
    assert.equal(notFound.status, 404);
    assert.deepEqual(await notFound.json(), { error: 'not found' });
    const wrongMethod = await fetch(`${server.url}/write`, { method: 'GET' });
    assert.equal(wrongMethod.status, 405);
    assert.match(wrongMethod.headers.get('Allow') ?? '', /POST/);
    assert.equal(check(await wrongMethod.json(), pointerOf('components', 'schemas', 'Error')), null);
  });
});

describe('a server with auth and limits on, as openapi.yaml describes it', () => {
  let dir: string;
  let server: RunningServer;
  let limited: RunningServer;
  // Token hashes are `sha256:HEX` of the token, as `rusts hash-password --token` prints them.
  const tokenHash = (token: string) => `sha256:${createHash('sha256').update(token).digest('hex')}`;
  const admin = { Authorization: 'Token admin-secret' };
  const reader = { Authorization: 'Bearer reader-secret' };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rusts-openapi-auth-'));
    const passwordHash = await hashPassword('pw');
    server = await startTestServer(dir, 'auth', (config) => ({
      ...config,
      auth: {
        enabled: true,
        users: [{ name: 'ops', passwordHash, admin: true, permissions: new Map() }],
        tokens: [
          { name: 'admin', tokenHash: tokenHash('admin-secret'), admin: true, permissions: new Map() },
          { name: 'reader', tokenHash: tokenHash('reader-secret'), admin: false, permissions: new Map([['r', 'read']]) },
        ],
      },
      limits: { ...config.limits, maxBodyBytes: 1024, maxQueryPoints: 5 },
    }));
    limited = await startTestServer(dir, 'limited', (config) => ({ ...config, limits: { ...config.limits, rateLimitRps: 0.001, rateLimitBurst: 1 } }));
  });
  after(async () => {
    await server?.close();
    await limited?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const call = caller(() => server.url);

  it('answers the open endpoints without credentials', async () => {
    await call('getHealth', {}, 200);
    await call('getReady', {}, 200);
    await call('getOpenApi', {}, 200);
  });

  it('answers 401 without credentials or with wrong ones', async () => {
    await call('listDatabases', {}, 401);
    await call('getStats', { headers: { Authorization: 'Token wrong' } }, 401);
    await call('writeLineProtocol', { query: '?db=r&u=ops&p=wrong', body: 'm v=1' }, 401);
  });

  it('accepts every form of credentials the security schemes name', async () => {
    const basic = `Basic ${Buffer.from('ops:pw').toString('base64')}`;
    for (const headers of [admin, { Authorization: 'Bearer admin-secret' }, { Authorization: basic }, { Authorization: 'Token ops:pw' }]) {
      await call('getStats', { headers }, 200);
    }
    await call('getStats', { query: '?u=ops&p=pw' }, 200);
  });

  it('answers 403 to what the principal may not do', async () => {
    await call('createDatabase', { body: { name: 'r' }, headers: admin }, 201);
    await call('writeLineProtocol', { query: '?db=r', body: 'm v=1', headers: reader }, 403);
    await call('createDatabase', { body: { name: 'x' }, headers: reader }, 403);
    await call('dropDatabase', { path: '/databases/r', headers: reader }, 403);
    await call('query', { body: { database: 'r', measurement: 'm' }, headers: reader }, 200);
  });

  it('answers 413 to a body over max_body_size', async () => {
    await call('writeLineProtocol', { query: '?db=r', body: `m v=1 ${'0'.repeat(2048)}`, headers: admin }, 413);
  });

  it('answers 422 to a query that would load more than max_query_points', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => `m v=${i} ${1795564800 + i}`).join('\n');
    await call('writeLineProtocol', { query: '?db=r&precision=s', body: lines, headers: admin }, 204);
    await call('query', { body: { database: 'r', measurement: 'm' }, headers: reader }, 422);
  });

  it('answers 429 with Retry-After past the rate limit', async () => {
    const callLimited = caller(() => limited.url);
    await callLimited('listDatabases', {}, 200);
    const { res } = await callLimited('listDatabases', {}, 429);
    assert.match(res.headers.get('Retry-After') ?? '', /^[1-9][0-9]*$/);
    await callLimited('getHealth', {}, 200); // probes are never limited
  });
});
