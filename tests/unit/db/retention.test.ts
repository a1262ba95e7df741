import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../../lib/config';
import { DEFAULT_RETENTION, steadyRowsPerSite } from '../../../db/retention';

test('retention comes from the environment with the documented defaults and refuses too little', () => {
  assert.deepEqual(parseConfig({}).retention, { rawDays: 7, minuteHours: 48, hourDays: 90, dayDays: 730 });
  assert.deepEqual(
    parseConfig({
      UPBEAT_RETAIN_RAW_DAYS: '3',
      UPBEAT_RETAIN_MINUTE_HOURS: '2',
      UPBEAT_RETAIN_HOUR_DAYS: '31',
      UPBEAT_RETAIN_DAY_DAYS: '400',
    }).retention,
    { rawDays: 3, minuteHours: 2, hourDays: 31, dayDays: 400 },
  );
  for (const [name, value] of [
    ['UPBEAT_RETAIN_RAW_DAYS', '0'],
    ['UPBEAT_RETAIN_MINUTE_HOURS', '0'],
    ['UPBEAT_RETAIN_HOUR_DAYS', '7'],
    ['UPBEAT_RETAIN_DAY_DAYS', '365'],
    ['UPBEAT_RETAIN_RAW_DAYS', 'a week'],
  ] as const) {
    assert.throws(() => parseConfig({ [name]: value }), (err) => err instanceof ConfigError && err.message.includes(name));
  }
});

test('steady state: one raw row per check over the raw window, one rollup row per bucket that holds a check', () => {
  const rows = Object.fromEntries(steadyRowsPerSite(DEFAULT_RETENTION, 60).map((r) => [r.tier, r.rows]));
  assert.deepEqual(rows, { raw: 7 * 1440, minute: 48 * 60, hour: 90 * 24, day: 730 });
  const slow = Object.fromEntries(steadyRowsPerSite(DEFAULT_RETENTION, 2 * 3600).map((r) => [r.tier, r.rows]));
  assert.deepEqual(slow, { raw: 7 * 12, minute: 48 / 2, hour: 90 * 12, day: 730 });
});
