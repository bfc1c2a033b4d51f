/**
 * Exactness: int64 values and nanosecond times survive aggregation and arithmetic (answers checked
 * against influxd 1.6.7 where noted), and the streaming aggregates agree with a brute-force
 * computation over random data in many series and buckets.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dur, fn, near, openRouter, query, run, show, tag, type Q } from './helpers.ts';
// The benchmarks' seeded PRNG, so the random data is the same on every run.
import { mulberry32 } from '../../bench/lib/devops.ts';

const BIG = `
big,host=a n=9223372036854775807i,u=18446744073709551615u 1000000001
big,host=a n=-9223372036854775808i,u=0u 2000000002
big,host=b n=9007199254740993i,u=9007199254740993u 1000000001
big,host=b n=1i 3000000000
`;

describe('int64 and unsigned values', () => {
  it('aggregate exactly and wrap like Go (influxd 1.6.7 gives the same int64 answers)', async () => {
    const router = await openRouter(BIG, 'ns');
    const f = async (select: Parameters<typeof run>[1], want: unknown[][]) => {
      const got = (await run(router, select)).map((s) => s.values);
      assert.deepEqual(got, want, `for ${show(select)}`);
    };
    const from = { from: 'big' };
    await f({ ...from, select: [fn('sum', 'n'), fn('max', 'n'), fn('min', 'n'), fn('first', 'n'), fn('last', 'n'), fn('spread', 'n'), fn('count', 'n')] }, [[[0n, 9007199254740993n, 9223372036854775807n, -9223372036854775808n, 9223372036854775807n, 1n, -1n, 4n]]]);
    await f({ ...from, select: ['n'] }, [[[1000000001n, 9223372036854775807n], [1000000001n, 9007199254740993n], [2000000002n, -9223372036854775808n], [3000000000n, 1n]]]);
    await f({ ...from, select: [fn('difference', 'n')], groupBy: { tags: ['host'] } }, [[[2000000002n, 1n]], [[3000000000n, -9007199254740992n]]]);
    await f({ ...from, select: [fn('mean', 'n')], where: tag('host', '=', 'b') }, [[[0n, 4503599627370497]]]);
    await f({ ...from, select: [fn('max', 'n')] }, [[[1000000001n, 9223372036854775807n]]]);
    await f({ ...from, select: [fn('top', 'n', 1)] }, [[[1000000001n, 9223372036854775807n]]]);
    await f({ ...from, select: [fn('percentile', 'n', 100)] }, [[[1000000001n, 9223372036854775807n]]]);
    // Unsigned (influxd 1.6 has them behind a build flag): the same rules at uint64.
    await f({ ...from, select: [fn('sum', 'u'), fn('max', 'u'), fn('min', 'u'), fn('spread', 'u')] }, [[[0n, 9007199254740992n, 18446744073709551615n, 0n, 18446744073709551615n]]]);
    await f({ ...from, select: [fn('max', 'u')] }, [[[1000000001n, 18446744073709551615n]]]);
    await router.close();
  });
});

const NS = `
ns v=1 1000
ns v=2 1600000
ns v=3 2100000
ns v=4 3000001
ns v=5 4499999
`;

describe('nanosecond times', () => {
  it('survive raw selects and transformations, and bucket by sub-millisecond intervals (answers from influxd 1.6.7)', async () => {
    const router = await openRouter(NS, 'ns');
    /** `q` over [0, 4.5 ms]; rows compared as influxd's epoch=ns JSON. */
    const f = async (q: Omit<Q, 'from' | 'time'>, want: unknown[][]) => {
      const [series] = await run(router, { ...query({ from: 'ns', ...q }), range: { min: 0n, max: 4_500_000n } });
      const got = series!.values.map(([t, ...cells]) => [Number(t), ...cells.map((c) => (typeof c === 'bigint' ? Number(c) : c))]);
      assert.ok(near(got, want), `for ${show(q)}: got ${show(got)}, want ${show(want)}`);
    };
    await f({ select: ['v'] }, [[1000, 1], [1600000, 2], [2100000, 3], [3000001, 4], [4499999, 5]]);
    await f({ select: [fn('derivative', 'v', dur('1ms'))] }, [[1600000, 0.6253908692933083], [2100000, 2], [3000001, 1.1111098765445815], [4499999, 0.6666675555567407]]);
    await f({ select: [fn('elapsed', 'v', dur('1u'))] }, [[1600000, 1599], [2100000, 500], [3000001, 900], [4499999, 1499]]);
    await f({ select: [fn('mean', 'v'), fn('count', 'v')], groupBy: { time: '1500u' } }, [[0, 1, 1], [1500000, 2.5, 2], [3000000, 4.5, 2], [4500000, null, 0]]);
    await f({ select: [fn('mean', 'v')], groupBy: { time: '1500u', offset: '700u' } }, [[-800000, 1], [700000, 2.5], [2200000, 4], [3700000, 5]]);
    await f({ select: [fn('integral', 'v', dur('1ms'))], groupBy: { time: '1500u' } }, [[0, 2.2016269543464664], [1500000, 4.596872545654089], [3000000, 6.749994999999444]]);
    await f({ select: [fn('sum', 'v')], groupBy: { time: '1ms' }, fill: 'linear' }, [[0, 1], [1000000, 2], [2000000, 3], [3000000, 4], [4000000, 5]]);
    await router.close();
  });
});


