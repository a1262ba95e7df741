import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type RollupRow, type Store } from '../../../db';
import { addMinutes, emptyRollup, newMinuteCounts } from '../../../db/rollups';
import { toMicros } from '../../../db/codes';
import { bucketOf, decodeCounts, encodeCounts, newCounts } from '../../../db/histogram';
import { TIER_MS, type RollupTier } from '../../../db/retention';
import type { NewCheck } from '../../../db/domain';
import { newCheck, newSite } from '../../helpers/factories';
import { tempDir, tempStore } from '../../helpers/temp-store';
import { openAppStore } from '../../../lib/store';

const NOW = 1_750_000_000_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TIERS: RollupTier[] = ['minute', 'hour', 'day'];

function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 4_294_967_296;
  };
}

/** A random check: mostly passing, a heavy tail of latency, phases that add up to the total. */
function randomCheck(rnd: () => number, siteId: number, checkedAt: number): NewCheck {
  const ok = rnd() > 0.1;
  const total = rnd() < 0.02 ? 2000 + rnd() * 20_000 : 5 + rnd() * 300 + rnd() * rnd() * 1000;
  const dns = total * 0.05;
  const connect = total * 0.1;
  const tls = total * 0.2;
  const ttfb = total * 0.6;
  return newCheck(siteId, checkedAt, {
    ok,
    statusCode: ok ? 200 : 503,
    error: ok ? null : { kind: 'status', message: 'HTTP 503' },
    timings: { dnsMs: dns, connectMs: connect, tlsMs: tls, ttfbMs: ttfb, transferMs: total - dns - connect - tls - ttfb, totalMs: total },
  });
}

/**
 * The rollups of one site recomputed from its raw rows, with nothing shared with the recorder but the bucket
 * function: what the stored rollups must equal.
 */
function recompute(store: Store, siteId: number, tier: RollupTier): RollupRow[] {
  const step = TIER_MS[tier];
  const byT = new Map<number, RollupRow & { counts: Float64Array }>();
  for (const c of store.checksBetween(siteId, 0, Number.MAX_SAFE_INTEGER)) {
    const t = Math.floor(c.checkedAt / step) * step;
    let r = byT.get(t);
    if (!r) {
      r = { ...emptyRollup(t), counts: newCounts() };
      byT.set(t, r);
    }
    r.checks++;
    if (!c.ok) continue;
    const us = toMicros(c.timings.totalMs);
    r.up++;
    r.latSumUs += us;
    r.latMinUs = r.latMinUs === null ? us : Math.min(r.latMinUs, us);
    r.latMaxUs = r.latMaxUs === null ? us : Math.max(r.latMaxUs, us);
    r.dnsSumUs += toMicros(c.timings.dnsMs);
    r.connectSumUs += toMicros(c.timings.connectMs);
    r.tlsSumUs += toMicros(c.timings.tlsMs);
    r.ttfbSumUs += toMicros(c.timings.ttfbMs);
    r.transferSumUs += toMicros(c.timings.transferMs);
    r.counts[bucketOf(us)]!++;
  }
  return [...byT.values()].sort((a, b) => a.t - b.t).map(({ counts, ...r }) => ({ ...r, hist: Uint8Array.from(counts) }));
}

/** Stored rollups in the same shape (histogram as dense counts, to compare by value). */
function stored(store: Store, siteId: number, tier: RollupTier): RollupRow[] {
  return store
    .rollupsBetween(siteId, tier, 0, Number.MAX_SAFE_INTEGER)
    .map((r) => ({ ...r, hist: Uint8Array.from(decodeCounts(r.hist)) }));
}

function assertRollupsMatchRaw(store: Store, siteIds: readonly number[]) {
  assert.ok(siteIds.length > 0, 'no sites to compare');
  for (const id of siteIds) {
    for (const tier of TIERS) {
      const expected = recompute(store, id, tier);
      assert.ok(expected.length > 0, `site ${id} has no checks to compare its ${tier} rollups with`);
      assert.deepEqual(stored(store, id, tier), expected, `site ${id}, ${tier} rollups`);
    }
    assertMinuteDetailMatchesRaw(store, id);
  }
}

