/**
 * Servers under test as child processes: start one, wait until it answers, read its CPU time and
 * memory from /proc while it runs, and stop it by its PID, also when the bench fails or is
 * interrupted.
 *
 *   const server = startServer({ name: 'victoria-metrics', command: '/usr/bin/victoria-metrics', args, logFile });
 *   await server.waitHttp('http://127.0.0.1:8428/health');
 *   const cpu0 = server.cpuSeconds();
 *   ...
 *   console.log(server.cpuSeconds() - cpu0, server.memory().peakRss);
 *   await server.stop();                       // SIGTERM, then SIGKILL after the grace period
 *
 * Every server started here is also stopped by `stopAll()`, which the bench calls from `finally`
 * and from its SIGINT handler. Nothing is ever stopped by name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';

/** Linux's USER_HZ, the unit of utime and stime in /proc/PID/stat; 100 on x86_64 and arm64. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ServerSpec {
  /** For messages: "rusts", "victoria-metrics". */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** The child's stdout and stderr go here (created or truncated). */
  readonly logFile: string;
}

export interface ProcessMemory {
  /** VmRSS: resident now, bytes. */
  readonly rss: number;
  /** VmHWM: the largest resident set over the process's life, bytes. */
  readonly peakRss: number;
}

export interface ThreadCpu {
  /** The command name (`comm`). */
  readonly name: string;
  /** User and system time. */
  readonly seconds: number;
  readonly systemSeconds: number;
  /** Page faults served without I/O: first touches of fresh memory, mostly. */
  readonly minorFaults: number;
}

/** A process's or thread's CPU time from its /proc `stat` line. */
function cpuOfStat(stat: string): ThreadCpu {
  // The command name, field 2, is in parentheses and may hold spaces; minflt (field 10), utime and
  // stime (fields 14 and 15) follow it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  const systemSeconds = Number(fields[12]) / CLOCK_TICKS_PER_SECOND;
  return { name, seconds: Number(fields[11]) / CLOCK_TICKS_PER_SECOND + systemSeconds, systemSeconds, minorFaults: Number(fields[7]) };
}

const running = new Set<ServerProcess>();

export class ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #exitCode: number | null | undefined;

  constructor(spec: ServerSpec, child: ChildProcess) {
    if (child.pid === undefined) throw new Error(`${spec.name}: could not start ${spec.command}`);
    this.name = spec.name;
    this.pid = child.pid;
    this.logFile = spec.logFile;
    this.#child = child;
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exitCode = code ?? (signal === null ? null : -1);
        running.delete(this);
        resolve();
      });
    });
  }

  get alive(): boolean {
    return this.#exitCode === undefined;
  }

  /** utime + stime so far, in seconds. */
  cpuSeconds(): number {
    return cpuOfStat(readFileSync(`/proc/${this.pid}/stat`, 'utf8')).seconds;
  }

  /** CPU time so far of each thread, in seconds, by thread id. */
  threadCpuSeconds(): Map<number, ThreadCpu> {
    const threads = new Map<number, ThreadCpu>();
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${this.pid}/task`);
    } catch {
      return threads;
    }
    for (const tid of tids) {
      try {
        threads.set(Number(tid), cpuOfStat(readFileSync(`/proc/${this.pid}/task/${tid}/stat`, 'utf8')));
      } catch {
        // The thread ended between the listing and the read.
      }
    }
    return threads;
  }

  memory(): ProcessMemory {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kib('VmRSS'), peakRss: kib('VmHWM') };
  }

  /** Polls `url` with GET until it answers 200, for at most `timeoutMs`; fails early if the process exits. */
  async waitHttp(url: string, timeoutMs = 60_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let last = '';
    while (performance.now() < deadline) {
      if (!this.alive) throw new Error(`${this.name} exited (code ${this.#exitCode}) before ${url} answered; see ${this.logFile}`);
      const status = await getStatus(url);
      if (status === 200) return;
      last = status === 0 ? 'no connection' : `status ${status}`;
      await sleep(100);
    }
    throw new Error(`${this.name}: ${url} did not answer 200 within ${timeoutMs} ms (${last}); see ${this.logFile}`);
  }

  /** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    if (!this.alive) return;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (this.alive) {
        console.error(`${this.name} (pid ${this.pid}) still running ${graceMs} ms after SIGTERM: SIGKILL`);
        this.#child.kill('SIGKILL');
      }
    }, graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}

/** Starts `spec.command` with its output in `spec.logFile`; the caller must `stop()` it (or `stopAll()`). */
export function startServer(spec: ServerSpec): ServerProcess {
  const log = openSync(spec.logFile, 'w');
  try {
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, stdio: ['ignore', log, log] });
    const server = new ServerProcess(spec, child);
    running.add(server);
    return server;
  } finally {
    closeSync(log);
  }
}

/** Stops every server started by `startServer` that is still running. */
export async function stopAll(graceMs?: number): Promise<void> {
  await Promise.all([...running].map((server) => server.stop(graceMs)));
}

/**
 * On the first SIGINT or SIGTERM, stop every server started here, run `cleanup`, and exit 130.
 * Without it, ^C would leave the children running.
 */
export function stopAllOnSignal(cleanup: () => void = () => {}): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`\n${signal}: stopping ${running.size} server(s)`);
    stopAll(5_000).finally(() => {
      cleanup();
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** The first of `paths` that exists, or undefined. */
export function firstExisting(paths: readonly string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The status of GET `url` on a fresh connection; 0 when it cannot connect or takes over 2 s. */
function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 2_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}
