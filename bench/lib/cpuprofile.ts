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

export interface FunctionTime {
  /** "parseLineProtocol src/protocol/lineprotocol/parse.ts:120", "(garbage collector)". */
  readonly name: string;
  readonly ms: number;
  /** Share of all sampled time in the window, 0..1. */
  readonly share: number;
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
