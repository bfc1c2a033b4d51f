// A TypeScript client generated from openapi.yaml, the way an SDK user would make one, talks to a
// real server: if the document and the server disagree on a path, a parameter, a body or a status,
// this is where it shows. The generator is @hey-api/openapi-ts with its fetch client; its output
// is plain TypeScript, so tsx imports it directly, and tsc checks that it compiles and that the
// requests below fit its types.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createClient as generate } from '@hey-api/openapi-ts';
import { VERSION } from '../../src/api/index.ts';
import { silentLogger } from '../../src/core/index.ts';
import { loadConfig, startServer, type RunningServer } from '../../src/server/index.ts';
import { SPEC_PATH, loadSpec, operation, responseSchemaPointer, schemaValidator, type JsonObject } from './_openapi.ts';

const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
const TYPE_ROOTS = fileURLToPath(new URL('../../node_modules/@types', import.meta.url));

/** What a generated SDK function resolves to (hey-api's default `responseStyle: 'fields'`). */
interface Result {
  readonly data?: unknown;
  readonly error?: unknown;
  readonly response: Response;
}
type Call = (options?: Record<string, unknown>) => Promise<Result>;

/** The parts of the generated `sdk.gen.ts` and `client.gen.ts` this test uses; tsc checks the rest. */
interface Generated {
  readonly client: { setConfig(config: { baseUrl: string }): unknown };
  readonly writeLineProtocol: Call;
  readonly query: Call;
  readonly listDatabases: Call;
  readonly createDatabase: Call;
  readonly dropDatabase: Call;
  readonly getHealth: Call;
  readonly getReady: Call;
  readonly getStats: Call;
  readonly getOpenApi: Call;
}

// Two hosts, one point every 10 s for two minutes from 2026-11-25T00:00:00Z: host a counts 1..12,
// host b 10..120, so the mean of each minute is known exactly.
const T0 = 1795564800;
const LINES = Array.from({ length: 12 }, (_, i) => [`cpu,host=a usage=${i + 1} ${T0 + 10 * i}`, `cpu,host=b usage=${10 * (i + 1)} ${T0 + 10 * i}`]).flat();

const MEAN_PER_MINUTE = {
  database: 'gen',
  measurement: 'cpu',
  select: [
    { fn: 'mean', field: 'usage', as: 'avg' },
    { fn: 'max', field: 'usage' },
  ],
  start: '2026-11-25T00:00:00Z',
  end: '2026-11-25T00:01:59Z',
  groupBy: { time: '1m', tags: ['host'] },
  fill: 'none',
} as const;

