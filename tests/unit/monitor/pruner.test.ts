import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../db';
import { startPruner } from '../../../lib/monitor/pruner';
import {
  DEFAULT_RETENTION,
  MINUTE_DETAIL_HOURS,
  TIER_MS,
  cutoffOf,
  type Retention,
  type RollupTier,
} from '../../../db/retention';
import { newCheck, newSite } from '../../helpers/factories';
import { eventually } from '../../helpers/eventually';
import { tempStore } from '../../helpers/temp-store';

const NOW = 1_750_000_123_456; // not on any bucket edge
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIERS: RollupTier[] = ['minute', 'hour', 'day'];

function delta(siteId: number, tier: RollupTier, t: number) {
  return {
    siteId,
    tier,
    t,
    checks: 1,
    up: 1,
    latSumUs: 1000,
    latMinUs: 1000,
    latMaxUs: 1000,
    dnsSumUs: 0,
    connectSumUs: 0,
    tlsSumUs: 0,
    ttfbSumUs: 1000,
    transferSumUs: 0,
    hist: new Uint8Array([60, 1]),
  };
}

const rawTimes = (store: Store, siteId: number) => store.checksBetween(siteId, 0, Number.MAX_SAFE_INTEGER).map((c) => c.checkedAt);
const rollupTimes = (store: Store, siteId: number, tier: RollupTier) =>
  store.rollupsBetween(siteId, tier, 0, Number.MAX_SAFE_INTEGER).map((r) => r.t);

async function prune(store: Store, retention: Retention, now: number, batchRows = 2000) {
  const pruner = startPruner({ store, retention, now: () => now, everyMs: 0, batchRows });
  const pass = await pruner.runOnce();
  await pruner.stop();
  return pass;
}

test('pruning keeps exactly what retention says: the boundary row stays, the one before it goes', async (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite({ url: 'https://127.0.0.1/' }));
  const raw = cutoffOf(DEFAULT_RETENTION, 'raw', NOW);
  assert.equal(raw, NOW - 7 * DAY);
  const cert = { tlsExpiresAt: NOW + 60 * DAY, tlsIssuer: 'Old CA' };
  store.recordChecks([
    newCheck(s.id, raw - 1, cert),
    newCheck(s.id, raw),
    newCheck(s.id, raw + 1),
    newCheck(s.id, NOW - 1000, { tlsExpiresAt: NOW + 90 * DAY, tlsIssuer: 'New CA' }),
  ]);
  // Rollup buckets on each side of each tier's cutoff.
  for (const tier of TIERS) {
    const cut = cutoffOf(DEFAULT_RETENTION, tier, NOW);
    assert.equal(cut % TIER_MS[tier], 0);
    store.recordRollups([delta(s.id, tier, cut - TIER_MS[tier]), delta(s.id, tier, cut)]);
  }
  const before = Object.fromEntries(TIERS.map((tier) => [tier, rollupTimes(store, s.id, tier)]));

  const pass = await prune(store, DEFAULT_RETENTION, NOW);

  assert.deepEqual(rawTimes(store, s.id), [raw, raw + 1, NOW - 1000]);
  for (const tier of TIERS) {
    const cut = cutoffOf(DEFAULT_RETENTION, tier, NOW);
    const kept = rollupTimes(store, s.id, tier);
    assert.deepEqual(kept, before[tier]!.filter((t) => t >= cut), `${tier}: every bucket from the cutoff on, no other`);
    assert.equal(kept[0], cut, `${tier}: the bucket holding now − retention is kept`);
  }
  assert.equal(pass.deleted.raw, 1);
  // A second pass finds nothing.
  const again = await prune(store, DEFAULT_RETENTION, NOW);
  assert.deepEqual(again.deleted, { raw: 0, minute: 0, hour: 0, day: 0, tls: 0, detail: 0 });
  // The old certificate was used only by the deleted check. Its entry's seen_at is that check's time rounded up
  // to the hour (one write per hour of checks), so it goes once the raw cutoff passes that.
  assert.deepEqual(
    store.listChecks(s.id, { limit: 10 }).map((c) => c.tlsIssuer),
    ['New CA', null, null],
  );
  assert.equal(store.countRows().check_tls, 2);
  const later = await prune(store, DEFAULT_RETENTION, NOW + HOUR);
  assert.equal(later.deleted.tls, 1);
  assert.equal(store.countRows().check_tls, 1);
  assert.equal(store.listChecks(s.id, { limit: 1 })[0]!.tlsIssuer, 'New CA');
});

