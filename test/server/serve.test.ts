import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../../src/api/index.ts';
import { BIN, exitOf, freePort, listenOn, logLines, spawnRusts, waitForOk, type RustsProcess } from './_rusts.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

const CRASHING_WRITER = `
import { LocalRouter } from './src/cluster/index.ts';
import { batchOf, floatValue, silentLogger } from './src/core/index.ts';
const router = await LocalRouter.open({ dataDir: process.argv[1], shards: 1 }, { logger: silentLogger });
await router.createDatabase('db');
const point = { measurement: 'cpu', tags: [{ key: 'host', value: 'a' }], fields: [{ key: 'v', value: floatValue(1.5) }], timestamp: 1700000000000000000n };
const result = await router.write({ database: 'db' }, batchOf([point]));
if (result.written !== 1) throw new Error('write failed: ' + JSON.stringify(result));
process.exit(0);
`;

function filesUnder(path: string): string[] {
  return existsSync(path) ? readdirSync(path, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : [];
}

let dir: string;
const started: RustsProcess[] = [];

function rusts(...args: Parameters<typeof spawnRusts>): RustsProcess {
  const proc = spawnRusts(...args);
  started.push(proc);
  return proc;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rusts-serve-'));
});
afterEach(() => {
  // A failed assertion must not leave a server running: kill what this file started, nothing else.
  for (const proc of started.splice(0)) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  }
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('rusts serve', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`answers GET /health, then exits 0 on ${signal}`, async () => {
      const port = await freePort();
      const dataDir = join(dir, `data-${signal}`);
      const proc = rusts(['serve', '--bind', `127.0.0.1:${port}`, '--data-dir', dataDir]);

      const res = await waitForOk(`http://127.0.0.1:${port}/health`, proc);
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body['status'], 'pass');
      assert.equal(body['version'], VERSION);
      const listening = logLines(proc.stderr()).find((line) => line['msg'] === 'listening');
      assert.deepEqual({ url: listening?.['url'], dataDir: listening?.['dataDir'] }, { url: `http://127.0.0.1:${port}`, dataDir });

      proc.child.kill(signal);
      assert.deepEqual(await exitOf(proc), { code: 0, signal: null }, proc.stderr());
      assert.ok(logLines(proc.stderr()).some((line) => line['msg'] === 'stopped'), proc.stderr());
    });
  }

  it('runs through a symlinked bin from another working directory, settings from the environment', async () => {
    // npm links a global or npx install's bin like this, and runs it from wherever the user is.
    const cwd = join(dir, 'elsewhere');
    mkdirSync(join(cwd, 'bin'), { recursive: true });
    symlinkSync(BIN, join(cwd, 'bin', 'rusts'));
    const port = await freePort();
    const proc = rusts(['serve'], { cwd, bin: join(cwd, 'bin', 'rusts'), env: { RUSTS_BIND: `127.0.0.1:${port}` } });

    await waitForOk(`http://127.0.0.1:${port}/health`, proc);
    assert.ok(existsSync(join(cwd, 'data')), 'the default data dir ./data is relative to the working directory');
    proc.child.kill('SIGTERM');
    assert.equal((await exitOf(proc)).code, 0, proc.stderr());
  });

  it('comes up over a WAL left by a crash, and flushes it at shutdown', async () => {
    const dataDir = join(dir, 'data-crashed');
    // A writer that exits without closing its engine: the acknowledged point is only in the WAL.
    const crash = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CRASHING_WRITER, dataDir], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(crash.status, 0, crash.stderr);
    const partitions = join(dataDir, 'databases', 'db', 'rp', 'autogen', '0', 'partitions');
    assert.deepEqual(filesUnder(partitions), [], 'nothing flushed before the server starts');

    const port = await freePort();
    const proc = rusts(['serve', '--bind', `127.0.0.1:${port}`, '--data-dir', dataDir]);
    await waitForOk(`http://127.0.0.1:${port}/health`, proc);
    proc.child.kill('SIGTERM');
    assert.equal((await exitOf(proc)).code, 0, proc.stderr());
    assert.notDeepEqual(filesUnder(partitions), [], 'closing the engine flushed the replayed point');
  });

  it('writes, queries, restarts and answers the same; an acknowledged write survives SIGKILL', async () => {
    const dataDir = join(dir, 'data-e2e');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const query = async (): Promise<unknown> => {
      const res = await fetch(`${base}/query`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ database: 'e2e', measurement: 'cpu', select: [{ fn: 'sum', field: 'v' }, { fn: 'count', field: 'v' }], groupBy: { tags: ['host'] } }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      return ((await res.json()) as { series: Array<{ tags: unknown; values: unknown[][] }> }).series.map((s) => [s.tags, s.values[0]!.slice(1)]);
    };
    const write = async (body: string): Promise<void> => {
      const res = await fetch(`${base}/write?db=e2e&precision=s`, { method: 'POST', body });
      assert.equal(res.status, 204, await res.text());
    };

    let proc = rusts(['serve', '--bind', `127.0.0.1:${port}`, '--data-dir', dataDir]);
    await waitForOk(`${base}/ready`, proc);
    await write('cpu,host=a v=1 1700000000\ncpu,host=a v=2 1700000010\ncpu,host=b v=10 1700000000');
    const want = [[{ host: 'a' }, [3, 2]], [{ host: 'b' }, [10, 1]]];
    assert.deepEqual(await query(), want);
    proc.child.kill('SIGTERM');
    assert.equal((await exitOf(proc)).code, 0, proc.stderr());

    proc = rusts(['serve', '--bind', `127.0.0.1:${port}`, '--data-dir', dataDir]);
    await waitForOk(`${base}/ready`, proc);
    assert.deepEqual(await query(), want);
    await write('cpu,host=a v=4 1700000020');
    proc.child.kill('SIGKILL');
    await exitOf(proc);

    proc = rusts(['serve', '--bind', `127.0.0.1:${port}`, '--data-dir', dataDir]);
    await waitForOk(`${base}/ready`, proc);
    assert.deepEqual(await query(), [[{ host: 'a' }, [7, 3]], [{ host: 'b' }, [10, 1]]]);
    proc.child.kill('SIGTERM');
    assert.equal((await exitOf(proc)).code, 0, proc.stderr());
  });

  it('exits 1 with a clear message when the port is taken', async () => {
    const holder = await listenOn(0);
    try {
      const { port } = holder.address() as { port: number };
      const proc = rusts(['serve', '--bind', `127.0.0.1:${port}`, '--data-dir', join(dir, 'data-port')]);
      assert.equal((await exitOf(proc)).code, 1, proc.stderr());
      const error = logLines(proc.stderr()).find((line) => line['level'] === 'error');
      assert.equal(error?.['msg'], `Cannot listen on 127.0.0.1:${port}: address already in use`);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('exits 1 with a clear message when the data dir cannot be used', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const proc = rusts(['serve', '--bind', '127.0.0.1:0', '--data-dir', join(file, 'data')]);
    assert.equal((await exitOf(proc)).code, 1, proc.stderr());
    const error = logLines(proc.stderr()).find((line) => line['level'] === 'error');
    assert.equal(error?.['msg'], `Cannot use data directory "${join(file, 'data')}": a part of the path is not a directory`);
  });

  it('exits 2 naming the file and the key of a bad config file, without a stack trace', async () => {
    const config = join(dir, 'bad.toml');
    writeFileSync(config, '[storage]\nwal_segment_size = "64MB"\n');
    const proc = rusts(['serve', '--config', config]);
    assert.equal((await exitOf(proc)).code, 2);
    assert.match(proc.stderr(), /^rusts: Invalid config file ".*bad\.toml": storage\.wal_segment_size: cannot parse size "64MB"/);
    assert.doesNotMatch(proc.stderr(), /\n\s+at /);
  });

  it('exits 2 on an unknown key', async () => {
    const config = join(dir, 'unknown.toml');
    writeFileSync(config, 'bind = "127.0.0.1:0"\nport = 8086\n');
    const proc = rusts(['serve', '--config', config]);
    assert.equal((await exitOf(proc)).code, 2);
    assert.match(proc.stderr(), /unknown key "port"/);
  });
});

describe('rusts (command line)', () => {
  const f = async (args: string[], code: number, stream: 'stdout' | 'stderr', want: RegExp) => {
    const proc = rusts(args);
    const exit = await exitOf(proc);
    assert.equal(exit.code, code, `for ${JSON.stringify(args)}: ${proc.stderr()}`);
    assert.match(proc[stream](), want, `for ${JSON.stringify(args)}`);
  };

  it('prints the version and the help', async () => {
    await f(['--version'], 0, 'stdout', new RegExp(`^rusts ${VERSION.replaceAll('.', '\\.')}\\n$`));
    await f(['--help'], 0, 'stdout', /^Usage: rusts <command>/);
  });

  it('exits 2 on a usage error', async () => {
    await f([], 2, 'stderr', /^rusts: missing command\n\nUsage:/);
    await f(['start'], 2, 'stderr', /^rusts: unknown command "start"\nRun "rusts --help" for usage\.\n$/);
    await f(['serve', '--port', '1'], 2, 'stderr', /^rusts: unknown flag "--port" for "rusts serve"/);
    await f(['serve', '--bind', 'nowhere'], 2, 'stderr', /^rusts: Invalid flag --bind: cannot parse address "nowhere"/);
  });
});
