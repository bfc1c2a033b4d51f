/**
 * What every benchmark does around the code it measures: timing runs, summarising them, printing
 * figures and making a scratch directory. One definition each, so that "median" or "p99" means the
 * same in every bench's output.
 *
 *   const rates = timeRuns(7, 2, () => encodeAll()).map((ns) => samples / ns * 1e3);  // M samples/s
 *   console.log(`best ${fixed(best(rates), 1)}, median ${fixed(median(rates), 1)}`);
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The value at quantile `q` (0..1) of ascending `sorted`, by nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function ascending(xs: readonly number[]): number[] {
  return xs.slice().sort((a, b) => a - b);
}

export function median(xs: readonly number[]): number {
  return quantile(ascending(xs), 0.5);
}

/** The largest: the best of several runs of a rate. */
export function best(xs: readonly number[]): number {
  return Math.max(...xs);
}

/** "p50 0.44 ms  p99 1.04 ms  max 2.67 ms" for latencies in ms. */
export function latencies(ms: readonly number[], digits = 2): string {
  const s = ascending(ms);
  return `p50 ${fixed(quantile(s, 0.5), digits)} ms  p99 ${fixed(quantile(s, 0.99), digits)} ms  max ${fixed(s[s.length - 1]!, digits)} ms`;
}

export function fixed(x: number, digits = 2): string {
  return x.toFixed(digits);
}

/** With thousands separators: 4,320,000. */
export function grouped(x: number, digits = 2): string {
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** `n` operations in `ms` milliseconds as "1.23 M/s". */
export function perSecond(n: number, ms: number): string {
  return `${fixed((n / ms) * 1000 / 1e6)} M/s`;
}

/** Runs `run` `warmups` times, then `runs` times, and returns the nanoseconds each timed run took. */
export function timeRuns(runs: number, warmups: number, run: () => void): number[] {
  for (let i = 0; i < warmups; i++) run();
  const ns: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    run();
    ns.push(Number(process.hrtime.bigint() - t0));
  }
  return ns;
}

/** Mean milliseconds per call of `f`, called for `budgetMs` after `warmups` calls: for calls far shorter than a timer tick. */
export function msPerCall(f: () => void, budgetMs = 1000, warmups = 5): number {
  for (let i = 0; i < warmups; i++) f();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    f();
    calls++;
  }
  return (performance.now() - start) / calls;
}

/** A full GC where node runs with --expose-gc; nothing otherwise. Steadies time and heap figures. */
export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** The number after `--name` on the command line, or `fallback`. */
export function numberArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

/** A new empty directory under the OS temp dir; `removeDir` it when done. */
export function tempDir(prefix = 'rusts-bench-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs `body` with a new temp directory, removed afterwards even if `body` throws. */
export async function withTempDir<T>(prefix: string, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = tempDir(prefix);
  try {
    return await body(dir);
  } finally {
    removeDir(dir);
  }
}

/** The word after `--name` on the command line, or `fallback`. */
export function stringArg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}
