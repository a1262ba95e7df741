import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChartSample } from '../../db';
import { presentCheck } from '../../lib/api/present';
import { isAppError } from '../../lib/errors';
import {
  BUCKET_SIZES,
  CSV_COLUMNS,
  MAX_CHART_POINTS,
  chooseBucketMs,
  csvLine,
  defaultRangeFor,
  downsample,
  exportFileName,
  exportStream,
  loadHistory,
  parseExportFormat,
  parseRange,
  planChart,
  rangeBounds,
  readChart,
  seriesFromRollups,
  summariseSamples,
  RANGE_KEYS,
  RAW_READ_LIMIT,
} from '../../lib/history';
import { RELATIVE_ERROR } from '../../db/histogram';
import { DEFAULT_RETENTION } from '../../db/retention';
import { newCheck, newSite } from '../helpers/factories';
import { tempStore } from '../helpers/temp-store';
import { parseCsv } from '../helpers/csv';

const NOW = 1_750_000_000_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function sample(checkedAt: number, totalMs: number, ok = true): ChartSample {
  // Phases that add up to the total, so stacking can be checked against it.
  return {
    checkedAt,
    ok,
    dnsMs: totalMs * 0.1,
    connectMs: totalMs * 0.2,
    tlsMs: totalMs * 0.3,
    ttfbMs: totalMs * 0.3,
    transferMs: totalMs * 0.1,
    totalMs,
  };
}

describe('parseRange', () => {
  test('each named range ends now and reaches back its length', () => {
    assert.deepEqual(parseRange('1h', NOW), { range: '1h', from: NOW - HOUR, to: NOW });
    assert.deepEqual(parseRange('24h', NOW), { range: '24h', from: NOW - DAY, to: NOW });
    assert.deepEqual(parseRange('7d', NOW), { range: '7d', from: NOW - 7 * DAY, to: NOW });
    assert.deepEqual(parseRange('30d', NOW), { range: '30d', from: NOW - 30 * DAY, to: NOW });
    assert.deepEqual(parseRange('90d', NOW), { range: '90d', from: NOW - 90 * DAY, to: NOW });
    assert.deepEqual(parseRange('1y', NOW), { range: '1y', from: NOW - 365 * DAY, to: NOW });
  });

  test('an absent or empty range is the 24 h default', () => {
    assert.equal(parseRange(null, NOW).range, '24h');
    assert.equal(parseRange(undefined, NOW).range, '24h');
    assert.equal(parseRange('', NOW).range, '24h');
  });

  for (const bad of ['2h', '24H', ' 24h', 'toString', '__proto__', '30d;', '1e3', '1Y', '365d']) {
    test(`${JSON.stringify(bad)} is a validation error naming the field`, () => {
      assert.throws(
        () => parseRange(bad, NOW),
        (err) => isAppError(err) && err.code === 'validation' && typeof err.fields?.range === 'string',
      );
    });
  }

  test('export format is csv by default, json on request, anything else refused', () => {
    assert.equal(parseExportFormat(null), 'csv');
    assert.equal(parseExportFormat('json'), 'json');
    assert.throws(() => parseExportFormat('xml'), (err) => isAppError(err) && err.fields?.format !== undefined);
  });
});

test('a site added within the last hour opens on 1 h; an older one on the 24 h default', () => {
  const now = Date.UTC(2026, 10, 23, 12);
  assert.equal(defaultRangeFor(now, now), '1h');
  assert.equal(defaultRangeFor(now - 59 * 60_000, now), '1h');
  assert.equal(defaultRangeFor(now - 60 * 60_000, now), '24h');
  assert.equal(defaultRangeFor(now - 3 * 86_400_000, now), '24h');
});

