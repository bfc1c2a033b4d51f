/**
 * GROUP BY tags and time, fill, ORDER BY, LIMIT/OFFSET and SLIMIT/SOFFSET. Expected answers are
 * influxd 1.6.7's for the same queries over helpers.ts DATA, unless a comment says otherwise.
 */
import { describe, it } from 'node:test';
import { fn, goldenRouter, op , tag } from './helpers.ts';

const { check: f } = goldenRouter();
const mean = fn('mean', 'v');

describe('GROUP BY time', () => {
  it('buckets from the range start\'s bucket to the range end\'s, null where empty', async () => {
    await f({ select: [mean], time: [0, 60], groupBy: { time: '20s' } }, '[{"name":"cpu","columns":["time","mean"],"values":[[0,3.4],[20,6],[40,4],[60,null]]}]');
    await f({ select: [fn('max', 'v')], time: [0, 60], groupBy: { time: '20s' } }, '[{"name":"cpu","columns":["time","max"],"values":[[0,5],[20,10],[40,7],[60,null]]}]');
    await f({ select: [fn('first', 'v'), fn('last', 'i')], time: [0, 30], groupBy: { time: '10s' } }, '[{"name":"cpu","columns":["time","first","last"],"values":[[0,4,10],[10,5,2],[20,2,2],[30,null,null]]}]');
    await f({ select: [fn('mean', 'free')], from: 'mem', time: [null, 60], groupBy: { time: '10s' } }, '[{"name":"mem","columns":["time","mean"],"values":[[0,100],[10,null],[20,null],[30,200],[40,null],[50,null],[60,null]]}]');
  });

  it('takes an offset, and a first bucket that starts before the range', async () => {
    await f({ select: [mean], time: [5, 60], groupBy: { time: '20s', offset: '5s' } }, '[{"name":"cpu","columns":["time","mean"],"values":[[5,3.5],[25,8.5],[45,1]]}]');
    await f({ select: [mean], time: [0, 60], groupBy: { time: '20s', offset: '-5s' } }, '[{"name":"cpu","columns":["time","mean"],"values":[[-5,3.25],[15,5.333333333333333],[35,4],[55,null]]}]');
    await f({ select: [mean], time: [0, 60], groupBy: { time: '20s', offset: '25s' } }, '[{"name":"cpu","columns":["time","mean"],"values":[[-15,2.5],[5,3.5],[25,8.5],[45,1]]}]');
  });

  it('starts each group at its first point when the range has no start', async () => {
    await f({ select: [mean], from: 'late', time: [null, 1060], groupBy: { time: '10s' } }, '[{"name":"late","columns":["time","mean"],"values":[[1000,1],[1010,2],[1020,null],[1030,3],[1040,null],[1050,null],[1060,null]]}]');
    await f({ select: [mean], from: 'late', time: [null, 1060], groupBy: { time: '10s', tags: ['host'] } }, '[{"name":"late","tags":{"host":"a"},"columns":["time","mean"],"values":[[1000,1],[1010,2],[1020,null],[1030,null],[1040,null],[1050,null],[1060,null]]},{"name":"late","tags":{"host":"b"},"columns":["time","mean"],"values":[[1030,3],[1040,null],[1050,null],[1060,null]]}]');
    await f({ select: [mean], from: '/late|cpu/', time: [null, 1060], groupBy: { time: '500s' } }, '[{"name":"cpu","columns":["time","mean"],"values":[[0,4.111111111111111],[500,null],[1000,null]]},{"name":"late","columns":["time","mean"],"values":[[1000,2]]}]');
  });

  it('combines with GROUP BY tags', async () => {
    await f({ select: [fn('count', 'v')], time: [0, 20], groupBy: { time: '10s', tags: ['host'] }, fill: 'none' }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","count"],"values":[[0,1],[10,1],[20,1]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","count"],"values":[[0,1],[10,1]]},{"name":"cpu","tags":{"host":"c"},"columns":["time","count"],"values":[[10,1]]}]');
    await f({ select: [fn('spread', 'v'), fn('stddev', 'v')], time: [0, 60], groupBy: { time: '20s', tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","spread","stddev"],"values":[[0,2,1.4142135623730951],[20,0,null],[40,0,null],[60,null,null]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","spread","stddev"],"values":[[0,0,0],[20,0,null],[40,0,null],[60,null,null]]},{"name":"cpu","tags":{"host":"c"},"columns":["time","spread","stddev"],"values":[[0,0,null],[20,null,null],[40,null,null],[60,null,null]]}]');
  });
});

