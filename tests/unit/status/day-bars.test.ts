import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dayRuns, renderDayBars } from '../../../lib/status/day-bars';
import { logoOrigin, statusPageCsp } from '../../../lib/status/page-csp';
import type { DayBar } from '../../../lib/status/page-data';

const DAY = 86_400_000;
const dateOf = (i: number) => new Date(Date.UTC(2026, 8, 1) + i * DAY).toISOString().slice(0, 10);
const clean = (i: number): DayBar => ({ date: dateOf(i), checks: 24, percent: 100, incidents: 0 });

test('days that look the same merge into one run with a date-range tooltip; incident days stay alone', () => {
  const days = Array.from({ length: 90 }, (_, i) => clean(i));
  days[10] = { date: dateOf(10), checks: 24, percent: 95.8, incidents: 1 };
  days[11] = { date: dateOf(11), checks: 24, percent: 95.8, incidents: 1 };
  days[40] = { date: dateOf(40), checks: 0, percent: null, incidents: 0 };
  days[41] = { date: dateOf(41), checks: 0, percent: null, incidents: 0 };
  const runs = dayRuns(days);
  assert.deepEqual(
    runs.map((r) => [r.start, r.days, r.tone]),
    [[0, 10, 'g'], [10, 1, 'f'], [11, 1, 'f'], [12, 28, 'g'], [40, 2, 'n'], [42, 48, 'g']],
  );
  assert.equal(runs[0]!.tip, '2026-09-01 – 2026-09-10 (10 days): 100% up');
  assert.equal(runs[1]!.tip, '2026-09-11: 95.8% up, 1 incident');
  assert.equal(runs[4]!.tip, '2026-10-11 – 2026-10-12 (2 days): no checks');
});

test('runs cover every day once, in order, whatever the days', () => {
  const day = fc.record({
    percent: fc.oneof(fc.constant(null), fc.constant(100), fc.double({ min: 0, max: 100, noNaN: true })),
    incidents: fc.nat(3),
  });
  fc.assert(
    fc.property(fc.array(day, { maxLength: 90 }), (raw) => {
      const days = raw.map((d, i) => ({ date: dateOf(i), checks: d.percent === null ? 0 : 4, ...d }));
      let next = 0;
      for (const r of dayRuns(days)) {
        assert.equal(r.start, next);
        assert.ok(r.days >= 1);
        next += r.days;
      }
      assert.equal(next, days.length);
    }),
  );
});

test('a healthy site is one path; the svg keeps the image role, its summary and the list of days below 100 %', () => {
  const healthy = renderDayBars(Array.from({ length: 90 }, (_, i) => clean(i)));
  assert.equal(healthy.match(/<path /g)?.length, 1);
  assert.match(healthy, /role="img" aria-label="Last 90 days: no day below 100 %"/);
  assert.ok(!healthy.includes('<details'));
  assert.ok(healthy.length < 600, `${healthy.length} characters`);
  const days = Array.from({ length: 90 }, (_, i) => clean(i));
  days[89] = { date: dateOf(89), checks: 24, percent: 50, incidents: 2 };
  const bad = renderDayBars(days);
  assert.match(bad, /aria-label="Last 90 days: 1 day below 100 % or with incidents"/);
  assert.match(bad, /<li>2026-11-29: 50\.0% up, 2 incidents<\/li>/);
  assert.match(bad, /<path class="b" d="M445 14h4"><title>2026-11-29: 50\.0% up, 2 incidents<\/title>/);
});

test("a page's CSP names its logo's https origin and nothing else; the stylesheet is allowed by hash", () => {
  assert.equal(logoOrigin('https://cdn.example.com:8443/a/logo.png?x=1'), 'https://cdn.example.com:8443');
  assert.equal(logoOrigin('/logo.png'), null, "a path is 'self'");
  assert.equal(logoOrigin(null), null);
  assert.equal(logoOrigin('http://cdn.example.com/logo.png'), null, 'never http');
  assert.equal(logoOrigin('https://[::1]/logo.png'), null, 'CSP cannot name an IPv6 literal');
  const csp = statusPageCsp('body{}', 'https://cdn.example.com/logo.png');
  assert.match(csp, /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src 'self' data: https:\/\/cdn\.example\.com; /);
  assert.ok(!statusPageCsp('body{}', null).includes('https:'));
  assert.ok(!/script-src|unsafe/.test(csp), 'no script at all, nothing unsafe');
});