test("a site's newest check (and its certificate) survives pruning however old, so its state stays right", async (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite({ url: 'https://127.0.0.1/' }));
  const old = NOW - 30 * DAY;
  store.recordChecks([
    newCheck(s.id, old - 2 * MINUTE),
    newCheck(s.id, old, { tlsExpiresAt: NOW + DAY, tlsIssuer: 'Kept CA' }),
  ]);
  store.updateSite(s.id, { paused: true });
  await prune(store, DEFAULT_RETENTION, NOW);
  assert.deepEqual(rawTimes(store, s.id), [old]);
  assert.equal(store.getSite(s.id)!.lastCheck!.checkedAt, old);
  assert.equal(store.listChecks(s.id, { limit: 1 })[0]!.tlsIssuer, 'Kept CA');
  // Resumed and checked again: the state follows the new result.
  store.updateSite(s.id, { paused: false });
  store.recordChecks([newCheck(s.id, NOW, { ok: false, statusCode: 500, error: { kind: 'status', message: 'HTTP 500' } })]);
  assert.equal(store.getSite(s.id)!.state, 'down');
  await prune(store, DEFAULT_RETENTION, NOW);
  assert.deepEqual(rawTimes(store, s.id), [NOW], 'the old check goes once it is no longer the newest');
});

test('a backlog is deleted in batches of the given size, with the event loop free between them', async (t) => {
  const store = tempStore(t);
  const sites = [store.createSite(newSite()).id, store.createSite(newSite()).id];
  const old = NOW - 10 * DAY;
  store.recordChecks(sites.flatMap((id) => Array.from({ length: 500 }, (_, i) => newCheck(id, old + i * MINUTE))));
  store.recordChecks(sites.map((id) => newCheck(id, NOW)));
  // Something else wants the loop while the pass runs: it must get turns between batches.
  let turns = 0;
  let spinning = true;
  const spin = () => {
    turns++;
    if (spinning) setImmediate(spin);
  };
  setImmediate(spin);
  const pass = await prune(store, DEFAULT_RETENTION, NOW, 100);
  spinning = false;
  assert.equal(pass.deleted.raw, 1000);
  assert.ok(pass.batches >= 10, `${pass.batches} batches`);
  assert.ok(turns >= 10, `the loop turned ${turns} times during the pass`);
  assert.equal(store.countChecks(), 2);
  // Minute rollups of ten days ago are past their 48 h too; hour and day rollups are kept.
  for (const id of sites) {
    assert.deepEqual(rollupTimes(store, id, 'minute'), [Math.floor(NOW / MINUTE) * MINUTE]);
    assert.ok(rollupTimes(store, id, 'hour').length > 1);
  }
});

test('the minute detail of hours is kept for the last day only; the hour rollups stay', async (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite());
  store.recordChecks(Array.from({ length: 3 * 24 * 12 }, (_, i) => newCheck(s.id, NOW - i * 5 * MINUTE)));
  const detail = () =>
    store.db.prepare<[number], { t: number }>(`SELECT t FROM rollup_hour_minutes WHERE site_id = ? ORDER BY t`).all(s.id).map((r) => r.t);
  const hours = rollupTimes(store, s.id, 'hour');
  assert.deepEqual(detail(), hours, 'every hour written by the recorder has its detail');
  const pass = await prune(store, DEFAULT_RETENTION, NOW);
  const keepFrom = Math.floor(NOW / HOUR) * HOUR - MINUTE_DETAIL_HOURS * HOUR;
  assert.deepEqual(detail(), hours.filter((h) => h >= keepFrom));
  assert.equal(detail().length, MINUTE_DETAIL_HOURS + 1);
  assert.equal(pass.deleted.detail, hours.length - MINUTE_DETAIL_HOURS - 1);
  assert.deepEqual(rollupTimes(store, s.id, 'hour'), hours);
});

test('a failing pass is counted and retried on the next tick, and stop() ends the timer', async () => {
  let calls = 0;
  const store = {
    pruneChecks: () => {
      calls++;
      if (calls === 1) throw new Error('database is locked');
      return 0;
    },
    pruneRollups: () => 0,
    pruneTlsEntries: () => 0,
    pruneMinuteDetail: () => 0,
  };
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    const pruner = startPruner({ store, retention: DEFAULT_RETENTION, everyMs: 20, firstAfterMs: 0 });
    await eventually('a pass after the failed one', () => calls >= 2, 2000);
    await pruner.stop();
    const stats = pruner.stats();
    assert.equal(stats.failed, 1);
    assert.ok(stats.passes >= 1);
    const after = calls;
    // A witness on the same timer: three passes of it are three chances for the stopped one to run.
    let witnessCalls = 0;
    const witness = startPruner({
      store: { ...store, pruneChecks: () => (witnessCalls++, 0) },
      retention: DEFAULT_RETENTION,
      everyMs: 20,
      firstAfterMs: 0,
    });
    await eventually('three passes of the witness', () => witnessCalls >= 3, 2000);
    await witness.stop();
    assert.equal(calls, after, 'no pass after stop');
  } finally {
    console.error = original;
  }
  assert.equal(errors.length, 1);
});