/** Each hour rollup's minute detail (while it has one) holds exactly its minutes' checks, passes and latency. */
function assertMinuteDetailMatchesRaw(store: Store, siteId: number) {
  const expected = new Map<number, Float64Array>();
  for (const c of store.checksBetween(siteId, 0, Number.MAX_SAFE_INTEGER)) {
    const hour = Math.floor(c.checkedAt / HOUR) * HOUR;
    const m = expected.get(hour) ?? newMinuteCounts();
    expected.set(hour, m);
    const i = Math.floor((c.checkedAt - hour) / 60_000) * 3;
    m[i]!++;
    if (c.ok) {
      m[i + 1]!++;
      m[i + 2]! += toMicros(c.timings.totalMs);
    }
  }
  const rows = store.db
    .prepare<[number], { t: number; minutes: Buffer }>(`SELECT t, minutes FROM rollup_hour_minutes WHERE site_id = ?`)
    .all(siteId);
  assert.equal(rows.length, expected.size, `site ${siteId}: one row of minute detail an hour`);
  for (const r of rows) {
    const got = newMinuteCounts();
    addMinutes(got, r.minutes);
    assert.deepEqual(got, expected.get(r.t), `site ${siteId}, minutes of the hour at ${r.t}`);
  }
}

test('after random batches, every rollup equals a recomputation from the raw rows, and a deleted site has none', (t) => {
  const store = tempStore(t);
  const rnd = random(42);
  const sites = Array.from({ length: 6 }, (_, i) => store.createSite(newSite({ name: `s${i}` })).id);
  const doomed = sites[5]!;
  let dropped = 0;
  for (let b = 0; b < 40; b++) {
    if (b === 20) store.deleteSite(doomed);
    // Unordered times over three days, several checks of a site in one minute, sites mixed in a batch.
    const batch = Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => {
      const siteId = sites[Math.floor(rnd() * sites.length)]!;
      return randomCheck(rnd, siteId, NOW - Math.floor(rnd() * 3 * DAY));
    });
    const expectDropped = b >= 20 ? batch.filter((c) => c.siteId === doomed).length : 0;
    const outcome = store.recordChecks(batch);
    assert.equal(outcome.dropped, expectDropped);
    dropped += outcome.dropped;
  }
  assert.ok(dropped > 0, 'some results were for the deleted site');
  assertRollupsMatchRaw(store, sites.slice(0, 5));
  for (const tier of TIERS) assert.deepEqual(store.rollupsBetween(doomed, tier, 0, Number.MAX_SAFE_INTEGER), []);
  // Each tier holds every check exactly once.
  const counts = store.countRows();
  const total = (tier: RollupTier) =>
    sites.slice(0, 5).reduce((n, id) => n + stored(store, id, tier).reduce((a, r) => a + r.checks, 0), 0);
  for (const tier of TIERS) assert.equal(total(tier), counts.checks, tier);
});

test('a bucket without a passed check has counts but no latency', (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite());
  store.recordChecks([newCheck(s.id, NOW, { ok: false, statusCode: 500, error: { kind: 'status', message: 'HTTP 500' } })]);
  const [minute] = store.rollupsBetween(s.id, 'minute', 0, Number.MAX_SAFE_INTEGER);
  assert.equal(minute!.checks, 1);
  assert.equal(minute!.up, 0);
  assert.equal(minute!.latMinUs, null);
  assert.equal(minute!.latMaxUs, null);
  assert.equal(minute!.hist.length, 0);
  // A pass in the same minute later fills the latency in.
  store.recordChecks([newCheck(s.id, NOW + 1)]);
  const [again] = store.rollupsBetween(s.id, 'minute', 0, Number.MAX_SAFE_INTEGER);
  assert.equal(again!.latMinUs, 21_975);
  assert.equal(again!.latMaxUs, 21_975);
});

test('recordRollups merges whole buckets into what the recorder wrote, and drops unknown sites', (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite());
  const hour = Math.floor(NOW / HOUR) * HOUR;
  store.recordChecks([newCheck(s.id, hour + 5)]); // 21.975 ms
  const counts = newCounts();
  counts[bucketOf(500_000)] = 3;
  const written = store.recordRollups([
    {
      siteId: s.id,
      tier: 'hour',
      t: hour + 1234, // aligned down to the hour
      checks: 4,
      up: 3,
      latSumUs: 1_500_000,
      latMinUs: 400_000,
      latMaxUs: 600_000,
      dnsSumUs: 1,
      connectSumUs: 2,
      tlsSumUs: 3,
      ttfbSumUs: 4,
      transferSumUs: 5,
      hist: encodeCounts(counts),
    },
    { ...emptyRollup(hour), checks: 1, siteId: 999_999, tier: 'hour' },
  ]);
  assert.equal(written, 1);
  const [row] = store.rollupsBetween(s.id, 'hour', hour, hour + 1);
  assert.equal(row!.checks, 5);
  assert.equal(row!.up, 4);
  assert.equal(row!.latSumUs, 1_521_975);
  assert.equal(row!.latMinUs, 21_975);
  assert.equal(row!.latMaxUs, 600_000);
  const merged = decodeCounts(row!.hist);
  assert.equal(merged[bucketOf(500_000)], 3);
  assert.equal(merged[bucketOf(21_975)], 1);
  // The other tiers are not touched by a delta of one tier.
  assert.equal(store.rollupsBetween(s.id, 'day', 0, Number.MAX_SAFE_INTEGER)[0]!.checks, 1);
});


