/**
 * The servers the comparison benches start, one definition each: RusTs as `npm start` runs it,
 * VictoriaMetrics and Prometheus (with its remote write receiver) as research/peers.md ran them,
 * each on 127.0.0.1 with the bench's data directory and log file: who each one is (name, version,
 * readiness path), where the peers' binaries may be, and how to start them. The benches' Target
 * objects add what to send them; bench/lib/process.ts stops them.
 *
 *   const { targets, skipped } = selectTargets(['rusts', 'vm'], { rusts, vm: victoriaMetrics });
 *   const server = startVictoriaMetrics(binary, dataDir, logFile, port);   // in a Target's start()
 *   await server.waitHttp(`http://127.0.0.1:${port}/health`);
 *   ...
 *   await flushVictoriaMetrics(`http://127.0.0.1:${port}`);                  // before counting
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { timeRequests } from './http.ts';
import { firstExisting, startServer, type ServerProcess } from './process.ts';

/** The repository root: RusTs runs from here. */
const REPO = resolve(import.meta.dirname, '../..');

interface StartCommand {
  /** The node options (its V8 heap sizes). */
  readonly options: string[];
  /** What follows them: the module to run and its arguments (`dist/main.mjs serve`). */
  readonly rest: string[];
  /** The `prestart` script (which builds the bundle `start` runs), if any. */
  readonly prestart: string | undefined;
}

/**
 * `npm start`'s command, read from package.json so that the benches run the server, and the
 * engine in-process, exactly as `npm start` does. Also reads checkouts from before the bundle
 * (`node <options> --import tsx src/server/main.ts serve`), for --rusts-base.
 */
function startCommand(repo: string): StartCommand {
  const scripts = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: { start: string; prestart?: string } }).scripts;
  const words = scripts.start.split(/\s+/);
  const end = words.findIndex((w, i) => i > 0 && !w.startsWith('-'));
  if (words[0] !== 'node' || end < 0) throw new Error(`package.json's start script is not "node <options> <module> ...": ${scripts.start}`);
  const options = words.slice(1, end);
  // `--import tsx` takes a value: it belongs with the module, not with the heap options.
  if (options.at(-1) === '--import') return { options: options.slice(0, -1), rest: words.slice(end - 1), prestart: scripts.prestart };
  return { options, rest: words.slice(end), prestart: scripts.prestart };
}

/** The node options `npm start` gives the server (its V8 heap sizes). */
export function serverNodeOptions(repo = REPO): string[] {
  return startCommand(repo).options;
}

const built = new Set<string>();

/** `npm start`'s command line after `node`, with its `prestart` (the build) run once per checkout. */
function startArgs(repo: string): string[] {
  const { options, rest, prestart } = startCommand(repo);
  if (prestart !== undefined && !built.has(repo)) {
    execFileSync('npm', ['run', '--silent', 'prestart'], { cwd: repo, stdio: 'inherit' });
    built.add(repo);
  }
  return [...options, ...rest];
}

export const VM_BINARIES: readonly string[] = ['/usr/bin/victoria-metrics', '/usr/bin/victoria-metrics-prod', '/usr/local/bin/victoria-metrics-prod'];
export const PROMETHEUS_BINARIES: readonly string[] = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'];

/** The installed version of Debian package `name`, or 'unknown version'. */
export function packageVersion(name: string): string {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', name], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown version';
  }
}

