/**
 * Golden answers per function: every expected value below is what influxd 1.6.7 returned for the
 * same query over the same data (helpers.ts DATA written with precision=s), pasted from its
 * `/query?epoch=s` JSON, unless a comment says otherwise.
 */
import { describe, it } from 'node:test';
import { dur, field, fn, goldenRouter, op , tag } from './helpers.ts';

const { check: f } = goldenRouter();

describe('aggregates without GROUP BY time', () => {
  it('count, sum, mean, median, mode, spread, stddev of floats and integers', async () => {
    await f({ select: [fn('count', 'v'), fn('sum', 'v'), fn('mean', 'v'), fn('median', 'v'), fn('mode', 'v'), fn('spread', 'v'), fn('stddev', 'v')] }, '[{"name":"cpu","columns":["time","count","sum","mean","median","mode","spread","stddev"],"values":[[0,9,37,4.111111111111111,4,4,9,2.934469476943168]]}]');
    await f({ select: [fn('count', 'i'), fn('sum', 'i'), fn('mean', 'i'), fn('median', 'i'), fn('mode', 'i'), fn('spread', 'i'), fn('stddev', 'i')] }, '[{"name":"cpu","columns":["time","count","sum","mean","median","mode","spread","stddev"],"values":[[0,8,69,8.625,5.5,2,35,11.463451237987375]]}]');
    await f({ select: [fn('median', 'v'), fn('mode', 'v')], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","median","mode"],"values":[[0,2.5,1]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","median","mode"],"values":[[0,4,4]]},{"name":"cpu","tags":{"host":"c"},"columns":["time","median","mode"],"values":[[0,5,5]]}]');
    await f({ select: [fn('median', 'i')], where: tag('host', '=', 'a') }, '[{"name":"cpu","columns":["time","median"],"values":[[0,15]]}]');
    await f({ select: [fn('mode', 'i')], where: tag('host', '=', 'b') }, '[{"name":"cpu","columns":["time","mode"],"values":[[0,2]]}]');
    await f({ select: [fn('spread', 'v')], where: tag('host', '=', 'c') }, '[{"name":"cpu","columns":["time","spread"],"values":[[0,0]]}]');
    await f({ select: [fn('stddev', 'v')], where: tag('host', '=', 'c') }, '[{"name":"cpu","columns":["time","stddev"],"values":[[0,null]]}]');
    await f({ select: [fn('stddev', 'i')], where: tag('host', '=', 'b') }, '[{"name":"cpu","columns":["time","stddev"],"values":[[0,0.5773502691896257]]}]');
    await f({ select: [fn('spread', 'i'), fn('min', 'i'), fn('max', 'i')] }, '[{"name":"cpu","columns":["time","spread","min","max"],"values":[[0,35,-5,30]]}]');
  });

  it('reports at the range start, or the epoch when the range is unbounded', async () => {
    await f({ select: [fn('mean', 'v')], time: [5, 99] }, '[{"name":"cpu","columns":["time","mean"],"values":[[5,4.571428571428571]]}]');
    await f({ select: [fn('sum', 'v')], where: tag('host', '=', 'zz') }, '[]');
    await f({ select: [fn('count', 'v')], time: [1001, null] }, '[]');
    await f({ select: [fn('count', 's'), fn('mean', 'v')], where: tag('host', '=', 'b') }, '[{"name":"cpu","columns":["time","count","mean"],"values":[[0,null,4.75]]}]');
  });

  it('counts, firsts, lasts and modes strings and booleans; min/max order booleans', async () => {
    await f({ select: [fn('first', 's'), fn('last', 's')] }, '[{"name":"cpu","columns":["time","first","last"],"values":[[0,"x","x"]]}]');
    await f({ select: [fn('first', 'b'), fn('last', 'b'), fn('count', 'b')] }, '[{"name":"cpu","columns":["time","first","last","count"],"values":[[0,true,false,2]]}]');
    await f({ select: [fn('mode', 's')] }, '[{"name":"cpu","columns":["time","mode"],"values":[[0,"x"]]}]');
    await f({ select: [fn('mode', 'b')] }, '[{"name":"cpu","columns":["time","mode"],"values":[[0,true]]}]');
    await f({ select: [fn('min', 'b'), fn('max', 'b')] }, '[{"name":"cpu","columns":["time","min","max"],"values":[[0,false,true]]}]');
  });

  it('distinct lists values by first time, then value; count(distinct()) counts them', async () => {
    await f({ select: [fn('distinct', 'v')] }, '[{"name":"cpu","columns":["time","distinct"],"values":[[0,1],[0,4],[0,3],[0,5],[0,2],[0,10],[0,7]]}]');
    await f({ select: [fn('distinct', 'i')] }, '[{"name":"cpu","columns":["time","distinct"],"values":[[0,1],[0,10],[0,9],[0,20],[0,2],[0,30],[0,-5]]}]');
    await f({ select: [fn('count', fn('distinct', 'v'))] }, '[{"name":"cpu","columns":["time","count"],"values":[[0,7]]}]');
    await f({ select: [fn('count', fn('distinct', 'v')), fn('mean', 'v')] }, '[{"name":"cpu","columns":["time","count","mean"],"values":[[0,7,4.111111111111111]]}]');
    await f({ select: [fn('distinct', 'v')], time: [0, 60], groupBy: { time: '20s' } }, '[{"name":"cpu","columns":["time","distinct"],"values":[[0,1],[0,4],[0,3],[0,5],[20,2],[20,10],[40,7],[40,1]]}]');
    await f({ select: [fn('distinct', 'v')], time: [0, 60], groupBy: { time: '20s' }, fill: 0 }, '[{"name":"cpu","columns":["time","distinct"],"values":[[0,1],[0,4],[0,3],[0,5],[20,2],[20,10],[40,7],[40,1]]}]');
    await f({ select: [fn('count', fn('distinct', 'v'))], time: [0, 60], groupBy: { time: '20s' } }, '[{"name":"cpu","columns":["time","count"],"values":[[0,4],[20,2],[40,2],[60,0]]}]');
  });
});

