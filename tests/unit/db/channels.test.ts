import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFailing } from '../../../lib/channels';
import { addSites, addWebhookChannel, transitionRows } from '../../helpers/alert-rows';
import { tempStore } from '../../helpers/temp-store';

test('channel health: the last attempt, failures since the last delivery, messages waiting', (t) => {
  const store = tempStore(t);
  const a = addWebhookChannel(store, 'http://127.0.0.1:9/a', 'A');
  const b = addWebhookChannel(store, 'http://127.0.0.1:9/b', 'B');
  const [siteId] = addSites(store, 1, { ok: false });
  store.enqueueOutbox(transitionRows(store, siteId!, [a, b], 'down', 1000));
  const [rowA] = store.listOutbox();
  const attempt = (outcome: 'delivered' | 'retry' | 'failed', at: number, channelId = a) =>
    store.recordAttempt({ outboxId: null, channelId, at, durationMs: 5, outcome, statusCode: 500, error: 'HTTP 500' });

  assert.equal(store.channelHealth().get(a)?.lastOutcome, null, 'never tried');
  assert.equal(store.channelHealth().get(a)?.pending, 1);
  attempt('retry', 2000);
  attempt('delivered', 3000);
  attempt('retry', 4000);
  attempt('retry', 5000);
  let health = store.channelHealth().get(a)!;
  assert.equal(health.failuresInARow, 2);
  assert.equal(isFailing(health), false);
  attempt('failed', 6000);
  health = store.channelHealth().get(a)!;
  assert.deepEqual([health.lastAttemptAt, health.lastOutcome, health.failuresInARow], [6000, 'failed', 3]);
  assert.equal(isFailing(health), true, 'three in a row without a delivery');
  assert.equal(store.channelHealth().get(b)?.failuresInARow, 0, 'the other channel is unaffected');

  store.recordAttempt(
    { outboxId: rowA!.id, channelId: a, at: 7000, durationMs: 5, outcome: 'delivered', statusCode: 200, error: null },
    { status: 'delivered' },
  );
  health = store.channelHealth().get(a)!;
  assert.deepEqual([health.failuresInARow, health.pending, isFailing(health)], [0, 0, false]);
  // Settling a row twice leaves it as the first settle made it.
  store.recordAttempt(
    { outboxId: rowA!.id, channelId: a, at: 8000, durationMs: 5, outcome: 'failed', statusCode: 400, error: 'x' },
    { status: 'failed', error: 'x' },
  );
  assert.equal(store.getOutboxRow(rowA!.id)?.status, 'delivered');
  assert.equal(store.getOutboxRow(rowA!.id)?.attempts, 1);
});

test('a channel serves the sites it is given; deleting it takes its rows and attempts along', (t) => {
  const store = tempStore(t);
  const a = addWebhookChannel(store, 'http://127.0.0.1:9/a');
  const sites = addSites(store, 3, { ok: true });
  store.setSitesOfChannel(a, [sites[2]!, sites[0]!, 999]);
  assert.deepEqual(store.sitesOfChannel(a), [sites[0], sites[2]]);
  store.setSitesOfChannel(a, []);
  assert.deepEqual(store.sitesOfChannel(a), []);
  store.enqueueOutbox(transitionRows(store, sites[0]!, [a], 'down'));
  store.recordAttempt({ outboxId: null, channelId: a, at: 1, durationMs: 1, outcome: 'delivered', statusCode: 200, error: null });
  assert.equal(store.deleteChannel(a), true);
  assert.equal(store.listOutbox().length, 0);
  assert.equal(store.listDeliveries(a, { limit: 10 }).length, 0);
  assert.equal(store.enqueueOutbox([]), 0);
});

test('an idempotency key is queued once, however often it is enqueued', (t) => {
  const store = tempStore(t);
  const a = addWebhookChannel(store, 'http://127.0.0.1:9/a');
  const [siteId] = addSites(store, 1, { ok: false });
  assert.equal(store.enqueueOutbox(transitionRows(store, siteId!, [a], 'down', 5)), 1);
  assert.equal(store.enqueueOutbox(transitionRows(store, siteId!, [a], 'down', 6)), 0);
  assert.equal(store.listOutbox().length, 1);
});
