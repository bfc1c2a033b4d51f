// Prometheus remote write (1.0 and 2.0) and remote read over HTTP, as a Prometheus server speaks
// them: golden exchanges after the remote write spec and Prometheus's client, and bad bodies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import snappy from 'snappy';
import { prometheusProto, decodeXorChunk } from '../../src/protocol/prometheus/index.ts';
import { DEFAULT_PROMETHEUS_CONFIG, MetadataStore } from '../../src/api/index.ts';
import { hashPassword } from '../../src/api/auth/index.ts';
import { openApp, type Handler } from './_app.ts';

const proto = prometheusProto();
const V2_TYPE = 'application/x-protobuf;proto=io.prometheus.write.v2.Request';
const STALE_NAN_HI = 0x7ff00000;
const STALE_NAN_LO = 0x00000002;

function staleNaN(): number {
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  u[0] = STALE_NAN_LO;
  u[1] = STALE_NAN_HI;
  return f[0]!;
}

// Through typed arrays and object fields only: V8 sets the quiet bit of a NaN it stores in a plain
// array of numbers, which would turn the stale marker into another NaN before it is even sent.
function bitsOf(value: number): [number, number] {
  const f = new Float64Array(1);
  f[0] = value;
  const u = new Uint32Array(f.buffer);
  return [u[1]!, u[0]!];
}

/** A sample as the tests write it; 'stale' stands for the stale marker (see bitsOf for why not a NaN in an array). */
type Value = number | 'stale';
const valueOf = (v: Value): number => (v === 'stale' ? staleNaN() : v);

type Labels = Record<string, string>;
interface SeriesIn {
  labels: Labels;
  samples?: Array<[number, Value]>;
  histograms?: object[];
  exemplars?: object[];
}

function labelList(labels: Labels): Array<{ name: string; value: string }> {
  return Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => ({ name, value }));
}

function writeV1(series: SeriesIn[], metadata: object[] = []): Buffer {
  const message = {
    timeseries: series.map((s) => ({
      labels: labelList(s.labels),
      samples: (s.samples ?? []).map(([timestamp, value]) => ({ timestamp, value: valueOf(value) })),
      histograms: s.histograms ?? [],
      exemplars: s.exemplars ?? [],
    })),
    metadata,
  };
  return snappy.compressSync(Buffer.from(proto.WriteRequest.encode(message).finish()));
}

function writeV2(series: SeriesIn[]): Buffer {
  const symbols = [''];
  const ref = (s: string) => {
    let i = symbols.indexOf(s);
    if (i < 0) i = symbols.push(s) - 1;
    return i;
  };
  const timeseries = series.map((s) => ({
    labelsRefs: labelList(s.labels).flatMap((l) => [ref(l.name), ref(l.value)]),
    samples: (s.samples ?? []).map(([timestamp, value]) => ({ timestamp, value: valueOf(value) })),
    histograms: s.histograms ?? [],
    metadata: { type: 1, helpRef: ref('Requests served.'), unitRef: 0 },
  }));
  return snappy.compressSync(Buffer.from(proto.WriteRequestV2.encode({ symbols, timeseries }).finish()));
}

function post(app: Handler, path: string, body: Buffer, contentType = 'application/x-protobuf') {
  return request(app)
    .post(path)
    .set('Content-Type', contentType)
    .set('Content-Encoding', 'snappy')
    .set('X-Prometheus-Remote-Write-Version', '0.1.0')
    .send(body);
}

interface ReadSeries {
  labels: Labels;
  samples: Array<{ t: number; hi: number; lo: number }>;
  histograms: Array<{ timestamp: number }>;
}

function readBody(queries: Array<{ start: number; end: number; matchers: Array<[number, string, string]> }>, accepted: number[] = [0]): Buffer {
  const message = {
    queries: queries.map((q) => ({ startTimestampMs: q.start, endTimestampMs: q.end, matchers: q.matchers.map(([type, name, value]) => ({ type, name, value })) })),
    acceptedResponseTypes: accepted,
  };
  return snappy.compressSync(Buffer.from(proto.ReadRequest.encode(message).finish()));
}

