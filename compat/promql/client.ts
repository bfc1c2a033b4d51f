// The HTTP side of the suite: one GET of the Prometheus query API keeping the status code and the
// raw text, and a small pool that runs many of them a few at a time.
import type { Envelope, Reply } from './compare.ts';

/** GET `path?params` from `url`; never throws on an HTTP status, only on a transport failure. */
export async function get(url: string, path: string, params: Readonly<Record<string, string>>): Promise<Reply> {
  const res = await fetch(`${url}${path}?${new URLSearchParams(params)}`, { signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  let body: Envelope | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    body = typeof parsed === 'object' && parsed !== null ? (parsed as Envelope) : undefined;
  } catch {
    body = undefined;
  }
  return { http: res.status, body, text };
}

/** Run `tasks` with at most `limit` in flight; results in task order. */
export async function inPool<T>(limit: number, tasks: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
