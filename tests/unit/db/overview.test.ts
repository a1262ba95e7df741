import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../db';
import { SPARK_BUCKETS, SPARK_BUCKET_MS } from '../../../db/overview';
import type { NewCheck } from '../../../db/domain';
import { createChangeFeed, type ChangeEvent } from '../../../lib/events';
import { eventually } from '../../helpers/eventually';
import { tempStore } from '../../helpers/temp-store';

const site = (name: string, extra: { paused?: boolean } = {}) => ({
  name,
  url: `http://127.0.0.1:9/${name}`,
  method: 'GET' as const,
  intervalSeconds: 60,
  timeoutMs: 5000,
  expectedStatus: '200-399',
  followRedirects: true,
  headers: {},
  paused: extra.paused ?? false,
  confirmAfter: 1,
});

const NOW = 1_700_000_000_000;
const MIN = 60_000;

function check(siteId: number, checkedAt: number, ok: boolean, totalMs = 10): NewCheck {
  return {
    siteId,
    checkedAt,
    ok,
    statusCode: ok ? 200 : 500,
    timings: { dnsMs: 0, connectMs: 1, tlsMs: 0, ttfbMs: totalMs - 1, transferMs: 0, totalMs },
    error: ok ? null : { kind: 'status', message: 'HTTP 500' },
    lagMs: 0,
    tlsExpiresAt: null,
    tlsIssuer: null,
  };
}

function seed(store: Store) {
  const a = store.createSite(site('a'), NOW - 2 * 86_400_000);
  const b = store.createSite(site('b'), NOW - 2 * 86_400_000);
  const c = store.createSite(site('c', { paused: true }), NOW - 2 * 86_400_000);
  return { a: a.id, b: b.id, c: c.id };
}

test('an empty database has an empty overview', (t) => {
  const store = tempStore(t);
  assert.deepEqual(store.overview({ now: NOW }), []);
});

test('a site without checks is pending, with no uptime and an empty sparkline', (t) => {
  const store = tempStore(t);
  const { a, c } = seed(store);
  const rows = store.overview({ now: NOW });
  assert.equal(rows.length, 3);
  const first = rows.find((r) => r.id === a)!;
  assert.equal(first.state, 'pending');
  assert.equal(first.lastCheck, null);
  assert.equal(first.uptime24h, null);
  assert.equal(first.checks24h, 0);
  assert.deepEqual(first.spark, []);
  assert.equal(rows.find((r) => r.id === c)!.state, 'paused');
});

test('uptime counts only the last 24 h of checks', (t) => {
  const store = tempStore(t);
  const { a, b } = seed(store);
  store.recordChecks([
    check(a, NOW - 25 * 3_600_000, false), // older than a day: ignored
    check(a, NOW - 3 * 3_600_000, true),
    check(a, NOW - 2 * 3_600_000, false),
    check(a, NOW - 1 * 3_600_000, true),
    check(a, NOW - 1000, true),
    check(b, NOW - 1000, false),
  ]);
  const rows = store.overview({ now: NOW });
  const ra = rows.find((r) => r.id === a)!;
  assert.equal(ra.checks24h, 4);
  assert.equal(ra.uptime24h, 0.75);
  assert.equal(ra.state, 'up');
  assert.equal(ra.lastCheck?.checkedAt, NOW - 1000);
  const rb = rows.find((r) => r.id === b)!;
  assert.equal(rb.uptime24h, 0);
  assert.equal(rb.state, 'down');
  assert.equal(rb.lastCheck?.statusCode, 500);
  assert.deepEqual(rb.lastCheck?.error, { kind: 'status', message: 'HTTP 500' });
});

test("the overview's 24 h uptime is the site page's 24 h window, read from the same rollups", (t) => {
  const store = tempStore(t);
  const { a, b } = seed(store);
  let x = 99;
  const rnd = () => ((x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0) / 4_294_967_296);
  const batch: NewCheck[] = [];
  for (let i = 0; i < 2000; i++) batch.push(check(rnd() < 0.5 ? a : b, NOW - Math.floor(rnd() * 26 * 3_600_000), rnd() > 0.1));
  store.recordChecks(batch);
  for (let step = 0; step < 90; step++) {
    const now = NOW + step * 41_000; // across a whole hour, both ways of reading the window's edge
    const rows = store.overview({ now });
    assert.equal(rows.length, 3);
    for (const row of rows) {
      const day = store.uptimeWindows(row.id, now)['24h'];
      assert.equal(row.checks24h, day.checks);
      assert.equal(row.uptime24h, day.checks === 0 ? null : day.up / day.checks);
    }
  }
});

test('the sparkline has one point per whole minute of the last hour, oldest first', (t) => {
  const store = tempStore(t);
  const { a } = seed(store);
  const minute = Math.floor(NOW / MIN) * MIN;
  store.recordChecks([
    check(a, minute - SPARK_BUCKETS * MIN, true, 999), // just before the window: ignored
    check(a, minute - 10 * MIN + 1000, true, 10),
    check(a, minute - 10 * MIN + 30_000, true, 30), // same minute: averaged
    check(a, minute - 5 * MIN, false, 5000), // failed: no latency, marked not ok
    check(a, minute + 100, true, 20), // the current, unfinished minute counts
  ]);
  const row = store.overview({ now: NOW }).find((r) => r.id === a)!;
  const first = minute - (SPARK_BUCKETS - 1) * MIN;
  assert.equal(row.sparkFrom, first);
  const at = (t: number) => (t - first) / MIN;
  assert.deepEqual(row.spark, [
    [at(minute - 10 * MIN), 20, 1],
    [at(minute - 5 * MIN), null, 0],
    [at(minute), 20, 1],
  ]);
  // The window's first minute is included, the one before it is not.
  store.recordChecks([check(a, first, true, 7)]);
  const again = store.overview({ now: NOW }).find((r) => r.id === a)!.spark;
  assert.deepEqual(again[0], [0, 7, 1]);
  assert.ok(again.length <= SPARK_BUCKETS);
  assert.equal(SPARK_BUCKET_MS, MIN);
});