const rawRequest = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

async function remoteRead(app: Handler, matchers: Array<[number, string, string]>, start = 0, end = 10_000_000): Promise<ReadSeries[]> {
  const res = await request(app).post('/api/v1/read').set('Content-Encoding', 'snappy').set('Content-Type', 'application/x-protobuf').buffer(true).parse(rawRequest).send(readBody([{ start, end, matchers }]));
  assert.equal(res.status, 200, String(res.body));
  assert.equal(res.headers['content-type'], 'application/x-protobuf');
  const decoded = proto.ReadResponse.toObject(proto.ReadResponse.decode(snappy.uncompressSync(res.body as Buffer, { asBuffer: true }) as Buffer), { longs: Number, defaults: true }) as {
    results: Array<{ timeseries: Array<{ labels: Array<{ name: string; value: string }>; samples: Array<{ value: number; timestamp: number }>; histograms: Array<{ timestamp: number }> }> }>;
  };
  assert.equal(decoded.results.length, 1);
  return decoded.results[0]!.timeseries.map((ts) => ({
    labels: Object.fromEntries(ts.labels.map((l) => [l.name, l.value])),
    samples: ts.samples.map((s) => {
      const [hi, lo] = bitsOf(s.value);
      return { t: s.timestamp, hi, lo };
    }),
    histograms: ts.histograms,
  }));
}

