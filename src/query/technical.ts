/**
 * InfluxQL's technical analysis transformations: each turns a stream of values into one output per
 * input, of which the first `hold` are dropped. The rules below were read off influxd 1.6.7's
 * answers (test/query/technical.test.ts):
 *
 * - an EMA of period p has alpha 2/(p+1) and starts at the first value; up to the p-th value it
 *   warms up either with alpha 2/(k+1) for the k-th value ('exponential') or as the mean of the
 *   values so far ('simple');
 * - double and triple EMAs chain EMAs of the same period, 2e1 - e2 and 3e1 - 3e2 + e3; under a
 *   'simple' warm-up a stage only starts once the one before it is warm (until then it passes its
 *   input through);
 * - triple_exponential_derivative is the percent change of such a triple chain (e3 alone);
 * - relative_strength_index and the smoothed chande_momentum_oscillator average the upward and
 *   downward moves with EMAs of period p+1 and alpha 1/p; the move into the first value is
 *   measured from 0;
 * - the plain ('none') chande_momentum_oscillator sums the last p moves; 0 when they are all 0;
 * - kaufmans_efficiency_ratio is |v - v[-p]| over the sum of the last p absolute moves, with zeros
 *   before the first value and 0 when either is 0; kaufmans_adaptive_moving_average smooths with
 *   (er*(2/3 - 2/31) + 2/31)^2 and, for its first p+1 values, starts from the previous value
 *   (0 before the first) instead of its last output.
 */
export type TechnicalName =
  | 'exponential_moving_average'
  | 'double_exponential_moving_average'
  | 'triple_exponential_moving_average'
  | 'relative_strength_index'
  | 'chande_momentum_oscillator'
  | 'triple_exponential_derivative'
  | 'kaufmans_efficiency_ratio'
  | 'kaufmans_adaptive_moving_average';

export type Warmup = 'exponential' | 'simple' | 'none';

/** A technical function's arguments beyond the period, defaults resolved. */
export interface TechnicalOptions {
  /** Leading outputs dropped. */
  readonly hold: number;
  readonly warmup: Warmup;
}

export const TECHNICAL_NAMES: readonly TechnicalName[] = [
  'exponential_moving_average',
  'double_exponential_moving_average',
  'triple_exponential_moving_average',
  'relative_strength_index',
  'chande_momentum_oscillator',
  'triple_exponential_derivative',
  'kaufmans_efficiency_ratio',
  'kaufmans_adaptive_moving_average',
];

export const isTechnical = (name: string): name is TechnicalName => (TECHNICAL_NAMES as readonly string[]).includes(name);

/** Whether the function takes a warm-up type (the Kaufman ones take only a period and a hold). */
export const takesWarmup = (fn: TechnicalName): boolean => fn !== 'kaufmans_efficiency_ratio' && fn !== 'kaufmans_adaptive_moving_average';

/** The warm-up types a function accepts, in the order influxd's error lists them. */
export const warmupTypes = (fn: TechnicalName): readonly Warmup[] => (fn === 'chande_momentum_oscillator' ? ['none', 'exponential', 'simple'] : ['exponential', 'simple']);

export const defaultWarmup = (fn: TechnicalName): Warmup => (fn === 'chande_momentum_oscillator' ? 'none' : 'exponential');

/** How many leading outputs a hold period of -1 (the default) drops: until the indicator is warm. */
export function defaultHold(fn: TechnicalName, period: number, warmup: Warmup): number {
  const simple = warmup === 'simple';
  switch (fn) {
    case 'exponential_moving_average':
      return period - 1;
    case 'double_exponential_moving_average':
      return simple ? 2 * (period - 1) : period - 1;
    case 'triple_exponential_moving_average':
      return simple ? 3 * (period - 1) : period - 1;
    case 'triple_exponential_derivative':
      return simple ? 3 * (period - 1) + 1 : period;
    case 'chande_momentum_oscillator':
      return warmup === 'none' ? period - 1 : period;
    case 'relative_strength_index':
    case 'kaufmans_efficiency_ratio':
    case 'kaufmans_adaptive_moving_average':
      return period;
  }
}

class Ema {
  private count = 0;
  private last = 0;
  constructor(
    private readonly period: number,
    private readonly warmup: Warmup,
    private readonly alpha = 2 / (period + 1),
  ) {}

  get warm(): boolean {
    return this.count >= this.period;
  }

  get value(): number {
    return this.last;
  }

  add(v: number): number {
    if (this.count === 0) this.last = v;
    else if (this.warm) this.last = (v - this.last) * this.alpha + this.last;
    else if (this.warmup === 'simple') this.last = (this.last * this.count + v) / (this.count + 1);
    else this.last = (v - this.last) * (2 / (this.count + 2)) + this.last;
    if (this.count < this.period) this.count++;
    return this.last;
  }
}

/** EMAs in series, each fed the one before's output; the values of every stage after an add. */
class EmaChain {
  private readonly stages: Ema[];
  readonly values: number[];
  constructor(period: number, private readonly warmup: Warmup, length: number) {
    this.stages = Array.from({ length }, () => new Ema(period, warmup));
    this.values = new Array<number>(length).fill(0);
  }