test('a minute mixing passes and failures averages the passes and is marked not ok', (t) => {
  const store = tempStore(t);
  const { a } = seed(store);
  const minute = Math.floor(NOW / MIN) * MIN;
  store.recordChecks([check(a, minute + 1, true, 40), check(a, minute + 2, false, 9000)]);
  assert.deepEqual(store.overview({ now: NOW })[0]!.spark, [[SPARK_BUCKETS - 1, 40, 0]]);
});

test('asking for some ids returns exactly those sites, and an empty list returns none', (t) => {
  const store = tempStore(t);
  const { a, b, c } = seed(store);
  store.recordChecks([check(b, NOW - 1000, true)]);
  assert.deepEqual(
    store.overview({ now: NOW, ids: [c, b] }).map((r) => r.id),
    [b, c],
  );
  assert.deepEqual(store.overview({ now: NOW, ids: [] }), []);
  assert.deepEqual(store.overview({ now: NOW, ids: [999] }), []);
  // The full overview and the filtered one agree on a site.
  const full = store.overview({ now: NOW }).find((r) => r.id === b);
  assert.deepEqual(store.overview({ now: NOW, ids: [b] })[0], full);
  assert.ok(store.overview({ now: NOW }).some((r) => r.id === a));
});

test('checkedSince names each site with new results once and moves the cursor', (t) => {
  const store = tempStore(t);
  const { a, b } = seed(store);
  const start = store.checkedSince(0);
  assert.deepEqual(start, { latestId: 0, siteIds: [] });
  store.recordChecks([check(b, NOW, true), check(a, NOW, true), check(b, NOW + 1, false)]);
  const next = store.checkedSince(start.latestId);
  assert.deepEqual(next.siteIds, [a, b]);
  assert.equal(next.latestId, store.latestCheckId());
  assert.deepEqual(store.checkedSince(next.latestId), { latestId: next.latestId, siteIds: [] });
  store.recordChecks([check(a, NOW + 2, true)]);
  assert.deepEqual(store.checkedSince(next.latestId).siteIds, [a]);
});

// How fast it reads them is measured by `npm run bench:history` (the overview verb at 1,000 sites), not here.
test('the overview reads 1,000 sites with an hour of 60 s checks each, every row whole', (t) => {
  const store = tempStore(t);
  const ids: number[] = [];
  store.db.transaction(() => {
    for (let i = 0; i < 1000; i++) ids.push(store.createSite(site(`s${i}`), NOW - 3_600_000).id);
  })();
  const batch: NewCheck[] = [];
  for (const id of ids) {
    for (let k = 0; k < 60; k++) batch.push(check(id, NOW - 3_600_000 + k * MIN + (id % 60) * 1000, k % 17 !== 0, 5 + (k % 7)));
  }
  store.recordChecks(batch);
  const rows = store.overview({ now: NOW });
  assert.equal(rows.length, 1000);
  assert.ok(rows.every((r) => r.checks24h === 60 && r.spark.length >= 59 && r.spark.length <= SPARK_BUCKETS));
});

test('the change feed reads changes from the database, and polls only while someone listens', async (t) => {
  const store = tempStore(t);
  const { a, b } = seed(store);
  let reads = 0;
  const feed = createChangeFeed(
    {
      checkedSince: (afterId) => {
        reads++;
        return store.checkedSince(afterId);
      },
      latestCheckId: () => store.latestCheckId(),
      sitesRevision: () => store.sitesRevision(),
    },
    { pollMs: 10 },
  );
  // A second feed on the same timer, always listened to: each of its polls is a chance the first had to poll.
  let witnessReads = 0;
  const witness = createChangeFeed(
    {
      checkedSince: (afterId) => (witnessReads++, store.checkedSince(afterId)),
      latestCheckId: () => store.latestCheckId(),
      sitesRevision: () => store.sitesRevision(),
    },
    { pollMs: 10 },
  );
  const stopWitness = witness.subscribe(() => {});
  t.after(stopWitness);
  const witnessPolls = async (n: number) => {
    const from = witnessReads;
    await eventually(`${n} polls of the witness`, () => witnessReads >= from + n, 2000);
  };
  await witnessPolls(3);
  assert.equal(reads, 0, 'no listener, no polling');

  const got: ChangeEvent[] = [];
  const stop = feed.subscribe((e) => got.push(e));
  const second: ChangeEvent[] = [];
  const stopSecond = feed.subscribe((e) => second.push(e));
  // Written straight to the file, as a checker in another process would.
  store.recordChecks([check(b, NOW, true), check(a, NOW, false)]);
  await eventually('the checks to be heard', () => got.length > 0 && second.length > 0, 2000);
  assert.deepEqual(got, [{ type: 'checks', siteIds: [a, b] }]);
  assert.deepEqual(second, got, 'every listener hears each change once');

  store.updateSite(a, { name: 'renamed' });
  await eventually('the edit to be heard', () => got.length > 1, 2000);
  assert.equal(got.at(-1)?.type, 'sites');
  assert.equal(got.length, 2);

  stop();
  stopSecond();
  stopSecond(); // twice is harmless
  assert.equal(feed.listenerCount, 0);
  const before = reads;
  await witnessPolls(3);
  assert.equal(reads, before, 'the last listener leaving stops the polling');
});
