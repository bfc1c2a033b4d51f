/**
 * Self time per function from a V8 `.cpuprofile` (what `node --cpu-prof` writes), limited to a
 * window of the profiled process's life, so a bench can say where a server child spent one phase.
 *
 *   const from = monotonicUs();  ...ingest...  const to = monotonicUs();
 *   for (const f of topSelfTime(readFileSync(file, 'utf8'), from, to, 15)) console.log(f.name, f.ms);
 *
 * V8 stamps samples with the monotonic clock in microseconds, the clock `process.hrtime` reads,
 * so a window taken in the parent lines up with the child's samples.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FunctionTime {
  /** "parseLineProtocol src/protocol/lineprotocol/parse.ts:120", "(garbage collector)". */
  readonly name: string;
  readonly ms: number;
  /** Share of all sampled time in the window, 0..1. */
  readonly share: number;
}

/** A thread's top self-time functions in a window. */
export interface ThreadProfile {
  /** "main thread" or "worker thread N". */
  readonly thread: string;
  readonly top: readonly FunctionTime[];
}

/**
 * The window's top self-time functions of each profile (one per thread) that `node --cpu-prof
 * --cpu-prof-dir=dir` left in `dir`.
 */
export function threadProfiles(dir: string, window: readonly [number, number], count: number, root = process.cwd()): ThreadProfile[] {
  // node names them CPU.<date>.<time>.<pid>.<thread id>.<sequence>.cpuprofile; thread 0 is the main one.
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .map((f) => {
      const thread = Number(f.split('.')[4]);
      return { thread: thread === 0 ? 'main thread' : `worker thread ${thread}`, top: topSelfTime(readFileSync(join(dir, f), 'utf8'), window[0], window[1], count, root) };
    });
}

/** Prints a thread's profile as a Markdown table under `heading`. */
export function printThreadProfile(heading: string, profile: ThreadProfile): void {
  console.log(`\n${heading}, ${profile.thread}: top self time (node --cpu-prof)\n`);
  console.log('| function | ms | share |');
  console.log('| --- | --- | --- |');
  for (const f of profile.top) console.log(`| ${f.name} | ${f.ms.toFixed(0)} | ${(f.share * 100).toFixed(1)}% |`);
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The monotonic clock in microseconds, as V8's profiler stamps samples. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** The `count` functions with the most self time between `fromUs` and `toUs`. */
export function topSelfTime(json: string, fromUs: number, toUs: number, count: number, root = process.cwd()): FunctionTime[] {
  const profile = JSON.parse(json) as Profile;
  const names = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(`${root}/`, '');
    // Code that tsx compiled reports line 0; the file is enough to find it.
    const where = file === '' ? '' : lineNumber > 0 ? ` ${file}:${lineNumber + 1}` : ` ${file}`;
    names.set(node.id, `${functionName || '(anonymous)'}${where}`);
  }
  const us = new Map<string, number>();
  let total = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i]!;
    // A sample stands for the time until the next one.
    const span = profile.timeDeltas[i + 1] ?? 0;
    if (at < fromUs || at >= toUs) continue;
    const name = names.get(profile.samples[i]!) ?? '?';
    us.set(name, (us.get(name) ?? 0) + span);
    total += span;
  }
  return [...us]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, t]) => ({ name, ms: t / 1000, share: total === 0 ? 0 : t / total }));
}
