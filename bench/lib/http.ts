/**
 * HTTP load for benchmarks, light enough to share the machine with the server it measures: it
 * sends bodies encoded before the clock starts, over keep-alive connections, and builds nothing
 * while it runs.
 *
 *   const result = await postBodies('http://127.0.0.1:8086/write?db=bench', bodies, { connections: 4 });
 *   console.log(result.acceptedSamples / result.seconds, latencies(result.latenciesMs));
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
  /** Count per HTTP status; 0 stands for no response (connection error or timeout). */
  readonly statuses: Record<number, number>;
  /** The first few non-2xx answers, as "status: body". */
  readonly errors: string[];
  /** This process's user + system CPU while sending: what the driver took from the server. */
  readonly clientCpuSeconds: number;
  /** False when `maxSeconds` ran out before every body was sent. */
  readonly complete: boolean;
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
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const headers = { 'Content-Type': 'text/plain; charset=utf-8', ...options.headers };
  const timeoutMs = options.timeoutMs ?? 120_000;
  const latenciesMs: number[] = [];
  const statuses: Record<number, number> = {};
  const errors: string[] = [];
  let next = 0;
  let failedRequests = 0;
  let acceptedSamples = 0;
  let rejectedSamples = 0;
  let bytesSent = 0;

  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const deadline = start + (options.maxSeconds ?? 300) * 1000;
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < bodies.length && performance.now() < deadline) {
          const { body, samples } = bodies[next++]!;
          const sent = performance.now();
          const answer = await send(agent, target, 'POST', body, { ...headers, 'Content-Length': String(body.length) }, timeoutMs, false);
          latenciesMs.push(performance.now() - sent);
          bytesSent += body.length;
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          if (answer.status >= 200 && answer.status < 300) {
            acceptedSamples += samples;
          } else {
            failedRequests++;
            rejectedSamples += samples;
            if (errors.length < 5) errors.push(`${answer.status}: ${answer.body.toString('utf8', 0, Math.min(answer.body.length, 300))}`);
          }
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    requests: latenciesMs.length,
    failedRequests,
    acceptedSamples,
    rejectedSamples,
    bytesSent,
    seconds,
    latenciesMs,
    statuses,
    errors,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
    complete: next === bodies.length,
  };
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
