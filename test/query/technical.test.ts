/**
 * Technical analysis transformations: every expected value and error text below is what influxd
 * 1.6.7 returned for the same query over helpers.ts DATA (written with precision=s), pasted from its
 * `/query?epoch=s` JSON. The InfluxQL statement each query stands for is in the comment above it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QueryError, type Expr } from '../../src/query/index.ts';
import { fn, goldenRouter, type Q, run, tag } from './helpers.ts';

const { router: routerOf, check: f } = goldenRouter();
const fails = (q: Q, message: string) => assert.rejects(run(routerOf(), q), (err: unknown) => err instanceof QueryError && err.message === message, message);
const str = (value: string): Expr => ({ kind: 'string', value });

describe('technical analysis', () => {
  it('exponential_moving_average: alpha 2/(p+1), warmed up exponentially or as a mean, the first p-1 outputs held back', async () => {
    // SELECT exponential_moving_average(v, 2) FROM cpu GROUP BY host
    await f({ select: [fn('exponential_moving_average', 'v', 2)], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","exponential_moving_average"],"values":[[10,2.333333333333333],[20,2.111111111111111],[40,5.37037037037037]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","exponential_moving_average"],"values":[[15,4],[25,8],[50,3.333333333333334]]}]');
    // SELECT exponential_moving_average(v, 3, 0), exponential_moving_average(v, 3, 0, 'simple') FROM cpu WHERE host = 'b'
    await f({ select: [fn('exponential_moving_average', 'v', 3, 0), fn('exponential_moving_average', 'v', 3, 0, str('simple'))], where: tag('host', '=', 'b') }, '[{"name":"cpu","columns":["time","exponential_moving_average","exponential_moving_average_1"],"values":[[0,4,4],[15,4,4],[25,7,6],[50,4,3.5]]}]');
    // SELECT exponential_moving_average(i, 2, 1) FROM cpu WHERE host = 'a' ORDER BY time DESC
    await f({ select: [fn('exponential_moving_average', 'i', 2, 1)], where: tag('host', '=', 'a'), order: 'desc' }, '[{"name":"cpu","columns":["time","exponential_moving_average"],"values":[[20,18.333333333333332],[10,19.444444444444443],[0,13.148148148148149]]}]');
    // SELECT exponential_moving_average(v, 2) FROM cpu
    await f({ select: [fn('exponential_moving_average', 'v', 2)] }, '[{"name":"cpu","columns":["time","exponential_moving_average"],"values":[[0,3],[10,3],[10,4.333333333333333],[15,4.111111111111111],[20,2.7037037037037037],[25,7.5679012345679],[40,7.189300411522633],[50,3.063100137174211]]}]');
  });

  it('over an aggregate: the bucket read before the range feeds it and shows when the hold period is short', async () => {
    // SELECT exponential_moving_average(mean(v), 2) FROM cpu WHERE time >= 0s AND time <= 59s GROUP BY time(10s)
    await f({ select: [fn('exponential_moving_average', fn('mean', 'v'), 2)], time: [0, 59], groupBy: { time: '10s' } }, '[{"name":"cpu","columns":["time","exponential_moving_average"],"values":[[10,3.5],[20,5.166666666666666],[40,6.388888888888888],[50,2.7962962962962963]]}]');
    // SELECT exponential_moving_average(max(v), 2, 0) FROM cpu WHERE time >= 20s AND time <= 59s GROUP BY time(10s) fill(0)
    await f({ select: [fn('exponential_moving_average', fn('max', 'v'), 2, 0)], time: [20, 59], groupBy: { time: '10s' }, fill: 0 }, '[{"name":"cpu","columns":["time","exponential_moving_average"],"values":[[10,5],[20,8.333333333333332],[30,2.7777777777777777],[40,5.592592592592593],[50,2.5308641975308643]]}]');
    // SELECT exponential_moving_average(sum(v), 2, 0) FROM cpu WHERE time >= 20s AND time <= 59s GROUP BY time(10s) ORDER BY time DESC
    await f({ select: [fn('exponential_moving_average', fn('sum', 'v'), 2, 0)], time: [20, 59], groupBy: { time: '10s' }, order: 'desc' }, '[{"name":"cpu","columns":["time","exponential_moving_average"],"values":[[50,1],[40,5],[20,9.666666666666666]]}]');
  });

  it('double and triple EMAs: a simple warm-up starts each stage once the one before is warm', async () => {
    // SELECT double_exponential_moving_average(v, 2, 0), double_exponential_moving_average(v, 2, -1, 'simple'), triple_exponential_moving_average(v, 2, 0), triple_exponential_moving_average(v, 2, 0, 'simple') FROM cpu WHERE host = 'b'
    await f({ select: [fn('double_exponential_moving_average', 'v', 2, 0), fn('double_exponential_moving_average', 'v', 2, -1, str('simple')), fn('triple_exponential_moving_average', 'v', 2, 0), fn('triple_exponential_moving_average', 'v', 2, 0, str('simple'))], where: tag('host', '=', 'b') }, '[{"name":"cpu","columns":["time","double_exponential_moving_average","double_exponential_moving_average_1","triple_exponential_moving_average","triple_exponential_moving_average_1"],"values":[[0,4,null,4,4],[15,4,null,4,4],[25,9.333333333333334,10,9.777777777777777,12],[50,2.222222222222223,2.4444444444444446,1.5555555555555562,2.4444444444444438]]}]');
    // SELECT double_exponential_moving_average(v, 2), triple_exponential_moving_average(v, 2) FROM cpu GROUP BY host
    await f({ select: [fn('double_exponential_moving_average', 'v', 2), fn('triple_exponential_moving_average', 'v', 2)], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","double_exponential_moving_average","triple_exponential_moving_average"],"values":[[10,2.7777777777777777,2.9259259259259256],[20,2.185185185185185,2.111111111111111],[40,6.481481481481481,6.802469135802468]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","double_exponential_moving_average","triple_exponential_moving_average"],"values":[[15,4,4],[25,9.333333333333334,9.777777777777777],[50,2.222222222222223,1.5555555555555562]]}]');
    // SELECT double_exponential_moving_average(mean(v), 2), triple_exponential_moving_average(mean(v), 2, 1, 'simple') FROM cpu WHERE time >= 0s AND time <= 59s GROUP BY time(10s) fill(previous)
    await f({ select: [fn('double_exponential_moving_average', fn('mean', 'v'), 2), fn('triple_exponential_moving_average', fn('mean', 'v'), 2, 1, str('simple'))], time: [0, 59], groupBy: { time: '10s' }, fill: 'previous' }, '[{"name":"cpu","columns":["time","double_exponential_moving_average","triple_exponential_moving_average"],"values":[[10,3.8333333333333335,3.25],[20,5.833333333333332,6.916666666666668],[30,6.12962962962963,6.203703703703706],[40,6.993827160493828,7.008230452674893],[50,1.7592592592592595,1.2517146776406038]]}]');
  });

  it('relative_strength_index and chande_momentum_oscillator, plain and smoothed', async () => {
    // SELECT relative_strength_index(v, 2), relative_strength_index(v, 2, 0, 'simple') FROM cpu WHERE host = 'a'
    await f({ select: [fn('relative_strength_index', 'v', 2), fn('relative_strength_index', 'v', 2, 0, str('simple'))], where: tag('host', '=', 'a') }, '[{"name":"cpu","columns":["time","relative_strength_index","relative_strength_index_1"],"values":[[0,null,100],[10,null,100],[20,62.5,75],[40,92.10526315789474,94.73684210526315]]}]');
    // SELECT relative_strength_index(v, 1, 0) FROM cpu WHERE host = 'b'
    await f({ select: [fn('relative_strength_index', 'v', 1, 0)], where: tag('host', '=', 'b') }, '[{"name":"cpu","columns":["time","relative_strength_index"],"values":[[0,100],[15,100],[25,100],[50,0]]}]');
    // SELECT relative_strength_index(mean(v), 2), chande_momentum_oscillator(mean(v), 3) FROM cpu WHERE time >= 0s AND time <= 59s GROUP BY time(10s) fill(0)
    await f({ select: [fn('relative_strength_index', fn('mean', 'v'), 2), fn('chande_momentum_oscillator', fn('mean', 'v'), 3)], time: [0, 59], groupBy: { time: '10s' }, fill: 0 }, '[{"name":"cpu","columns":["time","relative_strength_index","chande_momentum_oscillator"],"values":[[10,100,100],[20,100,100],[30,22.994652406417117,-26.31578947368421],[40,72.46653919694073,20],[50,34.48589626933577,-26.31578947368421]]}]');
    // SELECT chande_momentum_oscillator(v, 2, 0), chande_momentum_oscillator(v, 2, -1, 'exponential'), chande_momentum_oscillator(v, 2, 0, 'simple') FROM cpu WHERE host = 'a'
    await f({ select: [fn('chande_momentum_oscillator', 'v', 2, 0), fn('chande_momentum_oscillator', 'v', 2, -1, str('exponential')), fn('chande_momentum_oscillator', 'v', 2, 0, str('simple'))], where: tag('host', '=', 'a') }, '[{"name":"cpu","columns":["time","chande_momentum_oscillator","chande_momentum_oscillator_1","chande_momentum_oscillator_2"],"values":[[0,0,null,100],[10,100,null,100],[20,33.33333333333333,24.999999999999993,50.000000000000014],[40,66.66666666666666,84.21052631578948,89.47368421052633]]}]');
    // SELECT chande_momentum_oscillator(v, 2), relative_strength_index(v, 2) FROM cpu GROUP BY host
    await f({ select: [fn('chande_momentum_oscillator', 'v', 2), fn('relative_strength_index', 'v', 2)], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","chande_momentum_oscillator","relative_strength_index"],"values":[[10,100,null],[20,33.33333333333333,62.5],[40,66.66666666666666,92.10526315789474]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","chande_momentum_oscillator","relative_strength_index"],"values":[[15,0,null],[25,100,100],[50,-20,28.94736842105263]]}]');
  });

  it('triple_exponential_derivative: the percent change of the triple EMA', async () => {
    // SELECT triple_exponential_derivative(v, 2), triple_exponential_derivative(v, 1, 1, 'simple') FROM cpu GROUP BY host
    await f({ select: [fn('triple_exponential_derivative', 'v', 2), fn('triple_exponential_derivative', 'v', 1, 1, str('simple'))], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","triple_exponential_derivative","triple_exponential_derivative_1"],"values":[[10,null,200],[20,18.60465116279071,-33.333333333333336],[40,83.66013071895426,250]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","triple_exponential_derivative","triple_exponential_derivative_1"],"values":[[15,null,0],[25,44.44444444444442,150],[50,-15.384615384615374,-90]]}]');
    // SELECT triple_exponential_derivative(mean(v), 2, 1) FROM cpu WHERE time >= 0s AND time <= 59s GROUP BY time(10s) fill(linear)
    await f({ select: [fn('triple_exponential_derivative', fn('mean', 'v'), 2, 1)], time: [0, 59], groupBy: { time: '10s' }, fill: 'linear' }, '[{"name":"cpu","columns":["time","triple_exponential_derivative"],"values":[[10,17.777777777777757],[20,35.220125786163536],[30,26.046511627906966],[40,17.05617056170563],[50,-20.922358435493294]]}]');
  });

  it('kaufmans_efficiency_ratio and kaufmans_adaptive_moving_average', async () => {
    // SELECT kaufmans_efficiency_ratio(v, 2), kaufmans_adaptive_moving_average(v, 2) FROM cpu GROUP BY host
    await f({ select: [fn('kaufmans_efficiency_ratio', 'v', 2), fn('kaufmans_adaptive_moving_average', 'v', 2)], groupBy: { tags: ['host'] } }, '[{"name":"cpu","tags":{"host":"a"},"columns":["time","kaufmans_efficiency_ratio","kaufmans_adaptive_moving_average"],"values":[[20,0.3333333333333333,2.929651469020182],[40,0.6666666666666666,3.8133617267707107]]},{"name":"cpu","tags":{"host":"b"},"columns":["time","kaufmans_efficiency_ratio","kaufmans_adaptive_moving_average"],"values":[[25,1,6.666666666666667],[50,0.2,6.4728377076347945]]}]');
    // SELECT kaufmans_efficiency_ratio(v, 3, 0), kaufmans_adaptive_moving_average(v, 3, 0) FROM cpu WHERE host = 'b'
    await f({ select: [fn('kaufmans_efficiency_ratio', 'v', 3, 0), fn('kaufmans_adaptive_moving_average', 'v', 3, 0)], where: tag('host', '=', 'b') }, '[{"name":"cpu","columns":["time","kaufmans_efficiency_ratio","kaufmans_adaptive_moving_average"],"values":[[0,1,1.7777777777777781],[15,1,4],[25,1,6.666666666666667],[50,0.2,9.692154006243497]]}]');
    // SELECT kaufmans_efficiency_ratio(mean(v), 1), kaufmans_adaptive_moving_average(mean(v), 1) FROM cpu WHERE time >= 0s AND time <= 59s GROUP BY time(10s)
    await f({ select: [fn('kaufmans_efficiency_ratio', fn('mean', 'v'), 1), fn('kaufmans_adaptive_moving_average', fn('mean', 'v'), 1)], time: [0, 59], groupBy: { time: '10s' } }, '[{"name":"cpu","columns":["time","kaufmans_efficiency_ratio","kaufmans_adaptive_moving_average"],"values":[[10,1,3.166666666666667],[20,1,4.4259259259259265],[40,1,5.5699588477366255],[50,1,3.5388660265203473]]}]');
    // SELECT kaufmans_adaptive_moving_average(*, 1) FROM cpu WHERE host = 'a'
    await f({ select: [fn('kaufmans_adaptive_moving_average', '*', 1)], where: tag('host', '=', 'a') }, '[{"name":"cpu","columns":["time","kaufmans_adaptive_moving_average_i","kaufmans_adaptive_moving_average_v"],"values":[[10,14.444444444444446,1.888888888888889],[20,21.358024691358025,1.9382716049382718],[40,9.643347050754457,4.187928669410152]]}]');
  });

  it('checks the period, hold period and warm-up type, in that order', async () => {
    await fails({ select: [fn('exponential_moving_average', 'v')] }, 'invalid number of arguments for exponential_moving_average, expected at least 2 but no more than 4, got 1');
    await fails({ select: [fn('kaufmans_efficiency_ratio', 'v', 2, 1, str('simple'))] }, 'invalid number of arguments for kaufmans_efficiency_ratio, expected at least 2 but no more than 3, got 4');
    await fails({ select: [fn('relative_strength_index', 'v', 2.5)] }, 'relative_strength_index period must be an integer');
    await fails({ select: [fn('double_exponential_moving_average', 'v', 0, str('x'))] }, 'double_exponential_moving_average period must be greater than or equal to 1');
    await fails({ select: [fn('triple_exponential_moving_average', 'v', 2, str('simple'))] }, 'triple_exponential_moving_average hold period must be an integer');
    await fails({ select: [fn('kaufmans_adaptive_moving_average', 'v', 2, -2)] }, 'kaufmans_adaptive_moving_average hold period must be greater than or equal to 0');
    await fails({ select: [fn('triple_exponential_derivative', 'v', 2, 0)] }, 'triple_exponential_derivative hold period must be greater than or equal to 1');
    await fails({ select: [fn('exponential_moving_average', 'v', 2, 1, 3)] }, 'exponential_moving_average warmup type must be a string');
    await fails({ select: [fn('exponential_moving_average', 'v', 2, 1, str('none'))] }, "exponential_moving_average warmup type must be one of: 'exponential' 'simple'");
    await fails({ select: [fn('chande_momentum_oscillator', 'v', 2, 1, str('linear'))] }, "chande_momentum_oscillator warmup type must be one of: 'none' 'exponential' 'simple'");
  });

  it('need a field without GROUP BY time, an aggregate with it, and a number', async () => {
    await fails({ select: [fn('exponential_moving_average', 2, 2)] }, 'expected field argument in exponential_moving_average()');
    await fails({ select: [fn('relative_strength_index', fn('mean', 'v'), 2)] }, 'relative_strength_index aggregate requires a GROUP BY interval');
    await fails({ select: [fn('chande_momentum_oscillator', 'v', 2)], time: [0, 59], groupBy: { time: '10s' } }, 'aggregate function required inside the call to chande_momentum_oscillator');
    await fails({ select: [fn('exponential_moving_average', 's', 2)] }, 'unsupported exponential moving average iterator type: string');
  });
});