describe('chooseBucketMs', () => {
  test('picks the smallest named bucket that keeps the span within the point budget', () => {
    assert.equal(MAX_CHART_POINTS, 1000);
    assert.equal(chooseBucketMs(0, HOUR), 5000); // 3,600 one-second checks → 720 points
    assert.equal(chooseBucketMs(0, DAY), 2 * MINUTE); // 720 points
    assert.equal(chooseBucketMs(0, 7 * DAY), 15 * MINUTE); // 10 min would be 1,008 points
    assert.equal(chooseBucketMs(0, 30 * DAY), HOUR); // 720 points
    assert.equal(chooseBucketMs(0, 90 * DAY), 3 * HOUR); // 720 points
    assert.equal(chooseBucketMs(0, 365 * DAY), 12 * HOUR); // 730 points
  });

  test('never yields more points than the budget, for any span', () => {
    for (const span of [1, 999, HOUR, DAY + 1, 13 * DAY, 30 * DAY, 400 * DAY]) {
      const bucket = chooseBucketMs(NOW, NOW + span, 100);
      assert.ok(BUCKET_SIZES.includes(bucket));
      if (bucket !== BUCKET_SIZES.at(-1)) assert.ok(Math.ceil(span / bucket) <= 100, `span ${span}`);
    }
  });
});

describe('downsample', () => {
  test('up to the budget, every check is its own point; failed checks carry no latency', () => {
    const samples = [sample(NOW, 10), sample(NOW + MINUTE, 30, false), sample(NOW + 2 * MINUTE, 20)];
    const s = downsample(samples, NOW, NOW + HOUR);
    assert.equal(s.bucketMs, 0);
    assert.deepEqual(s.t, [NOW, NOW + MINUTE, NOW + 2 * MINUTE]);
    assert.deepEqual(s.checks, [1, 1, 1]);
    assert.deepEqual(s.failed, [0, 1, 0]);
    assert.deepEqual(s.avg, [10, null, 20]);
    assert.deepEqual(s.min, [10, null, 20]);
    assert.deepEqual(s.max, [10, null, 20]);
    assert.deepEqual(s.ttfb, [3, null, 6]);
  });

  test('30 days of one-minute checks become at most MAX_CHART_POINTS buckets keeping min, max and failures', () => {
    const from = Math.floor(NOW / DAY) * DAY;
    const to = from + 30 * DAY;
    const samples: ChartSample[] = [];
    for (let t = from; t < to; t += MINUTE) samples.push(sample(t, 100 + ((t / MINUTE) % 7)));
    // One spike and one failure, inside the same bucket.
    samples[5000] = sample(samples[5000]!.checkedAt, 5000);
    samples[5001] = sample(samples[5001]!.checkedAt, 0, false);
    assert.equal(samples.length, 43_200);
    const s = downsample(samples, from, to);
    assert.ok(s.bucketMs > 0);
    assert.ok(s.t.length <= MAX_CHART_POINTS, `${s.t.length} points`);
    assert.equal(s.t.length, 30 * DAY / s.bucketMs);
    assert.equal(s.checks.reduce((a, b) => a + b, 0), 43_200, 'every check is in exactly one bucket');
    assert.equal(s.failed.reduce((a, b) => a + b, 0), 1);
    assert.equal(Math.max(...s.max.map((v) => v ?? 0)), 5000, 'the spike survives as a bucket maximum');
    const spike = s.max.indexOf(5000);
    assert.equal(s.failed[spike], 1);
    assert.equal(s.min[spike], 100);
    for (let i = 0; i < s.t.length; i++) {
      assert.equal(s.t[i]! % s.bucketMs, 0, 'buckets are aligned to the epoch');
      const avg = s.avg[i]!;
      assert.ok(s.min[i]! <= avg && avg <= s.max[i]!);
      const stacked = s.dns[i]! + s.connect[i]! + s.tls[i]! + s.ttfb[i]! + s.transfer[i]!;
      assert.ok(Math.abs(stacked - avg) < 0.5, `phases add up to the mean at ${i}: ${stacked} vs ${avg}`);
    }
  });

  test('a bucket whose checks all failed has no latency but counts the failures', () => {
    const samples: ChartSample[] = [];
    for (let i = 0; i < 30; i++) samples.push(sample(NOW + i * 1000, 10, i < 10 || i >= 20));
    const s = downsample(samples, NOW, NOW + 30_000, 3);
    assert.equal(s.bucketMs, 10_000);
    const failedOnly = s.failed.findIndex((f, i) => f > 0 && f === s.checks[i]);
    assert.ok(failedOnly >= 0);
    assert.equal(s.avg[failedOnly], null);
    assert.equal(s.min[failedOnly], null);
  });

  test('a gap of more than a few steps gets one empty point, so the line breaks there', () => {
    const samples = [
      sample(NOW, 10),
      sample(NOW + MINUTE, 10),
      sample(NOW + 2 * MINUTE, 10),
      sample(NOW + 60 * MINUTE, 10), // the monitor was off for most of an hour
      sample(NOW + 61 * MINUTE, 10),
    ];
    const s = downsample(samples, NOW, NOW + 2 * HOUR);
    assert.deepEqual(s.t, [NOW, NOW + MINUTE, NOW + 2 * MINUTE, NOW + 3 * MINUTE, NOW + 60 * MINUTE, NOW + 61 * MINUTE]);
    assert.equal(s.checks[3], 0);
    assert.equal(s.avg[3], null);
    // Two missed checks are jitter, not a gap.
    const jitter = downsample([sample(NOW, 1), sample(NOW + MINUTE, 1), sample(NOW + 3 * MINUTE, 1)], NOW, NOW + HOUR);
    assert.equal(jitter.t.length, 3);
  });

  test('after the interval changes from 60 s to 10 s, both stretches stay joined: each is judged by its own rhythm', () => {
    const samples: ChartSample[] = [];
    for (let t = NOW; t < NOW + 40 * MINUTE; t += MINUTE) samples.push(sample(t, 10));
    for (let t = NOW + 40 * MINUTE + 7_000; t < NOW + HOUR; t += 10_000) samples.push(sample(t, 10));
    assert.ok(samples.length > 100, 'mostly 10 s checks, so a single typical step would be 10 s');
    const s = downsample(samples, NOW, NOW + HOUR);
    assert.equal(s.t.length, samples.length, 'no gap marker anywhere');
    assert.ok(s.checks.every((n) => n === 1));
  });

  test('with mixed intervals, a real outage in either stretch still breaks the line, once', () => {
    const samples: ChartSample[] = [];
    for (let t = NOW; t < NOW + 20 * MINUTE; t += MINUTE) samples.push(sample(t, 10));
    // 15 minutes without checks, then 60 s again, then 10 s with a 2-minute hole.
    for (let t = NOW + 35 * MINUTE; t < NOW + 45 * MINUTE; t += MINUTE) samples.push(sample(t, 10));
    for (let t = NOW + 45 * MINUTE; t < NOW + 50 * MINUTE; t += 10_000) samples.push(sample(t, 10));
    for (let t = NOW + 52 * MINUTE; t < NOW + HOUR; t += 10_000) samples.push(sample(t, 10));
    const s = downsample(samples, NOW, NOW + HOUR);
    const gaps = s.t.filter((_, i) => s.checks[i] === 0);
    assert.deepEqual(gaps, [NOW + 20 * MINUTE, NOW + 50 * MINUTE]);
  });

  test('one check between two outages breaks from both sides', () => {
    const at = [0, 1, 2, 3, 4, 30, 60, 61, 62, 63, 64].map((m) => NOW + m * MINUTE);
    const s = downsample(at.map((t) => sample(t, 10)), NOW, NOW + 2 * HOUR);
    assert.equal(s.checks.filter((n) => n === 0).length, 2);
  });

  test('no checks, no points', () => {
    const s = downsample([], NOW - DAY, NOW);
    assert.equal(s.t.length, 0);
    assert.equal(s.bucketMs, 0);
  });
});

