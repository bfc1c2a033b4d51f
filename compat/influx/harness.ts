// Process helpers for the compat suites that run a real influxd beside a real RusTs server:
// start each as a child process, wait until it answers, stop it by its own handle (never by name).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/server/_rusts.ts';
import { INFLUXD, writeInfluxdConfig } from './influxd.ts';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last 20 000 characters of stdout and stderr, for failure messages. */
  readonly output: () => string;
}

/** Spawn `command args` in `cwd`, with the variables that would redirect a RusTs server (or mark a test child) removed. */
export function start(name: string, command: string, args: readonly string[], cwd: string): Proc {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env['NODE_TEST_CONTEXT'];
  delete env['RUSTS_BIND'];
  delete env['RUSTS_DATA_DIR'];
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-20_000);
  };
  child.stdout!.setEncoding('utf8').on('data', keep);
  child.stderr!.setEncoding('utf8').on('data', keep);
  return { name, child, output: () => output };
}

/** Poll `url` until it answers 2xx (any status when `anyStatus`), or fail when the process exits or `ms` pass. */
export async function waitUntilUp(url: string, proc: Proc, ms = 30_000, anyStatus = false): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`${proc.name} exited before answering ${url}:\n${proc.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok || anyStatus) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${proc.name}: no answer from ${url} within ${ms}ms:\n${proc.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `waitUntilUp`, stopping the process when it does not come up, so that a failed start leaves nothing running. */
export async function upOrStopped(proc: Proc, url: string, ms?: number): Promise<void> {
  try {
    await waitUntilUp(url, proc, ms);
  } catch (err) {
    await stop(proc);
    throw err;
  }
}

/** SIGTERM the process this handle started (SIGKILL after 5 s) and wait for it to exit. */
export async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.child.once('close', () => resolve()));
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** A running influxd (loopback, its own directory) and its base URL. */
export interface Influxd {
  readonly proc: Proc;
  readonly url: string;
}

/**
 * Start influxd with everything under `dir`; `auth` turns on `[http] auth-enabled`. Resolves once
 * `/ping` answers (it is open with auth on too).
 */
export async function startInfluxd(dir: string, options: { auth?: boolean } = {}): Promise<Influxd> {
  mkdirSync(dir, { recursive: true });
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const file = writeInfluxdConfig(dir, httpPort, rpcPort);
  // The shared config has no auth switch: add the key to its [http] table.
  if (options.auth === true) writeFileSync(file, readFileSync(file, 'utf8').replace('[http]\n', '[http]\n  auth-enabled = true\n'));
  const proc = start('influxd', INFLUXD, ['run', '-config', file], dir);
  const url = `http://127.0.0.1:${httpPort}`;
  await upOrStopped(proc, `${url}/ping`);
  return { proc, url };
}

/** A running RusTs server (`rusts serve`) and its base URL. */
export interface Rusts {
  readonly proc: Proc;
  readonly url: string;
}

/**
 * Start `rusts serve` on `port` (a free loopback port when omitted) with `dataDir`; `configToml`,
 * when given, is written to `<dataDir>.toml` and passed with `--config`. Resolves once storage is
 * open (`/ready`, which is open with auth on as well).
 */
export async function startRusts(dataDir: string, configToml?: string, port?: number): Promise<Rusts> {
  port ??= await freePort();
  const args = ['--import', 'tsx', join(REPO, 'src/server/main.ts'), 'serve', '--bind', `127.0.0.1:${port}`, '--data-dir', dataDir];
  if (configToml !== undefined) {
    const file = `${dataDir}.toml`;
    writeFileSync(file, configToml);
    args.push('--config', file);
  }
  const proc = start('rusts', process.execPath, args, REPO);
  const url = `http://127.0.0.1:${port}`;
  await upOrStopped(proc, `${url}/ready`);
  return { proc, url };
}

/** An influxd and a RusTs server side by side, each in its own directory under one temporary one. */
export interface ServerPair {
  readonly influx: string;
  readonly rusts: string;
  /** Stops both (by their own handles) and removes the directory. */
  stop(): Promise<void>;
}

/** Starts the pair; if either fails to come up, the other is stopped before the error is thrown. */
export async function startPair(prefix: string, options: { auth?: boolean; rustsConfig?: string } = {}): Promise<ServerPair> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const started = await Promise.allSettled([startInfluxd(join(dir, 'influxd'), { auth: options.auth === true }), startRusts(join(dir, 'rusts'), options.rustsConfig)]);
  const procs = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.proc] : []));
  const stopAll = async () => {
    await Promise.all(procs.map(stop));
    rmSync(dir, { recursive: true, force: true });
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) {
    await stopAll();
    throw failed.reason;
  }
  const [influx, rusts] = started.map((s) => (s as PromiseFulfilledResult<Influxd | Rusts>).value.url) as [string, string];
  return { influx, rusts, stop: stopAll };
}