test('the certificate is stored once per site and certificate, and reads back on every check', (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite({ url: 'https://127.0.0.1/' }));
  const tls = { tlsExpiresAt: NOW + 90 * DAY, tlsIssuer: 'Example CA' };
  store.recordChecks(Array.from({ length: 100 }, (_, i) => newCheck(s.id, NOW + i * 60_000, tls)));
  store.recordChecks([newCheck(s.id, NOW + 200 * 60_000, { tlsExpiresAt: NOW + 180 * DAY, tlsIssuer: null })]);
  assert.equal(store.countRows().check_tls, 2);
  const checks = store.listChecks(s.id, { limit: 200 });
  assert.equal(checks.length, 101);
  assert.deepEqual([checks[0]!.tlsExpiresAt, checks[0]!.tlsIssuer], [NOW + 180 * DAY, null]);
  assert.ok(checks.slice(1).every((c) => c.tlsExpiresAt === NOW + 90 * DAY && c.tlsIssuer === 'Example CA'));
});

test('a database from before the rollups keeps its checks and gets their rollups when opened', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'upbeat.db');
  const migrations = path.join(import.meta.dirname, '../../../db/migrations');
  // The schema as it stood at version 2, written by hand, with rows the old way (certificate inline).
  const old = new Database(file);
  for (const name of fs.readdirSync(migrations).filter((f) => /^000[12]_/.test(f)).sort()) {
    old.exec(fs.readFileSync(path.join(migrations, name), 'utf8'));
  }
  old.pragma('user_version = 2');
  old.prepare(`INSERT INTO sites (id, name, url, interval_s, timeout_ms, created_at, updated_at) VALUES (1, 'old', 'https://x/', 60, 1000, 0, 0)`).run();
  const insert = old.prepare(
    `INSERT INTO checks (site_id, checked_at, ok, status_code, error_kind, error_message, dns_us, connect_us, tls_us,
       ttfb_us, transfer_us, total_us, lag_ms, tls_expires_at, tls_issuer)
     VALUES (1, ?, ?, ?, ?, ?, 100, 200, 300, ?, 50, ?, 3, ?, ?)`,
  );
  const rnd = random(7);
  old.transaction(() => {
    for (let i = 0; i < 30_000; i++) {
      const ok = rnd() > 0.05;
      const total = 1000 + Math.floor(rnd() * 400_000);
      const expires = NOW + (i < 100 ? 2 : 1) * DAY;
      insert.run(NOW - i * 7_000, ok ? 1 : 0, ok ? 200 : 503, ok ? null : 6, ok ? null : 'HTTP 503', total - 650, total, expires, i % 2 ? 'CA' : null);
    }
  })();
  old.prepare(`UPDATE sites SET last_check_id = 1, state = 'up'`).run();
  old.close();

  const store = openAppStore(file);
  t.after(() => store.close());
  assert.equal(store.countChecks(), 30_000); // more than one backfill chunk
  assert.equal(store.countRows().check_tls, 4);
  const newest = store.listChecks(1, { limit: 1 })[0]!;
  assert.equal(newest.checkedAt, NOW);
  assert.equal(newest.tlsExpiresAt, NOW + 2 * DAY);
  assert.equal(newest.tlsIssuer, null);
  assert.equal(newest.lagMs, 3);
  assert.equal(store.getSite(1)!.lastCheck!.checkedAt, NOW);
  assertRollupsMatchRaw(store, [1]);
  // Done once: opening again adds nothing.
  store.close();
  const again = openAppStore(file);
  t.after(() => again.close());
  assertRollupsMatchRaw(again, [1]);
  assert.equal((again.db.prepare(`SELECT count(*) AS n FROM meta WHERE key = 'rollup_backfill_below'`).get() as { n: number }).n, 0);
});