describe('streaming aggregates against brute force', () => {
  it('agree over random series, buckets and an unbounded range', async () => {
    const random = mulberry32(7);
    const lines: string[] = [];
    const points: Array<{ host: number; t: number; v: number; i: number }> = [];
    for (let host = 0; host < 6; host++) {
      let t = Math.floor(random() * 1000);
      for (let k = 0; k < 300; k++) {
        t += 1 + Math.floor(random() * 40);
        const v = Math.round(random() * 1000) / 10;
        const i = Math.floor(random() * 2001) - 1000;
        points.push({ host, t, v, i });
        lines.push(`r,host=h${host},parity=${host % 2} v=${v},i=${i}i ${t}`);
      }
    }
    const router = await openRouter(lines.join('\n'), 's');
    const interval = 60;
    const [series] = await run(router, { from: 'r', select: [fn('count', 'v'), fn('sum', 'i'), fn('mean', 'v'), fn('min', 'v'), fn('max', 'i'), fn('first', 'v'), fn('last', 'i'), fn('spread', 'v')], groupBy: { time: `${interval}s`, tags: ['parity'] }, fill: 'none' }).then((s) => [s.filter((x) => x.tags.parity === '1')]);
    const mine = points.filter((p) => p.host % 2 === 1);
    const buckets = new Map<number, typeof mine>();
    for (const p of mine) {
      const b = Math.floor(p.t / interval) * interval;
      buckets.set(b, [...(buckets.get(b) ?? []), p]);
    }
    const want = [...buckets.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([b, ps]) => {
        const byTime = [...ps].sort((x, y) => x.t - y.t || y.v - x.v);
        const lastI = [...ps].sort((x, y) => y.t - x.t || y.i - x.i)[0]!.i;
        const vs = ps.map((p) => p.v);
        return [BigInt(b) * 1_000_000_000n, BigInt(ps.length), BigInt(ps.reduce((s, p) => s + p.i, 0)), vs.reduce((s, v) => s + v, 0) / ps.length, Math.min(...vs), BigInt(Math.max(...ps.map((p) => p.i))), byTime[0]!.v, BigInt(lastI), Math.max(...vs) - Math.min(...vs)];
      });
    assert.equal(series!.length, 1);
    const got = series![0]!.values;
    assert.equal(got.length, want.length);
    got.forEach((row, k) => {
      const w = want[k]!;
      row.forEach((cell, c) => {
        if (typeof cell === 'number') assert.ok(Math.abs(cell - (w[c] as number)) < 1e-9, `row ${k} column ${c}: got ${cell}, want ${w[c]}`);
        else assert.equal(cell, w[c], `row ${k} column ${c}`);
      });
    });
    await router.close();
  });
});
