import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpbeatMetrics, urlLabel } from '../../../lib/status/metrics';
import { newCheck, newSite } from '../../helpers/factories';
import { parsePrometheusText, sampleOf } from '../../helpers/prom-text';
import { tempStore } from '../../helpers/temp-store';

const timings = (ms: number) => ({ dnsMs: 1, connectMs: 2, tlsMs: 3, ttfbMs: ms - 7, transferMs: 1, totalMs: ms });

/** The figures a checker writes in its self-report, as lib/health.ts reads them. */
function selfReportStats(over: { inFlight: number; queued: number; delayP99Ms: number }) {
  return {
    scheduler: { sites: 2, inFlight: over.inFlight, queued: over.queued, started: 10, skippedOverlap: 0, coalesced: 0, lagP50Ms: 1, lagP99Ms: 5, lagMaxMs: 9 },
    recorder: { pending: 0, batches: 3, recorded: 10, dropped: 0, failed: 0, writeP99Ms: 1, delayP99Ms: over.delayP99Ms, lastBatch: null },
    queuedTrend: [0, 0, 0],
    recentLag: { windowMs: 30_000, count: 10, p50Ms: 1, p99Ms: 5, maxMs: 9 },
    eventLoop: { p50Ms: 0.1, p99Ms: 1, maxMs: 2 },
    process: { rssBytes: 1, heapUsedBytes: 1, openFds: 10, activeResources: {} },
  };
}

