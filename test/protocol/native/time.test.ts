import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatRfc3339Nano } from '../../../src/core/index.ts';
import { parseDuration, parseTimeValue } from '../../../src/protocol/native/index.ts';

const NOW = 1_764_028_800_123_456_789n; // 2025-11-25T00:00:00.123456789Z

describe('parseDuration(text)', () => {
  const f = (text: string, want: bigint) => assert.equal(parseDuration(text), want, `for ${text}`);
  const bad = (text: string) => assert.throws(() => parseDuration(text), RangeError, `for ${text}`);
  it('reads every InfluxQL unit and compound durations', () => {
    f('1ns', 1n);
    f('5u', 5_000n);
    f('5µ', 5_000n);
    f('5us', 5_000n);
    f('250ms', 250_000_000n);
    f('10s', 10_000_000_000n);
    f('1m', 60_000_000_000n);
    f('1h30m', 5_400_000_000_000n);
    f('2d', 172_800_000_000_000n);
    f('1w', 604_800_000_000_000n);
    f('0s', 0n);
  });
  it('refuses what is not a duration', () => {
    bad('');
    bad('10');
    bad('1x');
    bad('s');
    bad('-1s');
    bad('1.5s');
    bad('1s ');
  });
});

describe('parseTimeValue(value, now)', () => {
  const f = (value: unknown, want: bigint) => assert.equal(parseTimeValue(value, NOW), want, `for ${JSON.stringify(value)}`);
  const bad = (value: unknown) => assert.throws(() => parseTimeValue(value, NOW), (e) => e instanceof RangeError || e instanceof TypeError, `for ${JSON.stringify(value)}`);
  it('reads RFC3339 with any fraction and offset, now, now±d and integer ms', () => {
    f('2025-11-25T00:00:00Z', 1_764_028_800_000_000_000n);
    f('2025-11-25T00:00:00.5Z', 1_764_028_800_500_000_000n);
    f('2025-11-25T00:00:00.123456789Z', NOW);
    f('2025-11-25T01:00:00+01:00', 1_764_028_800_000_000_000n);
    f('2025-11-24T23:00:00-01:00', 1_764_028_800_000_000_000n);
    f('1969-12-31T23:59:59.999999999Z', -1n);
    f('now', NOW);
    f('now-1h', NOW - 3_600_000_000_000n);
    f('now+5m', NOW + 300_000_000_000n);
    f(1_764_028_800_000, 1_764_028_800_000_000_000n);
    f(-1, -1_000_000n);
  });
  it('refuses impossible dates and other shapes', () => {
    bad('2025-02-30T00:00:00Z');
    bad('2025-11-25T24:00:00Z');
    bad('2025-11-25 00:00:00Z');
    bad('2025-11-25T00:00:00');
    bad('2025-11-25T00:00:00.1234567891Z');
    bad('yesterday');
    bad('now-');
    bad(1.5);
    bad(true);
    bad(9e18);
  });
});

describe('formatRfc3339Nano(ts)', () => {
  const f = (ts: bigint, want: string) => assert.equal(formatRfc3339Nano(ts), want, `for ${ts}`);
  it("prints InfluxDB's RFC3339Nano: trailing zeros cut, no fraction when whole", () => {
    f(0n, '1970-01-01T00:00:00Z');
    f(NOW, '2025-11-25T00:00:00.123456789Z');
    f(1_764_028_800_500_000_000n, '2025-11-25T00:00:00.5Z');
    f(1_764_028_800_000_001_000n, '2025-11-25T00:00:00.000001Z');
    f(-1n, '1969-12-31T23:59:59.999999999Z');
  });
  it('round-trips through parseTimeValue', () => {
    for (const ts of [0n, NOW, -1n, -1_000_000_123n, 4_102_444_800_000_000_001n]) assert.equal(parseTimeValue(formatRfc3339Nano(ts), NOW), ts);
  });
});
