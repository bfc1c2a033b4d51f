/**
 * Queries that must fail, and limits: QueryError messages are influxd 1.6.7's for the same
 * InfluxQL where it has one (a comment marks those that are ours), QueryTimeoutError for an
 * aborted signal, QueryLimitError past maxPoints.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LocalRouter } from '../../src/cluster/index.ts';
import { QueryError, QueryLimitError, QueryTimeoutError, selectSeries } from '../../src/query/index.ts';
import { MEASUREMENT_NAME } from '../../src/index/index.ts';
import { ALL_TIME } from '../../src/core/index.ts';
import { context, dur, fn, op, openRouter, query, run, show, type Q } from './helpers.ts';

let router: LocalRouter;
before(async () => {
  router = await openRouter();
});
after(async () => {
  await router.close();
});

describe('bad queries', () => {
  const f = async (q: Q, message: string | RegExp) => {
    await assert.rejects(run(router, q), (err: unknown) => {
      assert.ok(err instanceof QueryError, `for ${show(q.select)} got ${String(err)}`);
      assert.equal(err.code, 'bad_query');
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    });
  };
  const g = { time: [0, 60] as const, groupBy: { time: '10s' } };

  it('rejects unknown functions and wrong arguments', async () => {
    await f({ select: [fn('foo', 'v')] }, 'undefined function foo()');
    await f({ select: [fn('mean', 'v', 2)] }, 'invalid number of arguments for mean, expected 1, got 2');
    await f({ select: [fn('mean')] }, 'invalid number of arguments for mean, expected 1, got 0');
    await f({ select: [fn('mean', 1)] }, 'expected field argument in mean()');
    await f({ select: [fn('percentile', 'v')] }, 'invalid number of arguments for percentile, expected 2, got 1');
    await f({ select: [fn('percentile', 'v', { kind: 'string', value: 'a' })] }, 'expected float argument in percentile()');
    await f({ select: [fn('top', 'v')] }, 'invalid number of arguments for top, expected at least 2, got 1');
    await f({ select: [fn('top', 'v', 1.5)] }, 'expected integer as last argument in top(), found 1.500');
    await f({ select: [fn('top', 'v', 0)] }, 'limit (0) in top function must be at least 1');
    await f({ select: [fn('derivative', 'v', dur('1s'), 2)] }, 'invalid number of arguments for derivative, expected at least 1 but no more than 2, got 3');
    await f({ select: [fn('derivative', 'v', dur('0s'))] }, 'duration argument must be positive, got 0s');
    await f({ select: [fn('integral', 'v', dur('0s'))] }, 'duration argument must be positive, got 0s');
    await f({ select: [fn('moving_average', 'v')] }, 'invalid number of arguments for moving_average, expected 2, got 1');
    await f({ select: [fn('moving_average', 'v', 1.5)] }, /^second argument for moving_average must be an integer/);
    await f({ select: [fn('moving_average', 'v', 1)] }, 'moving_average window must be greater than 1, got 1');
    await f({ select: [fn('count', fn('distinct', '*'))] }, 'expected field argument in distinct()');
  });

  it('rejects transformations without the right input', async () => {
    await f({ select: [fn('derivative', fn('mean', 'v'))] }, 'derivative aggregate requires a GROUP BY interval');
    await f({ select: [fn('derivative', fn('derivative', 'v'))] }, 'derivative aggregate requires a GROUP BY interval');
    await f({ select: [fn('derivative', 'v')], ...g }, 'aggregate function required inside the call to derivative');
    await f({ select: [fn('elapsed', 'v')], ...g }, 'aggregate function required inside the call to elapsed');
    await f({ select: [fn('mean', fn('mean', 'v'))], ...g }, 'expected field argument in mean()');
  });

  it('rejects aggregates mixed with raw fields, and combinations influxd refuses', async () => {
    await f({ select: [op('+', fn('mean', 'v'), 'v')] }, 'mixing aggregate and non-aggregate queries is not supported');
    await f({ select: [fn('derivative', 'v'), 'v'] }, 'mixing aggregate and non-aggregate queries is not supported');
    await f({ select: [fn('max', 'v'), fn('min', 'v'), 'v'] }, 'mixing multiple selector functions with tags or fields is not supported');
    await f({ select: [fn('top', 'v', 2), fn('mean', 'v')] }, 'selector function top() cannot be combined with other functions');
    await f({ select: [fn('distinct', 'v'), fn('count', 'v')] }, 'aggregate function distinct() cannot be combined with other functions or fields');
    await f({ select: ['v'], groupBy: { time: '10s' } }, 'GROUP BY requires at least one aggregate function');
  });

  it('rejects functions of field types they do not take', async () => {
    await f({ select: [fn('mean', 's')] }, /^unsupported mean iterator type/);
    await f({ select: [fn('max', 's')] }, /^unsupported max iterator type/);
    await f({ select: [fn('sum', 'b')] }, /^unsupported sum iterator type/);
    await f({ select: [fn('median', 'b')] }, /^unsupported median iterator type/);
    await f({ select: [fn('spread', 's')] }, /^unsupported spread iterator type/);
    await f({ select: [fn('percentile', 's', 50)] }, /^unsupported percentile iterator type/);
    await f({ select: [fn('top', 's', 2)] }, /^unsupported top iterator type/);
    await f({ select: [fn('integral', 's')] }, /^unsupported integral iterator type/);
    await f({ select: [fn('derivative', 's')] }, /^unsupported derivative iterator type/);
    await f({ select: [fn('difference', 'b')] }, /^unsupported difference iterator type/);
    await f({ select: [fn('cumulative_sum', 's')] }, /^unsupported cumulative sum iterator type/);
    await f({ select: [op('+', 'v', 's')] }, 'type error: v::float + s::string: incompatible types: float and string');
    await f({ select: [op('+', 'v', 'b')] }, 'type error: v::float + b::boolean: incompatible types: float and boolean');
  });

  it('rejects what the logical plan cannot mean (ours: influxd ignores time(0s)), and unknown databases', async () => {
    await f({ select: [fn('mean', 'v')], groupBy: { time: '0s' } }, 'GROUP BY time interval must be positive, got 0s');
    await f({ select: [fn('mean', 'v')], limit: -1 }, 'LIMIT must be a non-negative integer, got -1');
    await f({ select: [] }, 'at least 1 field is required in the SELECT clause');
    await assert.rejects(run(router, { ...query({ select: ['v'] }), database: 'nope' }), { code: 'database_not_found', message: 'database not found: "nope"' });
  });
});

describe('limits', () => {
  it('throws QueryTimeoutError for an aborted signal', async () => {
    const aborted = AbortSignal.abort();
    await assert.rejects(run(router, { select: ['v'] }, context(1_000_000, aborted)), (err: unknown) => err instanceof QueryTimeoutError && err.code === 'query_timeout');
    await assert.rejects(run(router, { select: [fn('mean', 'v')] }, context(1_000_000, aborted)), QueryTimeoutError);
  });

  it('throws the signal\'s reason when it is a RusTs error', async () => {
    const c = new AbortController();
    const reason = new QueryLimitError(7);
    c.abort(reason);
    await assert.rejects(run(router, { select: ['v'] }, context(1_000_000, c.signal)), (err: unknown) => err === reason);
  });

  it('throws QueryLimitError when a query would load more than maxPoints', async () => {
    // cpu holds 9 points of v and 8 of i: 17 with both fields read.
    await assert.rejects(run(router, { select: ['v', 'i'] }, context(16)), (err: unknown) => err instanceof QueryLimitError && err.code === 'query_limit_exceeded' && err.message === 'query would load more than 16 points (max_points)');
    await assert.doesNotReject(run(router, { select: ['v', 'i'] }, context(17)));
    await assert.rejects(run(router, { select: [fn('count', 'v')], time: [0, 600], groupBy: { time: '1s' } }, context(100)), /more than 100 time buckets/);
  });

  it('selectSeries honours the signal and maxPoints too', async () => {
    const selection = { database: 'db', matchers: [{ name: MEASUREMENT_NAME, op: '=' as const, value: 'cpu' }], range: ALL_TIME };
    const drain = async (ctx = context()) => {
      let points = 0;
      for await (const s of selectSeries(router, selection, ctx)) for (const f of s.fields) points += f.column.length;
      return points;
    };
    assert.equal(await drain(), 22); // v 9, i 8, s 3, b 2
    await assert.rejects(drain(context(10)), QueryLimitError);
    await assert.rejects(drain(context(100, AbortSignal.abort())), QueryTimeoutError);
  });
});
