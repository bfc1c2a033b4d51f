/**
 * HTTP load for benchmarks, light enough to share the machine with the server it measures: it
 * sends bodies encoded before the clock starts, over keep-alive connections, and builds nothing
 * while it runs.
 *
 *   const result = await postBodies('http://127.0.0.1:8086/write?db=bench', bodies, { connections: 4 });
 *   console.log(result.acceptedSamples / result.seconds, latencies(result.latenciesMs));
 *
 *   // Remote write: each shard in order on its own connection, none more than 30 min of data ahead.
 *   const rw = await postShards(url, shards, { headers, maxLead: 1_800_000 });
 *
 *   const q = await timeRequests({ url: 'http://127.0.0.1:8086/query', method: 'POST', body }, 7);
 *   console.log(median(q.ms));
 */
import http from 'node:http';

/** One request body and how many samples it carries. */
export interface LoadBody {
  readonly body: Buffer;
  readonly samples: number;
}

export interface LoadOptions {
  /** Keep-alive connections, each sending its next body when the previous response is in. Default 4. */
  readonly connections?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Stop sending new bodies after this long. Default 300 s. */
  readonly maxSeconds?: number;
  /** Per request. Default 120 s. */
  readonly timeoutMs?: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly failedRequests: number;
  /** Samples of the bodies that got a 2xx. */
  readonly acceptedSamples: number;
  readonly rejectedSamples: number;
  readonly bytesSent: number;
  /** From the first send to the last response. */
  readonly seconds: number;
  /** One per request, in completion order. */
  readonly latenciesMs: number[];
  /** When each request was answered, ms after the first send, in completion order (see samplesPerInterval). */
  readonly answeredAtMs: number[];
  /** The samples of each answered request that got a 2xx, in completion order; 0 for the others. */
  readonly answeredSamples: number[];
  /** Count per HTTP status; 0 stands for no response (connection error or timeout). */
  readonly statuses: Record<number, number>;
  /** The first few non-2xx answers, as "status: body". */
  readonly errors: string[];
  /** This process's user + system CPU while sending: what the driver took from the server. */
  readonly clientCpuSeconds: number;
  /** False when `maxSeconds` ran out before every body was sent. */
  readonly complete: boolean;
}

/**
 * Accepted samples per second in each interval of `intervalMs` from the first send: where a
 * receiver slowed down during a run (starting up, a flush), which the run's average hides.
 */
export function samplesPerInterval(result: LoadResult, intervalMs: number): number[] {
  const rates = new Array<number>(Math.ceil((result.seconds * 1000) / intervalMs)).fill(0);
  for (let i = 0; i < result.answeredAtMs.length; i++) {
    const bin = Math.min(Math.floor(result.answeredAtMs[i]! / intervalMs), rates.length - 1);
    rates[bin]! += (result.answeredSamples[i]! * 1000) / intervalMs;
  }
  return rates;
}

interface Answer {
  readonly status: number;
  readonly body: Buffer;
}

/**
 * POSTs `bodies` to `url` in order over `connections` keep-alive connections and counts what was
 * accepted. A body that is rejected or times out is not retried.
 */
export async function postBodies(url: string, bodies: readonly LoadBody[], options: LoadOptions = {}): Promise<LoadResult> {
  const connections = options.connections ?? 4;
  const tally = new Tally(url, connections, options);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < bodies.length && !tally.pastDeadline()) await tally.post(bodies[next++]!);
      }),
    );
  } finally {
    tally.close();
  }
  return tally.result(next === bodies.length);
}

/** Sends bodies for the load functions and counts their answers. */
class Tally {
  private readonly target: URL;
  private readonly agent: http.Agent;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly latenciesMs: number[] = [];
  private readonly answeredAtMs: number[] = [];
  private readonly answeredSamples: number[] = [];
  private readonly statuses: Record<number, number> = {};
  private readonly errors: string[] = [];
  private failedRequests = 0;
  private acceptedSamples = 0;
  private rejectedSamples = 0;
  private bytesSent = 0;
  private readonly cpu0 = process.cpuUsage();
  private readonly start = performance.now();
  private readonly deadline: number;

  constructor(url: string, connections: number, options: Omit<LoadOptions, 'connections'>) {
    this.target = new URL(url);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
    this.headers = { 'Content-Type': 'text/plain; charset=utf-8', ...options.headers };
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.deadline = this.start + (options.maxSeconds ?? 300) * 1000;
  }

  pastDeadline(): boolean {
    return performance.now() >= this.deadline;
  }

  async post({ body, samples }: LoadBody): Promise<void> {
    const sent = performance.now();
    const answer = await send(this.agent, this.target, 'POST', body, { ...this.headers, 'Content-Length': String(body.length) }, this.timeoutMs, false);
    const answered = performance.now();
    this.latenciesMs.push(answered - sent);
    this.answeredAtMs.push(answered - this.start);
    this.bytesSent += body.length;
    this.statuses[answer.status] = (this.statuses[answer.status] ?? 0) + 1;
    const accepted = answer.status >= 200 && answer.status < 300;
    this.answeredSamples.push(accepted ? samples : 0);
    if (accepted) {
      this.acceptedSamples += samples;
    } else {
      this.failedRequests++;
      this.rejectedSamples += samples;
      if (this.errors.length < 5) this.errors.push(`${answer.status}: ${answer.body.toString('utf8', 0, Math.min(answer.body.length, 300))}`);
    }
  }