  add(v: number): void {
    let x = v;
    let feeding = true;
    this.stages.forEach((stage, i) => {
      if (feeding) x = stage.add(x);
      this.values[i] = x;
      feeding &&= this.warmup !== 'simple' || stage.warm;
    });
  }
}

/** Upward and downward moves averaged by EMAs of period p+1, alpha 1/p. */
class Moves {
  private readonly up: Ema;
  private readonly down: Ema;
  private prev = 0;
  constructor(period: number, warmup: Warmup) {
    this.up = new Ema(period + 1, warmup, 1 / period);
    this.down = new Ema(period + 1, warmup, 1 / period);
  }

  add(v: number): { up: number; down: number } {
    this.up.add(v > this.prev ? v - this.prev : 0);
    this.down.add(v < this.prev ? this.prev - v : 0);
    this.prev = v;
    return { up: this.up.value, down: this.down.value };
  }
}

/** The last `size` values with zeros before the first, oldest first. */
class Window {
  private readonly values: Float64Array;
  private at = 0;
  constructor(size: number) {
    this.values = new Float64Array(size);
  }

  /** Stores `v` and returns the value it replaces, the one `size` values back. */
  push(v: number): number {
    const old = this.values[this.at]!;
    this.values[this.at] = v;
    this.at = (this.at + 1) % this.values.length;
    return old;
  }
}

/** Kaufman's efficiency ratio over the last `period` moves. */
class Efficiency {
  private readonly prices: Window;
  private readonly moves: Window;
  private prev = 0;
  private noise = 0;
  constructor(period: number) {
    this.prices = new Window(period);
    this.moves = new Window(period);
  }

  add(v: number): number {
    const signal = Math.abs(v - this.prices.push(v));
    const move = Math.abs(v - this.prev);
    this.noise = this.noise - this.moves.push(move) + move;
    this.prev = v;
    return signal === 0 || this.noise === 0 ? 0 : signal / this.noise;
  }
}

/** A stateful indicator: one output per input value. */
export type Indicator = (v: number) => number;

export function indicator(fn: TechnicalName, period: number, warmup: Warmup): Indicator {
  switch (fn) {
    case 'exponential_moving_average': {
      const ema = new Ema(period, warmup);
      return (v) => ema.add(v);
    }
    case 'double_exponential_moving_average': {
      const chain = new EmaChain(period, warmup, 2);
      return (v) => {
        chain.add(v);
        const [e1, e2] = chain.values as [number, number];
        return 2 * e1 - e2;
      };
    }
    case 'triple_exponential_moving_average': {
      const chain = new EmaChain(period, warmup, 3);
      return (v) => {
        chain.add(v);
        const [e1, e2, e3] = chain.values as [number, number, number];
        return 3 * e1 - 3 * e2 + e3;
      };
    }
    case 'triple_exponential_derivative': {
      const chain = new EmaChain(period, warmup, 3);
      let last = 0;
      return (v) => {
        chain.add(v);
        const cur = chain.values[2]!;
        const rate = (cur / last - 1) * 100;
        last = cur;
        return rate;
      };
    }
    case 'relative_strength_index': {
      const moves = new Moves(period, warmup);
      return (v) => {
        const { up, down } = moves.add(v);
        return 100 - 100 / (1 + up / down);
      };
    }
    case 'chande_momentum_oscillator': {
      if (warmup !== 'none') {
        const moves = new Moves(period, warmup);
        return (v) => {
          const { up, down } = moves.add(v);
          return 100 * ((up - down) / (up + down));
        };
      }
      return sumOfMoves(period);
    }
    case 'kaufmans_efficiency_ratio': {
      const er = new Efficiency(period);
      return (v) => er.add(v);
    }
    case 'kaufmans_adaptive_moving_average': {
      const er = new Efficiency(period);
      // 2/3 - 2/31, rounded once as influxd's constant is.
      const span = 56 / 93;
      const slow = 2 / 31;
      let count = 0;
      let prev = 0;
      let last = 0;
      return (v) => {
        if (count <= period) {
          last = prev;
          count++;
        }
        const root = er.add(v) * span + slow;
        last = last + root * root * (v - last);
        prev = v;
        return last;
      };
    }
  }
}

/** The plain Chande momentum oscillator: sums of the last `period` upward and downward moves. */
function sumOfMoves(period: number): Indicator {
  const moves = new Window(period);
  let up = 0;
  let down = 0;
  let prev: number | undefined;
  return (v) => {
    const move = prev === undefined ? 0 : v - prev;
    prev = v;
    // The move leaving the window comes off before the new one goes on: the sums' rounding is influxd's.
    const gone = moves.push(move);
    if (gone > 0) up -= gone;
    else down += gone;
    if (move > 0) up += move;
    else down -= move;
    return up + down === 0 ? 0 : 100 * ((up - down) / (up + down));
  };
}
