import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../db';
import { PushWatchdog } from '../../../lib/monitor/push-watchdog';
import { hashPushToken, receivePing, rotatePushToken } from '../../../lib/push';
import { FakeClock } from '../../helpers/fake-clock';
import { newSite } from '../../helpers/factories';
import { tempStore } from '../../helpers/temp-store';

const START = 1_700_000_000_000;

/** A push site every 60 s with 30 s grace, created at START, its token, and a watchdog on a fake clock. */
function setUp(t: Parameters<typeof tempStore>[0]) {
  const store = tempStore(t);
  const clock = new FakeClock(START);
  const site = store.createSite(
    newSite({ kind: 'push', url: 'push:', name: 'Nightly backup', intervalSeconds: 60, pushGraceSeconds: 30 }),
    START,
  );
  const token = rotatePushToken(store, site.id);
  const watchdog = new PushWatchdog({
    read: () => store.listPushWatches(),
    record: (check) => store.recordChecks([check]),
    clock,
  });
  watchdog.start();
  t.after(() => watchdog.stop());
  return { store, clock, site, token };
}

function stateOf(store: Store, id: number) {
  return store.getSite(id)?.state;
}

test('pings on time keep a push site up, each one recorded as a check', async (t) => {
  const { store, clock, site, token } = setUp(t);
  for (let i = 0; i < 5; i++) {
    await clock.advance(55_000);
    assert.equal(receivePing(store, token, {}, clock.now()), true);
  }
  await clock.advance(55_000);
  assert.equal(stateOf(store, site.id), 'up');
  const checks = store.listChecks(site.id, { limit: 100 });
  assert.equal(checks.length, 5);
  assert.ok(checks.every((c) => c.ok));
});

test('a missed ping turns it down within interval + grace, and again each interval it stays silent', async (t) => {
  const { store, clock, site, token } = setUp(t);
  await clock.advance(10_000);
  receivePing(store, token, {}, clock.now());
  const pingedAt = clock.now();
  // Due at ping + 60 s + 30 s grace: nothing before, a failure within the watchdog's second after.
  await clock.advance(89_000);
  assert.equal(stateOf(store, site.id), 'up');
  await clock.advance(2_000);
  assert.equal(stateOf(store, site.id), 'down');
  const [failed] = store.listChecks(site.id, { limit: 1 });
  assert.equal(failed?.error?.kind, 'push');
  assert.equal(failed?.error?.message, `no ping since ${new Date(pingedAt).toISOString()}`);
  assert.ok((failed?.checkedAt ?? 0) - pingedAt <= 91_000);

  await clock.advance(60_000);
  assert.equal(store.listChecks(site.id, { limit: 100 }).filter((c) => !c.ok).length, 2);

  receivePing(store, token, {}, clock.now());
  assert.equal(stateOf(store, site.id), 'up');
});

test('a new push site with no ping at all goes down after interval + grace', async (t) => {
  const { store, clock, site } = setUp(t);
  await clock.advance(91_000);
  assert.equal(stateOf(store, site.id), 'down');
  assert.match(store.listChecks(site.id, { limit: 1 })[0]?.error?.message ?? '', /^no ping since the site was set up/);
});

test('a ping with status=down turns it down with its message', (t) => {
  const { store, clock, site, token } = setUp(t);
  assert.equal(receivePing(store, token, { status: 'down', msg: 'disk full\non /var' }, clock.now()), true);
  assert.equal(stateOf(store, site.id), 'down');
  const [check] = store.listChecks(site.id, { limit: 1 });
  assert.deepEqual(check?.error, { kind: 'push', message: 'the ping reported down: disk full on /var' });
});

test('a wrong token records nothing; a rotated token replaces the old one; only the hash is stored', (t) => {
  const { store, clock, site, token } = setUp(t);
  const before = store.countChecks();
  assert.equal(receivePing(store, 'x'.repeat(32), {}, clock.now()), false);
  assert.equal(receivePing(store, '../../etc', {}, clock.now()), false);
  assert.equal(store.countChecks(), before);

  const stored = store.db.prepare('SELECT push_token_hash AS h FROM sites WHERE id = ?').get(site.id) as { h: string };
  assert.equal(stored.h, hashPushToken(token));
  assert.ok(!JSON.stringify(store.db.prepare('SELECT * FROM sites').all()).includes(token));

  const next = rotatePushToken(store, site.id);
  assert.equal(receivePing(store, token, {}, clock.now()), false);
  assert.equal(receivePing(store, next, {}, clock.now()), true);
});