describe('fill', () => {
  const g = { time: [0, 100] as const, groupBy: { time: '10s' } };
  it('null (count shows 0), none, a number, previous, linear', async () => {
    await f({ select: [fn('count', 'v')], time: [0, 60], groupBy: { time: '10s' } }, '[{"name":"cpu","columns":["time","count"],"values":[[0,2],[10,3],[20,2],[30,0],[40,1],[50,1],[60,0]]}]');
    await f({ select: [fn('count', 'v')], time: [0, 30], groupBy: { time: '10s' }, fill: 'none' }, '[{"name":"cpu","columns":["time","count"],"values":[[0,2],[10,3],[20,2]]}]');
    await f({ select: [mean], time: [5, 60], groupBy: { time: '20s', offset: '5s' }, fill: 'none' }, '[{"name":"cpu","columns":["time","mean"],"values":[[5,3.5],[25,8.5],[45,1]]}]');
    await f({ select: [mean, fn('count', 'v')], ...g, fill: -1 }, '[{"name":"cpu","columns":["time","mean","count"],"values":[[0,2.5,2],[10,4,3],[20,6,2],[30,-1,-1],[40,7,1],[50,1,1],[60,-1,-1],[70,-1,-1],[80,-1,-1],[90,-1,-1],[100,-1,-1]]}]');
    await f({ select: [mean], ...g, fill: 'previous' }, '[{"name":"cpu","columns":["time","mean"],"values":[[0,2.5],[10,4],[20,6],[30,6],[40,7],[50,1],[60,1],[70,1],[80,1],[90,1],[100,1]]}]');
    await f({ select: [mean], ...g, fill: 'linear' }, '[{"name":"cpu","columns":["time","mean"],"values":[[0,2.5],[10,4],[20,6],[30,6.5],[40,7],[50,1],[60,null],[70,null],[80,null],[90,null],[100,null]]}]');
  });

  it('casts to the aggregate\'s type and truncates integers', async () => {
    await f({ select: [fn('sum', 'i')], time: [0, 60], groupBy: { time: '10s' }, fill: 1.7 }, '[{"name":"cpu","columns":["time","sum"],"values":[[0,11],[10,31],[20,32],[30,1],[40,-5],[50,1],[60,1]]}]');
    await f({ select: [fn('sum', 'i')], time: [0, 60], groupBy: { time: '10s' }, fill: 'linear' }, '[{"name":"cpu","columns":["time","sum"],"values":[[0,11],[10,31],[20,32],[30,13],[40,-5],[50,null],[60,null]]}]');
    await f({ select: [fn('count', 'v')], time: [0, 60], groupBy: { time: '20s' }, fill: 'previous' }, '[{"name":"cpu","columns":["time","count"],"values":[[0,5],[20,2],[40,2],[60,2]]}]');
    await f({ select: [fn('median', 'v')], time: [0, 60], groupBy: { time: '20s' }, fill: 'previous' }, '[{"name":"cpu","columns":["time","median"],"values":[[0,4],[20,6],[40,4],[60,4]]}]');
    await f({ select: [fn('mode', 'i')], time: [0, 60], groupBy: { time: '20s' }, fill: 0 }, '[{"name":"cpu","columns":["time","mode"],"values":[[0,1],[20,2],[40,-5],[60,0]]}]');
  });

  it('applies before arithmetic', async () => {
    await f({ select: [op('*', mean, 2)], time: [0, 60], groupBy: { time: '20s' }, fill: 1 }, '[{"name":"cpu","columns":["time","mean"],"values":[[0,6.8],[20,12],[40,8],[60,2]]}]');
    await f({ select: [op('+', fn('count', 'v'), 1)], time: [0, 60], groupBy: { time: '20s' } }, '[{"name":"cpu","columns":["time","count"],"values":[[0,6],[20,3],[40,3],[60,1]]}]');
  });

  it('is ignored without GROUP BY time', async () => {
    await f({ select: [mean], fill: 0 }, '[{"name":"cpu","columns":["time","mean"],"values":[[0,4.111111111111111]]}]');
  });
});