describe('selectors', () => {
  it('keep the selected point time when alone, with InfluxDB tie rules', async () => {
    await f({ select: [fn('max', 'v')] }, '[{"name":"cpu","columns":["time","max"],"values":[[25,10]]}]');
    await f({ select: [fn('min', 'v')] }, '[{"name":"cpu","columns":["time","min"],"values":[[0,1]]}]');
    await f({ select: [fn('first', 'v')] }, '[{"name":"cpu","columns":["time","first"],"values":[[0,4]]}]');
    await f({ select: [fn('last', 'v')] }, '[{"name":"cpu","columns":["time","last"],"values":[[50,1]]}]');
    await f({ select: [op('*', fn('max', 'v'), 2)] }, '[{"name":"cpu","columns":["time","max"],"values":[[25,20]]}]');
    await f({ select: [fn('max', 'v'), fn('min', 'v')] }, '[{"name":"cpu","columns":["time","max","min"],"values":[[0,10,1]]}]');
    await f({ select: [fn('first', 'v'), fn('last', 'v')] }, '[{"name":"cpu","columns":["time","first","last"],"values":[[0,4,1]]}]');
    await f({ select: [fn('first', 'v')], where: tag('host', '=', 'a'), order: 'desc' }, '[{"name":"cpu","columns":["time","first"],"values":[[0,1]]}]');
  });

  it('percentile is nearest-rank and null outside the points', async () => {
    await f({ select: [fn('percentile', 'v', 50)] }, '[{"name":"cpu","columns":["time","percentile"],"values":[[0,4]]}]');
    await f({ select: [fn('percentile', 'v', 60)] }, '[{"name":"cpu","columns":["time","percentile"],"values":[[0,4]]}]');
    await f({ select: [fn('percentile', 'v', 100)] }, '[{"name":"cpu","columns":["time","percentile"],"values":[[25,10]]}]');
    await f({ select: [fn('percentile', 'v', 101)] }, '[{"name":"cpu","columns":["time","percentile"],"values":[[25,10]]}]');
    await f({ select: [fn('percentile', 'i', 90), fn('percentile', 'v', 0)] }, '[{"name":"cpu","columns":["time","percentile","percentile_1"],"values":[[0,20,null]]}]');
    await f({ select: [fn('percentile', 'v', 50)], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","percentile"],"values":[[20,2]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","percentile"],"values":[[0,4]]},{"name":"cpu","tags":{"host":"c"},"columns":["time","percentile"],"values":[[10,5]]}]');
    await f({ select: [fn('percentile', 'v', 50)], time: [0, 60], groupBy: { time: '20s' } }, '[{"name":"cpu","columns":["time","percentile"],"values":[[0,4],[20,2],[40,1],[60,null]]}]');
  });

  it('top and bottom list the N best points by time', async () => {
    await f({ select: [fn('top', 'v', 3)] }, '[{"name":"cpu","columns":["time","top"],"values":[[10,5],[25,10],[40,7]]}]');
    await f({ select: [fn('bottom', 'v', 3)] }, '[{"name":"cpu","columns":["time","bottom"],"values":[[0,1],[20,2],[50,1]]}]');
    await f({ select: [fn('bottom', 'v', 4)] }, '[{"name":"cpu","columns":["time","bottom"],"values":[[0,1],[10,3],[20,2],[50,1]]}]');
    await f({ select: [fn('top', 'v', 20)] }, '[{"name":"cpu","columns":["time","top"],"values":[[0,4],[0,1],[10,5],[10,3],[15,4],[20,2],[25,10],[40,7],[50,1]]}]');
    await f({ select: [fn('top', 'i', 3)] }, '[{"name":"cpu","columns":["time","top"],"values":[[0,10],[10,20],[20,30]]}]');
    await f({ select: [fn('top', 'v', 2)], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","top"],"values":[[10,3],[40,7]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","top"],"values":[[0,4],[25,10]]},{"name":"cpu","tags":{"host":"c"},"columns":["time","top"],"values":[[10,5]]}]');
    await f({ select: [fn('top', 'v', 2)], time: [0, 60], groupBy: { time: '20s' } }, '[{"name":"cpu","columns":["time","top"],"values":[[0,4],[10,5],[20,2],[25,10],[40,7],[50,1]]}]');
    await f({ select: [fn('top', 'v', 2)], order: 'desc' }, '[{"name":"cpu","columns":["time","top"],"values":[[25,10],[40,7]]}]');
    await f({ select: [fn('top', 'v', 3)], where: { kind: 'or', left: tag('host', '=', 'a'), right: tag('host', '=', 'b') } }, '[{"name":"cpu","columns":["time","top"],"values":[[0,4],[25,10],[40,7]]}]');
  });

  it('top with tag arguments competes the best point per tag value and outputs the tags', async () => {
    await f({ select: [fn('top', 'v', 'host', 2)] }, '[{"name":"cpu","columns":["time","top","host"],"values":[[25,10,"b"],[40,7,"a"]]}]');
    await f({ select: [fn('top', 'v', 'host', 2), 'i'] }, '[{"name":"cpu","columns":["time","top","host","i"],"values":[[25,10,"b",2],[40,7,"a",-5]]}]');
  });

  it('a lone selector carries aux fields and tags from its point', async () => {
    await f({ select: [fn('max', 'v'), 'b'] }, '[{"name":"cpu","columns":["time","max","b"],"values":[[25,10,null]]}]');
    await f({ select: [fn('max', 'v'), 'host'] }, '[{"name":"cpu","columns":["time","max","host"],"values":[[25,10,"b"]]}]');
    await f({ select: [fn('max', 'v'), 'v', 'i'], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","max","v","i"],"values":[[40,7,7,-5]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","max","v","i"],"values":[[25,10,10,2]]},{"name":"cpu","tags":{"host":"c"},"columns":["time","max","v","i"],"values":[[10,5,5,9]]}]');
    await f({ select: [fn('max', 'v'), 'i', 's'], time: [0, 30], groupBy: { time: '20s' } }, '[{"name":"cpu","columns":["time","max","i","s"],"values":[[0,5,9,null],[20,10,2,null]]}]');
    await f({ select: [fn('top', 'i', 3), 'v'] }, '[{"name":"cpu","columns":["time","top","v"],"values":[[0,10,1],[10,20,3],[20,30,2]]}]');
    await f({ select: [op('*', fn('percentile', 'v', 50), 2), 'v'] }, '[{"name":"cpu","columns":["time","percentile","v"],"values":[[0,8,4]]}]');
    await f({ select: [op('*', fn('max', 'v'), 2), 'v'] }, '[{"name":"cpu","columns":["time","max","v"],"values":[[25,20,10]]}]');
  });

  it('aux fields of filled buckets: null, the fill number, or the previous point\'s', async () => {
    const g = { time: [0, 80] as const, groupBy: { time: '20s' } };
    await f({ select: [fn('max', 'v'), 'host'], time: [0, 60], groupBy: { time: '20s' } }, '[{"name":"cpu","columns":["time","max","host"],"values":[[0,5,"c"],[20,10,"b"],[40,7,"a"],[60,null,null]]}]');
    await f({ select: [fn('max', 'v'), 'host'], time: [0, 60], groupBy: { time: '20s' }, fill: 0 }, '[{"name":"cpu","columns":["time","max","host"],"values":[[0,5,"c"],[20,10,"b"],[40,7,"a"],[60,0,0]]}]');
    await f({ select: [fn('max', 'v'), 'host', 'i'], ...g, fill: 'previous' }, '[{"name":"cpu","columns":["time","max","host","i"],"values":[[0,5,"c",9],[20,10,"b",2],[40,7,"a",-5],[60,7,"a",-5],[80,7,"a",-5]]}]');
    await f({ select: [fn('max', 'v'), 'host', 'i'], ...g, fill: 'linear' }, '[{"name":"cpu","columns":["time","max","host","i"],"values":[[0,5,"c",9],[20,10,"b",2],[40,7,"a",-5],[60,null,null,null],[80,null,null,null]]}]');
    await f({ select: [fn('max', 'v'), 'host', 'i'], ...g, fill: 3 }, '[{"name":"cpu","columns":["time","max","host","i"],"values":[[0,5,"c",9],[20,10,"b",2],[40,7,"a",-5],[60,3,3,3],[80,3,3,3]]}]');
    await f({ select: [fn('first', 'v'), 'i'], ...g, fill: 'none' }, '[{"name":"cpu","columns":["time","first","i"],"values":[[0,4,1],[20,2,30],[40,7,-5]]}]');
  });
});

