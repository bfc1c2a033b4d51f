/**
 * Math functions, fields selected by regex, and sample(): every expected value below is what
 * influxd 1.6.7 returned for the same query over helpers.ts DATA (written with precision=s), pasted
 * from its `/query?epoch=s` JSON; error texts are influxd's too.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QueryError, type Expr } from '../../src/query/index.ts';
import { fn, goldenRouter, op, type Q, run, tag } from './helpers.ts';

const { router: routerOf, check: f } = goldenRouter();
const fails = (q: Q, message: string) => assert.rejects(run(routerOf(), q), (err: unknown) => err instanceof QueryError && err.message === message, message);
/** InfluxQL `/re/` as the front end sends it: anchored the plan's way. */
const fieldsLike = (re: string): Expr => ({ kind: 'wildcard', pattern: `.*(?:${re}).*` });

describe('math functions', () => {
  it('round floats and keep integers unchanged, abs included (influxd 1.6.7 answers abs(-5i) with -5)', async () => {
    await f({ select: [fn('abs', 'i'), fn('ceil', 'v'), fn('floor', 'i'), fn('round', op('/', 'v', 4)), fn('sqrt', 'v')], where: tag('host', '=', 'a') }, '[{"name":"cpu","columns":["time","abs","ceil","floor","round","sqrt"],"values":[[0,10,1,10,0,1],[10,20,3,20,1,1.7320508075688772],[20,30,2,30,1,1.4142135623730951],[40,-5,7,-5,2,2.6457513110645907]]}]');
    await f({ select: [fn('abs', op('-', 'i', 100)), fn('abs', op('*', 'i', -1)), fn('abs', op('-', 'v', 100))], where: tag('host', '=', 'a') }, '[{"name":"cpu","columns":["time","abs","abs_1","abs_2"],"values":[[0,-90,-10,99],[10,-80,-20,97],[20,-70,-30,98],[40,-105,5,93]]}]');
  });

  it('round halves away from zero; NaN, strings and booleans give null', async () => {
    await f({ select: [fn('round', op('*', -2.5, 'v')), fn('round', op('*', 2.5, 'v')), fn('sqrt', 'i'), fn('abs', 's'), fn('abs', 'b')], where: tag('host', '=', 'a') }, '[{"name":"cpu","columns":["time","round","round_1","sqrt","abs","abs_1"],"values":[[0,-3,3,3.1622776601683795,null,null],[10,-8,8,4.47213595499958,null,null],[20,-5,5,5.477225575051661,null,null],[40,-18,18,null,null,null]]}]');
  });

  it('exponentials, logarithms (log(x, b) is ln x / ln b) and trigonometry', async () => {
    await f({ select: [fn('pow', 'v', 2), fn('exp', 'v'), fn('ln', 'v'), fn('log', 'v', 3), fn('log2', 'v'), fn('log10', 'i')], where: tag('host', '=', 'b') }, '[{"name":"cpu","columns":["time","pow","exp","ln","log","log2","log10"],"values":[[0,16,54.598150033144236,1.3862943611198906,1.261859507142915,2,0],[15,16,54.598150033144236,1.3862943611198906,1.261859507142915,2,0.3010299956639812],[25,100,22026.465794806718,2.302585092994046,2.095903274289385,3.321928094887362,0.3010299956639812],[50,1,2.718281828459045,0,0,0,null]]}]');
    await f({ select: [fn('sin', 'v'), fn('cos', 'i'), fn('tan', 'v'), fn('asin', op('/', 'v', 10)), fn('acos', op('/', 'v', 10)), fn('atan', 'i'), fn('atan2', 'v', 'i')], where: tag('host', '=', 'a') }, '[{"name":"cpu","columns":["time","sin","cos","tan","asin","acos","atan","atan2"],"values":[[0,0.8414709848078965,-0.8390715290764524,1.557407724654902,0.1001674211615598,1.4706289056333368,1.4711276743037345,0.09966865249116204],[10,0.1411200080598672,0.40808206181339196,-0.1425465430742778,0.3046926540153975,1.266103672779499,1.5208379310729538,0.14888994760949725],[20,0.9092974268256816,0.15425144988758405,-2.185039863261519,0.20135792079033082,1.3694384060045657,1.5374753309166493,0.06656816377582381],[40,0.6569865987187891,0.2836621854632263,0.8714479827243188,0.775397496610753,0.7953988301841436,-1.3734007669450157,2.191045812777718]]}]');
  });

  it('apply to aggregates per bucket and keep a lone selector\'s point and aux fields', async () => {
    await f({ select: [fn('abs', op('-', fn('mean', 'i'), 10)), fn('sqrt', fn('sum', 'v'))], time: [0, 59], groupBy: { time: '20s' } }, '[{"name":"cpu","columns":["time","abs","sqrt"],"values":[[0,1.5999999999999996,4.123105625617661],[20,6,3.4641016151377544],[40,15,2.8284271247461903]]}]');
    await f({ select: [fn('abs', fn('min', 'i')), 's'] }, '[{"name":"cpu","columns":["time","abs","s"],"values":[[40,-5,"x"]]}]');
  });

  it('refuses wrong argument counts, constants alone, and math inside aggregates or transformations', async () => {
    await fails({ select: [fn('abs', 'v', 2)] }, 'invalid number of arguments for abs, expected 1, got 2');
    await fails({ select: [fn('log', 'v')] }, 'invalid number of arguments for log, expected 2, got 1');
    await fails({ select: [fn('abs', 2)] }, 'field must contain at least one variable');
    await fails({ select: [fn('mean', fn('abs', 'v'))] }, 'expected field argument in mean()');
    await fails({ select: [fn('derivative', fn('abs', fn('mean', 'v')))], time: [0, 59], groupBy: { time: '20s' } }, 'unsupported call: abs');
    await fails({ select: [fn('abs', 'v')], time: [0, 59], groupBy: { time: '20s' } }, 'GROUP BY requires at least one aggregate function');
  });
});

