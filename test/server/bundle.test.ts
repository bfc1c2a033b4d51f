// `npm start` runs the bundle scripts/build.mjs makes, not the sources through tsx: this builds it
// and runs it as `npm start` does, through what a bundle could break (its decode worker beside
// it, proto/, openapi.yaml, package.json).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import snappy from 'snappy';
import { VERSION } from '../../src/api/index.ts';
import { prometheusProto } from '../../src/protocol/prometheus/index.ts';
import { exitOf, freePort, logLines, spawnRusts, waitForOk, type RustsProcess } from './_rusts.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
// Inside the repository, as dist/ is: the bundle finds the package's files from where it lies.
const OUT = join(REPO, 'dist', `test-${process.pid}`);
const proto = prometheusProto();

let dataDir: string;
let proc: RustsProcess | undefined;

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'rusts-bundle-'));
  const build = spawnSync(process.execPath, [join(REPO, 'scripts', 'build.mjs'), OUT], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
});
after(async () => {
  if (proc !== undefined && proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(OUT, { recursive: true, force: true });
});

/** A remote write 1.0 body of `hosts` x 10 series, one sample each at `ms`: 2,000 series make a body the pool sends to a worker. */
function writeBody(hosts: number, ms: number): Buffer {
  const timeseries = [];
  for (let h = 0; h < hosts; h++) {
    for (let f = 0; f < 10; f++) {
      timeseries.push({
        labels: [
          { name: '__name__', value: `cpu_usage_${f}` },
          { name: 'datacenter', value: `dc-${h % 7}` },
          { name: 'hostname', value: `host-${h}` },
          { name: 'os', value: 'Ubuntu16.04LTS' },
        ],
        samples: [{ timestamp: ms, value: h + f / 10 }],
      });
    }
  }
  return snappy.compressSync(Buffer.from(proto.WriteRequest.encode({ timeseries }).finish()));
}

describe('the bundle npm start runs', () => {
  it('serves, decodes remote writes on its worker, answers remote reads, and knows its version and API description', async () => {
    const start = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: { start: string; prestart: string } }).scripts;
    assert.equal(start.prestart, 'node scripts/build.mjs');
    assert.match(start.start, / dist\/main\.mjs serve$/);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    proc = spawnRusts(['serve', '--bind', `127.0.0.1:${port}`, '--data-dir', dataDir], { bin: join(OUT, 'main.mjs') });
    await waitForOk(`${base}/ready`, proc);

    const health = (await (await fetch(`${base}/health`)).json()) as { version: string };
    assert.equal(health.version, VERSION);
    const openapi = await fetch(`${base}/openapi.yaml`);
    assert.equal(openapi.status, 200);
    assert.equal(await openapi.text(), readFileSync(join(REPO, 'openapi.yaml'), 'utf8'));

    const ms = Date.now() - 60_000;
    const body = writeBody(200, ms);
    assert.ok(body.length >= 16 * 1024, `a body the pool hands to a worker, not ${body.length} bytes`);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${base}/api/v1/write`, { method: 'POST', body, headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' } });
      assert.equal(res.status, 204, await res.text());
    }

    const query = { startTimestampMs: ms - 1, endTimestampMs: ms + 1, matchers: [{ type: 0, name: 'hostname', value: 'host-42' }] };
    const read = await fetch(`${base}/api/v1/read`, {
      method: 'POST',
      body: snappy.compressSync(Buffer.from(proto.ReadRequest.encode({ queries: [query], acceptedResponseTypes: [0] }).finish())),
      headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
    });
    assert.equal(read.status, 200);
    const answer = proto.ReadResponse.toObject(proto.ReadResponse.decode(snappy.uncompressSync(Buffer.from(await read.arrayBuffer()), { asBuffer: true }) as Buffer), { longs: Number }) as {
      results: Array<{ timeseries: Array<{ labels: Array<{ name: string; value: string }>; samples: Array<{ value: number; timestamp: number }> }> }>;
    };
    const series = answer.results[0]!.timeseries.map((ts) => [ts.labels.find((l) => l.name === '__name__')!.value, ts.samples.map((s) => [s.timestamp, s.value])]);
    series.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    assert.deepEqual(series, Array.from({ length: 10 }, (_, f) => [`cpu_usage_${f}`, [[ms, 42 + f / 10]]]));

    proc.child.kill('SIGTERM');
    assert.equal((await exitOf(proc)).code, 0);
    const lines = logLines(proc.stderr() + proc.stdout());
    // A worker that cannot load (no worker.mjs beside main.mjs) fails at start, long before /ready.
    assert.deepEqual(
      lines.filter((line) => line['level'] === 'error' || line['level'] === 'warn'),
      [],
    );
  });
});