describe('GROUP BY tags', () => {
  it('makes a series per tag-value combination; a missing tag groups as ""', async () => {
    await f({ select: ['v'], groupBy: { tags: ['region'] } }, '[{"name":"cpu","tags":{"region":""},"columns":["time","v"],"values":[[10,5]]},{"name":"cpu","tags":{"region":"east"},"columns":["time","v"],"values":[[0,1],[10,3],[20,2],[40,7]]},{"name":"cpu","tags":{"region":"west"},"columns":["time","v"],"values":[[0,4],[15,4],[25,10],[50,1]]}]');
    await f({ select: [mean], groupBy: { tags: ['region', 'host'] } }, '[{"name":"cpu","tags":{"host":"a","region":"east"},"columns":["time","mean"],"values":[[0,3.25]]},{"name":"cpu","tags":{"host":"b","region":"west"},"columns":["time","mean"],"values":[[0,4.75]]},{"name":"cpu","tags":{"host":"c","region":""},"columns":["time","mean"],"values":[[0,5]]}]');
    await f({ select: [fn('last', 'v')], groupBy: { tags: '*' } }, '[{"name":"cpu","tags":{"host":"a","region":"east"},"columns":["time","last"],"values":[[40,7]]},{"name":"cpu","tags":{"host":"b","region":"west"},"columns":["time","last"],"values":[[50,1]]},{"name":"cpu","tags":{"host":"c","region":""},"columns":["time","last"],"values":[[10,5]]}]');
  });
});

describe('ORDER BY time DESC', () => {
  it('reverses rows and the order of series', async () => {
    await f({ select: [mean], time: [0, 60], groupBy: { time: '10s' }, order: 'desc' }, '[{"name":"cpu","columns":["time","mean"],"values":[[60,null],[50,1],[40,7],[30,null],[20,6],[10,4],[0,2.5]]}]');
    await f({ select: [fn('sum', 'v')], where: tag('host', '=', 'a'), time: [0, 60], groupBy: { time: '20s' }, fill: 'linear', order: 'desc' }, '[{"name":"cpu","columns":["time","sum"],"values":[[60,null],[40,7],[20,2],[0,4]]}]');
    await f({ select: [fn('count', 'v')], groupBy: { tags: ['host'] }, order: 'desc' }, '[{"name":"cpu","tags":{"host":"c"},"columns":["time","count"],"values":[[0,1]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","count"],"values":[[0,4]]},{"name":"cpu","tags":{"host":"a"},"columns":["time","count"],"values":[[0,4]]}]');
    await f({ select: ['v'], groupBy: { tags: ['host'] }, order: 'desc' }, '[{"name":"cpu","tags":{"host":"c"},"columns":["time","v"],"values":[[10,5]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","v"],"values":[[50,1],[25,10],[15,4],[0,4]]},{"name":"cpu","tags":{"host":"a"},"columns":["time","v"],"values":[[40,7],[20,2],[10,3],[0,1]]}]');
  });
});

describe('ORDER BY time DESC with functions', () => {
  it('reads distinct() backwards, runs transformations backwards, keeps top() rows ascending', async () => {
    await f({ select: [fn('distinct', 'v')], order: 'desc' }, '[{"name":"cpu","columns":["time","distinct"],"values":[[0,3],[0,5],[0,4],[0,2],[0,10],[0,7],[0,1]]}]');
    await f({ select: [fn('distinct', 'v')], time: [0, 60], groupBy: { time: '20s' }, order: 'desc' }, '[{"name":"cpu","columns":["time","distinct"],"values":[[40,7],[40,1],[20,2],[20,10],[0,1],[0,3],[0,5],[0,4]]}]');
    await f({ select: [fn('cumulative_sum', 'v')], where: tag('host', '=', 'a'), order: 'desc' }, '[{"name":"cpu","columns":["time","cumulative_sum"],"values":[[40,7],[20,9],[10,12],[0,13]]}]');
    await f({ select: [fn('elapsed', 'v')], where: tag('host', '=', 'a'), order: 'desc' }, '[{"name":"cpu","columns":["time","elapsed"],"values":[[20,-20000000000],[10,-10000000000],[0,-10000000000]]}]');
    await f({ select: [fn('top', 'v', 1)], groupBy: { tags: ['host'] }, order: 'desc' }, '[{"name":"cpu","tags":{"host":"c"},"columns":["time","top"],"values":[[10,5]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","top"],"values":[[25,10]]},{"name":"cpu","tags":{"host":"a"},"columns":["time","top"],"values":[[40,7]]}]');
    await f({ select: [mean, fn('median', 'v')], time: [0, 60], groupBy: { time: '20s' }, fill: 'none', order: 'desc' }, '[{"name":"cpu","columns":["time","mean","median"],"values":[[40,4,4],[20,6,6],[0,3.4,4]]}]');
    await f({ select: [mean], time: [0, 60], groupBy: { time: '20s' }, fill: 'none', order: 'desc', limit: 1 }, '[{"name":"cpu","columns":["time","mean"],"values":[[40,4]]}]');
    await f({ select: ['v'], time: [10, 20], order: 'desc' }, '[{"name":"cpu","columns":["time","v"],"values":[[20,2],[15,4],[10,3],[10,5]]}]');
  });
});