describe('remote write 1.0', () => {
  it('stores samples, stale markers bit for bit, and answers 204 with the written counts', async () => {
    const { handler } = await openApp();
    const body = writeV1([
      { labels: { __name__: 'up', job: 'node', instance: 'a:9100' }, samples: [[1000, 1], [2000, 0], [3000, 'stale']] },
      { labels: { __name__: 'up', job: 'prometheus', instance: 'b:9090' }, samples: [[1000, 1]] },
    ]);
    const res = await post(handler, '/api/v1/write', body);
    assert.equal(res.status, 204, res.text);
    assert.equal(res.headers['x-prometheus-remote-write-samples-written'], '4');
    assert.equal(res.headers['x-prometheus-remote-write-histograms-written'], '0');

    const series = await remoteRead(handler, [[0, '__name__', 'up'], [0, 'job', 'node']]);
    assert.deepEqual(series.map((s) => s.labels), [{ __name__: 'up', instance: 'a:9100', job: 'node' }]);
    assert.deepEqual(series[0]!.samples.map((s) => s.t), [1000, 2000, 3000]);
    assert.deepEqual(series[0]!.samples[2], { t: 3000, hi: STALE_NAN_HI, lo: STALE_NAN_LO });
  });

  it('keeps native histograms and gives them back as they came', async () => {
    const { handler } = await openApp();
    const histogram = { countInt: 5, sum: 12.5, schema: 3, zeroThreshold: 1e-128, zeroCountInt: 1, positiveSpans: [{ offset: 0, length: 2 }], positiveDeltas: [2, -1], resetHint: 2, timestamp: 5000 };
    const res = await post(handler, '/api/v1/write', writeV1([{ labels: { __name__: 'latency_seconds', job: 'api' }, histograms: [histogram] }]));
    assert.equal(res.status, 204, res.text);
    assert.equal(res.headers['x-prometheus-remote-write-histograms-written'], '1');
    const [series] = await remoteRead(handler, [[0, '__name__', 'latency_seconds']]);
    assert.equal(series!.histograms.length, 1);
    const back = series!.histograms[0] as Record<string, unknown>;
    assert.equal(back['timestamp'], 5000);
    assert.equal(back['sum'], 12.5);
    assert.equal(back['schema'], 3);
    assert.deepEqual(back['positiveDeltas'], [2, -1]);
    // A client that prefers streamed chunks gets them as whole samples when it takes those too, and a clear error when not.
    const read = (accepted: number[]) => request(handler).post('/api/v1/read').set('Content-Encoding', 'snappy').send(readBody([{ start: 0, end: 1e6, matchers: [[0, '__name__', 'latency_seconds']] }], accepted));
    assert.equal((await read([1, 0])).headers['content-type'], 'application/x-protobuf');
    const streamedOnly = await read([1]);
    assert.equal(streamedOnly.status, 400);
    assert.match(streamedOnly.text, /native histograms, which this server sends only in SAMPLES responses/);
  });

  it('keeps exemplars with their labels, value and time', async () => {
    const { handler, router } = await openApp();
    const exemplar = { labels: [{ name: 'trace_id', value: 'abc123' }], value: 0.25, timestamp: 1500 };
    const res = await post(handler, '/api/v1/write', writeV1([{ labels: { __name__: 'latency_bucket', le: '0.5' }, samples: [[1000, 3]], exemplars: [exemplar] }]));
    assert.equal(res.status, 204, res.text);
    assert.equal(res.headers['x-prometheus-remote-write-exemplars-written'], '1');
    const stored: Array<[number, string]> = [];
    for await (const series of router.select({ database: 'prometheus' }, { matchers: [{ name: '__name__', op: '=', value: 'latency_bucket' }], fields: ['exemplar'] })) {
      const column = series.fields[0]!.column;
      for (let i = 0; i < column.length; i++) stored.push([column.ms[i]!, (column.values as string[])[i]!]);
    }
    assert.deepEqual(stored, [[1500, JSON.stringify({ labels: { trace_id: 'abc123' }, value: 0.25 })]]);
  });

  it('refuses series with bad labels with a 400 naming them, and writes the rest', async () => {
    const { handler } = await openApp();
    const body = writeV1([
      { labels: { job: 'x' }, samples: [[1000, 1]] },
      { labels: { __name__: 'good', job: 'x' }, samples: [[1000, 1]] },
    ]);
    const res = await post(handler, '/api/v1/write', body);
    assert.equal(res.status, 400);
    assert.match(res.text, /partial write: 1 of 2 .* no metric name \(label "__name__"\)/);
    assert.equal(res.headers['x-prometheus-remote-write-samples-written'], '1');
    assert.equal((await remoteRead(handler, [[0, '__name__', 'good']])).length, 1);
  });

  it('reads series sent in the same order request after request, also when one of them changes shape', async () => {
    const { handler } = await openApp();
    const labelsOf = (i: number): Labels => ({ __name__: 'load', host: `h${i}`, job: 'node' });
    /** A TimeSeries message's own bytes, without the WriteRequest field around it. */
    const timeSeries = (series: SeriesIn): Buffer => {
      const request = Buffer.from(proto.WriteRequest.encode({ timeseries: [{ labels: labelList(series.labels), samples: (series.samples ?? []).map(([timestamp, value]) => ({ timestamp, value: valueOf(value) })), histograms: series.histograms ?? [] }] }).finish());
      // Field 1 (0x0a), then the length as a varint, then the message.
      let at = 1;
      while (request[at]! >= 0x80) at++;
      return request.subarray(at + 1);
    };
    const field = (bytes: Buffer): Buffer => {
      const length: number[] = [];
      for (let n = bytes.length; ; n >>>= 7) {
        if (n < 0x80) {
          length.push(n);
          break;
        }
        length.push((n & 0x7f) | 0x80);
      }
      return Buffer.concat([Buffer.from([0x0a, ...length]), bytes]);
    };
    const send = async (series: Buffer[]) => post(handler, '/api/v1/write', snappy.compressSync(Buffer.concat(series.map(field))));
    const want = new Map<string, number[]>();
    const round = (t: number) => Array.from({ length: 5 }, (_, i) => {
      want.set(`h${i}`, [...(want.get(`h${i}`) ?? []), t]);
      return timeSeries({ labels: labelsOf(i), samples: [[t, i]] });
    });
    for (const t of [1000, 2000]) assert.equal((await send(round(t))).status, 204);
    const third = round(3000);
    // h2 with one more label after its samples: another series, whose samples are not h2's.
    third[2] = Buffer.concat([timeSeries({ labels: labelsOf(2), samples: [[3000, 2]] }), timeSeries({ labels: { zone: 'b' } })]);
    want.set('h2', want.get('h2')!.slice(0, -1));
    // h3 with a sample out of the representable range: refused, its other sample kept.
    third[3] = timeSeries({ labels: labelsOf(3), samples: [[3000, 3], [1e17, 3]] });
    // h4 with a native histogram after its sample.
    third[4] = timeSeries({ labels: labelsOf(4), samples: [[3000, 4]], histograms: [{ countInt: 1, sum: 1, schema: 0, zeroThreshold: 0, timestamp: 3000 }] });
    const res = await send(third);
    assert.equal(res.status, 400);
    assert.match(res.text, /partial write: 1 of 7 .*outside the representable time range/);
    assert.equal(res.headers['x-prometheus-remote-write-histograms-written'], '1');
    assert.equal((await send(round(4000))).status, 204);
    const series = await remoteRead(handler, [[0, '__name__', 'load']]);
    const got = new Map(series.map((s) => [`${s.labels['host']}${s.labels['zone'] === undefined ? '' : `,zone=${s.labels['zone']}`}`, s.samples.map((x) => x.t)]));
    assert.deepEqual(got, new Map([...want, ['h2,zone=b', [3000]]]));
    assert.equal(series.find((s) => s.labels['host'] === 'h4' && s.labels['zone'] === undefined)!.histograms.length, 1);
  });

  it('refuses duplicate label names', async () => {
    const { handler } = await openApp();
    const message = { timeseries: [{ labels: [{ name: '__name__', value: 'm' }, { name: 'a', value: '1' }, { name: 'a', value: '2' }], samples: [{ value: 1, timestamp: 1 }] }] };
    const res = await post(handler, '/api/v1/write', snappy.compressSync(Buffer.from(proto.WriteRequest.encode(message).finish())));
    assert.equal(res.status, 400);
    assert.match(res.text, /label "a" more than once/);
  });

  it('accepts labels in any order as one series', async () => {
    const { handler } = await openApp();
    const unsorted = { timeseries: [{ labels: [{ name: 'b', value: '2' }, { name: '__name__', value: 'm' }, { name: 'a', value: '1' }], samples: [{ value: 1, timestamp: 1000 }] }] };
    assert.equal((await post(handler, '/api/v1/write', snappy.compressSync(Buffer.from(proto.WriteRequest.encode(unsorted).finish())))).status, 204);
    assert.equal((await post(handler, '/api/v1/write', writeV1([{ labels: { __name__: 'm', a: '1', b: '2' }, samples: [[2000, 2]] }]))).status, 204);
    const series = await remoteRead(handler, [[0, '__name__', 'm']]);
    assert.equal(series.length, 1);
    assert.deepEqual(series[0]!.samples.map((s) => s.t), [1000, 2000]);
  });

  it('keeps label names and values as sent: UTF-8 beyond ASCII, and the characters series keys escape', async () => {
    const { handler } = await openApp();
    const labels = { __name__: 'température', région: 'Île-de-France', city: '東京 🗼', note: 'a=b, c\\d' };
    assert.equal((await post(handler, '/api/v1/write', writeV1([{ labels, samples: [[1000, 1]] }]))).status, 204);
    const series = await remoteRead(handler, [[0, '__name__', 'température']]);
    assert.equal(series.length, 1);
    assert.deepEqual(series[0]!.labels, labels);
  });

  it('keeps metric metadata', async () => {
    const metadata = MetadataStore.inMemory();
    const { handler } = await openApp({ metadata });
    const res = await post(handler, '/api/v1/write', writeV1([], [{ type: 1, metricFamilyName: 'http_requests', help: 'Requests served.', unit: '' }, { type: 3, metricFamilyName: 'latency', help: 'Latency.', unit: 'seconds' }]));
    assert.equal(res.status, 204);
    assert.deepEqual(metadata.metrics('prometheus').get('http_requests'), { metric: 'http_requests', type: 'counter', help: 'Requests served.', unit: '' });
    assert.deepEqual(metadata.metrics('prometheus').get('latency'), { metric: 'latency', type: 'histogram', help: 'Latency.', unit: 'seconds' });
  });

  it('writes to the database of ?db= and of /api/v1/prom/write', async () => {
    const { handler, router } = await openApp();
    assert.equal((await post(handler, '/api/v1/write?db=other', writeV1([{ labels: { __name__: 'm' }, samples: [[1, 1]] }]))).status, 204);
    assert.ok(router.hasDatabase('other'));
    const res = await post(handler, '/api/v1/prom/write', writeV1([{ labels: { __name__: 'm' }, samples: [[1, 1]] }]));
    assert.equal(res.status, 400);
    assert.match(res.text, /database is required/);
  });
});