describe('integral', () => {
  it('integrates by the trapezoid rule, interpolating at bucket edges', async () => {
    await f({ select: [fn('integral', 'v')] }, '[{"name":"cpu","columns":["time","integral"],"values":[[0,270]]}]');
    await f({ select: [fn('integral', 'v')], time: [0, 60], groupBy: { time: '20s' } }, '[{"name":"cpu","columns":["time","integral"],"values":[[0,72.5],[20,157.5],[40,40]]}]');
    await f({ select: [fn('integral', 'v')], where: tag('host', '=', 'a'), time: [0, 60], groupBy: { time: '15s' } }, '[{"name":"cpu","columns":["time","integral"],"values":[[0,33.75],[15,43.75],[30,57.5]]}]');
    await f({ select: [fn('integral', 'v')], where: tag('host', '=', 'a'), time: [5, 60] }, '[{"name":"cpu","columns":["time","integral"],"values":[[0,115]]}]');
    await f({ select: [fn('integral', 'v'), fn('mean', 'v')], where: tag('host', '=', 'a'), time: [5, 60] }, '[{"name":"cpu","columns":["time","integral","mean"],"values":[[0,115,null],[5,null,4]]}]');
  });

  it('takes a unit and is not filled', async () => {
    // influxd lists these groups as c, b, a and splits host b's last bucket into a series of its own; the values agree.
    await f({ select: [fn('integral', 'v', dur('10s'))], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","integral"],"values":[[0,13.5]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","integral"],"values":[[0,26.75]]},{"name":"cpu","tags":{"host":"c"},"columns":["time","integral"],"values":[[0,0]]}]');
    await f({ select: [fn('integral', 'v', dur('1s'))], time: [0, 60], groupBy: { time: '20s', tags: ['host'] }, fill: 0 }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","integral"],"values":[[0,45],[20,90]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","integral"],"values":[[0,87.5],[20,152],[40,28]]},{"name":"cpu","tags":{"host":"c"},"columns":["time","integral"],"values":[[0,0]]}]');
  });
});

