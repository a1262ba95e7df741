import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../../lib/errors';
import { renderBadge, textWidth } from '../../../lib/status/badge-svg';
import { endpointJson, formatPercent, parseBadgeRequest, readBadge } from '../../../lib/status/badges';
import { newCheck, newSite } from '../../helpers/factories';
import { tempStore } from '../../helpers/temp-store';

const HOUR = 3_600_000;

function q(query: string) {
  return new URLSearchParams(query);
}

test('a site serves no badge until its owner turns badges on, and none after turning them off', (t) => {
  const store = tempStore(t);
  const site = store.createSite(newSite());
  const req = parseBadgeRequest(String(site.id), 'status.svg', q(''));
  assert.equal(store.areBadgesEnabled(site.id), false);
  assert.throws(() => readBadge(store, req, Date.now()), (e) => e instanceof AppError && e.code === 'not_found');
  assert.equal(store.setBadgesEnabled(site.id, true), true);
  assert.equal(readBadge(store, req, Date.now()).label, 'status');
  store.setBadgesEnabled(site.id, false);
  assert.throws(() => readBadge(store, req, Date.now()), (e) => e instanceof AppError && e.code === 'not_found');
  assert.equal(store.areBadgesEnabled(site.id + 100), undefined);
  assert.equal(store.setBadgesEnabled(site.id + 100, true), false);
});

test('status, uptime and latency badges say what the recorded checks say', (t) => {
  const store = tempStore(t);
  const site = store.createSite(newSite());
  store.setBadgesEnabled(site.id, true);
  const now = Date.now();
  // 3 passes of 100, 200 and 300 ms, then one failure: 75 % up, and the site is down.
  const timings = (ms: number) => ({ dnsMs: 0, connectMs: 0, tlsMs: 0, ttfbMs: ms, transferMs: 0, totalMs: ms });
  store.recordChecks([
    newCheck(site.id, now - 3 * HOUR, { timings: timings(100) }),
    newCheck(site.id, now - 2 * HOUR, { timings: timings(200) }),
    newCheck(site.id, now - HOUR, { timings: timings(300) }),
    newCheck(site.id, now - 60_000, { ok: false, statusCode: 500, error: { kind: 'status', message: 'HTTP 500' } }),
  ]);
  const badge = (file: string, query = '') => readBadge(store, parseBadgeRequest(String(site.id), file, q(query)), now);

  assert.deepEqual(badge('status.svg'), { label: 'status', message: 'down', color: '#e05d44' });
  assert.deepEqual(badge('uptime.svg', 'window=24h'), { label: 'uptime 24h', message: '75.0%', color: '#e05d44' });
  assert.equal(badge('latency.svg', 'window=24h&stat=avg').message, '200 ms');
  assert.equal(badge('latency.svg', 'window=24h&stat=p95').message, '300 ms');
  assert.equal(badge('latency.svg', 'window=7d&stat=p50&label=speed').label, 'speed');
  const p50 = Number.parseInt(badge('latency.svg', 'stat=p50').message, 10);
  assert.ok(Math.abs(p50 - 200) <= 200 * 0.04, `p50 ${p50} within the histogram's error of 200`);
});

test('bad badge parameters answer 400 naming the field; unknown badges 404', () => {
  const fieldOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof AppError);
      return e.code === 'validation' ? Object.keys(e.fields ?? {})[0] : e.code;
    }
    return 'no error';
  };
  assert.equal(fieldOf(() => parseBadgeRequest('1', 'uptime.svg', q('window=1y'))), 'window');
  assert.equal(fieldOf(() => parseBadgeRequest('1', 'latency.svg', q('stat=p99'))), 'stat');
  assert.equal(fieldOf(() => parseBadgeRequest('1', 'status.svg', q('style=plastic'))), 'style');
  assert.equal(fieldOf(() => parseBadgeRequest('1', 'status.svg', q(`label=${'x'.repeat(41)}`))), 'label');
  assert.equal(fieldOf(() => parseBadgeRequest('1', 'status.png', q(''))), 'not_found');
  assert.equal(fieldOf(() => parseBadgeRequest('0x1', 'status.svg', q(''))), 'not_found');
});

test('the SVG escapes its text and grows with it; flat-square has no rounded corners', () => {
  const svg = renderBadge({ label: '<script>&"', message: 'up', color: '#44cc11' });
  assert.ok(!svg.includes('<script>'));
  assert.ok(svg.includes('&#60;script&#62;&#38;&#34;'));
  assert.ok(svg.includes('rx="3"'));
  assert.ok(!renderBadge({ label: 'a', message: 'b', color: '#000000' }, 'flat-square').includes('rx='));
  assert.ok(textWidth('uptime 30d') > textWidth('up'));
  const width = (s: string) => Number(/width="(\d+)"/.exec(s)?.[1]);
  assert.ok(width(renderBadge({ label: 'status', message: 'operational', color: '#000' })) > width(renderBadge({ label: 'status', message: 'up', color: '#000' })));
});

test('percentages never round a failure up to 100 %, and the endpoint JSON follows the shields schema', () => {
  assert.equal(formatPercent(100), '100%');
  assert.equal(formatPercent(99.999), '99.99%');
  assert.equal(formatPercent(42.06), '42.0%');
  assert.deepEqual(endpointJson({ label: 'status', message: 'up', color: '#44cc11' }, 'flat'), {
    schemaVersion: 1,
    label: 'status',
    message: 'up',
    color: '44cc11',
    style: 'flat',
  });
});