// Compiled with the generated code: the requests this test sends must fit the generated types.
const USAGE = `
import { createDatabase, query, writeLineProtocol, type Query } from './client/index.ts';
const body: Query = ${JSON.stringify(MEAN_PER_MINUTE)};
export const calls = [
  createDatabase({ body: { name: 'gen' } }),
  writeLineProtocol({ query: { db: 'gen', precision: 's' }, body: 'cpu,host=a usage=1 ${T0}' }),
  query({ body }),
];
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    // The fetch client names DOM types (BodyInit), as code for browsers and Node alike does.
    lib: ['ES2022', 'DOM'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    typeRoots: [TYPE_ROOTS],
    types: ['node'],
  },
  include: ['client', 'usage.ts'],
};

describe('a client generated from openapi.yaml by @hey-api/openapi-ts', () => {
  let dir: string;
  let server: RunningServer;
  let sdk: Generated;
  let doc: JsonObject;
  let check: ReturnType<typeof schemaValidator>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rusts-generated-client-'));
    doc = await loadSpec();
    check = schemaValidator(doc);
    await generate({
      input: SPEC_PATH,
      output: { path: join(dir, 'client') },
      plugins: ['@hey-api/client-fetch', '@hey-api/sdk'],
      logs: { level: 'silent' },
    });
    sdk = (await import(pathToFileURL(join(dir, 'client', 'index.ts')).href)) as Generated;
    const clientModule = (await import(pathToFileURL(join(dir, 'client', 'client.gen.ts')).href)) as Pick<Generated, 'client'>;
    server = await startServer(loadConfig({ bind: '127.0.0.1:0', dataDir: join(dir, 'data') }, {}, dir), { logger: silentLogger });
    clientModule.client.setConfig({ baseUrl: server.url });
  });

  after(async () => {
    await server?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Call an SDK function, check the status, and check the body against openapi.yaml's schema for it. */
  const call = async (id: keyof Omit<Generated, 'client'>, options: Record<string, unknown> | undefined, want: number): Promise<unknown> => {
    const { data, error, response } = await sdk[id](options);
    const body = response.ok ? data : error;
    assert.equal(response.status, want, `${id}(${JSON.stringify(options)}): got ${response.status} ${JSON.stringify(body)}`);
    const mediaType = (response.headers.get('Content-Type') ?? '').split(';')[0]!.trim();
    const schema = responseSchemaPointer(doc, operation(doc, id), response.status, mediaType);
    if (schema !== undefined) {
      const problem = check(body, schema);
      assert.equal(problem, null, `${id}: the ${response.status} body ${JSON.stringify(body)} does not match openapi.yaml: ${problem}`);
    }
    return body;
  };

  it('compiles, with the requests of this test, under tsc --strict', async () => {
    writeFileSync(join(dir, 'usage.ts'), USAGE);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    await promisify(execFile)(process.execPath, [TSC, '-p', dir]).catch((err: { stdout?: string }) => {
      assert.fail(`tsc failed on the generated client:\n${err.stdout ?? String(err)}`);
    });
  });

  it('checks health and readiness', async () => {
    const health = await call('getHealth', undefined, 200);
    assert.deepEqual(health, { name: 'rusts', message: 'ready for queries and writes', status: 'pass', checks: [], version: VERSION });
    const ready = (await call('getReady', undefined, 200)) as { status: string; started: string };
    assert.equal(ready.status, 'ready');
    assert.ok(Date.parse(ready.started) <= Date.now(), ready.started);
  });

  it('creates a database, writes, and reads the mean per minute back', async () => {
    assert.deepEqual(await call('createDatabase', { body: { name: 'gen' } }, 201), { name: 'gen' });
    assert.deepEqual(await call('createDatabase', { body: { name: 'gen' } }, 200), { name: 'gen' });
    assert.deepEqual(await call('listDatabases', undefined, 200), { databases: ['gen'] });

    await call('writeLineProtocol', { query: { db: 'gen', precision: 's' }, body: LINES.join('\n') }, 204);

    const result = await call('query', { body: MEAN_PER_MINUTE }, 200);
    assert.deepEqual(result, {
      series: [
        { name: 'cpu', tags: { host: 'a' }, columns: ['time', 'avg', 'max'], values: [['2026-11-25T00:00:00Z', 3.5, 6], ['2026-11-25T00:01:00Z', 9.5, 12]] },
        { name: 'cpu', tags: { host: 'b' }, columns: ['time', 'avg', 'max'], values: [['2026-11-25T00:00:00Z', 35, 60], ['2026-11-25T00:01:00Z', 95, 120]] },
      ],
    });

    const raw = await call('query', { body: { database: 'gen', measurement: 'cpu', where: { tag: 'host', op: '=', value: 'b' }, select: ['usage'], order: 'desc', limit: 2, epoch: 's' } }, 200);
    assert.deepEqual(raw, { series: [{ name: 'cpu', tags: {}, columns: ['time', 'usage'], values: [[T0 + 110, 120], [T0 + 100, 110]] }] });
  });

  it('reports a partial write and a missing database in the documented shapes', async () => {
    const partial = (await call('writeLineProtocol', { query: { db: 'gen' }, body: `cpu,host=c usage=1 ${T0}000000000\ncpu,host=c usage=\n` }, 400)) as {
      written: number;
      rejected: { line: number }[];
    };
    assert.equal(partial.written, 1);
    assert.deepEqual(partial.rejected.map((r) => r.line), [2]);
    assert.deepEqual(await call('query', { body: { database: 'nope', measurement: 'cpu' } }, 404), { error: 'database not found: "nope"' });
  });

  it('reads /stats', async () => {
    const stats = (await call('getStats', undefined, 200)) as { databases: number; series: number; points: number; http: Record<string, number> };
    assert.equal(stats.databases, 1);
    assert.equal(stats.series, 3);
    assert.equal(stats.points, LINES.length + 1);
    assert.equal(stats.http['writeRequests'], 2);
    assert.equal(stats.http['pointsWritten'], LINES.length + 1);
    assert.equal(stats.http['queryRequests'], 3);
    assert.equal(stats.http['queryErrors'], 1);
  });

  it('drops the database', async () => {
    await call('dropDatabase', { path: { name: 'gen' } }, 204);
    await call('dropDatabase', { path: { name: 'gen' } }, 404);
    assert.deepEqual(await call('listDatabases', undefined, 200), { databases: [] });
  });

  it('fetches openapi.yaml itself', async () => {
    const yaml = await call('getOpenApi', { parseAs: 'text' }, 200);
    assert.match(String(yaml), /^openapi: 3\.1\.0\n/);
  });
});
