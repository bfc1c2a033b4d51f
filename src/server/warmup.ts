import { createServer, request, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, ServerState } from '../api/index.ts';
import { LocalRouter } from '../cluster/index.ts';
import { silentLogger, type Logger } from '../core/index.ts';
import { MemFs } from '../storage/index.ts';
import { compressSnappy, prometheusProto } from '../protocol/prometheus/index.ts';

/** Requests the warm-up sends: enough for V8 to optimise the query path (measured: ~200 take it near steady latency). */
const WARM_UP_REQUESTS = 300;
const HOSTS = 4;
const POINTS = 2160;
const STEP_S = 10;
const START_S = 1_700_000_000;

/**
 * Runs a few hundred writes and dashboard-shaped queries (InfluxQL GROUP BY time with a tag filter,
 * per-tag groups, raw rows, SHOW TAG VALUES, the native JSON query, Prometheus remote read as
 * whole samples and as streamed chunks) against a scratch in-memory
 * database behind a second instance of the app on a loopback port, then throws it all away.
 *
 * JavaScript runs interpreted until V8 has seen a function often enough to optimise it, so without
 * this the first dozen or so queries after a start take several times their steady latency. The
 * user's data is never touched. The server runs it before it reports ready, so that it shares the
 * CPU with no real request.
 */
export async function warmUpQueryPath(logger: Logger): Promise<void> {
  const started = performance.now();
  const router = await LocalRouter.open({ dataDir: '/warm-up', shards: 1 }, { logger: silentLogger, fs: new MemFs() });
  const state = new ServerState();
  state.ready(router);
  const server = createServer(createApp({ state, logger: silentLogger }).callback());
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    const send = requester(server, agent);
    await send('POST', '/write?db=warm&precision=s', lines());
    const end = START_S + POINTS * STEP_S;
    const range = `time >= ${START_S}s AND time < ${end}s`;
    const influxql = [
      `SELECT mean("user") FROM "cpu" WHERE ("host" = 'h1') AND ${range} GROUP BY time(1m) fill(null)`,
      `SELECT max("user"), min("idle") FROM "cpu" WHERE ${range} GROUP BY time(10m), "host" fill(none)`,
      `SELECT mean("idle") FROM "cpu" WHERE "region" =~ /^e/ AND ${range} GROUP BY time(5m), "region" fill(previous)`,
      `SELECT "user", "idle" FROM "cpu" WHERE "host" = 'h2' AND ${range} LIMIT 100`,
      'SHOW TAG VALUES FROM "cpu" WITH KEY = "host"',
    ];
    const native = JSON.stringify({ database: 'warm', measurement: 'cpu', select: [{ fn: 'mean', field: 'user' }], start: START_S * 1000, end: end * 1000, groupBy: { time: '1m', tags: ['host'] } });
    // A Prometheus with remote_read asks for every PromQL query it runs: cpu_user is field user of cpu.
    const remoteReads = [SAMPLES, STREAMED_XOR_CHUNKS].map((type) => remoteReadBody(START_S * 1000, end * 1000, type));
    for (let i = 0; i < WARM_UP_REQUESTS; i++) {
      if (i % 8 === 7) await send('POST', '/query', native, 'application/json');
      else if (i % 8 === 3) await send('POST', '/api/v1/read?db=warm', remoteReads[i % 2]!, 'application/x-protobuf', 'snappy');
      else await send('GET', `/query?${new URLSearchParams({ db: 'warm', epoch: i % 2 === 0 ? 'ms' : '', q: influxql[i % influxql.length]! })}`);
    }
    logger.info('query path warmed up', { requests: WARM_UP_REQUESTS + 1, ms: Math.round(performance.now() - started) });
  } finally {
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await router.close();
  }
}

const SAMPLES = 0;
const STREAMED_XOR_CHUNKS = 1;

function remoteReadBody(startMs: number, endMs: number, responseType: number): Buffer {
  const { ReadRequest } = prometheusProto();
  const matchers = [
    { type: 0, name: '__name__', value: 'cpu_user' },
    { type: 2, name: 'host', value: 'h[12]' },
  ];
  const message = ReadRequest.encode({ queries: [{ startTimestampMs: startMs, endTimestampMs: endMs, matchers }], acceptedResponseTypes: [responseType] }).finish();
  return compressSnappy(message);
}

function lines(): string {
  const out: string[] = [];
  for (let h = 0; h < HOSTS; h++) {
    const region = h % 2 === 0 ? 'east' : 'west';
    for (let i = 0; i < POINTS; i++) out.push(`cpu,host=h${h},region=${region} user=${((i * 37 + h) % 100) / 4},idle=${100 - ((i * 13 + h) % 90)},n=${i}i ${START_S + i * STEP_S}`);
  }
  return out.join('\n');
}

function requester(server: Server, agent: Agent): (method: string, path: string, body?: string | Buffer, type?: string, encoding?: string) => Promise<void> {
  const { port } = server.address() as AddressInfo;
  return (method, path, body, type = 'text/plain', encoding) =>
    new Promise<void>((resolve, reject) => {
      const headers: Record<string, string> = body === undefined ? {} : { 'content-type': type };
      if (encoding !== undefined) headers['content-encoding'] = encoding;
      const req = request({ host: '127.0.0.1', port, path, method, agent, headers }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode !== undefined && res.statusCode < 300 ? resolve() : reject(new Error(`warm-up ${method} ${path}: status ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
}