test('per-site series, counters since the first scrape and the checker figures parse and match the checks', async (t) => {
  const store = tempStore(t);
  const now = Date.now();
  const shop = store.createSite(newSite({ name: 'Shop "EU" \\ main\nline', url: 'https://user:hunter2@127.0.0.1:9/shop?x=1' }));
  const api = store.createSite(newSite({ name: 'API', url: 'http://127.0.0.1:9/api' }));
  const paused = store.createSite(newSite({ name: 'Old', paused: true }));
  store.recordChecks([newCheck(shop.id, now - 120_000)]);

  const metrics = new UpbeatMetrics();
  // The first scrape starts the counters: checks recorded before it are history, not counted.
  let families = parsePrometheusText(await metrics.scrape(store, now, true));
  const shopLabels = { site_id: String(shop.id), site_name: 'Shop "EU" \\ main\nline', url: 'https://127.0.0.1:9/shop?x=1' };
  assert.equal(sampleOf(families, 'upbeat_site_up', shopLabels), 1);
  assert.throws(() => sampleOf(families, 'upbeat_checks_total', shopLabels));

  // API decides on one check (confirmAfter 1): its timeout opens the incident that upbeat_incidents_open counts.
  store.recordChecks([
    newCheck(shop.id, now - 60_000, { timings: timings(250), tlsExpiresAt: 1_900_000_000_000, tlsIssuer: 'Test CA', lagMs: 20 }),
    newCheck(api.id, now - 50_000, { timings: timings(40), lagMs: 2 }),
    newCheck(api.id, now - 40_000, { ok: false, statusCode: null, error: { kind: 'timeout', message: 'timed out' }, lagMs: 3 }),
    newCheck(api.id, now - 30_000, { ok: false, statusCode: null, error: { kind: 'refused', message: 'refused' }, lagMs: 4 }),
  ]);
  store.writeSelfReport({ pid: 1, startedAt: now - 60_000, reportedAt: now - 500, stoppedAt: null, stats: selfReportStats({ inFlight: 7, queued: 3, delayP99Ms: 250 }) });

  const text = await metrics.scrape(store, now, true);
  assert.ok(!text.includes('hunter2'), 'no password of a URL in any label');
  families = parsePrometheusText(text);
  const apiLabels = { site_id: String(api.id), site_name: 'API', url: 'http://127.0.0.1:9/api' };

  assert.equal(sampleOf(families, 'upbeat_site_up', apiLabels), 0);
  assert.equal(sampleOf(families, 'upbeat_site_state', { ...apiLabels, state: 'down' }), 1);
  assert.equal(sampleOf(families, 'upbeat_site_state', { ...apiLabels, state: 'up' }), 0);
  assert.equal(sampleOf(families, 'upbeat_site_state', { site_id: String(paused.id), state: 'paused' }), 1);
  assert.throws(() => sampleOf(families, 'upbeat_site_up', { site_id: String(paused.id) }), 'no up/down for a paused site');

  assert.equal(sampleOf(families, 'upbeat_checks_total', { ...shopLabels, result: 'up', error_kind: '' }), 1);
  assert.equal(sampleOf(families, 'upbeat_checks_total', { ...apiLabels, result: 'up', error_kind: '' }), 1);
  assert.equal(sampleOf(families, 'upbeat_checks_total', { ...apiLabels, result: 'down', error_kind: 'timeout' }), 1);
  assert.equal(sampleOf(families, 'upbeat_checks_total', { ...apiLabels, result: 'down', error_kind: 'refused' }), 1);

  assert.equal(sampleOf(families, 'upbeat_check_duration_seconds', { ...shopLabels, phase: 'total' }), 0.25);
  assert.equal(sampleOf(families, 'upbeat_check_duration_seconds', { ...shopLabels, phase: 'tls' }), 0.003);
  assert.equal(sampleOf(families, 'upbeat_tls_cert_expiry_timestamp_seconds', shopLabels), 1_900_000_000);
  assert.equal(sampleOf(families, 'upbeat_incidents_open', apiLabels), 1);
  assert.equal(sampleOf(families, 'upbeat_incidents_open', shopLabels), 0);

  assert.equal(sampleOf(families, 'upbeat_check_latency_seconds_count', shopLabels), 1);
  assert.equal(sampleOf(families, 'upbeat_check_latency_seconds_bucket', { ...shopLabels, le: '0.1' }), 0);
  assert.equal(sampleOf(families, 'upbeat_check_latency_seconds_bucket', { ...shopLabels, le: '0.25' }), 1);
  assert.equal(sampleOf(families, 'upbeat_checker_start_lag_seconds_count'), 4);
  assert.equal(sampleOf(families, 'upbeat_checker_start_lag_seconds_bucket', { le: '0.005' }), 3);
  assert.ok(Math.abs(sampleOf(families, 'upbeat_checker_start_lag_seconds_sum') - 0.029) < 1e-9);

  assert.equal(sampleOf(families, 'upbeat_checker_checks_in_flight'), 7);
  assert.equal(sampleOf(families, 'upbeat_checker_queue_length'), 3);
  assert.equal(sampleOf(families, 'upbeat_recorder_batch_delay_seconds'), 0.25);
  assert.equal(sampleOf(families, 'upbeat_checker_healthy'), 1);
  assert.ok(sampleOf(families, 'upbeat_database_size_bytes') > 4096);
  assert.equal(sampleOf(families, 'upbeat_notifications_pending'), 0);
  assert.equal(families.get('upbeat_checks_total')?.type, 'counter');
  assert.equal(families.get('upbeat_check_latency_seconds')?.type, 'histogram');

  // A deleted site's series go at the next scrape; counters already counted stay.
  store.deleteSite(api.id);
  families = parsePrometheusText(await metrics.scrape(store, now, true));
  assert.throws(() => sampleOf(families, 'upbeat_site_up', apiLabels));
  assert.equal(sampleOf(families, 'upbeat_checks_total', { ...shopLabels, result: 'up', error_kind: '' }), 1);
});

test('the strict parser refuses what Prometheus would refuse', () => {
  const bad = [
    'x 1\n', // no TYPE
    '# TYPE x gauge\nx{a="b} 1\n', // unterminated label
    '# TYPE x gauge\nx{a="\\q"} 1\n', // bad escape
    '# TYPE x gauge\nx one\n', // bad value
    '# TYPE x gauge\nx 1\nx 2\n', // duplicate series
    '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 0\n', // not cumulative
    '# TYPE x gauge\nx 1', // no final newline
  ];
  for (const text of bad) assert.throws(() => parsePrometheusText(text), Error, JSON.stringify(text));
  assert.equal(urlLabel('https://a:b@example.com/p'), 'https://example.com/p');
});