/** RusTs's version, from package.json. */
export function rustsVersion(): string {
  return (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Who a receiver is, for a bench's Target: its key in --only, its name and version in tables, and the path that answers 200 once it is ready. */
export interface ReceiverInfo<K extends string> {
  readonly key: K;
  readonly name: string;
  readonly version: string;
  readonly readyPath: string;
}

export function rustsInfo(): ReceiverInfo<'rusts'> {
  return { key: 'rusts', name: 'RusTs', version: rustsVersion(), readyPath: '/ready' };
}

export function victoriaMetricsInfo(): ReceiverInfo<'vm'> {
  return { key: 'vm', name: 'VictoriaMetrics', version: packageVersion('victoria-metrics'), readyPath: '/health' };
}

export function prometheusInfo(): ReceiverInfo<'prometheus'> {
  return { key: 'prometheus', name: 'Prometheus', version: packageVersion('prometheus'), readyPath: '/-/ready' };
}

export interface RustsOptions {
  readonly dataDir: string;
  readonly logFile: string;
  readonly port: number;
  /** Runs the server with `node --cpu-prof`, writing its profiles here. */
  readonly profileDir?: string;
  /** Passed as `--config`. */
  readonly configFile?: string;
  /** The checkout to run (another worktree, with its node_modules); default this one. */
  readonly repo?: string;
}

/** The RusTs server, as `npm start` runs it. */
export function startRusts(options: RustsOptions): ServerProcess {
  const { dataDir, logFile, port, profileDir, configFile, repo = REPO } = options;
  const profile = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const config = configFile === undefined ? [] : ['--config', configFile];
  return startServer({
    name: 'rusts',
    command: process.execPath,
    args: [...profile, ...startArgs(repo), '--bind', `127.0.0.1:${port}`, '--data-dir', dataDir, ...config],
    cwd: repo,
    logFile,
  });
}

/** VictoriaMetrics with a 100-year retention, so any generated data is kept. */
export function startVictoriaMetrics(binary: string, dataDir: string, logFile: string, port: number): ServerProcess {
  return startServer({
    name: 'victoria-metrics',
    command: binary,
    args: [`-storageDataPath=${dataDir}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=100y'],
    logFile,
  });
}

/** Makes what VictoriaMetrics at `base` took searchable: samples otherwise wait about a second in memory. */
export async function flushVictoriaMetrics(base: string): Promise<void> {
  await timeRequests({ url: `${base}/internal/force_flush`, method: 'GET' }, 0);
}

/**
 * Prometheus as a remote write receiver (POST /api/v1/write), with a config file in `dir` that has
 * no scrape targets, so the TSDB holds only what is written to it. The admin API is left off (no
 * bench uses it).
 */
export function startPrometheusReceiver(binary: string, dir: string, dataDir: string, logFile: string, port: number): ServerProcess {
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
  return startServer({
    name: 'prometheus',
    command: binary,
    args: [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      '--storage.tsdb.retention.time=3650d',
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
    ],
    logFile,
  });
}

/** How a bench makes its Target for each receiver it can compare; a peer's from its binary. */
export interface TargetMakers<T> {
  readonly rusts: T;
  readonly vm?: (binary: string) => T;
  readonly prometheus?: (binary: string) => T;
}

/**
 * The targets of `only` (keys 'rusts', 'vm', 'prometheus'), in that order, and for each peer whose
 * binary is missing the line that says it is skipped and how to install it.
 */
export function selectTargets<T>(only: readonly string[], make: TargetMakers<T>): { targets: T[]; skipped: string[] } {
  const targets: T[] = [];
  const skipped: string[] = [];
  if (only.includes('rusts')) targets.push(make.rusts);
  const peers = [
    { key: 'vm', name: 'VictoriaMetrics', binaries: VM_BINARIES, aptPackage: 'victoria-metrics', make: make.vm },
    { key: 'prometheus', name: 'Prometheus', binaries: PROMETHEUS_BINARIES, aptPackage: 'prometheus', make: make.prometheus },
  ];
  for (const peer of peers) {
    if (peer.make === undefined || !only.includes(peer.key)) continue;
    const binary = firstExisting(peer.binaries);
    if (binary === undefined) skipped.push(`${peer.name} skipped: none of ${peer.binaries.join(', ')} exists (apt-get install ${peer.aptPackage})`);
    else targets.push(peer.make(binary));
  }
  return { targets, skipped };
}

/**
 * A receiver as the remote write benches (remotewrite, promql) drive it: started with a scratch
 * `dir` (for a config file) and its data in `dataDir`, and profiled into `profileDir` where it can
 * be (RusTs).
 */
export interface RemoteWriteReceiver<K extends string> extends ReceiverInfo<K> {
  start(dir: string, dataDir: string, logFile: string, port: number, profileDir?: string): ServerProcess;
  /** Makes what was written searchable, where the receiver keeps it back for a while. */
  flush(base: string): Promise<void>;
}

export function victoriaMetricsReceiver(binary: string): RemoteWriteReceiver<'vm'> {
  return {
    ...victoriaMetricsInfo(),
    start: (_dir, dataDir, logFile, port) => startVictoriaMetrics(binary, dataDir, logFile, port),
    flush: flushVictoriaMetrics,
  };
}

export function prometheusReceiver(binary: string): RemoteWriteReceiver<'prometheus'> {
  return {
    ...prometheusInfo(),
    start: (dir, dataDir, logFile, port) => startPrometheusReceiver(binary, dir, dataDir, logFile, port),
    // What it took is searchable once it answers.
    flush: async () => {},
  };
}
