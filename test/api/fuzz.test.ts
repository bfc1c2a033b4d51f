// Random and mutated input through the real HTTP stack: every answer must be a 2xx or a 4xx with a
// reason, never a 5xx or a crash, and good lines written beside bad ones must stay readable.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import request from 'supertest';
import { DEFAULT_LIMITS } from '../../src/api/limits/index.ts';
import { LocalRouter } from '../../src/cluster/index.ts';
import { openApp, type Handler } from './_app.ts';

const GOOD = [
  'cpu,host=a,region=eu usage_user=1.5,usage_idle=98i,ok=true,msg="a \\"quoted\\" str" 1764028800000000000',
  'mem\\ used,host=b\\,c free=12u 1764028810000000000',
  '# a comment',
  '',
  'disk,path=/var\\ log used=0.25,dev="sda1"',
].join('\n');

function mutate(text: string, edits: Array<{ at: number; kind: number; byte: number }>): Buffer {
  const bytes = [...Buffer.from(text)];
  for (const { at, kind, byte } of edits) {
    const i = at % (bytes.length + 1);
    if (kind === 0) bytes.splice(i, 1);
    else if (kind === 1) bytes.splice(i, 0, byte);
    else bytes[i] = byte;
  }
  return Buffer.from(bytes);
}

describe('HTTP API under random input', () => {
  let router: LocalRouter;
  let handler: Handler;
  before(async () => {
    const limits = { ...DEFAULT_LIMITS, maxBodyBytes: 1 << 16, maxDecompressedBytes: 1 << 18, queryTimeoutMs: 5000, maxQueryPoints: 100_000 };
    ({ handler, router } = await openApp({ limits }));
  });
  after(() => router.close());

  const expect4xxOr2xx = (status: number, body: unknown, input: unknown): void => {
    assert.ok(status < 500, `status ${status} for ${JSON.stringify(input)}: ${JSON.stringify(body)}`);
    if (status >= 400) assert.equal(typeof (body as { error?: unknown }).error, 'string', `no reason for ${JSON.stringify(input)}`);
  };

  it('answers mutated line protocol with 204 or 400 and a reason', async () => {
    const edit = fc.record({ at: fc.nat(), kind: fc.integer({ min: 0, max: 2 }), byte: fc.constantFrom(0x20, 0x2c, 0x3d, 0x22, 0x5c, 0x0a, 0x0d, 0x00, 0xff, 0x69, 0x75, 0x2e, 0x2d, 0x65) });
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 6 }), async (edits) => {
        const body = mutate(GOOD, edits);
        const res = await request(handler).post('/write?db=fuzz').set('Content-Type', 'text/plain').send(body);
        expect4xxOr2xx(res.status, res.body, body.toString('latin1'));
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  it('answers random bytes with 204 or 400 and a reason', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const res = await request(handler).post('/write?db=fuzz').set('Content-Type', 'application/octet-stream').send(Buffer.from(bytes));
        expect4xxOr2xx(res.status, res.body, [...bytes]);
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it('answers random query documents with 200 or 4xx and a reason', async () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
    const member = fc.constantFrom('database', 'measurement', 'measurementRegex', 'where', 'select', 'start', 'end', 'groupBy', 'fill', 'order', 'limit', 'epoch', 'explain');
    const doc = fc.dictionary(member, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.constantFrom('fn', 'field', 'tag', 'op', 'value', 'time', 'and'), scalar)));
    await fc.assert(
      fc.asyncProperty(doc, async (body) => {
        const res = await request(handler).post('/query').set('Content-Type', 'application/json').send(JSON.stringify({ database: 'fuzz', ...body }));
        expect4xxOr2xx(res.status, res.body, body);
      }),
      { numRuns: 150, seed: 3 },
    );
  });

  it('still reads back a good line written after all that', async () => {
    await request(handler).post('/write?db=fuzz').send('after v=42 1764028800000000000').expect(204);
    const res = await request(handler).post('/query').set('Content-Type', 'application/json').send(JSON.stringify({ database: 'fuzz', measurement: 'after', epoch: 'ns' })).expect(200);
    assert.deepEqual(res.body.series[0].values, [[1764028800000000000, 42]]);
  });
});