describe('transformations over raw points', () => {
  it('derivative merges a group\'s series by time and uses the first of equal times', async () => {
    await f({ select: [fn('derivative', 'v')] }, '[{"name":"cpu","columns":["time","derivative"],"values":[[10,0.2],[15,0.2],[20,-0.4],[25,1.6],[40,-0.2],[50,-0.6]]}]');
    await f({ select: [fn('derivative', 'v', dur('10s'))], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","derivative"],"values":[[10,2],[20,-1],[40,2.5]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","derivative"],"values":[[15,0],[25,6],[50,-3.6]]}]');
    await f({ select: [fn('derivative', 'i')], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","derivative"],"values":[[10,1],[20,1],[40,-1.75]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","derivative"],"values":[[15,0.06666666666666667],[25,0]]}]');
    await f({ select: [fn('non_negative_derivative', 'v')], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","non_negative_derivative"],"values":[[10,0.2],[40,0.25]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","non_negative_derivative"],"values":[[15,0],[25,0.6]]}]');
    await f({ select: [fn('derivative', 'v')], where: tag('host', '=', 'a'), order: 'desc' }, '[{"name":"cpu","columns":["time","derivative"],"values":[[20,-0.25],[10,0.1],[0,-0.2]]}]');
  });

  it('difference, cumulative_sum, moving_average, elapsed', async () => {
    await f({ select: [fn('difference', 'v'), fn('difference', 'i')], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","difference","difference_1"],"values":[[10,2,10],[20,-1,10],[40,5,-35]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","difference","difference_1"],"values":[[15,0,1],[25,6,0],[50,-9,null]]}]');
    await f({ select: [fn('non_negative_difference', 'i')], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","non_negative_difference"],"values":[[10,10],[20,10]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","non_negative_difference"],"values":[[15,1],[25,0]]}]');
    await f({ select: [fn('cumulative_sum', 'v'), fn('cumulative_sum', 'i')], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","cumulative_sum","cumulative_sum_1"],"values":[[0,1,10],[10,4,30],[20,6,60],[40,13,55]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","cumulative_sum","cumulative_sum_1"],"values":[[0,4,1],[15,8,3],[25,18,5],[50,19,null]]},{"name":"cpu","tags":{"host":"c"},"columns":["time","cumulative_sum","cumulative_sum_1"],"values":[[10,5,9]]}]');
    await f({ select: [fn('moving_average', 'v', 2)], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","moving_average"],"values":[[10,2],[20,2.5],[40,4.5]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","moving_average"],"values":[[15,4],[25,7],[50,5.5]]}]');
    await f({ select: [fn('elapsed', 'v'), fn('elapsed', 's', dur('1s'))], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","elapsed","elapsed_1"],"values":[[10,10000000000,10],[20,10000000000,null],[40,20000000000,30]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","elapsed","elapsed_1"],"values":[[15,15000000000,null],[25,10000000000,null],[50,25000000000,null]]}]');
  });

  it('moving_average, elapsed and cumulative_sum keep points at equal times', async () => {
    await f({ select: [fn('moving_average', 'v', 2)] }, '[{"name":"cpu","columns":["time","moving_average"],"values":[[0,2.5],[10,3.5],[10,4],[15,4.5],[20,3],[25,6],[40,8.5],[50,4]]}]');
    await f({ select: [fn('elapsed', 'v')] }, '[{"name":"cpu","columns":["time","elapsed"],"values":[[0,0],[10,10000000000],[10,0],[15,5000000000],[20,5000000000],[25,5000000000],[40,15000000000],[50,10000000000]]}]');
    await f({ select: [fn('cumulative_sum', 'v')] }, '[{"name":"cpu","columns":["time","cumulative_sum"],"values":[[0,1],[0,5],[10,8],[10,13],[15,17],[20,19],[25,29],[40,36],[50,37]]}]');
  });

  it('zips with aggregates and other transformations by time', async () => {
    await f({ select: [fn('derivative', 'v'), fn('mean', 'v')] }, '[{"name":"cpu","columns":["time","derivative","mean"],"values":[[0,null,4.111111111111111],[10,0.2,null],[15,0.2,null],[20,-0.4,null],[25,1.6,null],[40,-0.2,null],[50,-0.6,null]]}]');
    await f({ select: [fn('difference', 'v'), fn('derivative', 'v')] }, '[{"name":"cpu","columns":["time","difference","derivative"],"values":[[10,2,0.2],[15,1,0.2],[20,-2,-0.4],[25,8,1.6],[40,-3,-0.2],[50,-6,-0.6]]}]');
  });
});