describe('fields by regex', () => {
  it('select the matching fields, never tags, alone or in a function', async () => {
    await f({ select: [fieldsLike('^[iv]$')], where: tag('host', '=', 'a') }, '[{"name":"cpu","columns":["time","i","v"],"values":[[0,10,1],[10,20,3],[20,30,2],[40,-5,7]]}]');
    await f({ select: [fn('max', fieldsLike('^[iv]$'))] }, '[{"name":"cpu","columns":["time","max_i","max_v"],"values":[[0,30,10]]}]');
  });
});

describe('sample', () => {
  it('keeps every point of a bucket of at most N, by time, then by value at equal times', async () => {
    await f({ select: [fn('sample', 'v', 5)], where: tag('host', '=', 'b') }, '[{"name":"cpu","columns":["time","sample"],"values":[[0,4],[15,4],[25,10],[50,1]]}]');
    await f({ select: [fn('sample', 'i', 9), 'host'] }, '[{"name":"cpu","columns":["time","sample","host"],"values":[[0,1,"b"],[0,10,"a"],[10,9,"c"],[10,20,"a"],[15,2,"b"],[20,30,"a"],[25,2,"b"],[40,-5,"a"]]}]');
    await f({ select: [fn('sample', 'v', 2)], time: [0, 59], groupBy: { time: '20s', tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","sample"],"values":[[0,1],[10,3],[20,2],[40,7]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","sample"],"values":[[0,4],[15,4],[25,10],[50,1]]},{"name":"cpu","tags":{"host":"c"},"columns":["time","sample"],"values":[[10,5]]}]');
  });

  it('draws N points of a larger bucket', async () => {
    const [series] = await run(routerOf(), { select: [fn('sample', 'v', 3)] });
    assert.equal(series?.values.length, 3);
  });

  it('refuses a missing or non-positive N', async () => {
    await fails({ select: [fn('sample', 'v')] }, 'invalid number of arguments for sample, expected 2, got 1');
    await fails({ select: [fn('sample', 'v', 0)] }, 'sample window must be greater than 1, got 0');
    await fails({ select: [fn('sample', 'v', 1.5)] }, 'expected integer argument in sample()');
  });
});