describe('remote write 2.0', () => {
  it('is chosen by Content-Type and answers with the written counts', async () => {
    const metadata = MetadataStore.inMemory();
    const { handler } = await openApp({ metadata });
    const body = writeV2([
      { labels: { __name__: 'http_requests_total', job: 'api', code: '200' }, samples: [[1000, 10], [2000, 12]] },
      { labels: { __name__: 'http_requests_total', job: 'api', code: '500' }, samples: [[1000, 1]] },
    ]);
    const res = await post(handler, '/api/v1/write', body, V2_TYPE);
    assert.equal(res.status, 204, res.text);
    assert.equal(res.headers['x-prometheus-remote-write-samples-written'], '3');
    assert.equal(res.headers['x-prometheus-remote-write-exemplars-written'], '0');
    const series = await remoteRead(handler, [[0, '__name__', 'http_requests_total'], [2, 'code', '2..']]);
    assert.deepEqual(series.map((s) => s.labels), [{ __name__: 'http_requests_total', code: '200', job: 'api' }]);
    assert.deepEqual(metadata.metrics('prometheus').get('http_requests_total'), { metric: 'http_requests_total', type: 'counter', help: 'Requests served.', unit: '' });
  });

  it('refuses an out-of-range symbol reference', async () => {
    const { handler } = await openApp();
    const body = snappy.compressSync(Buffer.from(proto.WriteRequestV2.encode({ symbols: ['', '__name__', 'm'], timeseries: [{ labelsRefs: [1, 7], samples: [{ value: 1, timestamp: 1 }] }] }).finish()));
    const res = await post(handler, '/api/v1/write', body, V2_TYPE);
    assert.equal(res.status, 400);
    assert.match(res.text, /symbol reference 7 is out of range/);
    assert.equal(res.headers['x-prometheus-remote-write-samples-written'], '0');
  });

  it('answers 415 to a message type it does not know', async () => {
    const { handler } = await openApp();
    const res = await post(handler, '/api/v1/write', writeV1([]), 'application/x-protobuf;proto=io.prometheus.write.v3.Request');
    assert.equal(res.status, 415);
    assert.match(res.text, /unsupported remote write message/);
  });
});