describe('resolution', () => {
  const plan = (range: keyof typeof rangeSpans, rawRows: number, retention = DEFAULT_RETENTION) =>
    planChart(NOW - rangeSpans[range], NOW, NOW, rawRows, retention);
  const rangeSpans = { '1h': HOUR, '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '90d': 90 * DAY, '1y': 365 * DAY };

  test('short ranges read raw checks, long ones the rollup that still reaches back that far', () => {
    assert.deepEqual(plan('1h', 60), { source: 'raw', bucketMs: 0 }); // one point per check
    assert.deepEqual(plan('1h', 3600), { source: 'raw', bucketMs: 5000 }); // one-second checks, 5 s buckets
    assert.deepEqual(plan('24h', 1440), { source: 'raw', bucketMs: 2 * MINUTE });
    assert.deepEqual(plan('24h', RAW_READ_LIMIT + 1), { source: 'minute', bucketMs: 2 * MINUTE });
    assert.deepEqual(plan('7d', 2000), { source: 'raw', bucketMs: 15 * MINUTE }); // a site checked every 5 min
    assert.deepEqual(plan('7d', 10_080), { source: 'hour', bucketMs: HOUR }); // minutes are kept 48 h only
    assert.deepEqual(plan('30d', Infinity), { source: 'hour', bucketMs: HOUR });
    assert.deepEqual(plan('90d', Infinity), { source: 'hour', bucketMs: 3 * HOUR });
    assert.deepEqual(plan('1y', Infinity), { source: 'day', bucketMs: DAY }); // hours kept 90 d only
    // Less raw retention: a week no longer fits the raw window.
    assert.equal(plan('7d', 100, { ...DEFAULT_RETENTION, rawDays: 3 }).source, 'hour');
    assert.equal(RAW_READ_LIMIT, 4000);
  });

  test('no range ever draws more than MAX_CHART_POINTS points, whatever the source', () => {
    for (const range of RANGE_KEYS) {
      for (const rawRows of [0, 500, 5000, RAW_READ_LIMIT, Infinity]) {
        const p = plan(range, rawRows);
        const points = p.bucketMs === 0 ? rawRows : Math.ceil(rangeSpans[range] / p.bucketMs) + 1;
        assert.ok(points <= MAX_CHART_POINTS, `${range} with ${rawRows} raw rows: ${points} points from ${p.source}`);
      }
    }
  });

  test('a chart from hour rollups matches the raw chart bucket for bucket; its percentiles are within the bound', (t) => {
    const store = tempStore(t);
    const site = store.createSite(newSite());
    let x = 5;
    const rnd = () => ((x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0) / 4_294_967_296);
    const from = Math.floor((NOW - 30 * DAY) / HOUR) * HOUR;
    const batch = [];
    for (let at = from; at < NOW; at += 3 * MINUTE + Math.floor(rnd() * MINUTE)) {
      // Heavy-tailed latency; an outage now and then.
      const total = Math.round((20 + 200 * rnd() ** 4 + (rnd() < 0.01 ? 3000 * rnd() : 0)) * 1000) / 1000;
      const ok = rnd() > 0.03;
      batch.push(
        newCheck(site.id, at, {
          ok,
          error: ok ? null : { kind: 'timeout', message: 'timed out' },
          timings: { dnsMs: 1, connectMs: 2, tlsMs: 3, ttfbMs: total - 6.5, transferMs: 0.5, totalMs: total },
        }),
      );
    }
    store.recordChecks(batch);
    const samples = store.chartSamples(site.id, from, NOW);
    const raw = downsample(samples, from, NOW, 1000);
    assert.equal(raw.bucketMs, HOUR);
    const { series, latency } = seriesFromRollups(store.rollupsBetween(site.id, 'hour', from, NOW), 'hour', HOUR);
    assert.equal(series.source, 'hour');
    assert.deepEqual(series.t, raw.t);
    assert.deepEqual(series.checks, raw.checks);
    assert.deepEqual(series.failed, raw.failed);
    assert.deepEqual(series.min, raw.min);
    assert.deepEqual(series.max, raw.max);
    for (let i = 0; i < raw.t.length; i++) {
      assert.ok(Math.abs(series.avg[i]! - raw.avg[i]!) <= 0.05 + 1e-9, `mean at ${i}`);
      for (const p of ['p50', 'p95', 'p99'] as const) {
        const exact = raw[p][i]!;
        assert.ok(Math.abs(series[p][i]! - exact) <= RELATIVE_ERROR * exact + 0.1, `${p} at ${i}: ${series[p][i]} vs ${exact}`);
      }
    }
    const exact = summariseSamples(samples);
    assert.equal(latency.passed, exact.passed);
    assert.equal(latency.exact, false);
    for (const p of ['p50', 'p95', 'p99'] as const) {
      assert.ok(Math.abs(latency[p]! - exact[p]!) <= RELATIVE_ERROR * exact[p]! + 0.1, `${p}: ${latency[p]} vs ${exact[p]}`);
    }
  });

  test('a year of history reads day rollups: one point a day with percentiles, and the page has every window', (t) => {
    const store = tempStore(t);
    const site = store.createSite(newSite(), NOW - 400 * DAY);
    const batch = [];
    for (let d = 0; d < 400; d++) {
      for (let k = 0; k < 4; k++) batch.push(newCheck(site.id, NOW - d * DAY - k * 5 * HOUR, { timings: { dnsMs: 0, connectMs: 0, tlsMs: 0, ttfbMs: 10 + k, transferMs: 0, totalMs: 10 + k } }));
    }
    store.recordChecks(batch);
    const { from, to } = rangeBounds('1y', NOW);
    const { chart, latency } = readChart(store, site.id, from, to, NOW);
    assert.equal(chart.source, 'day');
    assert.equal(chart.bucketMs, DAY);
    assert.ok(chart.t.length >= 365 && chart.t.length <= 366, `${chart.t.length} points`);
    assert.ok(chart.p50.every((v) => v !== null && v >= 10 && v <= 13));
    assert.equal(latency.p99, 13);
    const page = loadHistory(store, site.id, '1y', NOW);
    assert.equal(page.range, '1y');
    assert.deepEqual(Object.keys(page.uptime), ['24h', '7d', '30d', '90d', '1y']);
    const yearStart = Math.floor(NOW / DAY) * DAY - 365 * DAY;
    assert.equal(page.uptime['1y'].checks, batch.filter((c) => c.checkedAt >= yearStart).length);
    // The short ranges still come from raw checks, exactly.
    assert.equal(loadHistory(store, site.id, '24h', NOW).latency.exact, true);
  });
});

describe('export', () => {
  test('an error message that reads like a formula is defused in CSV', () => {
    const line = csvLine(
      presentCheck({
        id: 1,
        ...newCheck(1, NOW, { ok: false, error: { kind: 'status', message: '=HYPERLINK("x")' } }),
      }),
    );
    const [fields] = parseCsv(line);
    assert.equal(fields![CSV_COLUMNS.indexOf('error_message')], `'=HYPERLINK("x")`);
  });

  test('file names are a safe slug with the range and time', () => {
    assert.equal(exportFileName('Example Shop / API', '24h', NOW, 'csv'), 'upbeat-example-shop-api-24h-20250615T1506Z.csv');
    assert.equal(exportFileName('"; rm -rf', '7d', NOW, 'json'), 'upbeat-rm-rf-7d-20250615T1506Z.json');
    assert.equal(exportFileName('日本', '1h', NOW, 'json'), 'upbeat-site-1h-20250615T1506Z.json');
  });

  test('the stream reads back to exactly the stored checks of the range, as CSV and as JSON', async (t) => {
    const store = tempStore(t);
    const site = store.createSite(newSite({ intervalSeconds: 1 }));
    const from = NOW - DAY;
    const batch = [];
    // 2,500 checks spread over the day, so the export crosses many slices; one just outside on each side.
    for (let i = 0; i < 2500; i++) batch.push(newCheck(site.id, from + i * 30_000));
    batch.push(newCheck(site.id, from - 1), newCheck(site.id, NOW));
    batch[7] = newCheck(site.id, from + 7 * 30_000, {
      ok: false,
      statusCode: 502,
      error: { kind: 'status', message: 'Bad "gateway",\r\n<b>really</b>' },
    });
    store.recordChecks(batch);
    const expected = store.checksBetween(site.id, from, NOW).map(presentCheck);
    assert.equal(expected.length, 2500);

    const csv = await new Response(exportStream(store, site, '24h', from, NOW, 'csv')).text();
    const rows = parseCsv(csv);
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    assert.equal(rows.length, 2501);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    rows.slice(1).forEach((r, i) => {
      const c = expected[i]!;
      assert.equal(r[col('checked_at')], c.checkedAt);
      assert.equal(r[col('ok')], String(c.ok));
      assert.equal(r[col('latency_ms')], String(c.latencyMs));
      assert.equal(r[col('error_message')], c.error?.message ?? '');
    });

    const json = JSON.parse(await new Response(exportStream(store, site, '24h', from, NOW, 'json')).text());
    assert.deepEqual(json.checks, expected);
    assert.equal(json.range, '24h');
    assert.equal(json.site.id, site.id);
  });

  test('an empty range is a header-only CSV and an empty JSON list', async (t) => {
    const store = tempStore(t);
    const site = store.createSite(newSite());
    const csv = await new Response(exportStream(store, site, '1h', NOW - HOUR, NOW, 'csv')).text();
    assert.equal(csv, CSV_COLUMNS.join(',') + '\r\n');
    const json = JSON.parse(await new Response(exportStream(store, site, '1h', NOW - HOUR, NOW, 'json')).text());
    assert.deepEqual(json.checks, []);
  });
});
