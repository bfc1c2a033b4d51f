/** EXPLAIN: the plan as lines, and the scan's figures from running it. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LocalRouter } from '../../src/cluster/index.ts';
import { explainQuery } from '../../src/query/index.ts';
import { context, field, fn, openRouter, or, query, tag } from './helpers.ts';

let router: LocalRouter;
before(async () => {
  router = await openRouter();
});
after(async () => {
  await router.close();
});

describe('explainQuery(router, query, ctx)', () => {
  it('lists selection, filter, grouping, aggregation, fill and order, then what the scan read', async () => {
    const q = query({ select: [fn('derivative', fn('mean', 'v')), fn('median', 'v')], where: or(tag('host', '=', 'a'), field('v', '>', 3)), time: [0, 60], groupBy: { time: '10s', tags: ['host'] }, fill: 0 });
    const { lines, report, series, rows } = await explainQuery(router, q, context());
    const text = lines.join('\n');
    assert.match(text, /measurement "cpu"/);
    assert.match(text, /selection: index lookup: __name__="cpu"\n/);
    assert.match(text, /per-series filter: \(host = "a" OR v > 3\)/);
    assert.match(text, /grouping: tags host; time\(10s\)/);
    assert.match(text, /mean\(v\) \(\+1 bucket for a transformation\): streaming per bucket/);
    assert.match(text, /median\(v\): keeps the bucket's points/);
    assert.match(text, /fill: 0/);
    assert.match(text, /scan: shards 2;/);
    assert.equal(series, 3);
    assert.ok(rows > 0);
    assert.equal(report.shards, 2);
    assert.ok(report.seriesMatched >= 3, `series matched ${report.seriesMatched}`);
  });

  it('says when no measurement matches', async () => {
    const { lines, series } = await explainQuery(router, query({ select: ['v'], from: 'nope' }), context());
    assert.match(lines.join('\n'), /no measurement matches/);
    assert.equal(series, 0);
  });

  it('shows tag-only conditions as index lookups', async () => {
    const { lines } = await explainQuery(router, query({ select: ['v'], where: or(tag('host', '=', 'a'), tag('host', '=', 'b')) }), context());
    assert.match(lines.join('\n'), /selection: index lookup: __name__="cpu", host=~"a\|b"/);
  });
});