describe('remote write: bad bodies', () => {
  const good = () => writeV1([{ labels: { __name__: 'm' }, samples: [[1, 1]] }]);
  const cases: Array<{ name: string; body: () => Buffer; type?: string; encoding?: string; status: number; text: RegExp }> = [
    { name: 'not snappy', body: () => Buffer.from('this is not snappy'), status: 400, text: /cannot decode the snappy-compressed body/ },
    { name: 'an empty body', body: () => Buffer.alloc(0), status: 400, text: /the body is empty/ },
    { name: 'truncated protobuf', body: () => snappy.compressSync(Buffer.from(proto.WriteRequest.encode({ timeseries: [{ labels: [{ name: '__name__', value: 'm' }], samples: [{ value: 1, timestamp: 1 }] }] }).finish()).subarray(0, 20)), status: 400, text: /cannot decode protobuf/ },
    { name: 'JSON', body: () => Buffer.from('{"timeseries": []}'), type: 'application/json', status: 415, text: /unsupported Content-Type "application\/json"/ },
    { name: 'gzip', body: good, encoding: 'gzip', status: 415, text: /unsupported Content-Encoding "gzip"/ },
    {
      name: 'a huge label set',
      body: () => writeV1([{ labels: Object.fromEntries([['__name__', 'm'], ...Array.from({ length: 100 }, (_, i) => [`l${i}`, 'v'])]), samples: [[1, 1]] }]),
      status: 400,
      text: /has 101 labels, more than the limit of 64/,
    },
    { name: 'a huge label value', body: () => writeV1([{ labels: { __name__: 'm', big: 'x'.repeat(20_000) }, samples: [[1, 1]] }]), status: 400, text: /20000 bytes long, more than the limit of 16384/ },
    { name: 'a bad UTF-8 label', body: () => rawLabelBody(Buffer.from([0x6d, 0xff, 0xfe])), status: 400, text: /not valid UTF-8/ },
  ];
  for (const c of cases) {
    it(`answers ${c.status} to ${c.name}, and the server still writes`, async () => {
      const { handler } = await openApp();
      const res = await request(handler)
        .post('/api/v1/write')
        .set('Content-Type', c.type ?? 'application/x-protobuf')
        .set('Content-Encoding', c.encoding ?? 'snappy')
        .send(c.body());
      assert.equal(res.status, c.status, res.text);
      assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
      assert.match(res.text, c.text);
      assert.equal((await post(handler, '/api/v1/write', good())).status, 204);
    });
  }

  it('refuses a snappy body that declares more than the decompressed limit before decoding it', async () => {
    const { handler } = await openApp({ limits: { rateLimitRps: 0, rateLimitBurst: 0, maxBodyBytes: 1 << 20, maxDecompressedBytes: 1000, queryTimeoutMs: 1000, maxQueryPoints: 1000 } });
    const res = await post(handler, '/api/v1/write', snappy.compressSync(Buffer.alloc(5000)));
    assert.equal(res.status, 413);
    assert.match(res.text, /5000 bytes once decompressed, over the limit of 1000/);
  });
});