describe('LIMIT, OFFSET, SLIMIT, SOFFSET', () => {
  it('limit rows per series', async () => {
    await f({ select: ['v'], limit: 3, offset: 2 }, '[{"name":"cpu","columns":["time","v"],"values":[[10,3],[10,5],[15,4]]}]');
    await f({ select: ['v'], groupBy: { tags: ['host'] }, limit: 2, offset: 1 }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","v"],"values":[[10,3],[20,2]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","v"],"values":[[15,4],[25,10]]}]');
    await f({ select: [mean], time: [0, 60], groupBy: { time: '10s' }, limit: 2, offset: 1 }, '[{"name":"cpu","columns":["time","mean"],"values":[[10,4],[20,6]]}]');
    await f({ select: [fn('max', 'v')], groupBy: { tags: ['host'] }, order: 'desc', limit: 1 }, '[{"name":"cpu","tags":{"host":"c"},"columns":["time","max"],"values":[[10,5]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","max"],"values":[[25,10]]},{"name":"cpu","tags":{"host":"a"},"columns":["time","max"],"values":[[40,7]]}]');
  });

  it('limit series per measurement, before ORDER BY DESC reverses them', async () => {
    await f({ select: ['v'], groupBy: { tags: ['host'] }, slimit: 2, soffset: 1 }, '[{"name":"cpu","tags":{"host":"b"},"columns":["time","v"],"values":[[0,4],[15,4],[25,10],[50,1]]},{"name":"cpu","tags":{"host":"c"},"columns":["time","v"],"values":[[10,5]]}]');
    await f({ select: [mean], groupBy: { tags: ['host'] }, order: 'desc', slimit: 1 }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","mean"],"values":[[0,3.25]]}]');
    await f({ select: ['v'], groupBy: { tags: ['host'] }, order: 'desc', limit: 1, slimit: 2, soffset: 1 }, '[{"name":"cpu","tags":{"host":"c"},"columns":["time","v"],"values":[[10,5]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","v"],"values":[[50,1]]}]');
    await f({ select: ['*'], from: '/.*/', groupBy: { tags: ['host'] }, slimit: 2, soffset: 2 }, '[{"name":"cpu","tags":{"host":"c"},"columns":["time","b","free","i","region","s","v"],"values":[[10,null,null,9,null,null,5]]}]');
  });
});

describe('FROM a regex', () => {
  it('gives one result series per measurement, by name', async () => {
    await f({ select: ['v'], from: '/.*/' }, '[{"name":"cpu","columns":["time","v"],"values":[[0,1],[0,4],[10,3],[10,5],[15,4],[20,2],[25,10],[40,7],[50,1]]},{"name":"late","columns":["time","v"],"values":[[1000,1],[1015,2],[1030,3]]}]');
    await f({ select: ['v'], from: '/late|cpu/', groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","v"],"values":[[0,1],[10,3],[20,2],[40,7]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","v"],"values":[[0,4],[15,4],[25,10],[50,1]]},{"name":"cpu","tags":{"host":"c"},"columns":["time","v"],"values":[[10,5]]},{"name":"late","tags":{"host":"a"},"columns":["time","v"],"values":[[1000,1],[1015,2]]},{"name":"late","tags":{"host":"b"},"columns":["time","v"],"values":[[1030,3]]}]');
    await f({ select: [mean], from: '/late|cpu/' }, '[{"name":"cpu","columns":["time","mean"],"values":[[0,4.111111111111111]]},{"name":"late","columns":["time","mean"],"values":[[0,2]]}]');
    await f({ select: [fn('max', 'v')], from: '/late|cpu/' }, '[{"name":"cpu","columns":["time","max"],"values":[[25,10]]},{"name":"late","columns":["time","max"],"values":[[1030,3]]}]');
    await f({ select: ['v'], from: 'nope' }, '[]');
  });
});