  close(): void {
    this.agent.destroy();
  }

  result(complete: boolean): LoadResult {
    const cpu = process.cpuUsage(this.cpu0);
    return {
      requests: this.latenciesMs.length,
      failedRequests: this.failedRequests,
      acceptedSamples: this.acceptedSamples,
      rejectedSamples: this.rejectedSamples,
      bytesSent: this.bytesSent,
      seconds: (performance.now() - this.start) / 1000,
      latenciesMs: this.latenciesMs,
      answeredAtMs: this.answeredAtMs,
      answeredSamples: this.answeredSamples,
      statuses: this.statuses,
      errors: this.errors,
      clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
      complete,
    };
  }
}

/** A body of one shard's ordered stream, with where it lies in that stream's order (e.g. its first data timestamp). */
export interface ShardBody extends LoadBody {
  readonly order: number;
}

export interface ShardOptions extends Omit<LoadOptions, 'connections'> {
  /**
   * A shard sends its next body only if that body's `order` is at most this much above the
   * `order` of the earliest unanswered body of every other shard. Default: no limit.
   */
  readonly maxLead?: number;
}

/**
 * POSTs each shard's bodies in order over the shard's own keep-alive connection, the next one
 * when the previous answer is in, as Prometheus' remote-write queue shards do, and keeps the
 * shards within `maxLead` of each other. Counts as `postBodies` does; `seconds` and
 * `clientCpuSeconds` are for all shards together.
 */
export async function postShards(url: string, shards: readonly (readonly ShardBody[])[], options: ShardOptions = {}): Promise<LoadResult> {
  const tally = new Tally(url, shards.length, options);
  const maxLead = options.maxLead ?? Infinity;
  let complete = true;
  // The order of each shard's earliest unanswered body; Infinity once the shard is done.
  const position = shards.map((bodies) => bodies[0]?.order ?? Infinity);
  // Shards waiting for a slower one, woken whenever a position moves.
  let waiting: (() => void)[] = [];
  const moved = (): void => {
    const wake = waiting;
    waiting = [];
    for (const w of wake) w();
  };
  try {
    await Promise.all(
      shards.map(async (bodies, shard) => {
        for (let i = 0; i < bodies.length; i++) {
          const body = bodies[i]!;
          // The slowest shard is never held back, so this ends; so does the deadline check.
          while (body.order > Math.min(...position) + maxLead) await new Promise<void>((resolve) => waiting.push(resolve));
          if (tally.pastDeadline()) {
            complete = false;
            break;
          }
          await tally.post(body);
          position[shard] = bodies[i + 1]?.order ?? Infinity;
          moved();
        }
        position[shard] = Infinity;
        moved();
      }),
    );
  } finally {
    tally.close();
  }
  return tally.result(complete);
}

export interface RequestSpec {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly body?: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface TimedRequests {
  /** Client-side wall time of each timed run (the warm-up excluded), in run order. */
  readonly ms: number[];
  readonly warmupMs: number;
  /** The last run's answer, to check and summarise. */
  readonly status: number;
  readonly body: Buffer;
}

/** One warm-up, then `runs` sequential runs of the same request on one keep-alive connection. */
export async function timeRequests(spec: RequestSpec, runs: number, timeoutMs = 120_000): Promise<TimedRequests> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(spec.url);
  const headers: Record<string, string> = { ...spec.headers };
  if (spec.body !== undefined) headers['Content-Length'] = String(spec.body.length);
  try {
    const once = async (): Promise<{ ms: number; answer: Answer }> => {
      const start = performance.now();
      const answer = await send(agent, target, spec.method, spec.body, headers, timeoutMs, true);
      return { ms: performance.now() - start, answer };
    };
    const warmup = await once();
    const ms: number[] = [];
    let last = warmup.answer;
    for (let i = 0; i < runs; i++) {
      const run = await once();
      ms.push(run.ms);
      last = run.answer;
    }
    return { ms, warmupMs: warmup.ms, status: last.status, body: last.body };
  } finally {
    agent.destroy();
  }
}

/** One request; never rejects: a connection error or timeout is status 0 with the message as body. */
function send(
  agent: http.Agent,
  target: URL,
  method: string,
  body: Buffer | undefined,
  headers: Record<string, string>,
  timeoutMs: number,
  keepBody: boolean,
): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method, agent, headers, timeout: timeoutMs },
      (res) => {
        const status = res.statusCode ?? 0;
        // A 2xx write answer is not read, only drained; anything else is kept for the error report.
        const keep = keepBody || status < 200 || status >= 300;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          if (keep) chunks.push(chunk);
        });
        res.on('end', () => resolve({ status, body: Buffer.concat(chunks) }));
        res.on('error', (err) => resolve({ status: 0, body: Buffer.from(err.message) }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ status: 0, body: Buffer.from(err.message) }));
    req.end(body);
  });
}