/** A WriteRequest whose one series, with one sample, has a label value of raw bytes. */
function rawLabelBody(value: Buffer): Buffer {
  const label = (name: Buffer, v: Buffer) => Buffer.concat([Buffer.from([0x0a, name.length]), name, Buffer.from([0x12, v.length]), v]);
  const labels = [label(Buffer.from('__name__'), Buffer.from('m')), label(Buffer.from('x'), value)];
  const sample = Buffer.from(proto.WriteRequest.encode({ timeseries: [{ samples: [{ value: 1, timestamp: 1 }] }] }).finish()).subarray(2); // the TimeSeries' bytes
  const series = Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([0x0a, l.length]), l])), sample]);
  return snappy.compressSync(Buffer.concat([Buffer.from([0x0a, series.length]), series]));
}

describe('remote read', () => {
  it('answers each query in order, with series sorted by label set, and no series for an unknown database', async () => {
    const { handler } = await openApp();
    let res = await request(handler).post('/api/v1/read').set('Content-Encoding', 'snappy').send(readBody([{ start: 0, end: 1, matchers: [[0, '__name__', 'up']] }]));
    assert.equal(res.status, 200);
    await post(handler, '/api/v1/write', writeV1([
      { labels: { __name__: 'up', job: 'b' }, samples: [[1000, 1]] },
      { labels: { __name__: 'up', job: 'a' }, samples: [[1000, 1], [5000, 1]] },
      { labels: { __name__: 'upx', job: 'a' }, samples: [[1000, 1]] },
    ]));
    res = await request(handler).post('/api/v1/read').set('Content-Encoding', 'snappy').buffer(true).parse(rawRequest).send(readBody([
      { start: 0, end: 2000, matchers: [[0, '__name__', 'up']] },
      { start: 0, end: 9000, matchers: [[2, '__name__', 'up.*'], [1, 'job', 'b']] },
      // As in Prometheus: no matchers select nothing, a matcher that every series meets selects all.
      { start: 0, end: 9000, matchers: [] },
      { start: 0, end: 9000, matchers: [[0, 'no_such_label', '']] },
    ]));
    const decoded = proto.ReadResponse.toObject(proto.ReadResponse.decode(snappy.uncompressSync(res.body as Buffer, { asBuffer: true }) as Buffer), { longs: Number }) as {
      results: Array<{ timeseries: Array<{ labels: Array<{ value: string }>; samples: Array<{ timestamp: number }> }> }>;
    };
    assert.equal(decoded.results.length, 4);
    assert.deepEqual(decoded.results[0]!.timeseries.map((s) => s.labels.map((l) => l.value)), [['up', 'a'], ['up', 'b']]);
    assert.deepEqual(decoded.results[0]!.timeseries[0]!.samples.map((s) => s.timestamp), [1000]);
    assert.deepEqual(decoded.results[1]!.timeseries.map((s) => s.labels.map((l) => l.value)), [['up', 'a'], ['upx', 'a']]);
    assert.deepEqual(decoded.results[2]!.timeseries ?? [], []);
    assert.equal(decoded.results[3]!.timeseries.length, 3);
  });

  it('reads line protocol fields as metrics named measurement_field', async () => {
    const { handler } = await openApp();
    const lines = 'cpu,host=a usage_user=1.5,cores=4i,up=true 1000000000\ncpu,host=a usage_user=2.5,cores=4i,up=false 2000000000\ncpu,host=a note="x" 3000000000';
    assert.equal((await request(handler).post('/write?db=prometheus').send(lines)).status, 204);
    const byName = await remoteRead(handler, [[0, '__name__', 'cpu_usage_user']]);
    assert.deepEqual(byName.map((s) => s.labels), [{ __name__: 'cpu_usage_user', host: 'a' }]);
    assert.deepEqual(byName[0]!.samples.map((s) => s.t), [1000, 2000]);
    const all = await remoteRead(handler, [[2, '__name__', 'cpu_.*']]);
    assert.deepEqual(all.map((s) => s.labels['__name__']), ['cpu_cores', 'cpu_up', 'cpu_usage_user']);
    assert.deepEqual(all[1]!.samples.map((s) => [s.hi, s.lo]), [bitsOf(1), bitsOf(0)]);
  });

  it('needs read access with authentication on', async () => {
    const { handler } = await openApp({
      auth: { enabled: true, users: [{ name: 'prom', passwordHash: await hashPassword('secret'), admin: false, permissions: new Map([['prometheus', 'write']]) }], tokens: [] },
    });
    const body = writeV1([{ labels: { __name__: 'm' }, samples: [[1, 1]] }]);
    assert.equal((await post(handler, '/api/v1/write', body)).status, 401);
    assert.equal((await post(handler, '/api/v1/write', body).auth('prom', 'secret')).status, 204);
    const res = await request(handler).post('/api/v1/read').auth('prom', 'secret').set('Content-Encoding', 'snappy').send(readBody([{ start: 0, end: 1, matchers: [[0, '__name__', 'm']] }]));
    assert.equal(res.status, 403);
    assert.match(res.text, /not authorized to read from database "prometheus"/);
  });

  it('refuses a read of more samples than remote_read_sample_limit', async () => {
    const { handler } = await openApp({ prometheus: { ...DEFAULT_PROMETHEUS_CONFIG, readSampleLimit: 10 } });
    await post(handler, '/api/v1/write', writeV1([{ labels: { __name__: 'm' }, samples: Array.from({ length: 11 }, (_, i): [number, Value] => [1000 * (i + 1), i]) }]));
    const res = await request(handler).post('/api/v1/read').set('Content-Encoding', 'snappy').send(readBody([{ start: 0, end: 1e6, matchers: [[0, '__name__', 'm']] }]));
    assert.equal(res.status, 400);
    assert.equal(res.text, 'exceeded sample limit (10)\n');
  });

  it('splits a series over frames past remote_read_max_frame_size', async () => {
    const { handler } = await openApp({ prometheus: { ...DEFAULT_PROMETHEUS_CONFIG, readMaxBytesInFrame: 400 } });
    const samples = Array.from({ length: 1000 }, (_, i): [number, Value] => [1000 * (i + 1), Math.random()]);
    await post(handler, '/api/v1/write', writeV1([{ labels: { __name__: 'm', job: 'x' }, samples }]));
    const res = await request(handler).post('/api/v1/read').set('Content-Encoding', 'snappy').buffer(true).parse(rawRequest).send(readBody([{ start: 0, end: 1e7, matchers: [[0, '__name__', 'm']] }], [1]));
    const frames = readFrames(res.body as Buffer);
    assert.ok(frames.length > 1, `${frames.length} frames`);
    for (const f of frames) assert.deepEqual(f.labels, { __name__: 'm', job: 'x' });
    const decoded = frames.flatMap((f) => f.chunks.flatMap((c) => c.samples));
    assert.deepEqual(decoded.map((d) => d.t), samples.map(([t]) => t));
  });

  it('streams XOR chunks when the client prefers them', async () => {
    const { handler } = await openApp();
    const samples: Array<[number, Value]> = Array.from({ length: 300 }, (_, i) => [1000 + i * 15_000, i % 7 === 0 ? 'stale' : Math.sin(i)]);
    await post(handler, '/api/v1/write', writeV1([{ labels: { __name__: 'wave', job: 'a' }, samples }, { labels: { __name__: 'wave', job: 'b' }, samples: samples.slice(0, 5) }]));
    const res = await request(handler).post('/api/v1/read').set('Content-Encoding', 'snappy').buffer(true).parse(rawRequest).send(readBody([{ start: 0, end: 1e12, matchers: [[0, '__name__', 'wave']] }], [1, 0]));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse');
    const frames = readFrames(res.body as Buffer);
    assert.deepEqual(frames.map((f) => f.labels), [{ __name__: 'wave', job: 'a' }, { __name__: 'wave', job: 'b' }]);
    const a = frames[0]!;
    assert.deepEqual(a.chunks.map((c) => c.count), [120, 120, 60]);
    const decoded = a.chunks.flatMap((c) => c.samples);
    assert.equal(decoded.length, 300);
    for (let i = 0; i < samples.length; i++) {
      const [t, v] = samples[i]!;
      const [hi, lo] = bitsOf(valueOf(v));
      assert.deepEqual(decoded[i], { t, hi, lo });
    }
    assert.equal(a.chunks[0]!.minTimeMs, 1000);
    assert.equal(a.chunks[0]!.maxTimeMs, 1000 + 119 * 15_000);
  });
});