describe('transformations over aggregates (GROUP BY time)', () => {
  const g = { time: [0, 60] as const, groupBy: { time: '10s' } };
  it('skip empty buckets under fill(null), and default the unit to the interval', async () => {
    await f({ select: [fn('derivative', fn('mean', 'v'))], ...g }, '[{"name":"cpu","columns":["time","derivative"],"values":[[10,1.5],[20,2],[40,0.5],[50,-6]]}]');
    await f({ select: [fn('derivative', fn('mean', 'v'), dur('1s'))], ...g }, '[{"name":"cpu","columns":["time","derivative"],"values":[[10,0.15],[20,0.2],[40,0.05],[50,-0.6]]}]');
    await f({ select: [fn('derivative', fn('mean', 'v'))], ...g, fill: 'none' }, '[{"name":"cpu","columns":["time","derivative"],"values":[[10,1.5],[20,2],[40,0.5],[50,-6]]}]');
    await f({ select: [fn('cumulative_sum', fn('mean', 'v'))], ...g }, '[{"name":"cpu","columns":["time","cumulative_sum"],"values":[[0,2.5],[10,6.5],[20,12.5],[40,19.5],[50,20.5]]}]');
    await f({ select: [fn('moving_average', fn('mean', 'v'), 3)], ...g }, '[{"name":"cpu","columns":["time","moving_average"],"values":[[20,4.166666666666667],[40,5.666666666666667],[50,4.666666666666667]]}]');
    await f({ select: [fn('difference', fn('mean', 'v')), fn('mean', 'v')], ...g }, '[{"name":"cpu","columns":["time","difference","mean"],"values":[[0,null,2.5],[10,1.5,4],[20,2,6],[30,null,null],[40,1,7],[50,-6,1],[60,null,null]]}]');
    await f({ select: [fn('cumulative_sum', fn('count', 'v'))], ...g }, '[{"name":"cpu","columns":["time","cumulative_sum"],"values":[[0,2],[10,5],[20,7],[30,7],[40,8],[50,9],[60,9]]}]');
  });

  it('see filled buckets, and the bucket before the range', async () => {
    await f({ select: [fn('derivative', fn('mean', 'v'))], ...g, fill: 0 }, '[{"name":"cpu","columns":["time","derivative"],"values":[[0,2.5],[10,1.5],[20,2],[30,-6],[40,7],[50,-6],[60,-1]]}]');
    await f({ select: [fn('derivative', fn('mean', 'v'))], ...g, fill: 'previous' }, '[{"name":"cpu","columns":["time","derivative"],"values":[[10,1.5],[20,2],[30,0],[40,1],[50,-6],[60,0]]}]');
    await f({ select: [fn('difference', fn('mean', 'v'))], ...g, fill: 0 }, '[{"name":"cpu","columns":["time","difference"],"values":[[0,2.5],[10,1.5],[20,2],[30,-6],[40,7],[50,-6],[60,-1]]}]');
    await f({ select: [fn('cumulative_sum', fn('mean', 'v'))], ...g, fill: 0 }, '[{"name":"cpu","columns":["time","cumulative_sum"],"values":[[0,2.5],[10,6.5],[20,12.5],[30,12.5],[40,19.5],[50,20.5],[60,20.5]]}]');
    await f({ select: [fn('moving_average', fn('mean', 'v'), 3)], ...g, fill: 0 }, '[{"name":"cpu","columns":["time","moving_average"],"values":[[10,2.1666666666666665],[20,4.166666666666667],[30,3.3333333333333335],[40,4.333333333333333],[50,2.6666666666666665],[60,2.6666666666666665]]}]');
    await f({ select: [fn('elapsed', fn('mean', 'v'), dur('1s'))], ...g, fill: 0 }, '[{"name":"cpu","columns":["time","elapsed"],"values":[[0,10],[10,10],[20,10],[30,10],[40,10],[50,10],[60,10]]}]');
    await f({ select: [fn('derivative', fn('mean', 'v'))], time: [20, 60], groupBy: { time: '10s' } }, '[{"name":"cpu","columns":["time","derivative"],"values":[[20,2],[40,0.5],[50,-6]]}]');
    await f({ select: [fn('moving_average', fn('mean', 'v'), 2)], time: [20, 60], groupBy: { time: '10s' } }, '[{"name":"cpu","columns":["time","moving_average"],"values":[[20,5],[40,6.5],[50,4]]}]');
  });

  it('run backwards for ORDER BY time DESC, reading the bucket after the range', async () => {
    await f({ select: [fn('derivative', fn('mean', 'v'))], ...g, fill: 0, order: 'desc' }, '[{"name":"cpu","columns":["time","derivative"],"values":[[60,0],[50,1],[40,6],[30,-7],[20,6],[10,-2],[0,-1.5]]}]');
    await f({ select: [fn('derivative', fn('mean', 'v')), fn('mean', 'v')], ...g, fill: 0 }, '[{"name":"cpu","columns":["time","derivative","mean"],"values":[[0,2.5,2.5],[10,1.5,4],[20,2,6],[30,-6,0],[40,7,7],[50,-6,1],[60,-1,0]]}]');
  });

  it('expand a wildcard inside the aggregate', async () => {
    await f({ select: [fn('derivative', fn('mean', '*'))], time: [0, 20], groupBy: { time: '10s' } }, '[{"name":"cpu","columns":["time","derivative_i","derivative_v"],"values":[[10,4.833333333333334,1.5],[20,19.666666666666664,-2]]}]');
  });
});

describe('field conditions in aggregates', () => {
  it('filter the points aggregated', async () => {
    await f({ select: [fn('count', 'v')], where: field('v', '>=', 4) }, '[{"name":"cpu","columns":["time","count"],"values":[[0,5]]}]');
  });
});
