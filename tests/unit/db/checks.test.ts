import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../helpers/temp-store';
import { newCheck, newSite } from '../../helpers/factories';

test('a check round-trips with its timings to the microsecond and its error', (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite());
  store.recordChecks([
    newCheck(s.id, 1000),
    newCheck(s.id, 2000, {
      ok: false,
      statusCode: null,
      error: { kind: 'timeout', message: 'no response within 5000 ms' },
      lagMs: 12.4,
      tlsExpiresAt: 1_900_000_000_000,
      tlsIssuer: 'Test CA',
    }),
  ]);
  const [latest, first] = store.listChecks(s.id, { limit: 10 });
  assert.equal(first!.timings.ttfbMs, 20.125);
  assert.equal(first!.timings.totalMs, 21.975);
  assert.equal(first!.error, null);
  assert.deepEqual(latest!.error, { kind: 'timeout', message: 'no response within 5000 ms' });
  assert.equal(latest!.statusCode, null);
  assert.equal(latest!.lagMs, 12);
  assert.equal(latest!.tlsExpiresAt, 1_900_000_000_000);
  assert.equal(latest!.tlsIssuer, 'Test CA');
  assert.equal(store.getSite(s.id)!.state, 'down');
  assert.equal(store.getSite(s.id)!.lastCheck!.error!.kind, 'timeout');
});

test('listChecks pages newest first with a before cursor', (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite());
  store.recordChecks(Array.from({ length: 25 }, (_, i) => newCheck(s.id, 1000 * (i + 1))));
  const page1 = store.listChecks(s.id, { limit: 10 });
  assert.deepEqual(
    page1.map((c) => c.checkedAt),
    Array.from({ length: 10 }, (_, i) => 25_000 - 1000 * i),
  );
  const page2 = store.listChecks(s.id, { limit: 10, before: page1.at(-1)!.checkedAt });
  assert.equal(page2[0]!.checkedAt, 15_000);
  const page3 = store.listChecks(s.id, { limit: 10, before: page2.at(-1)!.checkedAt });
  assert.equal(page3.length, 5);
  assert.equal(store.checksBetween(s.id, 3000, 6000).length, 3);
});

test('a late result does not overwrite the state set by a newer one', (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite());
  store.recordChecks([newCheck(s.id, 5000, { ok: true })]);
  store.recordChecks([newCheck(s.id, 4000, { ok: false, error: { kind: 'reset', message: 'reset' } })]);
  assert.equal(store.getSite(s.id)!.state, 'up');
  assert.equal(store.getSite(s.id)!.lastCheck!.checkedAt, 5000);
});

test('results for a deleted site are dropped quietly, the rest of the batch is written', (t) => {
  const store = tempStore(t);
  const a = store.createSite(newSite());
  const b = store.createSite(newSite());
  store.deleteSite(b.id);
  const outcome = store.recordChecks([newCheck(a.id, 1), newCheck(b.id, 1), newCheck(a.id, 2)]);
  assert.deepEqual(
    { recorded: outcome.recorded, dropped: outcome.dropped, transitioned: outcome.transitions.map((x) => x.siteId) },
    { recorded: 2, dropped: 1, transitioned: [a.id] },
  );
  assert.equal(store.countChecks(), 2);
});

test('deleting a site deletes its checks in the same statement', (t) => {
  const store = tempStore(t);
  const a = store.createSite(newSite());
  const b = store.createSite(newSite());
  store.recordChecks([newCheck(a.id, 1), newCheck(a.id, 2), newCheck(b.id, 3)]);
  assert.equal(store.deleteSite(a.id), true);
  assert.equal(store.countChecks(), 1);
  assert.equal(store.listChecks(a.id, { limit: 10 }).length, 0);
});

test('a paused site keeps the paused state when a result of an earlier check arrives', (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite());
  store.updateSite(s.id, { paused: true });
  store.recordChecks([newCheck(s.id, 10)]);
  assert.equal(store.getSite(s.id)!.state, 'paused');
  assert.equal(store.getSite(s.id)!.lastCheck!.checkedAt, 10);
});

test('what a check saw beyond its status (a DNS answer) is kept with it; checks without one read null', (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite());
  store.recordChecks([newCheck(s.id, 1000), newCheck(s.id, 2000, { detail: 'A 192.0.2.1, 192.0.2.2' })]);
  const [latest, first] = store.listChecks(s.id, { limit: 10 });
  assert.equal(latest!.detail, 'A 192.0.2.1, 192.0.2.2');
  assert.equal(first!.detail, null);
});