interface Frame {
  labels: Labels;
  queryIndex: number;
  chunks: Array<{ minTimeMs: number; maxTimeMs: number; count: number; samples: Array<{ t: number; hi: number; lo: number }> }>;
}

/** Splits a streamed response into frames, checking each frame's CRC32C as Prometheus's client does. */
function readFrames(body: Buffer): Frame[] {
  const frames: Frame[] = [];
  let at = 0;
  while (at < body.length) {
    let size = 0;
    let shift = 0;
    for (;;) {
      const b = body[at++]!;
      size += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) break;
    }
    const crc = body.readUInt32BE(at);
    const message = body.subarray(at + 4, at + 4 + size);
    assert.equal(crc, crc32cOf(message));
    at += 4 + size;
    const decoded = proto.ChunkedReadResponse.toObject(proto.ChunkedReadResponse.decode(message), { longs: Number, defaults: true }) as {
      chunkedSeries: Array<{ labels: Array<{ name: string; value: string }>; chunks: Array<{ minTimeMs: number; maxTimeMs: number; type: number; data: Uint8Array }> }>;
      queryIndex: number;
    };
    assert.equal(decoded.chunkedSeries.length, 1);
    const series = decoded.chunkedSeries[0]!;
    frames.push({
      labels: Object.fromEntries(series.labels.map((l) => [l.name, l.value])),
      queryIndex: decoded.queryIndex,
      chunks: series.chunks.map((c) => {
        assert.equal(c.type, 1);
        const x = decodeXorChunk(c.data);
        return { minTimeMs: c.minTimeMs, maxTimeMs: c.maxTimeMs, count: x.ms.length, samples: x.ms.map((t, i) => ({ t, hi: x.hi[i]!, lo: x.lo[i]! })) };
      }),
    });
  }
  return frames;
}

// CRC-32C by its definition (reflected polynomial 0x82F63B78), independent of the server's library.
function crc32cOf(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
